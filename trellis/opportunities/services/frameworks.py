"""Frameworks and their call-offs: the providers appointed to an awarded framework, and a call-off started from it
(only the framework's providers may bid, and they are told when it is published)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction

from trellis.core.errors import ValidationFailed
from trellis.core.models import Person
from trellis.core.permissions import deny, require
from trellis.core.services import audit_record
from trellis.opportunities import permissions as perms
from trellis.opportunities.domain.kinds import Kind
from trellis.opportunities.domain.lifecycle import Status
from trellis.opportunities.models import FrameworkMember, Opportunity
from trellis.opportunities.services.common import lock
from trellis.opportunities.services.editing import opportunity_create
from trellis.organisations import selectors as directory

if TYPE_CHECKING:
    from trellis.organisations.models import Organisation


def _framework_problem(framework: Opportunity) -> str:
    if framework.kind != Kind.FRAMEWORK:
        return "Only a framework has providers appointed to it."
    if framework.status != Status.AWARDED:
        return "Providers can be appointed to a framework only once it has been awarded."
    return ""


@transaction.atomic
def framework_members_set(
    *, actor: Person, framework: Opportunity, organisations: Iterable[Organisation | str]
) -> list[str]:
    """Set the providers on an awarded framework: the organisations (or their org-ids) given, and no others.
    Providers already on it keep their appointment date. Returns the org-ids now on the framework."""
    if not perms.is_officer(actor):
        require(deny(perms.OFFICERS_ONLY))
    locked = lock(framework)
    errors: dict[str, list[str]] = {}
    problem = _framework_problem(locked)
    if problem:
        errors["organisations"] = [problem]
    wanted: dict[int, Any] = {}
    for item in organisations or []:
        if isinstance(item, str):
            text = item.strip()
            found = directory.organisation_by_org_id(text) if text else None
            if found is None:
                errors.setdefault("organisations", []).append(
                    f"No organisation in the directory has the org-id {text or '(blank)'}."
                )
                continue
            item = found
        if getattr(item, "pk", None) is None:
            errors.setdefault("organisations", []).append("Choose organisations from the directory.")
            continue
        if not item.is_active:
            errors.setdefault("organisations", []).append(f"{item.name} is no longer active in the directory.")
            continue
        wanted[item.pk] = item
    if errors:
        raise ValidationFailed.of(errors, "The providers on the framework have not been saved.")
    current = {
        m.organisation_id: m for m in FrameworkMember.objects.select_related("organisation").filter(framework=locked)
    }
    removed = [m for org_id, m in current.items() if org_id not in wanted]
    added = [org for org_id, org in wanted.items() if org_id not in current]
    for member in removed:
        member.delete()
    FrameworkMember.objects.bulk_create(
        [FrameworkMember(framework=locked, organisation=org, appointed_by=actor) for org in added]
    )
    audit_record(
        actor=actor,
        verb="opportunity.framework_members_set",
        target=locked,
        data={
            "added": sorted(org.org_id for org in added),
            "removed": sorted(m.organisation.org_id for m in removed),
            "members": len(wanted),
        },
    )
    return sorted(org.org_id for org in wanted.values())


@transaction.atomic
def call_off_create(*, actor: Person, framework: Opportunity, title: str, **fields: Any) -> Opportunity:
    """A draft call-off under an awarded framework with providers on it. It copies the framework's place, service
    types and wards (anything in ``fields`` wins), then follows the usual lifecycle; only the framework's providers
    may bid, and they are told when it is published."""
    require(perms.can_create_opportunity(actor, framework.place))
    locked = lock(framework)
    problem = _framework_problem(locked)
    if not problem and not FrameworkMember.objects.filter(framework=locked).exists():
        problem = "Appoint the providers on this framework before starting a call-off."
    if locked.kind != Kind.FRAMEWORK:
        problem = "Call-offs are made only from a framework."
    if problem:
        raise ValidationFailed.of({"framework": [problem]}, "The call-off cannot be started.")
    data: dict[str, Any] = {
        "service_types": list(locked.service_types.all()),
        "wards": list(locked.wards.all()),
        "consortium_bids_invited": locked.consortium_bids_invited,
    }
    data.update(fields)
    call_off = opportunity_create(
        actor=actor, place=locked.place, title=title, kind=Kind.CALL_OFF.value, framework=locked, **data
    )
    audit_record(
        actor=actor,
        verb="opportunity.call_off_created",
        target=locked,
        data={"call_off": call_off.reference, "framework": locked.reference},
    )
    return call_off
