"""EVALUATION.json in and out: every problem named by its path, defaults, and a round trip."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from trellis.core.errors import ValidationFailed
from trellis.evaluation.domain import (
    Exclusion,
    PriceMethod,
    TieBreak,
    evaluate,
    input_as_json,
    parse_evaluation,
    result_as_json,
)
from trellis.evaluation.tests.test_domain_engine import worked_example
from trellis.opportunities.domain.criteria import Scale


def problems(data) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as failure:
        parse_evaluation(data)
    return failure.value.errors


def test_the_worked_example_parses_with_defaults_filled_in():
    data = worked_example()
    for key in ("exclusion", "tie_break", "divergence_threshold", "price_method"):
        del data[key]
    parsed = parse_evaluation(data)
    scheme = parsed.scheme
    assert scheme.price_method == PriceMethod.RELATIVE_TO_LOWEST
    assert scheme.exclusion == Exclusion.EXCLUDE
    assert scheme.tie_break == TieBreak.HIGHEST_QUALITY
    assert scheme.divergence_threshold == Decimal("0.25")
    gate = scheme.criterion("safeguarding")
    assert gate.scale == Scale.PASS_FAIL and gate.weight == 0 and gate.is_gate
    assert scheme.criterion("delivery").min_mark == 2
    assert parsed.marks["Ann"]["Delta"]["safeguarding"] == 0  # "fail"
    assert parsed.bids[0].full_cost == 110000


def test_a_plain_number_is_a_bid_price():
    data = worked_example()
    data["bids"]["Beta"] = 120000
    assert parse_evaluation(data).bids[1].price == 120000


def test_weights_not_totalling_100_are_named():
    data = worked_example()
    data["criteria"][1]["weight"] = 30
    assert problems(data) == {"criteria": ["The weights of the scored criteria must add up to 100. They add up to 90."]}


def test_every_problem_is_collected_and_named_by_path():
    data = worked_example(price_method="cheapest", exclusion="ignore", colour="blue")
    data["criteria"][2]["scale"] = "0-7"
    data["criteria"][1]["weight"] = "lots"
    data["bids"]["Gamma"] = {"price": "free", "discount": 5}
    data["marks"]["Ann"]["Alpha"]["delivery"] = "good"
    found = problems(data)
    assert found["price_method"] == [
        "Choose one of: relative_to_lowest, proportional_penalty, deviation_from_mean, price_per_quality_point."
    ]
    assert set(found) >= {
        "exclusion",
        "colour",
        "criteria[2].scale",
        "criteria[1].weight",
        "bids.Gamma.price",
        "bids.Gamma.discount",
        "marks.Ann.Alpha.delivery",
    }
    assert found["bids.Gamma.price"] == ["The price of Gamma's bid must be an amount of pounds."]
    assert found["marks.Ann.Alpha.delivery"] == ["The mark must be a number on the criterion's scale."]


def test_marks_outside_the_scale_and_bad_prices_are_named_after_parsing():
    data = worked_example()
    data["marks"]["Bob"]["Beta"]["delivery"] = 7
    data["consensus"]["Beta"]["social_value"] = -1
    data["bids"]["Delta"]["price"] = 0
    data["bids"]["Alpha"]["price"] = -100
    found = problems(data)
    assert found["marks.Bob.Beta.delivery"] == [
        "The mark for “Delivery plan” must be a whole number from 0 to 5, not 7."
    ]
    assert "consensus.Beta.social_value" in found
    assert found["bids.Delta.price"] == ["The price of Delta's bid must be more than £0."]
    assert found["bids.Alpha.price"] == ["The price of Alpha's bid must be more than £0."]


def test_not_an_object():
    assert problems([1, 2]) == {"input": ["The input must be a JSON object with criteria, bids and marks."]}
    assert set(problems({})) == {"criteria", "bids"}


def test_input_round_trip_gives_the_same_result():
    first = parse_evaluation(worked_example())
    again = parse_evaluation(json.loads(json.dumps(input_as_json(first))))
    assert again == first
    assert result_as_json(evaluate(again)) == result_as_json(evaluate(first))


def test_result_json_is_unrounded_and_complete():
    out = result_as_json(evaluate(parse_evaluation(worked_example())))
    json.dumps(out)  # JSON-ready
    assert out["winner"] == "Beta"
    beta = out["bids"][0]
    assert beta["key"] == "Beta" and beta["rank"] == 1
    assert beta["price_points"] == 40 * 100000 / 120000  # unrounded
    assert beta["total"] == pytest.approx(48 + 40 / 1.2)
    assert beta["criteria"][2] == {
        "criterion": "social_value",
        "mark": 3.0,
        "source": "consensus",
        "points": 12.0,
        "marked_by": 2,
        "spread": 3.0,
        "divergent": True,
        "passed": None,
    }
    analysis = out["change_the_winner"]
    assert set(analysis) == {"winner", "smallest", "rivals", "exclusion", "note", "certain"}
    # Beta's delivery mark is the mean of 5 and 4: lowered to 4, Beta has 44 + 33.33 = 77.33, under Alpha's 80.
    one = {"bid": "Beta", "criterion": "delivery", "from": 4.5, "to": 4.0, "steps": 1}
    assert analysis["smallest"] == {"steps": 1, "changes": [one], "new_winner": "Alpha", "excludes_winner": False}
    assert analysis["rivals"] == [{"rival": "Alpha", "route": analysis["smallest"], "complete": True}]
    assert analysis["exclusion"]["changes"][0]["criterion"] == "safeguarding"
    assert analysis["exclusion"]["excludes_winner"] is True
