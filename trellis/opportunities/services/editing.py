"""Creating an opportunity (from scratch or from a saved route decision) and changing its fields.

The fields are cleaned by ``domain/fields.py``; the service adds what needs the database (service types from the
directory, wards of the place) and the order of the key dates (``domain/dates.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from trellis.core.errors import ValidationFailed
from trellis.core.models import Person
from trellis.core.permissions import require
from trellis.core.services import audit_record
from trellis.opportunities import permissions as perms
from trellis.opportunities.domain import dates
from trellis.opportunities.domain import fields as field_rules
from trellis.opportunities.domain.kinds import DEFAULT_FLEXIBLE_STAGES, Kind
from trellis.opportunities.domain.references import next_reference, place_code
from trellis.opportunities.models import Opportunity
from trellis.opportunities.services.common import content_changed, lock, refresh_from
from trellis.organisations import selectors as directory
from trellis.places import selectors as place_selectors
from trellis.routes import permissions as route_perms

if TYPE_CHECKING:
    from trellis.places.models import Place
    from trellis.routes.models import RouteDecision


def _clean_changes(place, data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Check each given field; returns (clean values, errors). Many-to-many values come back as lists."""
    clean, errors = field_rules.clean_fields(data)
    if "service_types" in data:
        codes = set(field_rules.codes(data["service_types"], "code"))
        found = list(directory.service_types().filter(code__in=codes))
        if len(found) != len(codes):
            errors["service_types"] = ["Choose service types from the list."]
        clean["service_types"] = found
    if "wards" in data:
        codes = set(field_rules.codes(data["wards"], "gss_code"))
        found_wards = list(place_selectors.wards(place).filter(gss_code__in=codes))
        if len(found_wards) != len(codes):
            errors["wards"] = ["Choose wards in this place from the list."]
        clean["wards"] = found_wards
    return clean, errors


def _apply(opportunity: Opportunity, clean: dict[str, Any]) -> list[str]:
    """Set the clean values on the opportunity (saved by the caller); returns the names that changed."""
    changed = []
    for name, value in clean.items():
        if name in field_rules.RELATION_FIELDS:
            continue
        if getattr(opportunity, name) != value:
            setattr(opportunity, name, value)
            changed.append(name)
    if opportunity.kind == Kind.COMPETITIVE_FLEXIBLE and not opportunity.stages:
        opportunity.stages = [s.value for s in DEFAULT_FLEXIBLE_STAGES]
        changed.append("stages")
    elif opportunity.kind != Kind.COMPETITIVE_FLEXIBLE and opportunity.stages:
        opportunity.stages = []
        changed.append("stages")
    return changed


def _set_relations(opportunity: Opportunity, clean: dict[str, Any]) -> list[str]:
    changed: list[str] = []
    for name in field_rules.RELATION_FIELDS:
        if name in clean:
            manager = getattr(opportunity, name)
            before = set(manager.values_list("pk", flat=True))
            after = {obj.pk for obj in clean[name]}
            if before != after:
                manager.set(clean[name])
                changed.append(name)
    return changed


def _key_dates(opportunity: Opportunity) -> dates.KeyDates:
    return dates.KeyDates(
        planned_publish_on=opportunity.planned_publish_on,
        questions_close_at=opportunity.questions_close_at,
        closes_at=opportunity.closes_at,
        award_expected_on=opportunity.award_expected_on,
        service_starts_on=opportunity.service_starts_on,
    )


def _new_reference(place) -> str:
    code = place_code(place.authority_org_id, place.slug)
    year = timezone.localdate().year
    existing = Opportunity.objects.filter(reference__startswith=f"{code}-{year}-").values_list("reference", flat=True)
    return next_reference(code, year, existing)


def _facts_from_decision(decision) -> dict[str, Any]:
    facts = decision.facts or {}
    copied: dict[str, Any] = {
        "route": decision.chosen_route,
        "regime": str((decision.advice or {}).get("regime", "")),
        "summary": decision.need_description[: field_rules.TEXT_LIMITS["summary"]],
    }
    if facts.get("estimated_value_gbp") is not None:
        copied["estimated_value"] = facts["estimated_value_gbp"]
    if facts.get("duration_months"):
        copied["duration_months"] = facts["duration_months"]
    if facts.get("service_types"):
        known = set(directory.service_types().values_list("code", flat=True))
        copied["service_types"] = [c for c in facts["service_types"] if c in known]
    if facts.get("wards"):
        known = set(place_selectors.wards(decision.place).values_list("gss_code", flat=True))
        copied["wards"] = [c for c in facts["wards"] if c in known]
    return copied


def opportunity_create(
    *,
    actor: Person,
    place: Place,
    title: str,
    kind: str,
    from_decision: RouteDecision | None = None,
    framework: Opportunity | None = None,
    **fields: Any,
) -> Opportunity:
    """A new draft, from scratch or from a saved route decision (whose value, length, route, regime, service types
    and wards it copies; anything in ``fields`` wins). A call-off is made by ``call_off_create``, which passes its
    ``framework``."""
    require(perms.can_create_opportunity(actor, place))
    data: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    if from_decision is not None:
        if not route_perms.can_view_decision(actor, from_decision):
            errors["from_decision"] = ["Choose one of your council's saved route decisions."]
        elif from_decision.place_id != place.pk:
            errors["from_decision"] = ["That route decision is for another place."]
        else:
            data.update(_facts_from_decision(from_decision))
    data.update(fields)
    data.update({"title": title, "kind": kind})
    clean, field_errors = _clean_changes(place, data)
    errors.update(field_errors)
    if "kind" not in errors:
        errors.update(field_rules.call_off_errors(kind=clean["kind"], is_call_off=framework is not None))
    if not errors:
        probe = Opportunity(place=place)
        _apply(probe, clean)
        errors.update(dates.check_order(_key_dates(probe)).errors)
    if errors:
        raise ValidationFailed.of(errors, "The opportunity cannot be created yet.")
    for attempt in range(3):
        try:
            with transaction.atomic():
                opportunity = Opportunity(
                    place=place,
                    reference=_new_reference(place),
                    created_by=actor,
                    route_decision=from_decision,
                    framework=framework,
                )
                _apply(opportunity, clean)
                opportunity.save()
                _set_relations(opportunity, clean)
                audit_record(
                    actor=actor,
                    verb="opportunity.created",
                    target=opportunity,
                    data={
                        "reference": opportunity.reference,
                        "kind": opportunity.kind,
                        "status": opportunity.status,
                        "from_decision": str(from_decision.public_id) if from_decision is not None else None,
                    },
                )
            return opportunity
        except IntegrityError:  # someone took the same reference a moment earlier
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def opportunity_update(*, actor: Person, opportunity: Opportunity, changes: Mapping[str, Any]) -> Opportunity:
    """Change a draft or approved opportunity. An approved one returns to draft when anything changes."""
    require(perms.can_edit_opportunity(actor, opportunity))
    locked = lock(opportunity)
    require(perms.can_edit_opportunity(actor, locked))
    clean, errors = _clean_changes(locked.place, changes)
    if "kind" in clean and "kind" not in errors:
        errors.update(field_rules.call_off_errors(kind=clean["kind"], is_call_off=locked.kind == Kind.CALL_OFF))
    if not errors:
        probe = Opportunity.objects.get(pk=locked.pk)
        _apply(probe, clean)
        errors.update(dates.check_order(_key_dates(probe)).errors)
    if errors:
        raise ValidationFailed.of(errors, "The changes cannot be saved.")
    changed = _apply(locked, clean)
    if changed:
        locked.save()
    changed += _set_relations(locked, clean)
    if changed:
        content_changed(actor=actor, opportunity=locked, what="updated", data={"fields": sorted(set(changed))})
    refresh_from(opportunity, locked)
    return opportunity
