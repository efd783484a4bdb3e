"""The evaluation workflow's pure rules: its lifecycle table (the award steps in order, each with its guard and
source), who is still to mark, and a mark checked against its scale with its reason."""

from __future__ import annotations

from decimal import Decimal

import pytest

from trellis.core.errors import InvalidTransition
from trellis.evaluation.domain import workflow
from trellis.evaluation.domain.workflow import Assignment, Move, State


def test_the_moves_and_a_refused_one_in_words():
    assert workflow.next_state(State.SETTING_UP, Move.START_SCORING) is State.SCORING
    assert workflow.next_state(State.RECOMMENDED, Move.SEND_BACK) is State.SCORING
    with pytest.raises(InvalidTransition, match="cannot “approve the decision”"):
        workflow.next_state(State.SCORING, Move.APPROVE)
    with pytest.raises(InvalidTransition, match="not a step"):
        workflow.next_state(State.SCORING, "shred")


def test_moderation_waits_only_for_markers_who_are_not_recused():
    duties = [
        Assignment(member=1, criteria=frozenset({10, 11}), submitted=True),
        Assignment(member=2, criteria=frozenset({10})),
        Assignment(member=3, criteria=frozenset({10}), conflicted=True),
        Assignment(member=4, criteria=frozenset({11})),
    ]
    assert workflow.awaiting(duties, 10) == [2]
    assert workflow.awaiting(duties, 11) == [4]
    assert workflow.markers(duties, 10) == [1, 2]


def test_every_award_step_after_approval_has_its_guard_and_its_source():
    after_approval = [t for t in workflow.LIFECYCLE if t.source_state not in (State.SETTING_UP, State.SCORING)]
    for step in after_approval:
        assert step.guard, step
        if step.move != Move.SEND_BACK:
            assert "2023" in step.source or "PCR" in step.source, step


@pytest.mark.parametrize(
    ("state", "move", "after"),
    [
        (State.DECIDED, Move.PUBLISH_AWARD_NOTICE, State.STANDSTILL),
        (State.STANDSTILL, Move.RECORD_CHALLENGE, State.SUSPENDED),
        (State.SUSPENDED, Move.END_SUSPENSION, State.STANDSTILL),
        (State.STANDSTILL, Move.CHECK_EXCLUSIONS, State.CHECKED),
        (State.CHECKED, Move.RECORD_CHALLENGE, State.SUSPENDED),
        (State.CHECKED, Move.ENTER_CONTRACT, State.CONCLUDED),
        (State.DECIDED, Move.CHECK_EXCLUSIONS, State.CHECKED),
        (State.DECIDED, Move.ENTER_CONTRACT, State.CONCLUDED),
    ],
)
def test_the_award_steps_in_order(state, move, after):
    assert workflow.next_state(state, move) is after


@pytest.mark.parametrize(
    ("state", "move"),
    [
        (State.STANDSTILL, Move.ENTER_CONTRACT),  # the checks come first
        (State.SUSPENDED, Move.ENTER_CONTRACT),  # never while a suspension stands (s.101)
        (State.SUSPENDED, Move.CHECK_EXCLUSIONS),
        (State.DECIDED, Move.RECORD_CHALLENGE),  # no standstill has started
        (State.RECOMMENDED, Move.PUBLISH_AWARD_NOTICE),  # not before approval
        (State.CONCLUDED, Move.RECORD_CHALLENGE),
        (State.STANDSTILL, Move.PUBLISH_AWARD_NOTICE),  # once
    ],
)
def test_an_award_step_out_of_order_is_refused(state, move):
    with pytest.raises(InvalidTransition, match="cannot"):
        workflow.next_state(state, move)


def test_a_mark_must_be_a_level_of_its_scale_and_have_a_reason():
    good = workflow.check_mark("Outcomes", "0-5", "4", "Clear plan with local evidence.")
    assert good.ok and good.score == Decimal(4)
    met = workflow.check_mark("Safeguarding", "met_exceeded", 5, "Meets it")
    assert met.score_problems and "0 (not met), 7 (met) or 10 (exceeded)" in met.score_problems[0]
    blank = workflow.check_mark("Outcomes", "0-5", "", "")
    assert blank.score_problems == ("Enter a mark for “Outcomes”.",)
    assert blank.reason_problems[0].startswith("Give the reason for your mark for “Outcomes”")
    assert workflow.check_mark("Outcomes", "0-5", "4.5", "x").score_problems
    assert workflow.check_mark("Outcomes", "0-5", "4", "x" * 10_001).reason_problems
