"""Moving an opportunity through its lifecycle (``domain/lifecycle.py``'s transition table), the scheduled closing
at the deadline, and the reminders before it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from trellis.core.errors import InvalidTransition
from trellis.core.models import Person
from trellis.core.permissions import deny, require
from trellis.core.services import audit_record, notify
from trellis.opportunities import messages, selectors
from trellis.opportunities import permissions as perms
from trellis.opportunities.domain import lifecycle
from trellis.opportunities.domain.kinds import Kind
from trellis.opportunities.domain.lifecycle import Action, Status, Who
from trellis.opportunities.models import Opportunity
from trellis.opportunities.services.common import interested, lock, notify_people, refresh_from


def move(
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
    """Make one move of the transition table on the locked row: check it, write it, audit it, tell people."""
    locked = locked or lock(opportunity)
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
    refresh_from(opportunity, locked)
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
        return move(
            actor=actor,
            opportunity=opportunity,
            action=action,
            roles=perms.lifecycle_roles(actor),
            reason=reason,
            now=now,
            award_approved=award_approved,
        )


def close_due_opportunities(*, now: datetime | None = None) -> int:
    """Close every published opportunity whose deadline has passed (the scheduled task). Returns how many."""
    now = now or timezone.now()
    closed = 0
    for opportunity in selectors.due_to_close(now=now):
        with transaction.atomic():
            try:
                move(
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


def _notify_move(opportunity: Opportunity, action: Action, before: Status) -> None:
    if action == Action.PUBLISH:
        people = {s.person: s.email for s in selectors.matching_subscriptions(opportunity)}
        if opportunity.kind == Kind.CALL_OFF and opportunity.framework is not None:
            # The framework's providers are the only ones who may bid: each hears, by e-mail too.
            people = {person: True for person in selectors.framework_member_people(opportunity.framework)}
        notify_people(people, messages.published(opportunity))
    elif action == Action.CANCEL and before in lifecycle.PUBLIC_STATUSES:
        notify_people(interested(opportunity), messages.cancelled(opportunity))
    elif action == Action.APPROVE and opportunity.created_by is not None:
        notify(recipients=[opportunity.created_by], message=messages.approved(opportunity), email=False)


def opportunity_send_deadline_reminders(*, now: datetime | None = None) -> int:
    """Remind interested providers 7 days and 1 day before a deadline (each reminder once). Returns how many sent."""
    now = now or timezone.now()
    sent = 0
    for opportunity in selectors.deadline_reminders_due(now=now):
        assert opportunity.closes_at is not None
        left = opportunity.closes_at - now
        due = 1 if left.total_seconds() <= 86_400 else 7
        with transaction.atomic():
            locked = lock(opportunity)
            already = set(locked.reminders_sent or [])
            if due in already or locked.status != Status.PUBLISHED:
                continue
            locked.reminders_sent = sorted(already | ({1, 7} if due == 1 else {7}))
            locked.save(update_fields=["reminders_sent", "updated_at"])
            notify_people(interested(locked), messages.deadline_reminder(locked, days=due))
            audit_record(actor=None, verb="opportunity.deadline_reminder", target=locked, data={"days": due})
        sent += 1
    return sent
