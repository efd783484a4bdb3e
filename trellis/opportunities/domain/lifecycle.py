"""An opportunity's lifecycle as a transition table: every allowed move, and who may make it.

    draft ──approve──► approved ──publish──► published ──close──► closed ──start_evaluation──► under_evaluation
    approved ──return_to_draft──► draft
    under_evaluation ──award──► awarded,  under_evaluation ──not_award──► not_awarded
    cancel: from any state that is not final, with a reason ──► cancelled

A competitive flexible procedure run in stages (``stages.py``) goes round again between closing and evaluation:

    closed ──advance_stage──► closed (now at a shortlist, dialogue or negotiation step)
    closed ──invite_next_stage──► published (the next stage's submissions, with a new deadline)

and evaluation starts only from its last stage.

Clarification questions run while an opportunity is published (see ``clarifications_open``).
Guards that need facts the table cannot know (a different person from the creator, the deadline,
the weights) are named on each move and checked by ``check_move``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from trellis.core.errors import InvalidTransition, ValidationFailed

from . import stages as stage_rules


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

    @property
    def colour(self) -> str:
        return STATUS_COLOURS[self]


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

#: The colour of each status's tag (a GOV.UK tag colour).
STATUS_COLOURS: dict[Status, str] = {
    Status.DRAFT: "grey",
    Status.APPROVED: "blue",
    Status.PUBLISHED: "green",
    Status.CLOSED: "yellow",
    Status.UNDER_EVALUATION: "yellow",
    Status.AWARDED: "purple",
    Status.NOT_AWARDED: "red",
    Status.CANCELLED: "red",
}
#: What the public are shown of an opportunity that is not yet published (on the forward plan).
PLANNED_LABEL = "Planned"
PLANNED_COLOUR = "grey"

#: No move leaves these.
FINAL_STATUSES = frozenset({Status.AWARDED, Status.NOT_AWARDED, Status.CANCELLED})
#: Seen only by the authority's people.
PRIVATE_STATUSES = frozenset({Status.DRAFT, Status.APPROVED})
#: Seen by everyone once published.
PUBLIC_STATUSES = frozenset(Status) - PRIVATE_STATUSES
#: The content (specification, lots, criteria, dates) may be changed only in these.
EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.APPROVED})


def status_shown(status: str, *, public: bool = False) -> tuple[str, str]:
    """The label and tag colour a status is shown with. The public see an opportunity that is not yet published
    only as planned."""
    state = Status(status)
    if public and state in PRIVATE_STATUSES:
        return PLANNED_LABEL, PLANNED_COLOUR
    return state.label, state.colour


class Action(StrEnum):
    APPROVE = "approve"
    RETURN_TO_DRAFT = "return_to_draft"
    PUBLISH = "publish"
    CLOSE = "close"
    START_EVALUATION = "start_evaluation"
    ADVANCE_STAGE = "advance_stage"
    INVITE_NEXT_STAGE = "invite_next_stage"
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
    Action.ADVANCE_STAGE: "Move to the next stage",
    Action.INVITE_NEXT_STAGE: "Invite the next stage's submissions",
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
    NEXT_IS_STEP = "next_is_step"  # the plan's next stage is a shortlist, dialogue or negotiation
    NEXT_TAKES_SUBMISSIONS = "next_takes_submissions"  # the plan's next stage is a tender or final tender
    LAST_STAGE = "last_stage"  # only the last stage's tenders are evaluated
    STAGE_READY = "stage_ready"  # the bids were opened and who goes on chosen; the new deadline is long enough
    AWARD_APPROVED = "award_approved"  # an award comes from an approved evaluation decision, never a button alone


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
    Transition(Status.CLOSED, Action.START_EVALUATION, Status.UNDER_EVALUATION, OFFICERS, (Guard.LAST_STAGE,)),
    Transition(Status.CLOSED, Action.ADVANCE_STAGE, Status.CLOSED, OFFICERS, (Guard.NEXT_IS_STEP, Guard.STAGE_READY)),
    Transition(
        Status.CLOSED,
        Action.INVITE_NEXT_STAGE,
        Status.PUBLISHED,
        OFFICERS,
        (Guard.NEXT_TAKES_SUBMISSIONS, Guard.STAGE_READY),
    ),
    Transition(Status.UNDER_EVALUATION, Action.AWARD, Status.AWARDED, OFFICERS, (Guard.AWARD_APPROVED,)),
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
    stages: tuple[str, ...] = ()
    stage_index: int = 0
    stage_errors: dict[str, list[str]] | None = None
    award_approved: bool = False


AWARD_VIA_EVALUATION = (
    "An award is recorded by approving the evaluation's recommendation: a commissioner approves it on the "
    "evaluation's decision page."
)


def plan_problem(guard: Guard, stages: tuple[str, ...], index: int) -> str | None:
    """Why a guard about the plan of stages fails (None when it holds). Pure, so permissions can ask too."""
    if guard is Guard.LAST_STAGE and not stage_rules.is_last(stages, index):
        upcoming = stage_rules.following(stages, index)
        assert upcoming is not None
        return f"This procedure has stages still to run: next is “{upcoming.label.lower()}”."
    if guard in (Guard.NEXT_IS_STEP, Guard.NEXT_TAKES_SUBMISSIONS):
        upcoming = stage_rules.following(stages, index)
        if upcoming is None:
            return "This opportunity has no further stage."
        if (guard is Guard.NEXT_IS_STEP) == stage_rules.is_submission(upcoming):
            return f"The next stage is “{upcoming.label.lower()}”."
    return None


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
        if guard is Guard.AWARD_APPROVED and not facts.award_approved:
            raise InvalidTransition(AWARD_VIA_EVALUATION, code="award_via_evaluation")
        problem = plan_problem(guard, facts.stages, facts.stage_index)
        if problem:
            raise InvalidTransition(problem, code="stage")
        if guard is Guard.STAGE_READY and facts.stage_errors:
            raise ValidationFailed("This stage cannot start yet.", errors=dict(facts.stage_errors), code="not_ready")
        if guard is Guard.READY_TO_PUBLISH and facts.readiness_errors:
            raise ValidationFailed(
                "This opportunity is not ready to publish.", errors=dict(facts.readiness_errors), code="not_ready"
            )
    return transition.target


def clarifications_open(status: str) -> bool:
    """Providers may ask questions only while the opportunity is open."""
    return status == Status.PUBLISHED
