"""Sensitivity of the winner: the smallest single weight change that changes it (checked by hand and by evaluating
again just either side of it), and how often it holds under random weight perturbations (checked against the exact
probability)."""

from __future__ import annotations

import math
from dataclasses import replace
from decimal import Decimal

import pytest

from trellis.evaluation.domain import EvaluationInput, evaluate, parse_evaluation
from trellis.evaluation.domain.marks import aggregate
from trellis.evaluation.domain.totals import rank, score
from trellis.evaluation.tests.test_domain_engine import tie_scheme, worked_example


def winner_at(data: EvaluationInput, criterion: str, change: float) -> str | None:
    """Evaluate again, directly, with one weight changed by ``change`` points and the others rescaled to keep 100."""
    scheme = data.scheme
    moved = scheme.criterion(criterion)
    delta = Decimal(repr(change))
    rest = 100 - moved.weight
    criteria = []
    for c in scheme.criteria:
        if c.key == criterion:
            criteria.append(replace(c, weight=c.weight + delta))
        elif not c.is_gate:
            criteria.append(replace(c, weight=c.weight * (rest - delta) / rest))
        else:
            criteria.append(c)
    changed = replace(data, scheme=replace(scheme, criteria=tuple(criteria)))
    table = aggregate(changed)
    totals = score(changed, table)
    ranks = rank(changed, table, totals)
    firsts = [changed.bids[i].key for i, r in enumerate(ranks) if r == 1]
    return firsts[0] if len(firsts) == 1 else None


def assert_change_is_the_tipping_point(data: EvaluationInput, step: float = 1e-5) -> None:
    result = evaluate(data, perturbations=0)
    change = result.sensitivity.smallest_weight_change
    assert change is not None
    direction = math.copysign(1.0, change.change)
    if abs(change.change) > step:
        assert winner_at(data, change.criterion, change.change - direction * step) == result.winner
    assert winner_at(data, change.criterion, change.change + direction * step) == change.new_winner


def test_worked_example_by_hand():
    # Moving delivery's weight by δ, with social value (20) and price (40) rescaled by (60 − δ) ÷ 60:
    # Beta = 0.9 (40 + δ) + (60 − δ)/60 × (12 + 33.33); Alpha = 0.7 (40 + δ) + (60 − δ)/60 × (12 + 40).
    # Alpha − Beta = −4/3 − (14/45) δ, which is 0 at δ = −30/7 = −4.29 points.
    data = parse_evaluation(worked_example())
    change = evaluate(data, perturbations=0).sensitivity.smallest_weight_change
    assert change is not None
    assert change.criterion == "delivery"
    assert change.change == pytest.approx(-30 / 7, abs=1e-9)
    assert change.new_weight == pytest.approx(40 - 30 / 7, abs=1e-9)
    assert change.new_winner == "Alpha"
    assert_change_is_the_tipping_point(data)


@pytest.mark.parametrize("method", ["proportional_penalty", "deviation_from_mean", "price_per_quality_point"])
def test_worked_example_with_each_price_method_tips_where_it_says(method):
    assert_change_is_the_tipping_point(parse_evaluation(worked_example(price_method=method)))


def test_price_per_quality_point_crossing_is_exact_where_price_points_move_with_quality():
    # With price per quality point, moving a quality weight changes every bid's quality score and so its price
    # points: the total is not linear in the weight. The change found must still be the tipping point.
    data = worked_example(price_method="price_per_quality_point", exclusion="flag")
    data["consensus"]["Delta"] = {"safeguarding": 1}
    parsed = parse_evaluation(data)
    result = evaluate(parsed, perturbations=0)
    change = result.sensitivity.smallest_weight_change
    assert change is not None and change.criterion != "price"
    assert_change_is_the_tipping_point(parsed)


def test_a_tie_won_on_the_tie_break_changes_with_any_move_in_the_right_direction():
    # X, Y and Z all total 80 and Z wins on quality. Lowering A's weight (Z's strength) by any amount puts X ahead:
    # X gains 2/3 of a point per point of A's weight lost, Y 1/3.
    data = parse_evaluation(tie_scheme("highest_quality"))
    change = evaluate(data, perturbations=0).sensitivity.smallest_weight_change
    assert change is not None
    assert (change.criterion, change.change, change.new_winner) == ("A", 0.0, "X")
    assert math.copysign(1.0, change.change) == -1.0  # -0.0: any decrease
    assert winner_at(data, "A", -1e-5) == "X"
    assert winner_at(data, "A", 1e-5) == "Z"


def two_bids() -> dict:
    """X: A 100, B 0 → 50 points. Y: A 0, B 99 → 49.5 points. X wins while A's weight stays above 49.75."""
    return {
        "criteria": [{"key": "A", "weight": 50, "scale": "0-100"}, {"key": "B", "weight": 50, "scale": "0-100"}],
        "bids": {"X": None, "Y": None},
        "marks": {"E": {"X": {"A": 100, "B": 0}, "Y": {"A": 0, "B": 99}}},
    }


def test_two_bids_by_hand():
    # Lowering A by δ: X = 50 − δ; Y = 0.99 × (50 + δ). Equal at δ = 0.5 ÷ 1.99 = 50/199. Raising B is the same.
    result = evaluate(parse_evaluation(two_bids()), perturbations=0)
    change = result.sensitivity.smallest_weight_change
    assert change is not None
    assert (change.criterion, change.new_winner) == ("A", "Y")
    assert change.change == pytest.approx(-50 / 199, abs=1e-12)


def hold_probability(spread: float, c: float = 0.99) -> float:
    """P(f_A > c × f_B) for independent f_A, f_B uniform on [1 − spread, 1 + spread], worked out exactly:
    P(f_A ≤ c f_B) = (c b − a)² ÷ (2 c (b − a)²) when a ≤ c b ≤ b."""
    a, b = 1 - spread, 1 + spread
    return 1 - (c * b - a) ** 2 / (2 * c * (b - a) ** 2)


def test_winner_holds_as_often_as_the_exact_probability():
    # X holds when its renormalised weight on A is more than 99/199 of 100, i.e. when f_A > 0.99 f_B.
    result = evaluate(parse_evaluation(two_bids()), perturbations=20_000, seed=3)
    holds = result.sensitivity.winner_holds
    assert holds is not None
    assert holds["5"] == pytest.approx(hold_probability(0.05), abs=0.02)  # ≈ 0.595
    assert holds["10"] == pytest.approx(hold_probability(0.10), abs=0.02)  # ≈ 0.549


def test_perturbations_are_repeatable_for_a_seed_and_differ_between_seeds():
    data = parse_evaluation(two_bids())
    first = evaluate(data, perturbations=1000, seed=11).sensitivity.winner_holds
    again = evaluate(data, perturbations=1000, seed=11).sensitivity.winner_holds
    other = evaluate(data, perturbations=1000, seed=12).sensitivity.winner_holds
    assert first == again
    assert first != other


def test_a_winner_ahead_on_everything_cannot_be_overturned():
    data = {
        "criteria": [
            {"key": "a", "weight": 30, "scale": "0-5"},
            {"key": "b", "weight": 30, "scale": "0-10"},
            {"key": "price", "weight": 40, "scale": "0-100", "is_price": True},
        ],
        "bids": {"Best": 90, "Other": 100, "Third": 150},
        "marks": {"E": {"Best": {"a": 5, "b": 9}, "Other": {"a": 4, "b": 9}, "Third": {"a": 1, "b": 2}}},
    }
    sensitivity = evaluate(parse_evaluation(data), perturbations=500).sensitivity
    assert sensitivity.winner == "Best"
    assert sensitivity.smallest_weight_change is None
    assert sensitivity.winner_holds == {"5": 1.0, "10": 1.0}
    assert sensitivity.note == "No change to a single weight makes another bid the winner."


def test_one_scored_criterion_has_no_weight_to_move():
    data = {
        "criteria": [{"key": "q", "weight": 100, "scale": "0-5"}],
        "bids": {"A": None, "B": None},
        "marks": {"E": {"A": {"q": 4}, "B": {"q": 3}}},
    }
    sensitivity = evaluate(parse_evaluation(data), perturbations=100).sensitivity
    assert sensitivity.smallest_weight_change is None
    assert sensitivity.winner_holds == {"5": 1.0, "10": 1.0}


def test_no_perturbations_asked_for():
    sensitivity = evaluate(parse_evaluation(two_bids()), perturbations=0).sensitivity
    assert sensitivity.winner_holds is None
    assert "No random perturbations were asked for." in sensitivity.note
