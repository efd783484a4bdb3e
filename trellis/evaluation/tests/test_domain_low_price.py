"""The steps for an abnormally low price, table-driven (Procurement Act 2023 s.19(4)–(5))."""

from __future__ import annotations

from datetime import date

import pytest

from trellis.core.errors import ValidationFailed
from trellis.evaluation.domain import low_price
from trellis.evaluation.domain.engine import evaluate
from trellis.evaluation.domain.io import parse_evaluation

ASKED, TODAY = date(2026, 6, 1), date(2026, 6, 10)


@pytest.mark.parametrize(
    ("flagged", "due_on", "field", "why"),
    [
        (True, date(2026, 6, 8), None, "seven days: enough"),
        (True, date(2026, 6, 5), "due_on", "four days is not a reasonable opportunity"),
        (True, None, "due_on", "no day given"),
        (False, date(2026, 6, 8), "bid", "not flagged"),
    ],
)
def test_asking_for_an_explanation(flagged, due_on, field, why):
    problems = low_price.request_problems(flagged=flagged, asked_on=ASKED, due_on=due_on, today=ASKED)
    assert (set(problems) == {field}) if field else not problems, why


@pytest.mark.parametrize(
    ("asked_on", "text", "received_on", "fields"),
    [
        (ASKED, "We use volunteers for a third of the hours.", date(2026, 6, 4), set()),
        (None, "Anything", date(2026, 6, 4), {"explanation"}),
        (ASKED, "", date(2026, 6, 4), {"explanation"}),
        (ASKED, "Fine", date(2026, 5, 30), {"received_on"}),  # before it was asked for
        (ASKED, "Fine", date(2026, 6, 11), {"received_on"}),  # in the future
        (ASKED, "x" * 10_001, None, {"explanation", "received_on"}),
    ],
)
def test_recording_the_explanation(asked_on, text, received_on, fields):
    found = low_price.explanation_problems(asked_on=asked_on, explanation=text, received_on=received_on, today=TODAY)
    assert set(found) == fields


@pytest.mark.parametrize(
    ("asked", "due_on", "explained", "outcome", "reason", "fields", "why"),
    [
        (True, date(2026, 6, 8), True, "disregarded", "Cannot pay the living wage at that price.", set(), "explained"),
        (True, date(2026, 6, 8), False, "disregarded", "No answer came.", set(), "the day due has passed"),
        (True, date(2026, 6, 12), False, "disregarded", "No answer yet.", {"outcome"}, "s.19(5): wait for it"),
        (True, date(2026, 6, 12), False, "accepted", "We know the provider.", set(), "accepting needs no wait"),
        (False, None, False, "accepted", "Fine", {"outcome"}, "never decided before asking"),
        (True, date(2026, 6, 8), True, "rejected", "", {"outcome", "reason"}, "unknown decision, no reason"),
    ],
)
def test_deciding(asked, due_on, explained, outcome, reason, fields, why):
    found = low_price.decision_problems(
        asked_on=ASKED if asked else None,
        due_on=due_on,
        explained=explained,
        outcome=outcome,
        reason=reason,
        today=TODAY,
    )
    assert set(found) == fields, why


SCHEME = {
    "criteria": [
        {"key": "quality", "name": "Quality", "section": "Quality", "weight": 60, "scale": "0-5"},
        {"key": "price", "name": "Price", "section": "Price", "weight": 40, "scale": "0-100", "is_price": True},
    ],
    "price_method": "relative_to_lowest",
}


def _run(bids):
    marks = {"Ann": {name: {"quality": 3} for name in bids}}
    return evaluate(parse_evaluation({**SCHEME, "bids": bids, "marks": marks}))


def test_a_disregarded_tender_is_excluded_with_its_reason_and_the_others_rescored():
    # Cheap at £50,000 against £100,000 and £110,000 takes all 40 price points; disregarded, Mid's £100,000 is lowest.
    kept = _run({"Cheap": 50000, "Mid": 100000, "Dear": 110000})
    assert kept.winner == "Cheap" and kept.bid("Cheap").abnormally_low
    reason = "It could not show how it would pay its staff the living wage at that price."
    gone = _run({"Cheap": {"price": 50000, "disregarded": reason}, "Mid": 100000, "Dear": 110000})
    cheap = gone.bid("Cheap")
    assert cheap.excluded and cheap.rank is None and cheap.total is None
    assert any(reason in r and "abnormally low" in r for r in cheap.reasons)
    assert gone.winner == "Mid" and gone.bid("Mid").price_points == pytest.approx(40.0)


@pytest.mark.parametrize("bad", ["", "   ", 7, "x" * 2_001])
def test_a_bad_disregard_reason_in_the_input_is_refused(bad):
    with pytest.raises(ValidationFailed) as refused:
        parse_evaluation({**SCHEME, "bids": {"A": {"price": 1, "disregarded": bad}}, "marks": {"Ann": {"A": {}}}})
    assert "bids.A.disregarded" in refused.value.errors
