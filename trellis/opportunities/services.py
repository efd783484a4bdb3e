"""Opportunity use cases. Keyword-only arguments, the acting person first; each checks permission, validates
(naming every field that is wrong, writing nothing), runs in a transaction, records an audit event and
sends its notifications once the transaction commits.

Field errors in rows are named ``<list>-<index>-<field>`` (``lots-0-value``, ``eligibility-2-text``,
``criteria-1-weight``), as a Django formset with that prefix names its fields; the list as a whole is named
by the list (``lots``, ``criteria``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext

from trellis.core.errors import InvalidTransition, ValidationFailed
from trellis.core.models import Person
from trellis.core.permissions import deny, require
from trellis.core.services import audit_record, notify
from trellis.opportunities import permissions as perms
from trellis.opportunities import selectors
from trellis.opportunities.domain import criteria as criteria_rules
from trellis.opportunities.domain import dates, lifecycle
from trellis.opportunities.domain import stages as stage_rules
from trellis.opportunities.domain.kinds import DEFAULT_FLEXIBLE_STAGES, Kind, Stage
from trellis.opportunities.domain.lifecycle import Action, Status, Who
from trellis.opportunities.domain.methodology import Exclusion, PriceMethod, TieBreak
from trellis.opportunities.domain.references import next_reference, place_code
from trellis.opportunities.models import (
    AlertSubscription,
    Clarification,
    ClarificationStatus,
    Criterion,
    EligibilityItem,
    FrameworkMember,
    Lot,
    Opportunity,
    OpportunityDocument,
    StageParticipant,
)
from trellis.organisations import selectors as directory
from trellis.organisations.domain.accreditation import EvidenceKind
from trellis.organisations.domain.uploads import check_document_upload
from trellis.places import selectors as place_selectors
from trellis.routes import permissions as route_perms
from trellis.routes.domain import Regime, Route

MAX_VALUE = Decimal("10000000000")
MAX_DURATION_MONTHS = 240
TEXT_LIMITS = {"title": 200, "summary": 600, "specification": 50_000, "outcomes": 10_000}
TEXT_FIELDS = tuple(TEXT_LIMITS)
BOOL_FIELDS = ("consortium_bids_invited", "show_bid_count_before_opening")
DATE_FIELDS = ("planned_publish_on", "award_expected_on", "service_starts_on")
MOMENT_FIELDS = ("questions_close_at", "closes_at")
#: The published assessment methodology (domain/methodology.py), with the message when a choice is not known.
METHODOLOGY_CHOICES = {
    "price_method": (PriceMethod, "Choose how prices are scored."),
    "exclusion_rule": (Exclusion, "Choose what happens to a bid that fails a pass or fail question or a minimum."),
    "tie_break": (TieBreak, "Choose the tie-break rule."),
}
METHODOLOGY_FIELDS = (*METHODOLOGY_CHOICES, "min_quality_percent")
#: Every field ``opportunity_update`` accepts (and ``opportunity_create`` as ``**fields``).
EDITABLE_FIELDS = frozenset(
    {
        *TEXT_FIELDS,
        *BOOL_FIELDS,
        *DATE_FIELDS,
        *MOMENT_FIELDS,
        "kind",
        "estimated_value",
        "duration_months",
        "service_types",
        "wards",
        "route",
        "regime",
        "stages",
        *METHODOLOGY_FIELDS,
    }
)
REQUIRED_MESSAGES = {"title": "Enter a title for the opportunity."}
MAX_LOTS = 20
MAX_ELIGIBILITY_ITEMS = 40
#: The accreditation evidence a checklist item may name as showing it is met.
EVIDENCE_KINDS = frozenset(k.value for k in EvidenceKind)
MAX_CRITERIA = 30
CALL_OFF_FROM_FRAMEWORK = "A call-off is started from its framework's page, and stays a call-off."


def opportunity_url(opportunity: Opportunity) -> str:
    try:
        return reverse("opportunities:detail", kwargs={"public_id": opportunity.public_id})
    except NoReverseMatch:
        return f"/opportunities/{opportunity.public_id}/"


# Cleaning fields -------------------------------------------------------------------------------------------------


def _money(value: Any) -> tuple[Decimal | None, str]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, ""
    try:
        amount = Decimal(str(value).replace(",", "").replace("£", "").strip())
    except InvalidOperation:
        return None, "Enter an amount in pounds, like 150000."
    if not amount.is_finite() or amount < 0:
        return None, "Enter an amount of 0 or more, in pounds."
    if amount >= MAX_VALUE:
        return None, "Enter an amount under £10 billion."
    if amount != amount.quantize(Decimal("0.01")):
        return None, "Enter pounds and pence, with at most 2 decimal places."
    return amount.quantize(Decimal("0.01")), ""


def _codes(values: Iterable[Any], attr: str) -> list[str]:
    return [str(getattr(v, attr, v)) for v in values or []]


def _clean_changes(place, data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Check each given field; returns (clean values, errors). Many-to-many values come back as lists."""
    clean: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(data) - EDITABLE_FIELDS)
    for name in unknown:
        errors[name] = ["This field cannot be changed here."]
    for name in TEXT_FIELDS:
        if name in data:
            text = "" if data[name] is None else str(data[name]).strip()
            if name in REQUIRED_MESSAGES and not text:
                errors[name] = [REQUIRED_MESSAGES[name]]
            elif len(text) > TEXT_LIMITS[name]:
                errors[name] = [f"Keep it to {TEXT_LIMITS[name]:,} characters or fewer."]
            clean[name] = text
    for name in BOOL_FIELDS:
        if name in data:
            clean[name] = bool(data[name])
    if "kind" in data:
        try:
            clean["kind"] = Kind(str(data["kind"])).value
        except ValueError:
            errors["kind"] = ["Choose the type of opportunity."]
    if "estimated_value" in data:
        clean["estimated_value"], problem = _money(data["estimated_value"])
        if problem:
            errors["estimated_value"] = [problem]
    if "duration_months" in data:
        raw = data["duration_months"]
        if raw in (None, ""):
            clean["duration_months"] = None
        else:
            try:
                months = int(str(raw).strip())
            except ValueError:
                months = -1
            if not 1 <= months <= MAX_DURATION_MONTHS:
                errors["duration_months"] = [f"Enter a length from 1 to {MAX_DURATION_MONTHS} months."]
            clean["duration_months"] = months
    if "route" in data:
        route = str(data["route"] or "")
        if route and route not in {r.value for r in Route}:
            errors["route"] = ["Choose a route from the list."]
        clean["route"] = route
    if "regime" in data:
        regime = str(data["regime"] or "")
        if regime and regime not in {r.value for r in Regime}:
            errors["regime"] = ["Choose a legal regime from the list."]
        clean["regime"] = regime
    for name, (choices, message) in METHODOLOGY_CHOICES.items():
        if name in data:
            value = str(data[name] or "")
            if value not in {c.value for c in choices}:
                errors[name] = [message]
            clean[name] = value
    if "min_quality_percent" in data:
        minimum, problem = _money(data["min_quality_percent"])
        if problem or (minimum is not None and not Decimal(0) <= minimum <= Decimal(100)):
            errors["min_quality_percent"] = ["Enter the minimum quality score as a percentage from 0 to 100."]
        clean["min_quality_percent"] = minimum
    if "stages" in data:
        stages = [str(s) for s in (data["stages"] or [])]
        problems = stage_rules.plan_errors(stages) if stages else []
        if problems:
            errors["stages"] = problems
        clean["stages"] = stages
    for name in DATE_FIELDS:
        if name in data:
            value = data[name]
            if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
                errors[name] = ["Enter a real date."]
            clean[name] = value
    for name in MOMENT_FIELDS:
        if name in data:
            value = data[name]
            if value is not None and not isinstance(value, datetime):
                errors[name] = ["Enter a real date and time."]
            elif value is not None and timezone.is_naive(value):
                errors[name] = ["Enter the time with its time zone."]
            clean[name] = value
    if "service_types" in data:
        codes = set(_codes(data["service_types"], "code"))
        found = list(directory.service_types().filter(code__in=codes))
        if len(found) != len(codes):
            errors["service_types"] = ["Choose service types from the list."]
        clean["service_types"] = found
    if "wards" in data:
        codes = set(_codes(data["wards"], "gss_code"))
        found_wards = list(place_selectors.wards(place).filter(gss_code__in=codes))
        if len(found_wards) != len(codes):
            errors["wards"] = ["Choose wards in this place from the list."]
        clean["wards"] = found_wards
    return clean, errors


def _apply(opportunity: Opportunity, clean: dict[str, Any]) -> list[str]:
    """Set the clean values on the opportunity (saved by the caller); returns the names that changed."""
    changed = []
    for name, value in clean.items():
        if name in ("service_types", "wards"):
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
    for name in ("service_types", "wards"):
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
        "summary": decision.need_description[: TEXT_LIMITS["summary"]],
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


# Opportunities ---------------------------------------------------------------------------------------------------


def opportunity_create(
    *, actor: Person, place, title: str, kind: str, from_decision=None, framework=None, **fields: Any
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
    if "kind" not in errors and (clean.get("kind") == Kind.CALL_OFF) != (framework is not None):
        errors["kind"] = [CALL_OFF_FROM_FRAMEWORK]
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


def _lock(opportunity: Opportunity) -> Opportunity:
    return selectors.opportunity_lock(opportunity.pk)


def _content_changed(*, actor: Person, opportunity: Opportunity, what: str, data: dict[str, Any]) -> None:
    """Record a content change; an approved opportunity goes back to draft, to be approved again."""
    audit_record(actor=actor, verb=f"opportunity.{what}", target=opportunity, data=data)
    if opportunity.status == Status.APPROVED:
        opportunity.status = Status.DRAFT
        opportunity.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            verb="opportunity.return_to_draft",
            target=opportunity,
            data={"from": Status.APPROVED.value, "to": Status.DRAFT.value, "reason": "Changed after approval."},
        )


def _refresh_from(target: Opportunity, source: Opportunity) -> None:
    """Copy the saved state back onto the caller's object."""
    for f in Opportunity._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))


@transaction.atomic
def opportunity_update(*, actor: Person, opportunity: Opportunity, changes: Mapping[str, Any]) -> Opportunity:
    """Change a draft or approved opportunity. An approved one returns to draft when anything changes."""
    require(perms.can_edit_opportunity(actor, opportunity))
    locked = _lock(opportunity)
    require(perms.can_edit_opportunity(actor, locked))
    clean, errors = _clean_changes(locked.place, changes)
    if "kind" in clean and "kind" not in errors and (clean["kind"] == Kind.CALL_OFF) != (locked.kind == Kind.CALL_OFF):
        errors["kind"] = [CALL_OFF_FROM_FRAMEWORK]
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
        _content_changed(actor=actor, opportunity=locked, what="updated", data={"fields": sorted(set(changed))})
    _refresh_from(opportunity, locked)
    return opportunity


def _rows(rows: Any, name: str, limit: int) -> list[Mapping[str, Any]]:
    if not isinstance(rows, Sequence) or isinstance(rows, str | bytes):
        raise ValidationFailed.of({name: [f"The {name} must be a list."]})
    if len(rows) > limit:
        raise ValidationFailed.of({name: [f"There can be at most {limit} {name}."]})
    bad = [i for i, row in enumerate(rows) if not isinstance(row, Mapping)]
    if bad:
        raise ValidationFailed.of({f"{name}-{bad[0]}-title": ["Each row must be a set of named values."]})
    return list(rows)


@transaction.atomic
def lots_set(*, actor: Person, opportunity: Opportunity, lots: list[dict]) -> list[Lot]:
    """Replace the lots. Each needs a title and a value; together they cannot exceed the estimated value."""
    require(perms.can_edit_opportunity(actor, opportunity))
    locked = _lock(opportunity)
    require(perms.can_edit_opportunity(actor, locked))
    rows = _rows(lots, "lots", MAX_LOTS)
    errors: dict[str, list[str]] = {}
    clean = []
    for i, row in enumerate(rows):
        title = str(row.get("title") or "").strip()
        description = str(row.get("description") or "").strip()
        value, problem = _money(row.get("value"))
        if not title:
            errors[f"lots-{i}-title"] = ["Enter a title for the lot."]
        elif len(title) > 200:
            errors[f"lots-{i}-title"] = ["Keep the title to 200 characters or fewer."]
        if problem or value is None:
            errors[f"lots-{i}-value"] = [problem or "Enter the value of the lot, in pounds."]
        clean.append((title, description, value))
    total = sum((v for _, _, v in clean if v is not None), Decimal(0))
    if not errors and locked.estimated_value is not None and total > locked.estimated_value:
        errors["lots"] = [
            f"The lots add up to £{total:,.2f}, more than the estimated value of £{locked.estimated_value:,.2f}."
        ]
    if errors:
        raise ValidationFailed.of(errors, "The lots cannot be saved.")
    locked.lots.all().delete()
    saved = Lot.objects.bulk_create(
        [
            Lot(opportunity=locked, number=i + 1, title=t, description=d, value=v)
            for i, (t, d, v) in enumerate(clean)
            if v is not None
        ]
    )
    _content_changed(
        actor=actor,
        opportunity=locked,
        what="lots_set",
        data={"lots": [{"title": lot.title, "value": str(lot.value)} for lot in saved]},
    )
    _refresh_from(opportunity, locked)
    return saved


@transaction.atomic
def eligibility_set(*, actor: Person, opportunity: Opportunity, items: list[dict]) -> list[EligibilityItem]:
    """Replace the published eligibility checklist: what an organisation must meet to bid (Birmingham's checklist)."""
    require(perms.can_edit_opportunity(actor, opportunity))
    locked = _lock(opportunity)
    require(perms.can_edit_opportunity(actor, locked))
    rows = _rows(items, "eligibility", MAX_ELIGIBILITY_ITEMS)
    errors: dict[str, list[str]] = {}
    clean = []
    for i, row in enumerate(rows):
        text = str(row.get("text") or "").strip()
        if not text:
            errors[f"eligibility-{i}-text"] = ["Enter the requirement."]
        elif len(text) > 500:
            errors[f"eligibility-{i}-text"] = ["Keep it to 500 characters or fewer."]
        kind = str(row.get("evidence_kind") or "").strip()
        if kind and kind not in EVIDENCE_KINDS:
            errors[f"eligibility-{i}-evidence_kind"] = [gettext("Choose a kind of evidence from the list, or none.")]
        clean.append((text, bool(row.get("essential", True)), kind))
    if errors:
        raise ValidationFailed.of(errors, "The checklist cannot be saved.")
    locked.eligibility_items.all().delete()
    saved = EligibilityItem.objects.bulk_create(
        [
            EligibilityItem(opportunity=locked, order=i + 1, text=t, essential=e, evidence_kind=k)
            for i, (t, e, k) in enumerate(clean)
        ]
    )
    _content_changed(
        actor=actor,
        opportunity=locked,
        what="eligibility_set",
        data={"items": [{"text": t, "essential": e, "evidence_kind": k} for t, e, k in clean]},
    )
    _refresh_from(opportunity, locked)
    return saved


@transaction.atomic
def criteria_set(*, actor: Person, opportunity: Opportunity, criteria: list[dict]) -> list[Criterion]:
    """Replace the evaluation criteria. Each row is checked; a draft may be saved with weights that do not yet add
    up to 100, but it cannot be published until they do."""
    require(perms.can_edit_opportunity(actor, opportunity))
    locked = _lock(opportunity)
    require(perms.can_edit_opportunity(actor, locked))
    rows = _rows(criteria, "criteria", MAX_CRITERIA)
    parsed = criteria_rules.parse_criteria(rows, complete=False)
    locked.criteria.all().delete()
    saved = Criterion.objects.bulk_create(
        [
            Criterion(
                opportunity=locked,
                order=i + 1,
                section=c.section,
                name=c.name,
                description=c.description,
                weight=c.weight,
                scale=c.scale.value,
                word_limit=c.word_limit,
                is_price=c.is_price,
                template=c.template,
                min_mark=c.min_mark,
            )
            for i, c in enumerate(parsed)
        ]
    )
    _content_changed(
        actor=actor,
        opportunity=locked,
        what="criteria_set",
        data={
            "criteria": [{"name": c.name, "weight": str(c.weight), "scale": c.scale.value} for c in parsed],
            "total_weight": str(criteria_rules.total_weight([c.weight for c in parsed])),
        },
    )
    _refresh_from(opportunity, locked)
    return saved


@transaction.atomic
def document_add(*, actor: Person, opportunity: Opportunity, upload, title: str = "") -> OpportunityDocument:
    """Attach a document, checked by its content (type and size) before anything is stored."""
    require(perms.can_edit_opportunity(actor, opportunity))
    locked = _lock(opportunity)
    require(perms.can_edit_opportunity(actor, locked))
    checked = check_document_upload(upload, title, max_bytes=settings.TRELLIS_MAX_UPLOAD_BYTES)
    if checked.errors or checked.file_type is None:
        raise ValidationFailed.of(checked.errors, "The document has not been added.")
    content, file_type, title, stored_name = checked.content, checked.file_type, checked.title, checked.stored_name
    document = OpportunityDocument(
        opportunity=locked,
        title=title,
        original_filename=stored_name,
        content_type=file_type.content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=actor,
    )
    document.file.save(stored_name, ContentFile(content), save=False)
    document.save()
    _content_changed(
        actor=actor,
        opportunity=locked,
        what="document_added",
        data={"document": str(document.public_id), "title": title, "sha256": document.sha256, "size": document.size},
    )
    _refresh_from(opportunity, locked)
    return document


@transaction.atomic
def document_remove(*, actor: Person, document: OpportunityDocument) -> None:
    opportunity = document.opportunity
    require(perms.can_edit_opportunity(actor, opportunity))
    locked = _lock(opportunity)
    require(perms.can_edit_opportunity(actor, locked))
    data = {"document": str(document.public_id), "title": document.title, "sha256": document.sha256}
    stored = document.file.name
    document.delete()
    if stored:
        transaction.on_commit(lambda: document.file.storage.delete(stored))
    _content_changed(actor=actor, opportunity=locked, what="document_removed", data=data)


# Lifecycle -------------------------------------------------------------------------------------------------------


def _move(
    *,
    actor: Person | None,
    opportunity: Opportunity,
    action: str,
    roles: set[str],
    reason: str,
    now: datetime,
    stage_errors: Mapping[str, list[str]] | None = None,
    locked: Opportunity | None = None,
    award_approved: bool = False,
) -> Opportunity:
    locked = locked or _lock(opportunity)
    readiness = None
    if action == Action.PUBLISH:
        readiness = selectors.publication_check(locked, now=now).errors
    facts = lifecycle.MoveFacts(
        actor_is_creator=actor is not None and locked.created_by_id == actor.pk,
        deadline_passed=locked.closes_at is not None and now >= locked.closes_at,
        reason=reason,
        readiness_errors=readiness,
        stages=tuple(locked.stages or ()),
        stage_index=locked.stage_index,
        stage_errors=dict(stage_errors) if stage_errors else None,
        award_approved=award_approved,
    )
    before = Status(locked.status)
    after = lifecycle.check_move(before, action, roles, facts)
    locked.status = after.value
    fields = ["status", "updated_at"]
    if action in (Action.ADVANCE_STAGE, Action.INVITE_NEXT_STAGE):
        locked.stage_index += 1
        fields.append("stage_index")
    if action == Action.PUBLISH:
        locked.published_at = now
        fields.append("published_at")
    if action == Action.CLOSE:
        locked.closed_at = now
        fields.append("closed_at")
    if action in (Action.CANCEL, Action.NOT_AWARD) or reason.strip():
        locked.status_reason = reason.strip()
        fields.append("status_reason")
    locked.save(update_fields=fields)
    audit_record(
        actor=actor,
        verb=f"opportunity.{Action(action).value}",
        target=locked,
        data={"from": before.value, "to": after.value, "reason": reason.strip(), "at": now.isoformat()},
    )
    _notify_move(locked, Action(action), before)
    _refresh_from(opportunity, locked)
    return opportunity


def opportunity_transition(
    *,
    actor: Person,
    opportunity: Opportunity,
    action: str,
    reason: str = "",
    now: datetime | None = None,
    award_approved: bool = False,
) -> Opportunity:
    """Make one move of the lifecycle table (approve, return_to_draft, publish, close, start_evaluation, award,
    not_award, cancel). Publishing checks weights, dates and minimum periods and alerts subscribers. ``award`` needs
    ``award_approved``: only the evaluation service passes it, when a commissioner approves the decision."""
    now = now or timezone.now()
    if not perms.is_officer(actor):
        require(deny(perms.OFFICERS_ONLY))
    lifecycle.transition_for(opportunity.status, action)  # InvalidTransition when the move is not in the table
    require(perms.can_transition(actor, opportunity, action, award_approved=award_approved))
    with transaction.atomic():
        return _move(
            actor=actor,
            opportunity=opportunity,
            action=action,
            roles=perms.lifecycle_roles(actor),
            reason=reason,
            now=now,
            award_approved=award_approved,
        )


# Stages of a competitive flexible procedure -----------------------------------------------------------------------


def opportunity_stage_advance(
    *,
    actor: Person,
    opportunity: Opportunity,
    participants: Sequence[Any],
    problems: Mapping[str, list[str]] | None = None,
    now: datetime | None = None,
) -> Opportunity:
    """Move a closed procedure from a submission stage to the shortlist, dialogue or negotiation step after it,
    recording the providers who go on (``participants``). The bids app decides who may be chosen (they must have
    submitted to the stage, whose bids must have been opened) and passes what stops the move as ``problems``,
    by field; nothing is written when there are any."""
    now = now or timezone.now()
    require(perms.can_transition(actor, opportunity, Action.ADVANCE_STAGE))
    errors = {k: list(v) for k, v in (problems or {}).items() if v}
    chosen = {org.pk: org for org in participants}
    if not chosen and "participants" not in errors:
        errors["participants"] = ["Choose at least one provider to go on to the next stage."]
    with transaction.atomic():
        locked = _lock(opportunity)
        finished = {
            "stage": selectors.current_stage(locked),
            "closes_at": locked.closes_at.isoformat() if locked.closes_at else None,
            "closed_at": locked.closed_at.isoformat() if locked.closed_at else None,
        }
        _move(
            actor=actor,
            opportunity=opportunity,
            action=Action.ADVANCE_STAGE,
            roles=perms.lifecycle_roles(actor),
            reason="",
            now=now,
            stage_errors=errors,
            locked=locked,
        )
        locked.stage_history = [*(locked.stage_history or []), finished]
        locked.save(update_fields=["stage_history", "updated_at"])
        StageParticipant.objects.bulk_create(
            [
                StageParticipant(
                    opportunity=locked, stage_index=locked.stage_index, organisation=org, added_by=actor, added_at=now
                )
                for org in chosen.values()
            ]
        )
        audit_record(
            actor=actor,
            verb="opportunity.stage_participants_chosen",
            target=locked,
            data={
                "stage": selectors.current_stage(locked),
                "participants": sorted(org.org_id for org in chosen.values()),
            },
        )
        _refresh_from(opportunity, locked)
    return opportunity


def opportunity_invite_next_stage(
    *,
    actor: Person,
    opportunity: Opportunity,
    closes_at: Any,
    questions_close_at: Any = None,
    now: datetime | None = None,
) -> Opportunity:
    """Open the next submission stage to the providers chosen at the step before it, with its own deadline (at
    least the stage's minimum period away) and question deadline. They are told, by e-mail too."""
    now = now or timezone.now()
    require(perms.can_transition(actor, opportunity, Action.INVITE_NEXT_STAGE))
    with transaction.atomic():
        locked = _lock(opportunity)
        upcoming = stage_rules.following(locked.stages or [], locked.stage_index)
        errors: dict[str, list[str]] = {}
        if upcoming is not None and stage_rules.is_submission(upcoming):
            errors = stage_rules.invitation_errors(
                upcoming, closes_at=closes_at, questions_close_at=questions_close_at, now=now
            )
        _move(
            actor=actor,
            opportunity=opportunity,
            action=Action.INVITE_NEXT_STAGE,
            roles=perms.lifecycle_roles(actor),
            reason="",
            now=now,
            stage_errors=errors,
            locked=locked,
        )
        locked.closes_at = closes_at
        locked.questions_close_at = questions_close_at
        locked.closed_at = None
        locked.reminders_sent = []
        locked.save(update_fields=["closes_at", "questions_close_at", "closed_at", "reminders_sent", "updated_at"])
        stage = Stage(selectors.current_stage(locked))
        audit_record(
            actor=actor,
            verb="opportunity.stage_invited",
            target=locked,
            data={"stage": stage.value, "closes_at": closes_at.isoformat()},
        )
        _notify_people(
            {person: True for person in selectors.stage_participant_people(locked)},
            subject=f"Invitation: {stage.label.lower()} for {locked.title}",
            body=(
                f"You are invited to the {stage.label.lower()} stage of {locked.title} ({locked.reference}).\n\n"
                f"The deadline is {_deadline_text(locked)}."
            ),
            url=opportunity_url(locked),
        )
        _refresh_from(opportunity, locked)
    return opportunity


def close_due_opportunities(*, now: datetime | None = None) -> int:
    """Close every published opportunity whose deadline has passed (the scheduled task). Returns how many."""
    now = now or timezone.now()
    closed = 0
    for opportunity in selectors.due_to_close(now=now):
        with transaction.atomic():
            try:
                _move(
                    actor=None,
                    opportunity=opportunity,
                    action=Action.CLOSE,
                    roles={Who.SYSTEM.value},
                    reason="",
                    now=now,
                )
            except InvalidTransition:  # moved by someone else meanwhile
                continue
        closed += 1
    return closed


def _notify_people(people: dict[Person, bool], *, subject: str, body: str, url: str) -> None:
    """Notify each person, by e-mail too where their preference (the dict's value) says so."""
    by_email = [p for p, email in people.items() if email]
    in_app = [p for p, email in people.items() if not email]
    if by_email:
        notify(recipients=by_email, subject=subject, body=body, url=url, email=True)
    if in_app:
        notify(recipients=in_app, subject=subject, body=body, url=url, email=False)


def _interested(opportunity: Opportunity) -> dict[Person, bool]:
    """Subscribers whose alerts match, and the members of every organisation that asked a question."""
    people = {s.person: s.email for s in selectors.matching_subscriptions(opportunity)}
    for person in selectors.people_of_asking_organisations(opportunity):
        people.setdefault(person, True)
    return people


def _deadline_text(opportunity: Opportunity) -> str:
    if opportunity.closes_at is None:
        return ""
    local = timezone.localtime(opportunity.closes_at)
    return f"{local:%-I:%M%p on %A %-d %B %Y}".replace("AM", "am").replace("PM", "pm")


def _notify_move(opportunity: Opportunity, action: Action, before: Status) -> None:
    url = opportunity_url(opportunity)
    if action == Action.PUBLISH:
        people = {s.person: s.email for s in selectors.matching_subscriptions(opportunity)}
        if opportunity.kind == Kind.CALL_OFF and opportunity.framework is not None:
            # The framework's providers are the only ones who may bid: each hears, by e-mail too.
            people = {person: True for person in selectors.framework_member_people(opportunity.framework)}
        _notify_people(
            people,
            subject=f"New opportunity: {opportunity.title}",
            body=(
                f"{opportunity.kind_label}: {opportunity.title} ({opportunity.reference}).\n\n"
                f"{opportunity.summary}\n\nThe deadline is {_deadline_text(opportunity)}."
            ).strip(),
            url=url,
        )
    elif action == Action.CANCEL and before in lifecycle.PUBLIC_STATUSES:
        _notify_people(
            _interested(opportunity),
            subject=f"Cancelled: {opportunity.title}",
            body=f"{opportunity.title} ({opportunity.reference}) has been cancelled.\n\n{opportunity.status_reason}",
            url=url,
        )
    elif action == Action.APPROVE and opportunity.created_by is not None:
        notify(
            recipients=[opportunity.created_by],
            subject=f"Approved: {opportunity.title}",
            body=f"{opportunity.title} ({opportunity.reference}) has been approved and can now be published.",
            url=url,
            email=False,
        )


def opportunity_send_deadline_reminders(*, now: datetime | None = None) -> int:
    """Remind interested providers 7 days and 1 day before a deadline (each reminder once). Returns how many sent."""
    now = now or timezone.now()
    sent = 0
    for opportunity in selectors.deadline_reminders_due(now=now):
        assert opportunity.closes_at is not None
        left = opportunity.closes_at - now
        due = 1 if left.total_seconds() <= 86_400 else 7
        with transaction.atomic():
            locked = _lock(opportunity)
            already = set(locked.reminders_sent or [])
            if due in already or locked.status != Status.PUBLISHED:
                continue
            locked.reminders_sent = sorted(already | ({1, 7} if due == 1 else {7}))
            locked.save(update_fields=["reminders_sent", "updated_at"])
            when = "tomorrow" if due == 1 else "in a week"
            _notify_people(
                _interested(locked),
                subject=f"Deadline {when}: {locked.title}",
                body=f"The deadline for {locked.title} ({locked.reference}) is {_deadline_text(locked)}.",
                url=opportunity_url(locked),
            )
            audit_record(actor=None, verb="opportunity.deadline_reminder", target=locked, data={"days": due})
        sent += 1
    return sent


# Clarifications --------------------------------------------------------------------------------------------------


@transaction.atomic
def clarification_ask(
    *, actor: Person, opportunity: Opportunity, organisation, question: str, now: datetime | None = None
) -> Clarification:
    """A provider's private question, asked for one of its organisations while questions are open."""
    now = now or timezone.now()
    require(perms.can_ask_question(actor, opportunity, organisation, now=now))
    text = (question or "").strip()
    if not text:
        raise ValidationFailed.of({"question": ["Enter your question."]})
    if len(text) > 5000:
        raise ValidationFailed.of({"question": ["Keep your question to 5,000 characters or fewer."]})
    clarification = Clarification.objects.create(
        opportunity=opportunity, asked_by=actor, asking_organisation=organisation, question=text, created_at=now
    )
    audit_record(
        actor=actor,
        verb="clarification.asked",
        target=clarification,
        data={"opportunity": opportunity.reference, "organisation": organisation.org_id},
    )
    notify(
        recipients=selectors.opportunity_officers(opportunity),
        subject=f"New question: {opportunity.title}",
        body=f"A provider has asked a question about {opportunity.title} ({opportunity.reference}).",
        url=opportunity_url(opportunity),
        email=False,
    )
    return clarification


@transaction.atomic
def clarification_answer(
    *, actor: Person, clarification: Clarification, answer: str, publish: bool = True, now: datetime | None = None
) -> Clarification:
    """Answer a question. Publishing shows the question and answer to everyone, never who asked, and tells every
    interested provider (matching subscribers and the organisations that asked questions)."""
    now = now or timezone.now()
    require(perms.can_answer_question(actor, clarification))
    locked = Clarification.objects.select_for_update().select_related("opportunity").get(pk=clarification.pk)
    text = (answer or "").strip()
    errors: dict[str, list[str]] = {}
    if locked.status == ClarificationStatus.WITHDRAWN:
        errors["answer"] = ["This question was withdrawn."]
    elif not text:
        errors["answer"] = ["Enter the answer."]
    elif len(text) > 10_000:
        errors["answer"] = ["Keep the answer to 10,000 characters or fewer."]
    if errors:
        raise ValidationFailed.of(errors)
    was_published = locked.status == ClarificationStatus.PUBLISHED
    locked.answer = text
    locked.answered_by = actor
    locked.answered_at = now
    if publish or was_published:
        locked.status = ClarificationStatus.PUBLISHED
        locked.published_at = locked.published_at or now
    else:
        locked.status = ClarificationStatus.ANSWERED
    locked.save()
    audit_record(
        actor=actor,
        verb="clarification.published" if locked.status == ClarificationStatus.PUBLISHED else "clarification.answered",
        target=locked,
        data={"opportunity": locked.opportunity.reference, "changed_after_publishing": was_published},
    )
    if locked.status == ClarificationStatus.PUBLISHED:
        opportunity = locked.opportunity
        _notify_people(
            _interested(opportunity),
            subject=f"Question answered: {opportunity.title}",
            body=f"A new answer to a clarification question about {opportunity.title} ({opportunity.reference}) "
            "has been published.",
            url=opportunity_url(opportunity),
        )
    for name in ("answer", "answered_by_id", "answered_at", "status", "published_at"):
        setattr(clarification, name, getattr(locked, name))
    return clarification


@transaction.atomic
def clarification_withdraw(*, actor: Person, clarification: Clarification) -> Clarification:
    """The person who asked may withdraw a question not yet answered."""
    locked = Clarification.objects.select_for_update().get(pk=clarification.pk)
    if locked.asked_by_id != getattr(actor, "pk", None):
        require(deny("Only the person who asked can withdraw this question."))
    if locked.status != ClarificationStatus.ASKED:
        raise InvalidTransition("This question has been answered and can no longer be withdrawn.")
    locked.status = ClarificationStatus.WITHDRAWN
    locked.save(update_fields=["status"])
    audit_record(actor=actor, verb="clarification.withdrawn", target=locked)
    clarification.status = locked.status
    return clarification


# Alerts ----------------------------------------------------------------------------------------------------------


@transaction.atomic
def alert_subscription_set(*, actor: Person, service_types, wards, email: bool) -> AlertSubscription:
    """Set the actor's alerts: new opportunities for any of these service types in any of these wards
    (none chosen means any)."""
    require(perms.can_subscribe(actor))
    type_codes = set(_codes(service_types, "code"))
    ward_codes = set(_codes(wards, "gss_code"))
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


# Frameworks and call-offs ----------------------------------------------------------------------------------------


def _framework_problem(framework: Opportunity) -> str:
    if framework.kind != Kind.FRAMEWORK:
        return "Only a framework has providers appointed to it."
    if framework.status != Status.AWARDED:
        return "Providers can be appointed to a framework only once it has been awarded."
    return ""


@transaction.atomic
def framework_members_set(*, actor: Person, framework: Opportunity, organisations: Iterable[Any]) -> list[str]:
    """Set the providers on an awarded framework: the organisations (or their org-ids) given, and no others.
    Providers already on it keep their appointment date. Returns the org-ids now on the framework."""
    if not perms.is_officer(actor):
        require(deny(perms.OFFICERS_ONLY))
    locked = _lock(framework)
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
    locked = _lock(framework)
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
