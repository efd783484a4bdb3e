"""The scheme and the marks are checked before anything is worked out, each problem named by its field."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from trellis.core.errors import ValidationFailed
from trellis.evaluation.domain import (
    BidInput,
    CriterionSpec,
    EvaluationInput,
    PriceMethod,
    Scheme,
    check_marks,
    check_scheme,
)
from trellis.evaluation.domain.scheme import mark_rule
from trellis.opportunities.domain.criteria import SCALES, Scale

D = Decimal


def spec(key, weight, scale=Scale.ZERO_FIVE, **kw) -> CriterionSpec:
    return CriterionSpec(key=key, name=key.title(), section="Quality", weight=D(weight), scale=scale, **kw)


def good_scheme(**kw) -> Scheme:
    criteria = (
        spec("gate", 0, Scale.PASS_FAIL),
        spec("delivery", 60, min_mark=D(2)),
        spec("price", 40, Scale.ZERO_HUNDRED, is_price=True),
    )
    return Scheme(criteria=criteria, **kw)


def errors_of(scheme: Scheme) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as failure:
        check_scheme(scheme)
    return failure.value.errors


def test_a_sound_scheme_passes():
    check_scheme(good_scheme())


def test_the_scales_are_the_published_ones():
    # Marks come from the levels published with the opportunity (criteria.SCALES), not a second set of scales.
    assert mark_rule(Scale.ZERO_FOUR).allowed == {D(n) for n in range(5)}
    assert mark_rule(Scale.ZERO_FIVE).allowed == {D(n) for n in range(6)}
    assert mark_rule(Scale.ZERO_TEN).allowed == {D(n) for n in range(11)}  # bands 9–10, 7–8, … 0
    assert mark_rule(Scale.ZERO_HUNDRED).allowed == {D(n) for n in range(101)}
    assert mark_rule(Scale.MET_EXCEEDED).allowed == {D(0), D(7), D(10)}  # not met, met, exceeded
    assert mark_rule(Scale.PASS_FAIL).allowed == {D(0), D(1)}
    for scale, info in SCALES.items():
        if info.max_points is not None:
            assert mark_rule(scale).maximum == info.max_points
    assert mark_rule(Scale.MET_EXCEEDED).text == "0 (not met), 7 (met) or 10 (exceeded)"


def test_weights_not_totalling_100_are_named():
    scheme = replace(good_scheme(), criteria=(spec("a", 50), spec("b", 40)))
    assert errors_of(scheme) == {
        "criteria": ["The weights of the scored criteria must add up to 100. They add up to 90."]
    }


def test_each_criterion_problem_is_named_by_its_index_and_field():
    scheme = replace(
        good_scheme(),
        criteria=(
            spec("a", 50),
            spec("a", 30, min_mark=D(6)),  # duplicate key; min mark off the 0–5 scale
            spec("gate", 5, Scale.PASS_FAIL),  # a gate with a weight
            spec("p1", 10, Scale.ZERO_HUNDRED, is_price=True),
            spec("p2", 10, Scale.MET_EXCEEDED, is_price=True),  # a second price, on a met/exceeded scale
            spec("zero", 0),  # a scored criterion without a weight
            spec("fine", D("0.005")),
        ),
    )
    errors = errors_of(scheme)
    assert errors["criteria[1].key"] == ["Two criteria have the key “a”. Give each a different key."]
    assert errors["criteria[1].min_mark"] == ["The minimum mark must be on the scale: a whole number from 0 to 5."]
    assert "gate, not a score" in errors["criteria[2].weight"][0]
    assert "points scale" in errors["criteria[4].scale"][0]
    assert "needs a weight above 0" in errors["criteria[5].weight"][0]
    assert errors["criteria[6].weight"] == ["The weight can have at most 2 decimal places."]
    assert errors["criteria"] == ["Only one criterion can be the price."]


def test_settings_are_checked():
    scheme = good_scheme(min_quality_percent=D(120), divergence_threshold=D("1.5"))
    errors = errors_of(scheme)
    assert set(errors) == {"min_quality_percent", "divergence_threshold"}


def test_price_per_quality_point_needs_a_quality_criterion():
    criteria = (spec("gate", 0, Scale.PASS_FAIL), spec("price", 100, Scale.ZERO_HUNDRED, is_price=True))
    scheme = Scheme(criteria=criteria, price_method=PriceMethod.PRICE_PER_QUALITY_POINT)
    assert "price_method" in errors_of(scheme)


def test_a_gate_cannot_have_a_minimum_mark_nor_the_price():
    scheme = replace(
        good_scheme(),
        criteria=(
            spec("gate", 0, Scale.PASS_FAIL, min_mark=D(1)),
            spec("q", 60),
            spec("price", 40, Scale.ZERO_HUNDRED, is_price=True, min_mark=D(50)),
        ),
    )
    errors = errors_of(scheme)
    assert set(errors) == {"criteria[0].min_mark", "criteria[2].min_mark"}


def make_input(marks=None, consensus=None, bids=None) -> EvaluationInput:
    bids = bids or (BidInput("Alpha", D(100)), BidInput("Beta", D(120)))
    if marks is None:
        marks = {"Ann": {b.key: {"gate": D(1), "delivery": D(3)} for b in bids}}
    return EvaluationInput(scheme=good_scheme(), bids=tuple(bids), marks=marks, consensus=consensus or {})


def marks_errors(data: EvaluationInput) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as failure:
        check_marks(data)
    return failure.value.errors


def test_sound_marks_pass():
    check_marks(make_input())


def test_marks_outside_the_scale_are_named_by_evaluator_bid_and_criterion():
    marks = {
        "Ann": {"Alpha": {"gate": D(1), "delivery": D(6)}, "Beta": {"gate": D(2), "delivery": D("2.5")}},
        "Bob": {"Alpha": {"gate": True, "delivery": D(-1)}},
    }
    errors = marks_errors(make_input(marks=marks))
    assert errors["marks.Ann.Alpha.delivery"] == ["The mark for “Delivery” must be a whole number from 0 to 5, not 6."]
    assert errors["marks.Ann.Beta.gate"] == ["The mark for “Gate” must be 1 (pass) or 0 (fail), not 2."]
    assert "not 2.5" in errors["marks.Ann.Beta.delivery"][0]
    assert "marks.Bob.Alpha.gate" in errors  # true is not a mark: give 1 or 0
    assert "marks.Bob.Alpha.delivery" in errors


def test_unknown_bids_and_criteria_and_marks_for_the_price_are_named():
    marks = {
        "Ann": {
            "Alpha": {"gate": D(1), "delivery": D(3), "colour": D(2), "price": D(50)},
            "Beta": {"gate": D(1), "delivery": D(3)},
            "Omega": {"delivery": D(3)},
        }
    }
    errors = marks_errors(make_input(marks=marks, consensus={"Zeta": {"delivery": D(1)}}))
    assert errors["marks.Ann.Omega"] == ["There is no bid called “Omega”."]
    assert errors["marks.Ann.Alpha.colour"] == ["There is no criterion with the key “colour”."]
    assert errors["marks.Ann.Alpha.price"] == ["The price is scored by the price formula, not by marks."]
    assert errors["consensus.Zeta"] == ["There is no bid called “Zeta”."]


def test_a_criterion_nobody_marked_is_named():
    marks = {"Ann": {"Alpha": {"gate": D(1), "delivery": D(3)}, "Beta": {"gate": D(1)}}}
    errors = marks_errors(make_input(marks=marks))
    assert list(errors) == ["consensus.Beta.delivery"]
    assert "Nobody has marked “Delivery” for Beta" in errors["consensus.Beta.delivery"][0]
    # a consensus mark alone is enough
    check_marks(make_input(marks=marks, consensus={"Beta": {"delivery": D(2)}}))


def test_prices_of_zero_or_less_and_missing_prices_are_named():
    bids = (BidInput("Alpha", D(0)), BidInput("Beta", D(-10)), BidInput("Gamma", None), BidInput("Delta", D(5), D(-1)))
    errors = marks_errors(make_input(bids=bids))
    assert errors["bids.Alpha.price"] == ["The price of Alpha's bid must be more than £0."]
    assert errors["bids.Beta.price"] == ["The price of Beta's bid must be more than £0."]
    assert errors["bids.Gamma.price"] == ["Give the price of Gamma's bid: the scheme scores price."]
    assert "bids.Delta.full_cost" in errors


def test_duplicate_bids_are_named():
    bids = (BidInput("Alpha", D(1)), BidInput("Alpha", D(2)))
    assert "bids.Alpha" in marks_errors(make_input(bids=bids))
