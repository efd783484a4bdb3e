"""The evaluation workflow's pure rules: its moves, who is still to mark, the standstill and the contract, and a
mark checked against its scale with its reason."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from trellis.core.errors import InvalidTransition
from trellis.evaluation.domain import workflow
from trellis.evaluation.domain.workflow import Assignment, Move, State


def test_the_moves_and_a_refused_one_in_words():
    assert workflow.next_state(State.SETTING_UP, Move.START_SCORING) is State.SCORING
    assert workflow.next_state(State.RECOMMENDED, Move.SEND_BACK) is State.SCORING
    assert workflow.next_state(State.DECIDED, Move.ENTER_CONTRACT) is State.CONCLUDED
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


@pytest.mark.parametrize(
    ("kind", "route", "regime", "light_touch", "applies"),
    [
        ("open_tender", "", "PA2023", False, True),
        ("competitive_flexible", "competitive_flexible", "PA2023", False, True),
        ("open_tender", "light_touch_flexible", "PA2023", False, False),
        ("open_tender", "", "PA2023", True, False),
        ("grant_round", "", "not_procurement", False, False),
        ("call_off", "", "PA2023", False, False),
        ("market_engagement", "", "", False, False),
    ],
)
def test_the_standstill_applies_to_contract_awards_but_not_light_touch_grants_or_call_offs(
    kind, route, regime, light_touch, applies
):
    rule = workflow.standstill_rule(kind=kind, route=route, regime=regime, light_touch=light_touch)
    assert rule.applies is applies and rule.reason


def test_the_standstill_counts_working_days_and_blocks_the_contract_until_it_ends():
    # 8 working days from Tuesday 24 December 2024 end on Tuesday 7 January 2025 (research notes, uk-rules §1.10).
    last = workflow.standstill_for(date(2024, 12, 24)).last_day
    assert last == date(2025, 1, 7)
    assert "cannot be entered into during the standstill" in workflow.contract_problem(
        standstill_last_day=last, today=last
    )
    assert workflow.contract_problem(standstill_last_day=last, today=date(2025, 1, 8)) is None
    assert workflow.contract_problem(standstill_last_day=None, today=date(2025, 1, 1)) is None


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


def test_an_unknown_kind_of_exercise_is_not_a_contract_award():
    rule = workflow.standstill_rule(kind="something_else")
    assert rule == workflow.StandstillRule(False, "No standstill: this is not a contract award.")


def test_a_tender_outside_procurement_law_has_no_standstill():
    rule = workflow.standstill_rule(kind="open_tender", regime=workflow.NOT_PROCUREMENT)
    assert rule == workflow.StandstillRule(False, "No standstill: this is not a procurement.")
