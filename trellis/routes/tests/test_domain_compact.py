"""Compact checks: three-year funding by default, full cost recovery, three months' notice, 12 weeks' consultation."""

from __future__ import annotations

from datetime import date

import pytest

from trellis.routes.domain import Facts, Route, advise, compact, compact_checks

BASE = {
    "purpose": "fund_own_activity",
    "estimated_value_gbp": 90000,
    "duration_months": 36,
    "service_category": "light_touch",
    "authority_class": "sub_central",
    "procurement_start": "2026-04-01",
    "capable_providers": 2,
    "capable_small_or_local": 2,
}


def checks(route, **changes):
    return {c.check: c for c in compact_checks(Route(route), Facts.from_dict({**BASE, **changes}))}


@pytest.mark.parametrize(("months", "ok"), [(35, False), (36, True), (60, True)])
def test_three_year_funding_is_the_default_for_grants(months, ok):
    check = checks("grant_three_year", duration_months=months)["three_year_funding"]
    assert check.ok is ok
    assert "three years" in check.text
    assert "Compact" in check.source


@pytest.mark.parametrize(("months", "ok"), [(6, True), (12, True), (13, False)])
def test_a_one_off_grant_is_only_for_a_one_off_purpose(months, ok):
    assert checks("grant_one_off", duration_months=months)["three_year_funding"].ok is ok


def test_every_route_but_in_house_has_the_four_compact_checks():
    for route in Route:
        if route == Route.IN_HOUSE:
            continue
        found = checks(route)
        assert {"three_year_funding", "full_cost_recovery", "notice_before_ending", "consultation_12_weeks"} <= set(
            found
        )
        assert all(c.source for c in found.values())


def test_three_months_notice_is_dated_from_the_new_start_when_there_is_an_existing_provider():
    facts = Facts.from_dict({**BASE, "purpose": "buy_service", "incumbent_scenario": 6})
    found = {
        c.check: c for c in compact_checks(Route.BELOW_THRESHOLD_ADVERTISED, facts, service_starts=date(2026, 10, 31))
    }
    assert "by 31 July 2026" in found["notice_before_ending"].text
    assert (
        "12 weeks" in found["consultation_12_weeks"].text and "existing service" in found["consultation_12_weeks"].text
    )


def test_notice_date_clamps_to_the_end_of_a_shorter_month():
    facts = Facts.from_dict({**BASE, "purpose": "buy_service", "incumbent_scenario": 1})
    found = {c.check: c for c in compact_checks(Route.OPEN_PROCEDURE, facts, service_starts=date(2026, 5, 31))}
    assert "by 28 February 2026" in found["notice_before_ending"].text


def test_in_house_needs_consultation_when_it_replaces_a_provider():
    facts = Facts.from_dict({**BASE, "purpose": "buy_service", "incumbent_scenario": 3})
    (check,) = compact_checks(Route.IN_HOUSE, facts)
    assert check.check == "consultation_12_weeks" and check.ok is False


def test_the_advice_carries_the_checks_for_the_recommended_route():
    advice = advise(Facts.from_dict(BASE))
    assert advice.recommended == "grant_three_year"
    keys = [c["check"] for c in advice.to_dict()["compact_checks"]]
    assert keys[:4] == ["three_year_funding", "full_cost_recovery", "notice_before_ending", "consultation_12_weeks"]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 5, 18), 3, date(2026, 2, 18)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),  # no 31 February: the end of the month
        (date(2028, 3, 31), 1, date(2028, 2, 29)),  # a leap year
        (date(2026, 7, 31), 1, date(2026, 6, 30)),
        (date(2026, 1, 15), 2, date(2025, 11, 15)),  # back across the new year
    ],
)
def test_months_before_keeps_the_day_or_the_end_of_a_shorter_month(day, months, expected):
    assert compact._months_before(day, months) == expected
