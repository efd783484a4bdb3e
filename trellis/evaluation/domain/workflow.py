"""The evaluation of an opportunity's bids as a workflow: its states and moves, the panel's roles, and the award
rules (standstill) — pure Python, used by the services, permissions and pages.

    setting_up ──start_scoring──► scoring ──recommend──► recommended ──approve──► decided ──enter_contract──► concluded
                                     ▲                        │
                                     └─────── send_back ──────┘

- **Setting up**: the commissioner or procurement officer forms the panel (officers, external experts, citizen
  commissioners), says who scores which criteria and who moderates, and sets the published rules (price method,
  disqualification rule, tie-break, divergence threshold, price envelope).
- **Scoring**: each panel member declares any conflict of interest for each bid before seeing it, then marks
  each criterion assigned to them with a justification and submits their marks for that bid; once everyone
  assigned has submitted, the moderator records the consensus mark and rationale for each criterion.
- **Recommended**: the recommendation (the winning bid, or no award) is made with the totals and ranking; a
  different person approves it or sends it back.
- **Decided**: the award is approved; unsuccessful bidders are told; the standstill runs where it applies; the
  contract may be entered into only after it (``concluded``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from trellis.core.domain.numbers import parse_number
from trellis.core.domain.roles import Role
from trellis.core.errors import InvalidTransition
from trellis.evaluation.domain.scheme import mark_rule
from trellis.opportunities.domain.criteria import Scale
from trellis.routes.domain import calendar


class State(StrEnum):
    SETTING_UP = "setting_up"
    SCORING = "scoring"
    RECOMMENDED = "recommended"
    DECIDED = "decided"
    CONCLUDED = "concluded"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    State.SETTING_UP: "Setting up the panel",
    State.SCORING: "Scoring and moderation",
    State.RECOMMENDED: "Recommendation made, awaiting approval",
    State.DECIDED: "Decision approved",
    State.CONCLUDED: "Contract entered into",
}


class Move(StrEnum):
    START_SCORING = "start_scoring"
    RECOMMEND = "recommend"
    SEND_BACK = "send_back"
    APPROVE = "approve"
    ENTER_CONTRACT = "enter_contract"

    @property
    def label(self) -> str:
        return MOVE_LABELS[self]


MOVE_LABELS = {
    Move.START_SCORING: "Start scoring",
    Move.RECOMMEND: "Make the recommendation",
    Move.SEND_BACK: "Send back to the panel",
    Move.APPROVE: "Approve the decision",
    Move.ENTER_CONTRACT: "Record that the contract is entered into",
}

MOVES: dict[tuple[State, Move], State] = {
    (State.SETTING_UP, Move.START_SCORING): State.SCORING,
    (State.SCORING, Move.RECOMMEND): State.RECOMMENDED,
    (State.RECOMMENDED, Move.SEND_BACK): State.SCORING,
    (State.RECOMMENDED, Move.APPROVE): State.DECIDED,
    (State.DECIDED, Move.ENTER_CONTRACT): State.CONCLUDED,
}


def next_state(state: str, move: str) -> State:
    """The state after ``move``; InvalidTransition (in words) when the move cannot be made from ``state``."""
    try:
        key = (State(state), Move(move))
    except ValueError as exc:
        raise InvalidTransition(f"“{move}” is not a step of an evaluation.") from exc
    found = MOVES.get(key)
    if found is None:
        raise InvalidTransition(f"An evaluation at “{key[0].label.lower()}” cannot “{key[1].label.lower()}”.")
    return found


class PanelRole(StrEnum):
    """Who sits on a panel. Citizen commissioners are residents trained to sit on expert panels (seed 004)."""

    OFFICER = "officer"
    EXTERNAL_EXPERT = "external_expert"
    CITIZEN_COMMISSIONER = "citizen_commissioner"

    @property
    def label(self) -> str:
        return PANEL_ROLE_LABELS[self]


PANEL_ROLE_LABELS = {
    PanelRole.OFFICER: "Council or NHS officer",
    PanelRole.EXTERNAL_EXPERT: "External expert",
    PanelRole.CITIZEN_COMMISSIONER: "Citizen commissioner",
}

#: The role a person must hold to sit on a panel as each kind of member.
PANEL_ROLES: dict[PanelRole, frozenset[Role]] = {
    PanelRole.OFFICER: frozenset({Role.COMMISSIONER, Role.PROCUREMENT_OFFICER, Role.EVALUATOR}),
    PanelRole.EXTERNAL_EXPERT: frozenset({Role.EVALUATOR}),
    PanelRole.CITIZEN_COMMISSIONER: frozenset({Role.CITIZEN_COMMISSIONER}),
}


# A mark with its reason ------------------------------------------------------------------------------------

#: The longest reason, rationale or message kept.
MAX_TEXT = 10_000


@dataclass(frozen=True)
class MarkCheck:
    """A mark checked against its criterion's published scale, and the reason given for it; each problem on the
    part it is about."""

    score: Decimal | None
    reason: str
    score_problems: tuple[str, ...]
    reason_problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.score_problems and not self.reason_problems


def check_mark(name: str, scale: str, raw_score: object, raw_reason: object) -> MarkCheck:
    """Every mark is one of the scale's published levels and comes with its reason, by reference to the bid
    (issue 5: "a score without the required justification" is refused)."""
    rule = mark_rule(Scale(scale))
    score_problems: list[str] = []
    score = None if raw_score is None or str(raw_score).strip() == "" else parse_number(raw_score)
    if raw_score is None or str(raw_score).strip() == "":
        score_problems.append(f"Enter a mark for “{name}”.")
    elif score is None or score not in rule.allowed:
        score_problems.append(f"The mark for “{name}” must be {rule.text}.")
    reason = str(raw_reason or "").strip()
    reason_problems: list[str] = []
    if not reason:
        reason_problems.append(f"Give the reason for your mark for “{name}”, by reference to the bid.")
    elif len(reason) > MAX_TEXT:
        reason_problems.append("Keep the reason to 10,000 characters or fewer.")
    ok = not score_problems and not reason_problems
    return MarkCheck(score if ok else None, reason, tuple(score_problems), tuple(reason_problems))


# Who has to do what before moderation ------------------------------------------------------------------------


@dataclass(frozen=True)
class Assignment:
    """One panel member's duty for one bid: the criteria they mark, unless recused by a declared conflict."""

    member: int
    criteria: frozenset[int]
    conflicted: bool = False
    submitted: bool = False


def awaiting(assignments: Iterable[Assignment], criterion: int) -> list[int]:
    """The members who must still submit their marks for ``criterion`` before it can be moderated (conflicted
    members are recused and not waited for)."""
    return sorted(a.member for a in assignments if criterion in a.criteria and not a.conflicted and not a.submitted)


def markers(assignments: Iterable[Assignment], criterion: int) -> list[int]:
    """The members who mark ``criterion`` for the bid (not recused)."""
    return sorted(a.member for a in assignments if criterion in a.criteria and not a.conflicted)


# The award ----------------------------------------------------------------------------------------------------

#: Kinds of opportunity that are contracts awarded under the Procurement Act 2023 with a standstill. Grants and
#: market engagement are not procurements; call-offs from a framework are exempt (research notes, uk-rules §1.10).
STANDSTILL_KINDS = frozenset({"open_tender", "competitive_flexible", "framework"})
LIGHT_TOUCH_ROUTE = "light_touch_flexible"
NOT_PROCUREMENT = "not_procurement"


@dataclass(frozen=True)
class StandstillRule:
    applies: bool
    reason: str


def standstill_rule(*, kind: str, route: str = "", regime: str = "", light_touch: bool = False) -> StandstillRule:
    """Whether the mandatory standstill applies to the award (Procurement Act 2023 s.51; uk-rules §1.10)."""
    if kind not in STANDSTILL_KINDS:
        what = {"grant_round": "a grant", "market_engagement": "market engagement", "call_off": "a call-off"}
        return StandstillRule(False, f"No standstill: this is {what.get(kind, 'not a contract award')}.")
    if regime == NOT_PROCUREMENT:
        return StandstillRule(False, "No standstill: this is not a procurement.")
    if light_touch or route == LIGHT_TOUCH_ROUTE:
        return StandstillRule(
            False,
            "No mandatory standstill: light touch contracts are exempt (Procurement Act 2023 s.51; research notes, "
            "uk-rules §1.10). A voluntary standstill may still be applied.",
        )
    return StandstillRule(True, f"A standstill of {calendar.STANDSTILL_WORKING_DAYS} working days applies.")


def standstill_for(decided_on: date) -> calendar.Standstill:
    """The standstill that starts on the day the decision is published (counted as day 1)."""
    return calendar.standstill(decided_on)


def contract_problem(*, standstill_last_day: date | None, today: date) -> str | None:
    """Why the contract may not be entered into yet (None when it may)."""
    if standstill_last_day is not None and today <= standstill_last_day:
        return (
            f"The contract cannot be entered into during the standstill, which ends at the end of "
            f"{standstill_last_day:%A %-d %B %Y}."
        )
    return None
