"""``evaluate``: marks used, weighted totals, gates and thresholds, exclusion, price comparison, ranking with the
tie-break, abnormally low prices and divergent marks. Every expected number is worked out by hand in the comments."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from trellis.evaluation.domain import evaluate, parse_evaluation, result_as_json

DATA = Path(__file__).parent / "data"


def worked_example(**changes) -> dict:
    """The worked example in docs/evaluation-methods.md: a gate, two quality criteria (40 and 20) and price (40).

    Alpha: delivery (4 + 3) ÷ 2 = 3.5 → 3.5 ÷ 5 × 40 = 28; social value 3 → 12; quality 40; £100,000.
    Beta: delivery 4.5 → 36; social value: consensus 3 → 12 (the evaluators gave 4 and 1); quality 48; £120,000.
    Gamma: delivery 1.5, below the minimum of 2; social value 2 → 8; quality 20; £80,000.
    Delta: safeguarding split (Ann fail, Bob pass), no consensus → failed; quality 40 + 20 = 60; £150,000.
    """
    data = json.loads((DATA / "worked_example.json").read_text(encoding="utf-8"))
    data.update(changes)
    return data


def run(data: dict):
    return evaluate(parse_evaluation(data))


def test_worked_example_excluding_failed_bids():
    result = run(worked_example())
    alpha, beta, gamma, delta = (result.bid(k) for k in ("Alpha", "Beta", "Gamma", "Delta"))
    # Gamma and Delta are excluded, so the lowest compared price is Alpha's £100,000: Alpha 40, Beta 40 × 100/120.
    assert alpha.quality_points == pytest.approx(40)
    assert alpha.price_points == pytest.approx(40)
    assert alpha.total == pytest.approx(80)
    assert beta.quality_points == pytest.approx(48)
    assert beta.price_points == pytest.approx(100 / 3)
    assert beta.total == pytest.approx(48 + 100 / 3)
    assert [b.key for b in result.bids] == ["Beta", "Alpha", "Gamma", "Delta"]
    assert (beta.rank, alpha.rank, gamma.rank, delta.rank) == (1, 2, None, None)
    assert result.winner == "Beta"
    assert gamma.excluded and gamma.total is None and gamma.price_points is None
    assert gamma.failed_thresholds == ("delivery",)
    assert gamma.reasons == ("Scored 1.5 on “Delivery plan”, below the minimum of 2.",)
    assert delta.excluded and delta.failed_gates == ("safeguarding",)
    assert "not every evaluator passed it" in delta.reasons[0]
    assert delta.quality_points == pytest.approx(60)


def test_lines_say_which_mark_was_used_and_where_it_came_from():
    beta = run(worked_example()).bid("Beta")
    social = beta.line("social_value")
    assert (social.mark, social.source, social.points) == (3.0, "consensus", pytest.approx(12))
    assert (social.marked_by, social.spread, social.divergent) == (2, 3.0, True)
    delivery = beta.line("delivery")
    assert (delivery.mark, delivery.source, delivery.points, delivery.passed) == (4.5, "mean", 36.0, True)
    gate = beta.line("safeguarding")
    assert (gate.mark, gate.points, gate.passed) == (1.0, 0.0, True)
    assert beta.line("social_value").passed is None  # no minimum on it
    assert beta.sections == pytest.approx({"Quality": 36, "Social value": 12, "Price": 100 / 3})


def test_divergences_are_listed_with_the_marks_and_any_consensus():
    result = run(worked_example())
    found = {(d.bid, d.criterion): d for d in result.divergences}
    assert set(found) == {("Beta", "social_value"), ("Delta", "safeguarding")}
    beta = found["Beta", "social_value"]
    assert beta.marks == {"Ann": 4.0, "Bob": 1.0}
    assert (beta.spread, beta.allowed, beta.consensus) == (3.0, 1.25, 3.0)  # 0.25 × 5
    delta = found["Delta", "safeguarding"]
    assert (delta.spread, delta.allowed, delta.consensus) == (1.0, 0.25, None)


def test_divergence_is_a_spread_of_more_than_the_threshold():
    data = worked_example(divergence_threshold=0.2)  # allowed spread 0.2 × 5 = 1 mark
    data["consensus"] = {}
    data["marks"]["Bob"]["Alpha"]["delivery"] = 3  # Ann 4, Bob 3: spread 1, not more than 1
    data["marks"]["Bob"]["Beta"]["delivery"] = 3  # Ann 5, Bob 3: spread 2
    found = {(d.bid, d.criterion) for d in run(data).divergences}
    assert ("Alpha", "delivery") not in found
    assert ("Beta", "delivery") in found


def test_flagging_keeps_a_bid_below_a_minimum_ranked_but_never_one_that_failed_a_gate():
    result = run(worked_example(exclusion="flag"))
    # Gamma (below a minimum mark) stays in, so the lowest price is its £80,000: Alpha 40 + 40 × 0.8 = 72;
    # Beta 48 + 40 × 80/120 = 74.67; Gamma 20 + 40 = 60. Delta failed the safeguarding gate: not evaluated further
    # (Procurement Act 2023 s.19(2)(a)), though its 81.33 would otherwise have won.
    totals = {b.key: b.total for b in result.bids}
    assert totals == pytest.approx({"Alpha": 72, "Beta": 48 + 80 / 3, "Gamma": 60, "Delta": None})
    assert result.ranking == {"Beta": 1, "Alpha": 2, "Gamma": 3, "Delta": None}
    assert result.winner == "Beta"
    delta = result.bid("Delta")
    assert delta.excluded and delta.failed_gates == ("safeguarding",) and delta.reasons
    gamma = result.bid("Gamma")
    assert not gamma.excluded and gamma.rank == 3


def test_a_consensus_pass_on_a_gate_lets_the_bid_in():
    data = worked_example()
    data["consensus"]["Delta"] = {"safeguarding": "pass"}
    result = run(data)
    # Delta now compared: lowest price £100,000, Delta 60 + 40 × 100/150 = 86.67, ahead of Beta's 81.33
    assert result.bid("Delta").total == pytest.approx(60 + 80 / 3)
    assert result.winner == "Delta"


def test_an_overall_minimum_quality_score():
    result = run(worked_example(min_quality_percent=70))
    alpha = result.bid("Alpha")  # 40 of 60 quality points = 66.7%
    assert alpha.quality_percent == pytest.approx(200 / 3)
    assert alpha.excluded and alpha.failed_thresholds == ("min_quality_percent",)
    assert alpha.reasons == ("The quality score of 66.67% is below the minimum of 70%.",)
    assert result.bid("Beta").rank == 1 and result.bid("Beta").price_points == pytest.approx(40)


def test_price_below_own_full_cost_is_flagged_not_excluded():
    alpha = run(worked_example()).bid("Alpha")
    assert alpha.abnormally_low and alpha.rank == 2
    assert alpha.abnormally_low_reasons == ("The price of £100,000 is below the bid's own full cost of £110,000.",)


def tie_scheme(tie_break: str) -> dict:
    """Three bids on 80 points each. X: A 3 → 24, B 4 → 16, £100 → 40. Y: A 4 → 32, B 2 → 8, £100 → 40.
    Z: A 5 → 40, B 2 → 8, £125 → 40 × 100/125 = 32."""
    return {
        "criteria": [
            {"key": "A", "weight": 40, "scale": "0-5"},
            {"key": "B", "weight": 20, "scale": "0-5"},
            {"key": "price", "weight": 40, "scale": "0-100", "is_price": True},
        ],
        "tie_break": tie_break,
        "bids": {"X": 100, "Y": 100, "Z": 125},
        "marks": {"E": {"X": {"A": 3, "B": 4}, "Y": {"A": 4, "B": 2}, "Z": {"A": 5, "B": 2}}},
    }


def test_highest_quality_breaks_a_tie_then_the_most_heavily_weighted_criterion():
    result = run(tie_scheme("highest_quality"))
    assert {b.key: b.total for b in result.bids} == pytest.approx({"X": 80, "Y": 80, "Z": 80})
    # Z has the most quality points (48); X and Y both have 40, and Y has more on A, the heavier criterion.
    assert result.ranking == {"Z": 1, "Y": 2, "X": 3}
    assert result.winner == "Z"


def test_lowest_price_breaks_a_tie_and_remaining_ties_share_a_rank():
    result = run(tie_scheme("lowest_price"))
    assert result.ranking == {"X": 1, "Y": 1, "Z": 3}
    assert [b.key for b in result.bids] == ["X", "Y", "Z"]
    assert result.winner is None
    assert result.change_the_winner.winner is None and result.change_the_winner.smallest is None
    assert result.change_the_winner.note == "There is no single winner: X, Y share first place after the tie-break."


def test_identical_bids_share_a_rank_under_highest_quality():
    data = tie_scheme("highest_quality")
    data["bids"]["W"] = 125
    data["marks"]["E"]["W"] = {"A": 5, "B": 2}
    assert run(data).ranking == {"Z": 1, "W": 1, "Y": 3, "X": 4}


def abnormal(prices: dict) -> dict:
    return {
        "criteria": [
            {"key": "q", "weight": 50, "scale": "0-5"},
            {"key": "price", "weight": 50, "scale": "0-100", "is_price": True},
        ],
        "bids": prices,
        "marks": {"E": {k: {"q": 3} for k in prices}},
    }


def test_a_price_more_than_15_percent_below_the_adjusted_average_is_flagged():
    result = run(abnormal({"A": 100, "B": 100, "C": 100, "D": 200, "E": 70}))
    # E: the others are 100, 100, 100 and 200; leaving out the highest, their average is 100; 70 < 85.
    assert result.bid("E").abnormally_low_reasons == (
        "The price of £70 is more than 15% below £100, the average of the other prices leaving out the highest.",
    )
    # A: the others' average leaving out 200 is (100 + 100 + 70) ÷ 3 = 90; 100 is not below 76.50.
    assert [b.key for b in result.bids if b.abnormally_low] == ["E"]


def test_exactly_15_percent_below_is_not_flagged():
    result = run(abnormal({"A": 100, "B": 100, "C": 300, "E": 85}))
    # E: others 100, 100, 300 → leaving out 300, the average is 100; 85 is exactly 15% below: not more than 15%.
    assert not result.bid("E").abnormally_low
    assert run(abnormal({"A": 100, "B": 100, "C": 300, "E": 84.99})).bid("E").abnormally_low


def test_the_comparison_with_other_prices_needs_three_prices():
    result = run(abnormal({"A": 1000, "E": 1}))
    assert not result.bid("E").abnormally_low


def test_a_scheme_without_price_ranks_on_quality():
    data = {
        "criteria": [{"key": "q", "weight": 100, "scale": "0-10"}],
        "bids": {"A": None, "B": None},
        "marks": {"E": {"A": {"q": 7}, "B": {"q": 9}}},
    }
    result = run(data)
    assert result.ranking == {"B": 1, "A": 2}
    assert result.bid("B").total == pytest.approx(90) and result.bid("B").price_points is None
    assert result.price_method is None
    assert result.notes == ("The scheme has no price criterion: bids are ranked on quality alone.",)


def test_marks_from_consensus_alone():
    data = {
        "criteria": [{"key": "q", "weight": 100, "scale": "met_exceeded"}],
        "bids": {"A": None},
        "marks": {},
        "consensus": {"A": {"q": 7}},
    }
    line = run(data).bid("A").line("q")
    assert (line.mark, line.source, line.points, line.marked_by, line.spread) == (7.0, "consensus", 70.0, 0, None)


def test_the_same_input_gives_the_same_result():
    first = result_as_json(run(worked_example()))
    again = result_as_json(run(copy.deepcopy(worked_example())))
    assert first == again


def test_the_removed_random_options_are_not_accepted():
    with pytest.raises(TypeError):
        evaluate(parse_evaluation(worked_example()), perturbations=100, seed=0)  # type: ignore[call-arg]


def test_looking_up_a_bid_or_criterion_the_result_does_not_hold_is_a_key_error():
    result = run(worked_example())
    with pytest.raises(KeyError, match="Omega"):
        result.bid("Omega")
    with pytest.raises(KeyError, match="no_such_criterion"):
        result.bid("Beta").line("no_such_criterion")
    assert result.bid("Beta").line("social_value").criterion == "social_value"
