"""The award steps after approval, in the order of ``workflow.LIFECYCLE`` (the guards are in ``domain.award``): the
award notice and its standstill, a challenge and its suspension, the exclusion checks, and the contract."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from trellis.bids import selectors as bid_selectors
from trellis.core.errors import InvalidTransition, ValidationFailed
from trellis.core.models import Person
from trellis.core.permissions import require
from trellis.core.services import notify
from trellis.evaluation import messages
from trellis.evaluation import permissions as perms
from trellis.evaluation.domain import award, workflow
from trellis.evaluation.domain.workflow import Move, State
from trellis.evaluation.models import (
    AwardDecision,
    Challenge,
    Evaluation,
)
from trellis.evaluation.services.common import audit, cleaned_text, lock, refresh_from
from trellis.opportunities import selectors as opportunity_selectors
from trellis.routes.domain.calendar import Standstill

if TYPE_CHECKING:
    pass


# The award steps after approval (the guards are in ``domain.award``; the order in ``workflow.LIFECYCLE``) -----------


def _award_step(actor: Person, evaluation: Evaluation, move: Move, problem: str | None, field: str) -> Evaluation:
    """Lock, check the step is allowed from the evaluation's state and that its guard holds; the locked copy."""
    require(perms.can_record_award_steps(actor, evaluation))
    locked = lock(evaluation)
    workflow.next_state(locked.state, move)
    if problem:
        raise ValidationFailed.of({field: [problem]}, problem)
    return locked


def _advance(actor: Person, evaluation: Evaluation, locked: Evaluation, move: Move, verb: str, data: dict) -> None:
    locked.state = workflow.next_state(locked.state, move).value
    locked.save(update_fields=["state", "updated_at"])
    audit(actor, verb, locked, data)
    refresh_from(evaluation, locked)


@transaction.atomic
def award_notice_publish(
    *,
    actor: Person,
    evaluation: Evaluation,
    published_on: date | None,
    voluntary_days: int | None = None,
    today: date | None = None,
) -> AwardDecision:
    """Record the day the award notice was published: the standstill starts from it, counted by the route's
    regime (mandatory, a voluntary one the authority chose, or none), and every bidder is told its dates."""
    today = today or timezone.localdate()
    decision = AwardDecision.objects.select_for_update().get(evaluation=evaluation)
    rule = opportunity_selectors.award_standstill(evaluation.opportunity)
    assert decision.approved_at is not None
    problem = award.award_notice_problem(
        rule=rule,
        is_award=decision.is_award,
        approved_on=timezone.localdate(decision.approved_at),
        published_on=published_on,
        today=today,
        voluntary_days=voluntary_days,
    )
    locked = _award_step(actor, evaluation, Move.PUBLISH_AWARD_NOTICE, problem, "published_on")
    assert published_on is not None
    period = rule.period(published_on, voluntary_days=voluntary_days)
    decision.award_notice_published_on, decision.award_notice_recorded_by = published_on, actor
    decision.standstill_kind = award.standstill_kind(rule, voluntary_days)
    decision.standstill_last_day = period.last_day if period else None
    decision.standstill_source = (
        f"{period.source}; working days as defined by {period.calendar_source}" if period else rule.source
    )
    decision.save()
    _advance(
        actor,
        evaluation,
        locked,
        Move.PUBLISH_AWARD_NOTICE,
        "evaluation.award_notice_published",
        {
            "notice": rule.notice,
            "published_on": published_on.isoformat(),
            "standstill": decision.standstill_kind,
            "last_day": period.last_day.isoformat() if period else None,
        },
    )
    _notify_standstill(locked, decision)
    return decision


def _notify_standstill(evaluation: Evaluation, decision: AwardDecision) -> None:
    for bid in bid_selectors.opened_bids(evaluation.opportunity):
        people = list(opportunity_selectors.provider_people([bid.organisation_id]))
        if people:
            notify(recipients=people, message=messages.award_notice_published(bid, decision), email=True)


def standstill_of(decision: AwardDecision) -> Standstill | None:
    """The standstill as recorded with the decision (None before the notice, or when there is none)."""
    if decision.award_notice_published_on is None or decision.standstill_last_day is None:
        return None
    return Standstill(
        decision.award_notice_published_on, None, None, decision.standstill_last_day, "", decision.standstill_source
    )


@transaction.atomic
def challenge_record(
    *,
    actor: Person,
    evaluation: Evaluation,
    claimant: str,
    notified_on: date | None,
    summary: str,
    now: datetime | None = None,
) -> Challenge:
    """Record a claim notified during the standstill: entry into the contract is suspended (s.101)."""
    now = now or timezone.now()
    decision = AwardDecision.objects.select_for_update().get(evaluation=evaluation)
    who, what = cleaned_text(claimant)[:200], cleaned_text(summary)
    problem = award.challenge_problem(
        standstill=standstill_of(decision),
        notified_on=notified_on,
        today=timezone.localdate(now),
        claimant=who,
        summary=what,
        until_contract=opportunity_selectors.award_standstill(evaluation.opportunity).regime == "PCR2015",
    )
    locked = _award_step(actor, evaluation, Move.RECORD_CHALLENGE, problem, "challenge")
    assert notified_on is not None
    challenge = Challenge.objects.create(
        decision=decision, claimant=who, notified_on=notified_on, summary=what, recorded_by=actor, recorded_at=now
    )
    if decision.exclusions_checked_on:  # the checks are made again once the suspension ends
        decision.exclusions_checked_on, decision.exclusions_checked_by = None, None
        decision.save(update_fields=["exclusions_checked_on", "exclusions_checked_by"])
    _advance(
        actor,
        evaluation,
        locked,
        Move.RECORD_CHALLENGE,
        "evaluation.challenge_recorded",
        {"claimant": who, "notified_on": notified_on.isoformat(), "summary": what},
    )
    return challenge


@transaction.atomic
def suspension_end(
    *, actor: Person, evaluation: Evaluation, how: str, ended_on: date | None, note: str = "", today: date | None = None
) -> Challenge:
    """Record that the suspension ended: the court lifted it (s.102(1)(a)) or the claim was withdrawn."""
    today = today or timezone.localdate()
    decision = AwardDecision.objects.select_for_update().get(evaluation=evaluation)
    challenge = decision.challenges.filter(ended_on__isnull=True).last()
    if challenge is None:
        workflow.next_state(evaluation.state, Move.END_SUSPENSION)
        raise InvalidTransition("No challenge stands, so there is no suspension to end.")
    problem = award.suspension_end_problem(how=how, ended_on=ended_on, notified_on=challenge.notified_on, today=today)
    locked = _award_step(actor, evaluation, Move.END_SUSPENSION, problem, "ended")
    assert ended_on is not None
    challenge.ended_on, challenge.ended_how, challenge.end_note, challenge.ended_by = (
        ended_on,
        how,
        cleaned_text(note),
        actor,
    )
    challenge.save()
    _advance(
        actor,
        evaluation,
        locked,
        Move.END_SUSPENSION,
        "evaluation.suspension_ended",
        {"claimant": challenge.claimant, "how": how, "ended_on": ended_on.isoformat(), "note": challenge.end_note},
    )
    return challenge


@transaction.atomic
def exclusions_check(
    *,
    actor: Person,
    evaluation: Evaluation,
    grounds_checked: bool,
    debarment_checked: bool,
    checked_on: date | None,
    note: str = "",
    today: date | None = None,
) -> AwardDecision:
    """Record that the exclusion grounds and the debarment list were checked for every winning supplier."""
    today = today or timezone.localdate()
    decision = AwardDecision.objects.select_for_update().get(evaluation=evaluation)
    assert decision.approved_at is not None
    not_before = decision.award_notice_published_on or timezone.localdate(decision.approved_at)
    problem = award.exclusion_check_problem(
        grounds_checked=grounds_checked,
        debarment_checked=debarment_checked,
        checked_on=checked_on,
        not_before=not_before,
        today=today,
    )
    if not problem and not decision.is_award:
        problem = "No award was made, so there is no supplier to check."
    if not problem and not opportunity_selectors.is_procurement(evaluation.opportunity):
        problem = "A grant is not a procurement: the exclusion and debarment checks do not apply."
    locked = _award_step(actor, evaluation, Move.CHECK_EXCLUSIONS, problem, "checks")
    if locked.state == State.DECIDED and opportunity_selectors.award_standstill(locked.opportunity).notice:
        raise InvalidTransition("Record that the award notice is published first: the checks follow it.")
    assert checked_on is not None
    decision.exclusions_checked_on, decision.exclusions_checked_by = checked_on, actor
    decision.exclusions_note = cleaned_text(note)
    decision.save(update_fields=["exclusions_checked_on", "exclusions_checked_by", "exclusions_note"])
    _advance(
        actor,
        evaluation,
        locked,
        Move.CHECK_EXCLUSIONS,
        "evaluation.exclusions_checked",
        {"checked_on": checked_on.isoformat(), "note": decision.exclusions_note},
    )
    return decision


@transaction.atomic
def contract_enter(
    *, actor: Person, evaluation: Evaluation, on: date | None = None, today: date | None = None
) -> AwardDecision:
    """Record that the contract (or grant agreement) is entered into: never during the standstill or while a
    suspension stands, and after the exclusion checks; the notice due after it gets its last day."""
    today = today or timezone.localdate()
    on = on or today
    require(perms.can_record_award_steps(actor, evaluation))
    decision = AwardDecision.objects.select_for_update().get(evaluation=evaluation)
    if not decision.is_award:
        raise InvalidTransition("No award was made, so there is no contract to record.")
    if evaluation.state == State.SUSPENDED:
        raise InvalidTransition(award.SUSPENDED, code="suspended")
    if decision.standstill_last_day and on <= decision.standstill_last_day:
        raise InvalidTransition(award.during_standstill(decision.standstill_last_day), code="standstill")
    if evaluation.state in (State.DECIDED, State.STANDSTILL) and opportunity_selectors.is_procurement(
        evaluation.opportunity
    ):
        has_notice = bool(opportunity_selectors.award_standstill(evaluation.opportunity).notice)
        raise InvalidTransition(award.before_the_contract(state=evaluation.state, has_notice=has_notice))
    problem = award.contract_problem(
        standstill_last_day=decision.standstill_last_day,
        checked_on=decision.exclusions_checked_on,
        entered_on=on,
        today=today,
    )
    locked = _award_step(actor, evaluation, Move.ENTER_CONTRACT, problem, "on")
    due = award.notice_due(on, opportunity_selectors.notice_after_contract(locked.opportunity))
    decision.contract_entered_on, decision.contract_entered_by = on, actor
    if due:
        decision.contract_notice_name, decision.contract_notice_due, decision.contract_notice_source = (
            due.name,
            due.due,
            due.source,
        )
    decision.save()
    _advance(
        actor,
        evaluation,
        locked,
        Move.ENTER_CONTRACT,
        "evaluation.contract_entered",
        {"on": on.isoformat(), "notice_due": due.due.isoformat() if due else None},
    )
    return decision
