"""A competitive flexible procedure run stage by stage.

A plan is a list of stages (``kinds.Stage``). Two sorts of stage alternate:

- a **submission** stage (expression of interest, tender, final tender) is open for sealed submissions until
  its own deadline, then closed and opened like any other round of bids;
- a **step** between them (shortlist, dialogue, negotiation) is where the authority decides who goes on: the
  providers it names are the only ones invited to the next submission stage, and the others are told why not.

So a plan reads ``submission (step submission)*``: the first stage takes submissions from anyone, every step is
followed by a submission stage, and the last stage is a tender, which is what gets evaluated. Under the
Procurement Act 2023 only tenders reaching the final stage are "assessed tenders" (research notes, uk-rules §1.7).

The opportunity records which stage it is in (``index`` into the plan). The lifecycle (``lifecycle.py``) moves
it: ``advance_stage`` from a closed submission stage to the step that follows, and ``invite_next_stage`` from a
step to the next submission stage, which reopens the opportunity for bids with a new deadline.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import pairwise

from trellis.routes.domain import sources as route_sources

from .kinds import Stage

SUBMISSION_STAGES = frozenset({Stage.EXPRESSION_OF_INTEREST, Stage.TENDER, Stage.FINAL_TENDER})
STEP_STAGES = frozenset({Stage.SHORTLIST, Stage.DIALOGUE, Stage.NEGOTIATION})
#: Stages after which tenders are refined, so a final tender may follow them.
TALKS = frozenset({Stage.DIALOGUE, Stage.NEGOTIATION})


@dataclass(frozen=True)
class StagePeriod:
    days: int
    rule: str
    source: str


#: The minimum time between inviting a later stage's submissions and its deadline. The first stage uses the
#: opportunity's own minimum period (``dates.MINIMUM_PERIODS``).
LATER_STAGE_PERIODS: dict[Stage, StagePeriod] = {
    Stage.TENDER: StagePeriod(
        25,
        "25 days from the invitation to tender to the tender deadline",
        f"{route_sources.PA_S54}; the same 25 days is kept below the threshold ({route_sources.PA_S12})",
    ),
    Stage.FINAL_TENDER: StagePeriod(
        10,
        "10 days from the invitation to submit final tenders to their deadline",
        "Trellis assumption: final tenders revise tenders already made after dialogue or negotiation, and the "
        "Procurement Act 2023 s.54 minimum applies to the first tendering period (research notes, uk-rules §1.9); "
        "ten days still gives a small provider time to revise its tender",
    ),
}


def is_submission(stage: str) -> bool:
    return stage in SUBMISSION_STAGES


def plan_errors(stages: Sequence[str]) -> list[str]:
    """What is wrong with a plan of stages, in plain English (empty when it can be run)."""
    try:
        plan = [Stage(s) for s in stages]
    except ValueError:
        return ["Choose the stages from the list."]
    if not plan:
        return ["Choose the stages of the procedure."]
    if len(set(plan)) != len(plan):
        return ["Choose each stage once."]
    errors: list[str] = []
    if not is_submission(plan[0]):
        errors.append(
            f"The first stage must take submissions (an expression of interest or a tender), not "
            f"“{plan[0].label.lower()}”."
        )
    if plan[-1] not in (Stage.TENDER, Stage.FINAL_TENDER):
        errors.append("The last stage must be a tender or a final tender: that is what is evaluated.")
    for before, after in pairwise(plan):
        if is_submission(before) and is_submission(after):
            errors.append(
                f"Put a shortlist, dialogue or negotiation between “{before.label.lower()}” and "
                f"“{after.label.lower()}”, so that you decide who is invited to the next stage."
            )
        if not is_submission(before) and not is_submission(after):
            errors.append(
                f"“{before.label}” must be followed by a stage that takes submissions, not “{after.label.lower()}”."
            )
    if Stage.EXPRESSION_OF_INTEREST in plan[1:]:
        errors.append("An expression of interest can only be the first stage.")
    if Stage.FINAL_TENDER in plan:
        at = plan.index(Stage.FINAL_TENDER)
        if at == 0 or plan[at - 1] not in TALKS:
            errors.append("A final tender follows dialogue or negotiation.")
    return errors


def current(stages: Sequence[str], index: int) -> Stage | None:
    """The stage the opportunity is in (None when it is not run in stages)."""
    if not stages or not 0 <= index < len(stages):
        return None
    return Stage(stages[index])


def following(stages: Sequence[str], index: int) -> Stage | None:
    """The stage after the current one, or None at the last."""
    return current(stages, index + 1)


def is_last(stages: Sequence[str], index: int) -> bool:
    """True when the opportunity is in its last stage, or not run in stages at all."""
    return not stages or index >= len(stages) - 1


class StepState(StrEnum):
    DONE = "done"
    CURRENT = "current"
    UPCOMING = "upcoming"


@dataclass(frozen=True)
class StageStep:
    number: int
    stage: Stage
    state: StepState

    @property
    def label(self) -> str:
        return self.stage.label

    @property
    def takes_submissions(self) -> bool:
        return is_submission(self.stage)


def progress(stages: Sequence[str], index: int) -> list[StageStep]:
    """Each stage of the plan with whether it is done, current or still to come."""
    steps = []
    for number, value in enumerate(stages):
        state = StepState.DONE if number < index else StepState.CURRENT if number == index else StepState.UPCOMING
        steps.append(StageStep(number + 1, Stage(value), state))
    return steps


def last_submission_index(stages: Sequence[str], index: int) -> int | None:
    """The index of the latest submission stage reached (the current one, or the one before a step)."""
    for at in range(min(index, len(stages) - 1), -1, -1):
        if is_submission(stages[at]):
            return at
    return None


def invitation_errors(
    stage: Stage, *, closes_at: object, questions_close_at: object, now: datetime
) -> dict[str, list[str]]:
    """What is wrong with the dates of an invitation to a later submission stage, by field (empty when none):
    the deadline at least the stage's minimum period away, questions closing in the future and before it."""
    errors: dict[str, list[str]] = {}
    period = LATER_STAGE_PERIODS.get(stage)
    if not isinstance(closes_at, datetime):
        errors["closes_at"] = [f"Enter the deadline for the {stage.label.lower()} stage."]
    elif period is not None and closes_at < now + timedelta(days=period.days):
        earliest = now + timedelta(days=period.days)
        errors["closes_at"] = [
            f"The deadline must be at least {period.days} days away ({period.rule.lower()}): "
            f"no earlier than {earliest:%-d %B %Y}."
        ]
    if questions_close_at is not None:
        if not isinstance(questions_close_at, datetime):
            errors["questions_close_at"] = ["Enter a real date and time."]
        elif questions_close_at <= now:
            errors["questions_close_at"] = ["Questions must close in the future."]
        elif isinstance(closes_at, datetime) and questions_close_at >= closes_at:
            errors["questions_close_at"] = ["Questions must close before the deadline."]
    return errors


@dataclass(frozen=True)
class Choice:
    """Who goes on from an opened submission stage, the message to those who do not, and what is wrong, by field."""

    going_on: frozenset[int]
    message: str
    problems: dict[str, list[str]]


MAX_MESSAGE = 5000


def check_choice(*, submitted: set[int], wanted: Iterable[object], message: str, opened: bool) -> Choice:
    """Check a choice of who goes on: among the stage's bidders (``submitted``, by id), once their bids are opened,
    and with a reason for anyone left out — they are sent it."""
    problems: dict[str, list[str]] = {}
    if not opened:
        problems["participants"] = ["Open this stage's bids before choosing who goes on."]
    ids: set[int] = set()
    for raw in wanted:
        try:
            ids.add(int(str(raw)))
        except ValueError:
            problems["participants"] = ["Choose providers from the list."]
    if ids - submitted and "participants" not in problems:
        problems["participants"] = ["Choose only providers that submitted to this stage."]
    going_on = frozenset(ids & submitted)
    text = (message or "").strip()
    if going_on and submitted - going_on and not text:
        problems["message"] = ["Tell the providers who are not going on why: the message is sent to them."]
    if len(text) > MAX_MESSAGE:
        problems["message"] = [f"Keep the message to {MAX_MESSAGE:,} characters or fewer."]
    return Choice(going_on, text, problems)
