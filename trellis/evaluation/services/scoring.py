"""Conflicts, independent marks and moderation: a panel member declares before reading a bid, marks and submits;
the moderator records the consensus."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from trellis.bids import services as bid_services
from trellis.core.errors import InvalidTransition, ValidationFailed
from trellis.core.models import Person
from trellis.core.permissions import require
from trellis.core.services import audit_record, notify
from trellis.evaluation import messages, selectors
from trellis.evaluation import permissions as perms
from trellis.evaluation.domain import workflow
from trellis.evaluation.models import (
    ConsensusMark,
    Evaluation,
    Mark,
    ScoreSheet,
)
from trellis.evaluation.services.common import cleaned_text

if TYPE_CHECKING:
    from trellis.bids.models import Bid
    from trellis.opportunities.models import Criterion


# Conflicts, marks, moderation ---------------------------------------------------------------------------------


def conflict_declare(
    *, actor: Person, evaluation: Evaluation, bid: Bid, conflict: bool, details: str = "", now: datetime | None = None
):
    """A panel member's declaration for one bid, before seeing it. A conflict recuses them from it everywhere and
    tells the officers, who may need to add another marker."""
    require(perms.can_declare(actor, evaluation, bid))
    with transaction.atomic():
        declaration = bid_services.conflict_declare(actor=actor, bid=bid, conflict=conflict, details=details, now=now)
        if conflict:
            notify(
                recipients=selectors.organisers(evaluation), message=messages.conflict_declared(evaluation), email=False
            )
    return declaration


def bid_read(*, actor: Person, evaluation: Evaluation, bid: Bid) -> None:
    """Record that a panel member read a bid (every reading of a bid by the authority's people is audited)."""
    require(perms.can_read_bid(actor, evaluation, bid))
    audit_record(
        actor=actor,
        verb="bid.read",
        target=bid,
        data={"where": "evaluation", "evaluation": evaluation.pk, "opportunity": evaluation.opportunity.reference},
    )


@transaction.atomic
def marks_save(
    *,
    actor: Person,
    evaluation: Evaluation,
    bid: Bid,
    marks: Mapping[Any, tuple[Any, Any]],
    submit: bool = False,
    now: datetime | None = None,
) -> ScoreSheet:
    """Save the actor's marks for a bid (``{criterion_id: (score, justification)}``), and with ``submit`` submit
    them: every assigned criterion must then be marked, and the marks can no longer change. A mark without its
    justification, or off its scale, is refused and nothing is saved."""
    now = now or timezone.now()
    require(perms.can_score(actor, evaluation, bid))
    member = perms.member_for(actor, evaluation)
    assert member is not None
    assigned = {c.pk: c for c in member.criteria.filter(is_price=False)}
    errors: dict[str, list[str]] = {}
    clean: dict[int, tuple[Decimal, str]] = {}
    for raw_key, (raw_score, raw_text) in marks.items():
        try:
            key = int(raw_key)
        except (TypeError, ValueError):
            errors["marks"] = ["Mark only the criteria assigned to you."]
            continue
        if key not in assigned:
            errors["marks"] = ["Mark only the criteria assigned to you."]
            continue
        blank = str(raw_score or "").strip() == "" and not cleaned_text(raw_text)
        if blank and not submit:
            continue  # a draft may leave a criterion for later
        check = workflow.check_mark(assigned[key].name, assigned[key].scale, raw_score, raw_text)
        if check.score_problems:
            errors[f"mark-{key}"] = list(check.score_problems)
        if check.reason_problems:
            errors[f"justification-{key}"] = list(check.reason_problems)
        if check.ok:
            assert check.score is not None
            clean[key] = (check.score, check.reason)
    sheet, _ = ScoreSheet.objects.select_for_update().get_or_create(member=member, bid=bid)
    if sheet.submitted_at is not None:
        raise InvalidTransition("You have submitted your marks for this bid: they can no longer be changed.")
    if submit:
        existing = set(sheet.marks.values_list("criterion_id", flat=True))
        for key, criterion in assigned.items():
            if key not in clean and key not in existing and not {f"mark-{key}", f"justification-{key}"} & set(errors):
                errors[f"mark-{key}"] = [f"Enter a mark for “{criterion.name}”."]
    if errors:
        raise ValidationFailed.of(errors, "Your marks have not been saved.")
    changes = []
    for key, (score, text) in clean.items():
        mark, created = Mark.objects.get_or_create(
            sheet=sheet, criterion=assigned[key], defaults={"score": score, "justification": text}
        )
        if not created and (mark.score != score or mark.justification != text):
            changes.append({"criterion": key, "from": str(mark.score), "to": str(score)})
            mark.score, mark.justification = score, text
            mark.save(update_fields=["score", "justification", "updated_at"])
        elif created:
            changes.append({"criterion": key, "from": None, "to": str(score)})
    if submit:
        sheet.submitted_at = now
        sheet.save(update_fields=["submitted_at"])
    audit_record(
        actor=actor,
        verb="evaluation.marks_submitted" if submit else "evaluation.marks_saved",
        target=bid,
        data={"evaluation": evaluation.pk, "member": member.pk, "changes": changes},
    )
    return sheet


@transaction.atomic
def consensus_record(
    *,
    actor: Person,
    evaluation: Evaluation,
    bid: Bid,
    criterion: Criterion,
    score: Any,
    rationale: Any,
    now: datetime | None = None,
) -> ConsensusMark:
    """The moderator records the agreed mark and its rationale for one bid and criterion, once everyone assigned
    to mark it (and not recused) has submitted. Changing it later is allowed until the recommendation, audited."""
    now = now or timezone.now()
    require(perms.can_moderate(actor, evaluation, bid))
    if criterion.opportunity_id != evaluation.opportunity_id or criterion.is_price:
        raise ValidationFailed.of({"criterion": ["Choose one of this opportunity's quality criteria."]})
    waiting = workflow.awaiting(selectors.assignments(evaluation, bid), criterion.pk)
    if waiting:
        names = ", ".join(selectors.member_names(waiting))
        raise ValidationFailed.of(
            {"score": [f"“{criterion.name}” cannot be moderated until everyone marking it has submitted: {names}."]},
            "Not everyone has marked this yet.",
        )
    check = workflow.check_mark(criterion.name, criterion.scale, score, rationale)
    if not check.ok:
        errors = {"score": list(check.score_problems), "rationale": list(check.reason_problems)}
        raise ValidationFailed.of({k: v for k, v in errors.items() if v}, "The consensus mark has not been saved.")
    value, text = check.score, check.reason
    assert value is not None
    existing = ConsensusMark.objects.filter(bid=bid, criterion=criterion).first()
    before = None if existing is None else str(existing.score)
    if existing is None:
        existing = ConsensusMark(evaluation=evaluation, bid=bid, criterion=criterion)
    existing.score, existing.rationale, existing.recorded_by, existing.recorded_at = value, text, actor, now
    existing.save()
    audit_record(
        actor=actor,
        verb="evaluation.consensus_recorded",
        target=bid,
        data={"evaluation": evaluation.pk, "criterion": criterion.pk, "from": before, "to": str(value)},
    )
    return existing
