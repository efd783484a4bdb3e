"""Criteria: weights, scales, templates, and field-named errors."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trellis.core.errors import ValidationFailed
from trellis.opportunities.domain.criteria import (
    SCALES,
    TEMPLATES,
    Scale,
    parse_criteria,
    split,
    total_weight,
    weight_errors,
)


def row(name="Quality of delivery", weight="60", scale="0-5", **kw):
    return {"name": name, "weight": weight, "scale": scale, **kw}


def errors_of(rows, *, complete=False):
    with pytest.raises(ValidationFailed) as exc:
        parse_criteria(rows, complete=complete)
    return exc.value.errors


def test_a_complete_set_totalling_100_is_accepted_and_cleaned():
    parsed = parse_criteria(
        [
            row(" Quality of delivery ", "60", section=" Quality ", word_limit="750"),
            row("Price", "30", scale="0-100", is_price="on"),
            row("Social value", 10, template="social_value"),
        ],
        complete=True,
    )
    assert [r.name for r in parsed] == ["Quality of delivery", "Price", "Social value"]
    assert [r.weight for r in parsed] == [Decimal("60.00"), Decimal("30.00"), Decimal("10.00")]
    assert parsed[0].section == "Quality" and parsed[0].word_limit == 750
    assert parsed[1].is_price and parsed[1].scale is Scale.ZERO_HUNDRED
    assert parsed[2].template == "social_value"
    assert split(parsed) == (Decimal("30.00"), Decimal("70.00"))


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        (["60", "30"], "The weights must add up to 100. They add up to 90."),
        (["60", "50"], "The weights must add up to 100. They add up to 110."),
        (["33.33", "33.33", "33.33"], "The weights must add up to 100. They add up to 99.99."),
    ],
)
def test_weights_not_totalling_100_cannot_be_published(weights, message):
    rows = [row(f"Criterion {i}", w) for i, w in enumerate(weights)]
    assert errors_of(rows, complete=True) == {"criteria": [message]}
    # ... but a draft may be saved while they are worked out
    assert len(parse_criteria(rows, complete=False)) == len(weights)


def test_publishing_needs_at_least_one_criterion():
    assert errors_of([], complete=True) == {"criteria": ["Add at least one evaluation criterion."]}
    assert parse_criteria([], complete=False) == []


def test_weights_with_decimals_that_total_exactly_100_are_accepted():
    rows = [row("A", "33.33"), row("B", "33.33"), row("C", "33.34")]
    assert total_weight([r.weight for r in parse_criteria(rows, complete=True)]) == Decimal(100)


@pytest.mark.parametrize(
    ("weight", "message"),
    [
        ("", "Enter the weight as a percentage, for example 20."),
        (None, "Enter the weight as a percentage, for example 20."),
        ("lots", "Enter the weight as a percentage, for example 20."),
        ("NaN", "Enter the weight as a percentage, for example 20."),
        ("-1", "The weight must be between 0 and 100."),
        ("100.01", "The weight must be between 0 and 100."),
        ("10.005", "The weight can have at most 2 decimal places."),
        ("0", "A scored criterion needs a weight above 0. Use the pass or fail scale for a gate."),
    ],
)
def test_each_weight_is_0_to_100_and_named_by_its_row(weight, message):
    rows = [row("First", "50"), row("Second", weight)]
    assert errors_of(rows) == {"criteria-1-weight": [message]}


def test_a_percentage_sign_is_accepted():
    assert parse_criteria([row(weight="25%")], complete=False)[0].weight == Decimal("25.00")


def test_a_float_weight_is_read_exactly():
    assert parse_criteria([row(weight=12.5)], complete=False)[0].weight == Decimal("12.50")


def test_pass_fail_is_a_gate_with_no_weight():
    gate = row("Safeguarding policy in place", "0", scale="pass_fail")
    parsed = parse_criteria([gate, row("Quality", "100")], complete=True)
    assert parsed[0].scale is Scale.PASS_FAIL and parsed[0].weight == 0
    assert errors_of([row("Gate", "10", scale="pass_fail")]) == {
        "criteria-0-weight": ["A pass or fail criterion is a gate, not a score: give it a weight of 0."]
    }


def test_every_problem_in_every_row_is_named_at_once():
    errors = errors_of(
        [
            row(name="", weight="x", scale="0-7", word_limit="many", template="made_up"),
            row(name="N" * 201, section="S" * 121, word_limit="0"),
        ]
    )
    assert errors == {
        "criteria-0-name": ["Enter the criterion's name."],
        "criteria-0-scale": ["Choose a scoring scale from the list."],
        "criteria-0-weight": ["Enter the weight as a percentage, for example 20."],
        "criteria-0-word_limit": ["Enter the word limit as a whole number, for example 500."],
        "criteria-0-template": ["That template does not exist."],
        "criteria-1-name": ["The name must be 200 characters or fewer."],
        "criteria-1-section": ["The section must be 120 characters or fewer."],
        "criteria-1-word_limit": ["The word limit must be between 1 and 5,000."],
    }


def test_price_is_scored_on_a_points_scale_and_only_once():
    assert errors_of([row("Price", "40", scale="met_exceeded", is_price=True)]) == {
        "criteria-0-scale": ["Price is scored by a formula: choose a points scale such as 0 to 100."]
    }
    two_prices = [row("Price", "20", scale="0-100", is_price=True), row("Cost", "20", scale="0-100", is_price=True)]
    assert errors_of(two_prices) == {"criteria": ["Only one criterion can be the price."]}


def test_rows_must_be_a_list_of_mappings():
    assert errors_of("not a list") == {"criteria": ["The criteria must be a list."]}
    assert errors_of([["Quality", 50]]) == {"criteria-0-name": ["Each criterion must have a name, weight and scale."]}


def test_weight_errors_directly():
    assert weight_errors([Decimal(100)]) == []
    assert weight_errors([Decimal(50), Decimal(40)]) == ["The weights must add up to 100. They add up to 90."]


@given(st.lists(st.integers(min_value=1, max_value=100), min_size=1, max_size=12))
def test_any_split_of_100_into_positive_whole_weights_is_accepted(parts):
    # Turn arbitrary positive numbers into whole weights that total exactly 100.
    scale = sum(parts)
    weights = [max(1, p * 100 // scale) for p in parts]
    if sum(weights) > 100:
        return
    weights[-1] += 100 - sum(weights)
    rows = [row(f"C{i}", str(w)) for i, w in enumerate(weights)]
    assert total_weight([r.weight for r in parse_criteria(rows, complete=True)]) == 100


@given(st.lists(st.integers(min_value=1, max_value=100), min_size=1, max_size=12).filter(lambda ws: sum(ws) != 100))
def test_any_set_not_totalling_100_is_refused_for_publishing(weights):
    rows = [row(f"C{i}", str(w)) for i, w in enumerate(weights)]
    with pytest.raises(ValidationFailed) as exc:
        parse_criteria(rows, complete=True)
    assert list(exc.value.errors) == ["criteria"]


# Scales and templates --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scale", list(Scale))
def test_every_scale_has_descriptors_and_a_source(scale):
    info = SCALES[scale]
    assert info.scale is scale and info.label == scale.label
    assert len(info.levels) >= 2 and all(level.label and level.descriptor for level in info.levels)
    assert info.source


def test_scale_maxima():
    assert [SCALES[s].max_points for s in Scale] == [
        Decimal(4),
        Decimal(5),
        Decimal(10),
        Decimal(100),
        Decimal(10),
        None,
    ]
    met = {level.label: level.score for level in SCALES[Scale.MET_EXCEEDED].levels}
    assert met == {"Exceeded": "10", "Met": "7", "Not met": "0"}  # seed 003, "Bidding for Contracts"


def test_the_four_templates_are_ready_criteria_with_sources():
    assert set(TEMPLATES) == {"social_value", "local_connectedness", "user_involvement", "collaboration"}
    for key, template in TEMPLATES.items():
        as_row = template.as_row()
        parsed = parse_criteria([as_row], complete=False)[0]
        assert parsed.template == key and parsed.weight == template.suggested_weight
        assert template.description and template.source
    assert "Seed 000, point 3" in TEMPLATES["local_connectedness"].source
    assert "Seed 000, point 1" in TEMPLATES["collaboration"].source
    assert "10%" in TEMPLATES["social_value"].source


def test_templates_plus_quality_and_price_make_a_publishable_set():
    rows = [t.as_row() for t in TEMPLATES.values()]
    rows += [row("Delivering the outcomes", "40"), row("Price", "20", scale="0-100", is_price=True)]
    assert total_weight([r.weight for r in parse_criteria(rows, complete=True)]) == 100


def test_a_template_row_can_take_another_weight():
    assert TEMPLATES["social_value"].as_row(weight=Decimal(20))["weight"] == Decimal(20)


def test_every_mark_on_the_hundred_point_scale_has_one_band_no_wider_than_twenty():
    """Each mark needs a clear, measurable and specific descriptor (Procurement Act 2023 s.23(2)(b)): a band of 49
    marks under one word ("1–49 Poor") was not."""
    levels = SCALES[Scale.ZERO_HUNDRED].levels
    bands = []
    for level in levels:
        low, _, high = level.score.partition("–")
        bands.append((int(low), int(high or low)))
    for mark in range(101):
        assert sum(low <= mark <= high for low, high in bands) == 1, mark
    assert max(high - low + 1 for low, high in bands) <= 20
