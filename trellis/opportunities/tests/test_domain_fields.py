"""Cleaning an opportunity's fields and rows (``domain/fields.py``): pure, table by table."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from trellis.core.errors import ValidationFailed
from trellis.opportunities.domain import fields

MOMENT = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "amount", "problem"),
    [
        (None, None, ""),
        ("  ", None, ""),
        ("150000", Decimal("150000.00"), ""),
        ("£1,500.5", Decimal("1500.50"), ""),
        (0, Decimal("0.00"), ""),
        (Decimal("9999999999.99"), Decimal("9999999999.99"), ""),
        ("lots", None, "Enter an amount in pounds, like 150000."),
        ("-5", None, "Enter an amount of 0 or more, in pounds."),
        ("NaN", None, "Enter an amount of 0 or more, in pounds."),
        ("Infinity", None, "Enter an amount of 0 or more, in pounds."),
        ("10000000000", None, "Enter an amount under £10 billion."),
        ("1.005", None, "Enter pounds and pence, with at most 2 decimal places."),
    ],
)
def test_money_is_pounds_and_pence_from_zero_to_under_ten_billion(raw, amount, problem):
    assert fields.parse_money(raw) == (amount, problem)


class Ward:
    gss_code = "E05099001"


@pytest.mark.parametrize(
    ("values", "attr", "expected"),
    [
        (None, "code", []),
        (["befriending", "transport"], "code", ["befriending", "transport"]),
        ([Ward(), "E05099002"], "gss_code", ["E05099001", "E05099002"]),
    ],
)
def test_codes_come_from_objects_or_text(values, attr, expected):
    assert fields.codes(values, attr) == expected


@pytest.mark.parametrize(
    ("data", "clean", "errors"),
    [
        ({"title": "  Transport  "}, {"title": "Transport"}, {}),
        ({"title": " "}, {"title": ""}, {"title": ["Enter a title for the opportunity."]}),
        ({"summary": None}, {"summary": ""}, {}),
        ({"summary": "x" * 601}, {"summary": "x" * 601}, {"summary": ["Keep it to 600 characters or fewer."]}),
        (
            {"specification": "x" * 50_001},
            {"specification": "x" * 50_001},
            {"specification": ["Keep it to 50,000 characters or fewer."]},
        ),
        (
            {"consortium_bids_invited": "yes", "show_bid_count_before_opening": ""},
            {"consortium_bids_invited": True, "show_bid_count_before_opening": False},
            {},
        ),
        ({"kind": "grant_round"}, {"kind": "grant_round"}, {}),
        ({"kind": "raffle"}, {}, {"kind": ["Choose the type of opportunity."]}),
        ({"estimated_value": "£2,000"}, {"estimated_value": Decimal("2000.00")}, {}),
        (
            {"estimated_value": "-1"},
            {"estimated_value": None},
            {"estimated_value": ["Enter an amount of 0 or more, in pounds."]},
        ),
        ({"duration_months": ""}, {"duration_months": None}, {}),
        ({"duration_months": " 36 "}, {"duration_months": 36}, {}),
        ({"duration_months": 0}, {"duration_months": 0}, {"duration_months": ["Enter a length from 1 to 240 months."]}),
        (
            {"duration_months": 241},
            {"duration_months": 241},
            {"duration_months": ["Enter a length from 1 to 240 months."]},
        ),
        (
            {"duration_months": "two"},
            {"duration_months": -1},
            {"duration_months": ["Enter a length from 1 to 240 months."]},
        ),
        ({"route": ""}, {"route": ""}, {}),
        ({"route": "lottery"}, {"route": "lottery"}, {"route": ["Choose a route from the list."]}),
        ({"regime": None}, {"regime": ""}, {}),
        ({"regime": "EU"}, {"regime": "EU"}, {"regime": ["Choose a legal regime from the list."]}),
        ({"price_method": "guess"}, {"price_method": "guess"}, {"price_method": ["Choose how prices are scored."]}),
        ({"tie_break": ""}, {"tie_break": ""}, {"tie_break": ["Choose the tie-break rule."]}),
        (
            {"exclusion_rule": "x"},
            {"exclusion_rule": "x"},
            {"exclusion_rule": ["Choose what happens to a bid that fails a pass or fail question or a minimum."]},
        ),
        ({"min_quality_percent": "60"}, {"min_quality_percent": Decimal("60.00")}, {}),
        ({"min_quality_percent": ""}, {"min_quality_percent": None}, {}),
        (
            {"min_quality_percent": "101"},
            {"min_quality_percent": Decimal("101.00")},
            {"min_quality_percent": ["Enter the minimum quality score as a percentage from 0 to 100."]},
        ),
        ({"stages": None}, {"stages": []}, {}),
        ({"stages": ["tender", "dialogue", "final_tender"]}, {"stages": ["tender", "dialogue", "final_tender"]}, {}),
        ({"stages": ["nonsense"]}, {"stages": ["nonsense"]}, {"stages": ["Choose the stages from the list."]}),
        ({"planned_publish_on": date(2026, 1, 5)}, {"planned_publish_on": date(2026, 1, 5)}, {}),
        ({"award_expected_on": None}, {"award_expected_on": None}, {}),
        (
            {"planned_publish_on": "next week"},
            {"planned_publish_on": "next week"},
            {"planned_publish_on": ["Enter a real date."]},
        ),
        ({"service_starts_on": MOMENT}, {"service_starts_on": MOMENT}, {"service_starts_on": ["Enter a real date."]}),
        ({"closes_at": MOMENT}, {"closes_at": MOMENT}, {}),
        (
            {"closes_at": date(2026, 3, 6)},
            {"closes_at": date(2026, 3, 6)},
            {"closes_at": ["Enter a real date and time."]},
        ),
        (
            {"questions_close_at": MOMENT.replace(tzinfo=None)},
            {"questions_close_at": MOMENT.replace(tzinfo=None)},
            {"questions_close_at": ["Enter the time with its time zone."]},
        ),
        ({"colour": "blue", "title": "T"}, {"title": "T"}, {"colour": ["This field cannot be changed here."]}),
        ({"service_types": ["befriending"], "wards": []}, {}, {}),
    ],
)
def test_each_field_is_cleaned_or_named_with_its_problem(data, clean, errors):
    assert fields.clean_fields(data) == (clean, errors)


def test_every_problem_is_named_at_once():
    _, errors = fields.clean_fields({"title": "", "kind": "raffle", "route": "x", "closes_at": "soon", "z": 1})
    assert list(errors) == ["z", "title", "kind", "route", "closes_at"]


@pytest.mark.parametrize(
    ("kind", "is_call_off", "errors"),
    [
        ("open_tender", False, {}),
        ("call_off", True, {}),
        ("call_off", False, {"kind": [fields.CALL_OFF_FROM_FRAMEWORK]}),
        ("grant_round", True, {"kind": [fields.CALL_OFF_FROM_FRAMEWORK]}),
    ],
)
def test_a_call_off_comes_only_from_its_framework(kind, is_call_off, errors):
    assert fields.call_off_errors(kind=kind, is_call_off=is_call_off) == errors


def refused(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as exc:
        call()
    return exc.value.errors


@pytest.mark.parametrize(
    ("value", "errors"),
    [
        ("lots", {"lots": ["The lots must be a list."]}),
        ({"title": "A"}, {"lots": ["The lots must be a list."]}),
        ([{}] * 21, {"lots": ["There can be at most 20 lots."]}),
        ([{"title": "A", "value": 1}, "B"], {"lots-1-title": ["Each row must be a set of named values."]}),
    ],
)
def test_a_list_of_rows_must_be_a_short_list_of_mappings(value, errors):
    assert refused(lambda: fields.rows(value, "lots", 20)) == errors


def test_rows_come_back_as_a_list():
    assert fields.rows(({"a": 1},), "lots", 1) == [{"a": 1}]


def test_lots_are_cleaned_in_order():
    lots = fields.clean_lots(
        [{"title": " North ", "description": " Wards 1-3 ", "value": "60,000"}, {"title": "South", "value": 40000}],
        estimated_value=Decimal("100000"),
    )
    assert lots == [
        fields.LotRow("North", "Wards 1-3", Decimal("60000.00")),
        fields.LotRow("South", "", Decimal("40000.00")),
    ]


@pytest.mark.parametrize(
    ("rows", "estimated", "errors"),
    [
        ([{"title": "", "value": "1"}], None, {"lots-0-title": ["Enter a title for the lot."]}),
        ([{"title": "x" * 201, "value": "1"}], None, {"lots-0-title": ["Keep the title to 200 characters or fewer."]}),
        ([{"title": "A"}], None, {"lots-0-value": ["Enter the value of the lot, in pounds."]}),
        ([{"title": "A", "value": "ten"}], None, {"lots-0-value": ["Enter an amount in pounds, like 150000."]}),
        (
            [{"title": "A", "value": "60000"}, {"title": "B", "value": "50000"}],
            Decimal("100000"),
            {"lots": ["The lots add up to £110,000.00, more than the estimated value of £100,000.00."]},
        ),
    ],
)
def test_a_lot_needs_a_title_and_a_value_within_the_estimate(rows, estimated, errors):
    assert refused(lambda: fields.clean_lots(rows, estimated_value=estimated)) == errors


def test_lots_over_the_estimate_are_allowed_when_there_is_no_estimate():
    assert len(fields.clean_lots([{"title": "A", "value": "5"}], estimated_value=None)) == 1


def test_eligibility_items_are_essential_unless_said_otherwise():
    items = fields.clean_eligibility([{"text": " Registered charity "}, {"text": "Local office", "essential": False}])
    assert items == [fields.EligibilityRow("Registered charity", True), fields.EligibilityRow("Local office", False)]


@pytest.mark.parametrize(
    ("rows", "errors"),
    [
        ([{"text": " "}], {"eligibility-0-text": ["Enter the requirement."]}),
        ([{"text": "ok"}, {"text": "x" * 501}], {"eligibility-1-text": ["Keep it to 500 characters or fewer."]}),
        ([{"text": "ok"}] * 41, {"eligibility": ["There can be at most 40 eligibility."]}),
    ],
)
def test_an_eligibility_item_needs_its_requirement(rows, errors):
    assert refused(lambda: fields.clean_eligibility(rows)) == errors


@pytest.mark.parametrize(
    ("question", "result", "errors"),
    [
        ("  When does it start?  ", "When does it start?", None),
        (None, None, {"question": ["Enter your question."]}),
        ("   ", None, {"question": ["Enter your question."]}),
        ("x" * 5001, None, {"question": ["Keep your question to 5,000 characters or fewer."]}),
    ],
)
def test_a_question_is_needed_and_kept_short(question, result, errors):
    if errors is None:
        assert fields.clean_question(question) == result
    else:
        assert refused(lambda: fields.clean_question(question)) == errors


@pytest.mark.parametrize(
    ("answer", "withdrawn", "result", "errors"),
    [
        (" In April. ", False, "In April.", None),
        ("In April.", True, None, {"answer": ["This question was withdrawn."]}),
        ("", False, None, {"answer": ["Enter the answer."]}),
        ("x" * 10_001, False, None, {"answer": ["Keep the answer to 10,000 characters or fewer."]}),
    ],
)
def test_an_answer_is_needed_kept_short_and_not_given_to_a_withdrawn_question(answer, withdrawn, result, errors):
    if errors is None:
        assert fields.clean_answer(answer, withdrawn=withdrawn) == result
    else:
        assert refused(lambda: fields.clean_answer(answer, withdrawn=withdrawn)) == errors
