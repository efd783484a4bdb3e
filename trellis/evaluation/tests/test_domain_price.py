"""Price scoring methods against the published worked examples (research notes, uk-rules §3.2), and bad input named
by its field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from trellis.core.errors import ValidationFailed
from trellis.evaluation.domain import PriceMethod, score_prices

D = Decimal
REL = PriceMethod.RELATIVE_TO_LOWEST
PEN = PriceMethod.PROPORTIONAL_PENALTY
MEAN = PriceMethod.DEVIATION_FROM_MEAN
PQP = PriceMethod.PRICE_PER_QUALITY_POINT


def test_ccs_digital_marketplace_example_at_max_one():
    # A £15,000 → 0.667, B £10,000 → 1, C £30,000 → 0.333 (CCS via shma.co.uk)
    scores = score_prices(REL, {"A": D(15000), "B": D(10000), "C": D(30000)}, D(1))
    assert {k: round(v, 3) for k, v in scores.items()} == {"A": 0.667, "B": 1.0, "C": 0.333}


def test_brodies_example_out_of_100():
    # £1m → 100, £1.2m → 83, £2m → 50 (Brodies)
    scores = score_prices(REL, {"low": D(1_000_000), "mid": D(1_200_000), "high": D(2_000_000)}, D(100))
    assert {k: round(v) for k, v in scores.items()} == {"low": 100, "mid": 83, "high": 50}


def test_impactbids_example_with_weight_40():
    # £100 → 40, £105 → 38, £108 → 37 (impactbids)
    scores = score_prices(REL, {"a": D(100), "b": D(105), "c": D(108)}, D(40))
    assert {k: round(v) for k, v in scores.items()} == {"a": 40, "b": 38, "c": 37}


def test_scores_are_unrounded():
    scores = score_prices(REL, {"a": D(100), "b": D(105)}, D(40))
    assert scores["b"] == pytest.approx(40 * 100 / 105, abs=1e-12)
    assert scores["b"] != round(scores["b"], 2)


def test_proportional_penalty_25_percent_above_lowest_loses_25_percent():
    scores = score_prices(PEN, {"low": D(80000), "above": D(100000)}, D(40))
    assert scores["low"] == 40
    assert scores["above"] == pytest.approx(30)  # 25% above the lowest: 25% fewer of the 40 points


def test_proportional_penalty_is_floored_at_zero_beyond_twice_the_lowest():
    scores = score_prices(PEN, {"low": D(100), "double": D(200), "treble": D(300)}, D(50))
    assert scores == {"low": 50.0, "double": 0.0, "treble": 0.0}


def test_deviation_from_mean_scores_50_at_the_mean_and_one_point_per_percent():
    # mean of 80, 100 and 120 is 100: 20% below → 70; at the mean → 50; 20% above → 30
    scores = score_prices(MEAN, {"a": D(80), "b": D(100), "c": D(120)}, D(100))
    assert scores == pytest.approx({"a": 70, "b": 50, "c": 30})


def test_deviation_from_mean_is_clamped_and_scaled_to_max_points():
    # mean of 10 and 190 is 100: 90% below → 140, clamped to 100; 90% above → −40, clamped to 0. At max 40: 40 and 0.
    scores = score_prices(MEAN, {"cheap": D(10), "dear": D(190)}, D(40))
    assert scores == pytest.approx({"cheap": 40, "dear": 0})
    # 10% below the mean of 90 and 110 is 60 of 100, so 24 of 40
    assert score_prices(MEAN, {"a": D(90), "b": D(110)}, D(40)) == pytest.approx({"a": 24, "b": 16})


def test_price_per_quality_point_gives_the_lowest_pqp_full_marks():
    # PQP: A 100,000 ÷ 50 = 2,000; B 90,000 ÷ 30 = 3,000; C 120,000 ÷ 80 = 1,500 (lowest)
    quality = {"A": 50.0, "B": 30.0, "C": 80.0}
    scores = score_prices(PQP, {"A": D(100000), "B": D(90000), "C": D(120000)}, D(40), quality=quality)
    assert scores == pytest.approx({"A": 40 * 1500 / 2000, "B": 40 * 1500 / 3000, "C": 40})


def test_price_per_quality_point_gives_zero_to_a_bid_without_quality_points():
    scores = score_prices(PQP, {"A": D(100), "B": D(50)}, D(10), quality={"A": 20.0, "B": 0.0})
    assert scores == {"A": 10.0, "B": 0.0}
    assert score_prices(PQP, {"A": D(100)}, D(10), quality={"A": 0}) == {"A": 0.0}


def test_every_method_has_a_label_formula_and_cited_source():
    for method in PriceMethod:
        assert method.label and method.formula
        assert "uk-rules §3.2" in method.source
    assert "Cabinet Office" in PQP.source and "7.3" in PQP.source
    assert "lowest price ÷ bid price" in REL.formula


def test_a_price_of_zero_or_less_or_not_a_number_is_named():
    with pytest.raises(ValidationFailed) as failure:
        score_prices(REL, {"A": D(0), "B": D(-5), "C": "lots", "D": D(100), "E": None}, D(40))
    errors = failure.value.errors
    assert set(errors) == {"bids.A", "bids.B", "bids.C", "bids.E"}
    assert errors["bids.A"] == ["The price of A's bid must be more than £0."]
    assert "must be an amount of pounds" in errors["bids.C"][0]
    assert failure.value.message == "The prices cannot be scored: 4 problems to put right."


def test_no_bids_and_bad_max_points_are_named():
    with pytest.raises(ValidationFailed) as failure:
        score_prices(REL, {}, D(0))
    assert set(failure.value.errors) == {"bids", "max_points"}


def test_an_unknown_method_is_named():
    with pytest.raises(ValidationFailed) as failure:
        score_prices("cheapest_wins", {"A": D(1)}, D(1))  # type: ignore[arg-type]
    assert "method" in failure.value.errors


def test_price_per_quality_point_needs_every_quality_score():
    with pytest.raises(ValidationFailed) as failure:
        score_prices(PQP, {"A": D(1), "B": D(2)}, D(1))
    assert "quality" in failure.value.errors
    with pytest.raises(ValidationFailed) as failure:
        score_prices(PQP, {"A": D(1), "B": D(2), "C": D(3)}, D(1), quality={"A": 1.0, "B": -1.0})
    assert set(failure.value.errors) == {"quality.B", "quality.C"}
    assert failure.value.errors["quality.C"] == ["Give the quality score of C's bid."]


@pytest.mark.parametrize(
    ("price", "problem"),
    [
        ("125000", "must be an amount of pounds, such as 125000."),
        (True, "must be an amount of pounds, such as 125000."),
        (D(0), "must be more than £0."),
        (-5, "must be more than £0."),
        (D("1000000000001"), "must be less than £1,000,000,000,000."),
    ],
)
def test_each_bad_price_is_named_with_what_is_wrong(price, problem):
    with pytest.raises(ValidationFailed) as failure:
        score_prices(REL, {"A": price, "B": D(100)}, D(100))
    assert failure.value.errors == {"bids.A": [f"The price of A's bid {problem}"]}


@pytest.mark.parametrize("quality", [True, float("nan"), float("inf"), "70", -1.0])
def test_a_quality_score_that_is_not_a_number_of_zero_or_more_is_refused(quality):
    with pytest.raises(ValidationFailed) as failure:
        score_prices(PQP, {"A": D(100), "B": D(200)}, D(100), quality={"A": quality, "B": 50})
    assert failure.value.errors == {"quality.A": ["The quality score of A's bid must be a number, 0 or more."]}


def test_quality_scores_given_as_floats_or_whole_numbers_are_read_exactly():
    # Price per quality point: A pays £100 for 50 points (£2 a point), B £300 for 75 (£4 a point): B gets half.
    scores = score_prices(PQP, {"A": D(100), "B": D(300)}, D(100), quality={"A": 50, "B": 75.0})
    assert scores == {"A": 100.0, "B": 50.0}


def test_a_third_bid_can_reverse_the_order_of_the_first_two_as_the_form_warns():
    """Relative price scoring (research notes, uk-rules §3.2): A has 30 quality points at £100, B 37 at £125, with 40
    points for price. Alone: A 30 + 40 = 70, B 37 + 32 = 69. With C at £50: A 30 + 20 = 50, B 37 + 16 = 53."""
    from trellis.opportunities.domain.methodology import RELATIVE_PRICE_CAUTION

    quality = {"A": 30.0, "B": 37.0, "C": 0.0}

    def totals(prices):
        scores = score_prices(REL, prices, D(40))
        return {key: quality[key] + float(points) for key, points in scores.items()}

    two = totals({"A": D(100), "B": D(125)})
    three = totals({"A": D(100), "B": D(125), "C": D(50)})
    assert two["A"] > two["B"] and three["B"] > three["A"]
    assert "reverse the order" in RELATIVE_PRICE_CAUTION
