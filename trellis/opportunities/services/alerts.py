"""Providers' alerts for the forward plan: new opportunities for chosen service types in chosen wards."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction

from trellis.core.errors import ValidationFailed
from trellis.core.models import Person
from trellis.core.permissions import require
from trellis.core.services import audit_record
from trellis.opportunities import permissions as perms
from trellis.opportunities.domain import fields as field_rules
from trellis.opportunities.models import AlertSubscription
from trellis.organisations import selectors as directory
from trellis.places import selectors as place_selectors

if TYPE_CHECKING:
    from trellis.organisations.models import ServiceType
    from trellis.places.models import Ward


@transaction.atomic
def alert_subscription_set(
    *, actor: Person, service_types: Iterable[ServiceType | str], wards: Iterable[Ward | str], email: bool
) -> AlertSubscription:
    """Set the actor's alerts: new opportunities for any of these service types in any of these wards
    (none chosen means any)."""
    require(perms.can_subscribe(actor))
    type_codes = set(field_rules.codes(service_types, "code"))
    ward_codes = set(field_rules.codes(wards, "gss_code"))
    found_types = list(directory.service_types().filter(code__in=type_codes))
    found_wards = list(place_selectors.wards().filter(gss_code__in=ward_codes))
    errors: dict[str, list[str]] = {}
    if len(found_types) != len(type_codes):
        errors["service_types"] = ["Choose service types from the list."]
    if len(found_wards) != len(ward_codes):
        errors["wards"] = ["Choose wards from the list."]
    if errors:
        raise ValidationFailed.of(errors, "Your alerts have not been saved.")
    subscription, created = AlertSubscription.objects.get_or_create(person=actor, defaults={"email": bool(email)})
    subscription.email = bool(email)
    subscription.save()
    subscription.service_types.set(found_types)
    subscription.wards.set(found_wards)
    audit_record(
        actor=actor,
        verb="opportunity_alerts.set",
        target=subscription,
        data={
            "service_types": sorted(type_codes),
            "wards": sorted(ward_codes),
            "email": bool(email),
            "created": created,
        },
    )
    return subscription


@transaction.atomic
def alert_subscription_remove(*, actor: Person) -> bool:
    """Stop the actor's alerts. Returns whether there were any."""
    require(perms.can_subscribe(actor))
    subscription = AlertSubscription.objects.filter(person=actor).first()
    if subscription is None:
        return False
    audit_record(actor=actor, verb="opportunity_alerts.removed", target=subscription)
    subscription.delete()
    return True
