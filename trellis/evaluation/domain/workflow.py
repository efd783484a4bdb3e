"""The evaluation of an opportunity's bids as a workflow: its states and moves, the panel's roles and marks — pure
Python, used by the services, permissions and pages. The award steps' guards are in ``award``.

    setting_up ─start_scoring─► scoring ─recommend─► recommended ─approve─► decided
                                   ▲                      │
                                   └────── send_back ─────┘

    decided ─publish_award_notice─► standstill ─check_exclusions─► checked ─enter_contract─► concluded
                                        │  ▲                          │
                       record_challenge │  │ end_suspension           │ record_challenge
                                        ▼  │                          │
                                     suspended ◄──────────────────────┘

    decided ─check_exclusions─► checked      (a route with no award notice before the contract)
    decided ─enter_contract─► concluded      (a grant: not a procurement)

- **Setting up**: the commissioner or procurement officer forms the panel (officers, external experts, citizen
  commissioners), says who scores which criteria and who moderates, and sets the published rules.
- **Scoring**: each panel member declares any conflict of interest for each bid before seeing it, marks each
  criterion assigned to them with a justification and submits; then the moderator records the consensus.
- **Recommended**: the recommendation (the winning bid per lot, or no award) is made with the totals and ranking; a
  different person approves it (declaring no conflict) or sends it back.
- **Decided** to **concluded**: the award steps in ``LIFECYCLE`` below, each with its guard and its source.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from trellis.core.domain.numbers import parse_number
from trellis.core.domain.roles import Role
from trellis.core.errors import InvalidTransition
from trellis.evaluation.domain.scheme import mark_rule
from trellis.opportunities.domain.criteria import Scale


class State(StrEnum):
    SETTING_UP = "setting_up"
    SCORING = "scoring"
    RECOMMENDED = "recommended"
    DECIDED = "decided"
    STANDSTILL = "standstill"
    SUSPENDED = "suspended"
    CHECKED = "checked"
    CONCLUDED = "concluded"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    State.SETTING_UP: "Setting up the panel",
    State.SCORING: "Scoring and moderation",
    State.RECOMMENDED: "Recommendation made, awaiting approval",
    State.DECIDED: "Decision approved, assessment summaries sent",
    State.STANDSTILL: "Award notice published",
    State.SUSPENDED: "Challenged: the contract is suspended",
    State.CHECKED: "Exclusions and debarment checked",
    State.CONCLUDED: "Contract entered into",
}


class Move(StrEnum):
    START_SCORING = "start_scoring"
    RECOMMEND = "recommend"
    SEND_BACK = "send_back"
    APPROVE = "approve"
    PUBLISH_AWARD_NOTICE = "publish_award_notice"
    RECORD_CHALLENGE = "record_challenge"
    END_SUSPENSION = "end_suspension"
    CHECK_EXCLUSIONS = "check_exclusions"
    ENTER_CONTRACT = "enter_contract"

    @property
    def label(self) -> str:
        return MOVE_LABELS[self]


MOVE_LABELS = {
    Move.START_SCORING: "Start scoring",
    Move.RECOMMEND: "Make the recommendation",
    Move.SEND_BACK: "Send back to the panel",
    Move.APPROVE: "Approve the decision",
    Move.PUBLISH_AWARD_NOTICE: "Record that the award notice is published",
    Move.RECORD_CHALLENGE: "Record a challenge",
    Move.END_SUSPENSION: "Record that the suspension has ended",
    Move.CHECK_EXCLUSIONS: "Record the exclusion and debarment checks",
    Move.ENTER_CONTRACT: "Record that the contract is entered into",
}


@dataclass(frozen=True)
class Transition:
    """One step of the lifecycle: from a state, by a move, to a state, allowed only when its guard holds (the guard
    is in words here and in code in ``trellis.evaluation.domain.award``), with the rule it follows."""

    source_state: State
    move: Move
    target: State
    guard: str
    source: str


#: The evaluation's lifecycle, in order. The award steps after approval follow Procurement Act 2023 ss.50–53 and
#: 101 (and the 2015 Regulations' and the PSR's own steps where those apply, named by the regime table).
LIFECYCLE: tuple[Transition, ...] = (
    Transition(State.SETTING_UP, Move.START_SCORING, State.SCORING, "The panel and its duties are complete.", ""),
    Transition(
        State.SCORING, Move.RECOMMEND, State.RECOMMENDED, "Every bid's quality criteria are moderated.", "PA 2023 s.19"
    ),
    Transition(State.RECOMMENDED, Move.SEND_BACK, State.SCORING, "A reason is given.", ""),
    Transition(
        State.RECOMMENDED,
        Move.APPROVE,
        State.DECIDED,
        "Someone other than the recommender approves, declaring no conflict; every bidder is sent its assessment "
        "summary.",
        "PA 2023 s.50(2)–(3) (assessment summaries before the award notice), s.81 (conflicts)",
    ),
    Transition(
        State.DECIDED,
        Move.PUBLISH_AWARD_NOTICE,
        State.STANDSTILL,
        "An award was made and the route has an award notice; its date is on or after the approval and not in the "
        "future; a voluntary standstill only where the law allows one, of at least 8 working days.",
        "PA 2023 s.50(1) and s.51 (standstill from the notice; voluntary standstill s.51(4)–(5)); PCR 2015 regs "
        "86–87; PSR reg 12",
    ),
    Transition(
        State.STANDSTILL,
        Move.RECORD_CHALLENGE,
        State.SUSPENDED,
        "A standstill applies and the claim was notified to the authority during it.",
        "PA 2023 s.101(1)–(2) (automatic suspension); PCR 2015 reg 95",
    ),
    Transition(
        State.CHECKED,
        Move.RECORD_CHALLENGE,
        State.SUSPENDED,
        "A standstill applies and the claim was notified to the authority during it.",
        "PA 2023 s.101(1)–(2) (automatic suspension); PCR 2015 reg 95",
    ),
    Transition(
        State.SUSPENDED,
        Move.END_SUSPENSION,
        State.STANDSTILL,
        "The court lifted the suspension, or the claim was withdrawn; not dated before the claim. The checks are "
        "then recorded again.",
        "PA 2023 s.102(1)(a) (the court may lift the suspension) and s.101(3)",
    ),
    Transition(
        State.STANDSTILL,
        Move.CHECK_EXCLUSIONS,
        State.CHECKED,
        "The exclusion grounds and the debarment list were checked for every winning supplier (and those it relies "
        "on); dated on or after the award notice and not in the future.",
        "PA 2023 ss.26–28 and 57 (excluded suppliers), s.62 (the debarment list)",
    ),
    Transition(
        State.DECIDED,
        Move.CHECK_EXCLUSIONS,
        State.CHECKED,
        "An award was made and the route has no award notice before the contract (no standstill).",
        "PA 2023 ss.26–28 and 57, s.62",
    ),
    Transition(
        State.CHECKED,
        Move.ENTER_CONTRACT,
        State.CONCLUDED,
        "The standstill's last day has passed, no suspension stands, and the date is not before the checks or in "
        "the future; the contract details notice falls due.",
        "PA 2023 s.51(1) (not during the standstill), s.101 (not while suspended), s.53 (contract details notice)",
    ),
    Transition(
        State.DECIDED,
        Move.ENTER_CONTRACT,
        State.CONCLUDED,
        "A grant: not a procurement, so no award notice, standstill or exclusion regime applies.",
        "PA 2023 s.1 (a procurement is the award of a contract for goods, services or works)",
    ),
)

MOVES: dict[tuple[State, Move], State] = {(t.source_state, t.move): t.target for t in LIFECYCLE}


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
