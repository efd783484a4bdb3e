"""An opportunity's lifecycle as a transition table: every allowed move, and who may make it.

    draft ──approve──► approved ──publish──► published ──close──► closed ──start_evaluation──► under_evaluation
    approved ──return_to_draft──► draft
    under_evaluation ──award──► awarded,  under_evaluation ──not_award──► not_awarded
    cancel: from any state that is not final, with a reason ──► cancelled

Clarification questions run while an opportunity is published (see ``clarifications_open``).
Guards that need facts the table cannot know (a different person from the creator, the deadline,
the weights) are named on each move and checked by ``check_move``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from trellis.core.errors import InvalidTransition, ValidationFailed


class Status(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    PUBLISHED = "published"
    CLOSED = "closed"
    UNDER_EVALUATION = "under_evaluation"
    AWARDED = "awarded"
    NOT_AWARDED = "not_awarded"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS: dict[Status, str] = {
    Status.DRAFT: "Draft",
    Status.APPROVED: "Approved, not yet published",
    Status.PUBLISHED: "Open",
    Status.CLOSED: "Closed",
    Status.UNDER_EVALUATION: "Under evaluation",
    Status.AWARDED: "Awarded",
    Status.NOT_AWARDED: "Not awarded",
    Status.CANCELLED: "Cancelled",
}

#: No move leaves these.
FINAL_STATUSES = frozenset({Status.AWARDED, Status.NOT_AWARDED, Status.CANCELLED})
#: Seen only by the authority's people.
PRIVATE_STATUSES = frozenset({Status.DRAFT, Status.APPROVED})
#: Seen by everyone once published.
PUBLIC_STATUSES = frozenset(Status) - PRIVATE_STATUSES
#: The content (specification, lots, criteria, dates) may be changed only in these.
EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.APPROVED})


class Action(StrEnum):
    APPROVE = "approve"
    RETURN_TO_DRAFT = "return_to_draft"
    PUBLISH = "publish"
    CLOSE = "close"
    START_EVALUATION = "start_evaluation"
    AWARD = "award"
    NOT_AWARD = "not_award"
    CANCEL = "cancel"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS: dict[Action, str] = {
    Action.APPROVE: "Approve",
    Action.RETURN_TO_DRAFT: "Return to draft",
    Action.PUBLISH: "Publish",
    Action.CLOSE: "Close",
    Action.START_EVALUATION: "Start evaluation",
    Action.AWARD: "Record the award",
    Action.NOT_AWARD: "Record that no award will be made",
    Action.CANCEL: "Cancel",
}


class Who(StrEnum):
    """Who may make a move: the role held (see ``trellis.core.domain.roles.Role``), or the system's clock."""

    COMMISSIONER = "commissioner"
    PROCUREMENT_OFFICER = "procurement_officer"
    SYSTEM = "system"


OFFICERS = frozenset({Who.COMMISSIONER, Who.PROCUREMENT_OFFICER})


class Guard(StrEnum):
    """A condition a move needs beyond the state and the role."""

    NOT_THE_CREATOR = "not_the_creator"  # four eyes: approval by someone other than the author
    READY_TO_PUBLISH = "ready_to_publish"  # weights total 100, deadline in the future, minimum periods met
    DEADLINE_PASSED = "deadline_passed"  # bids cannot be cut short: closing waits for the deadline
    REASON_GIVEN = "reason_given"  # a cancellation is explained to everyone who was interested


@dataclass(frozen=True)
class Transition:
    source: Status
    action: Action
    target: Status
    who: frozenset[Who]
    guards: tuple[Guard, ...] = ()


def _cancel(source: Status) -> Transition:
    return Transition(source, Action.CANCEL, Status.CANCELLED, OFFICERS, (Guard.REASON_GIVEN,))


TRANSITIONS: tuple[Transition, ...] = (
    Transition(Status.DRAFT, Action.APPROVE, Status.APPROVED, OFFICERS, (Guard.NOT_THE_CREATOR,)),
    Transition(Status.APPROVED, Action.RETURN_TO_DRAFT, Status.DRAFT, OFFICERS),
    Transition(Status.APPROVED, Action.PUBLISH, Status.PUBLISHED, OFFICERS, (Guard.READY_TO_PUBLISH,)),
    Transition(Status.PUBLISHED, Action.CLOSE, Status.CLOSED, OFFICERS | {Who.SYSTEM}, (Guard.DEADLINE_PASSED,)),
    Transition(Status.CLOSED, Action.START_EVALUATION, Status.UNDER_EVALUATION, OFFICERS),
    Transition(Status.UNDER_EVALUATION, Action.AWARD, Status.AWARDED, OFFICERS),
    Transition(Status.UNDER_EVALUATION, Action.NOT_AWARD, Status.NOT_AWARDED, OFFICERS),
    *(_cancel(s) for s in Status if s not in FINAL_STATUSES),
)

_BY_KEY: dict[tuple[Status, Action], Transition] = {(t.source, t.action): t for t in TRANSITIONS}


def _as_who(roles: Iterable[str]) -> set[Who]:
    known = {w.value for w in Who}
    return {Who(r) for r in (str(r) for r in roles) if r in known}


def transition_for(status: str, action: str) -> Transition:
    """The move ``action`` from ``status``; InvalidTransition if there is none."""
    try:
        key = (Status(status), Action(action))
    except ValueError as exc:
        raise InvalidTransition(f"“{action}” is not something that can be done to an opportunity.") from exc
    found = _BY_KEY.get(key)
    if found is None:
        raise InvalidTransition(
            f"An opportunity that is {key[0].label.lower()} cannot be moved by “{key[1].label.lower()}”."
        )
    return found


def next_status(status: str, action: str) -> Status:
    """The status after ``action``; raises InvalidTransition when the move is not in the table."""
    return transition_for(status, action).target


def allowed_actions(status: str, roles: Iterable[str]) -> list[Action]:
    """The moves from ``status`` that someone holding ``roles`` may make (guards not yet checked)."""
    who = _as_who(roles)
    return [t.action for t in TRANSITIONS if t.source == status and t.who & who]


def may(status: str, action: str, roles: Iterable[str]) -> bool:
    try:
        transition = transition_for(status, action)
    except InvalidTransition:
        return False
    return bool(transition.who & _as_who(roles))


@dataclass(frozen=True)
class MoveFacts:
    """What the guards need to know about the move being attempted."""

    actor_is_creator: bool = False
    deadline_passed: bool = False
    reason: str = ""
    readiness_errors: dict[str, list[str]] | None = None


def check_move(status: str, action: str, roles: Iterable[str], facts: MoveFacts) -> Status:
    """Check a move against the table and its guards; return the new status or raise.

    InvalidTransition when the move is not in the table or a guard fails on the state of things;
    ValidationFailed (naming fields) when the opportunity is not ready to publish or a reason is missing."""
    transition = transition_for(status, action)
    if not transition.who & _as_who(roles):
        raise InvalidTransition(f"You cannot {transition.action.label.lower()} this opportunity.", code="not_allowed")
    for guard in transition.guards:
        if guard is Guard.NOT_THE_CREATOR and facts.actor_is_creator:
            raise InvalidTransition(
                "Someone other than the person who created this opportunity must approve it.", code="same_person"
            )
        if guard is Guard.DEADLINE_PASSED and not facts.deadline_passed:
            raise InvalidTransition(
                "This opportunity cannot be closed before its deadline: providers may still be preparing bids.",
                code="deadline_not_passed",
            )
        if guard is Guard.REASON_GIVEN and not facts.reason.strip():
            raise ValidationFailed(
                "Give a reason for cancelling.", errors={"reason": ["Enter the reason for cancelling."]}
            )
        if guard is Guard.READY_TO_PUBLISH and facts.readiness_errors:
            raise ValidationFailed(
                "This opportunity is not ready to publish.", errors=dict(facts.readiness_errors), code="not_ready"
            )
    return transition.target


def clarifications_open(status: str) -> bool:
    """Providers may ask questions only while the opportunity is open."""
    return status == Status.PUBLISHED
