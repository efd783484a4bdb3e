"""Key dates: order, minimum periods by kind and route, consortium extra time. ``now`` is passed explicitly."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from trellis.opportunities.domain.dates import (
    CONSORTIUM_EXTRA_DAYS,
    MINIMUM_PERIODS,
    KeyDates,
    check_for_publishing,
    check_order,
    funding_length_warning,
    minimum_period,
)
from trellis.opportunities.domain.kinds import Kind
from trellis.routes.domain import LIGHT_TOUCH_TENDERING_PERIOD, TENDERING_PERIOD, TimeLimit
from trellis.routes.domain import sources as route_sources

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)


def at(days: float, base: datetime = NOW) -> datetime:
    return base + timedelta(days=days)


@pytest.mark.parametrize(
    ("kind", "days"),
    [
        (Kind.GRANT_ROUND, 28),
        (Kind.OPEN_TENDER, 25),
        (Kind.COMPETITIVE_FLEXIBLE, 25),
        (Kind.FRAMEWORK, 25),
        (Kind.MARKET_ENGAGEMENT, 14),
    ],
)
def test_minimum_period_by_kind(kind, days):
    period = minimum_period(kind, consortium_bids_invited=False)
    assert period.days == days
    assert len(period.parts) == 1 and period.parts[0].source == MINIMUM_PERIODS[kind].source


def test_tender_minimum_cites_section_54_and_grant_minimum_is_a_stated_assumption():
    assert route_sources.PA_S54 in MINIMUM_PERIODS[Kind.OPEN_TENDER].source
    assert MINIMUM_PERIODS[Kind.GRANT_ROUND].source.startswith("Trellis assumption")


@pytest.mark.parametrize("kind", list(Kind))
def test_consortium_bids_add_two_weeks_with_the_seed_cited(kind):
    plain = minimum_period(kind, consortium_bids_invited=False)
    more = minimum_period(kind, consortium_bids_invited=True)
    assert more.days == plain.days + CONSORTIUM_EXTRA_DAYS == plain.days + 14
    assert "Consortium Delivery" in more.parts[-1].source and "Birmingham" in more.parts[-1].source
    assert "Extra time because consortium bids are invited (14 days)" in more.explanation


def test_the_route_s_statutory_period_applies_when_longer():
    longer = TimeLimit("Minimum tendering period (documents not with the notice)", 30, "s.54", TENDERING_PERIOD)
    shorter_uk3 = TimeLimit("After a planned procurement notice", 10, "s.54", "tendering_period_uk3")
    unrelated = TimeLimit("Contract termination notice", 30, "s.80", "termination_notice")
    no_minimum = TimeLimit("Light touch: no minimum", None, "s.54", TENDERING_PERIOD)
    period = minimum_period(
        Kind.OPEN_TENDER, consortium_bids_invited=False, route_limits=[longer, shorter_uk3, no_minimum]
    )
    assert period.days == 30 and period.parts[0].rule == longer.stage
    # a shorter or unrelated limit does not lower or change the kind's minimum
    assert minimum_period(Kind.GRANT_ROUND, consortium_bids_invited=False, route_limits=[unrelated]).days == 28
    # the limit is known by its code, not by the wording of its source
    same = TimeLimit("Minimum tendering period", 25, route_sources.PA_S80, TENDERING_PERIOD)
    assert minimum_period(Kind.OPEN_TENDER, consortium_bids_invited=True, route_limits=[same]).days == 39


# Order -----------------------------------------------------------------------------------------------------------


def test_dates_in_order_pass():
    dates = KeyDates(
        planned_publish_on=date(2026, 3, 1),
        questions_close_at=at(20),
        closes_at=at(30),
        award_expected_on=date(2026, 5, 1),
        service_starts_on=date(2026, 7, 1),
    )
    assert check_order(dates).ok


@pytest.mark.parametrize(
    ("dates", "field", "message"),
    [
        (KeyDates(questions_close_at=at(30), closes_at=at(30)), "questions_close_at", "Questions must close before"),
        (KeyDates(questions_close_at=at(31), closes_at=at(30)), "questions_close_at", "Questions must close before"),
        (KeyDates(planned_publish_on=date(2026, 4, 1), closes_at=at(30)), "closes_at", "after the planned publication"),
        (KeyDates(closes_at=at(30), award_expected_on=date(2026, 3, 31)), "award_expected_on", "before the deadline"),
        (
            KeyDates(award_expected_on=date(2026, 5, 1), service_starts_on=date(2026, 4, 30)),
            "service_starts_on",
            "cannot start before the award",
        ),
        (KeyDates(closes_at=at(30), service_starts_on=date(2026, 3, 5)), "service_starts_on", "before the deadline"),
        (KeyDates(closes_at=datetime(2026, 4, 1, 12, 0)), "closes_at", "time zone"),
    ],
)
def test_dates_out_of_order_are_named(dates, field, message):
    result = check_order(dates)
    assert list(result.errors) == [field]
    assert message in result.errors[field][0]


# Publishing ------------------------------------------------------------------------------------------------------


def test_publishing_with_exactly_the_minimum_period_passes():
    period = minimum_period(Kind.GRANT_ROUND, consortium_bids_invited=False)
    dates = KeyDates(questions_close_at=at(20), closes_at=at(28))
    assert check_for_publishing(dates, period, NOW).ok


def test_publishing_one_minute_short_of_the_minimum_is_refused_with_the_reason():
    period = minimum_period(Kind.GRANT_ROUND, consortium_bids_invited=True)  # 28 + 14
    dates = KeyDates(questions_close_at=at(20), closes_at=at(42) - timedelta(minutes=1))
    result = check_for_publishing(dates, period, NOW)
    assert result.errors == {
        "closes_at": [
            "The deadline must be at least 42 days after publication: Four weeks from publication to the deadline "
            "for a grant round (28 days); Extra time because consortium bids are invited (14 days)."
        ]
    }
    assert check_for_publishing(KeyDates(questions_close_at=at(20), closes_at=at(42)), period, NOW).ok


def test_publishing_needs_a_future_deadline_and_question_deadline():
    period = minimum_period(Kind.OPEN_TENDER, consortium_bids_invited=False)
    result = check_for_publishing(KeyDates(), period, NOW)
    assert result.errors == {
        "closes_at": ["Enter the deadline for bids."],
        "questions_close_at": ["Enter when clarification questions close."],
    }
    past = check_for_publishing(KeyDates(questions_close_at=at(-2), closes_at=at(-1)), period, NOW)
    assert past.errors == {
        "closes_at": ["The deadline for bids must be in the future."],
        "questions_close_at": ["The closing time for questions must be in the future."],
    }


def test_deadlines_compare_as_instants_whatever_the_zone():
    period = minimum_period(Kind.MARKET_ENGAGEMENT, consortium_bids_invited=False)
    closes_utc = (NOW + timedelta(days=14)).astimezone(UTC)
    assert check_for_publishing(KeyDates(questions_close_at=at(7), closes_at=closes_utc), period, NOW).ok


def test_questions_closing_just_before_the_deadline_is_a_warning_not_an_error():
    period = minimum_period(Kind.OPEN_TENDER, consortium_bids_invited=False)
    result = check_for_publishing(KeyDates(questions_close_at=at(29), closes_at=at(30)), period, NOW)
    assert result.ok
    assert result.warnings == [
        "Questions close less than 5 days before the deadline: providers may not see the answers in time to use them."
    ]


def test_now_must_be_aware():
    period = minimum_period(Kind.OPEN_TENDER, consortium_bids_invited=False)
    with pytest.raises(ValueError):
        check_for_publishing(KeyDates(), period, datetime(2026, 3, 2, 9, 0))


def test_the_minimum_period_counts_across_the_change_to_summer_time():
    # British Summer Time starts on 29 March 2026: 28 days are still 28 × 24 hours of server time.
    period = minimum_period(Kind.GRANT_ROUND, consortium_bids_invited=False)
    start = datetime(2026, 3, 20, 12, 0, tzinfo=LONDON)
    ok = KeyDates(questions_close_at=at(10, start), closes_at=(start.astimezone(UTC) + timedelta(days=28)))
    assert check_for_publishing(ok, period, start).ok


@pytest.mark.parametrize(
    ("kind", "months", "warns"),
    [
        (Kind.GRANT_ROUND, 12, True),
        (Kind.OPEN_TENDER, 35, True),
        (Kind.OPEN_TENDER, 36, False),
        (Kind.GRANT_ROUND, None, False),
        (Kind.MARKET_ENGAGEMENT, 6, False),
    ],
)
def test_funding_shorter_than_three_years_is_advised_against(kind, months, warns):
    warning = funding_length_warning(kind, months)
    assert bool(warning) is warns
    if warns:
        assert "seed 002 §3.17–3.18" in warning


def test_publishing_needs_an_aware_moment():
    period = minimum_period(Kind.GRANT_ROUND, consortium_bids_invited=False)
    dates = KeyDates(questions_close_at=at(20), closes_at=at(28))
    with pytest.raises(ValueError, match="now must be an aware datetime"):
        check_for_publishing(dates, period, NOW.replace(tzinfo=None))


def test_publishing_reports_dates_out_of_order_before_anything_else():
    period = minimum_period(Kind.GRANT_ROUND, consortium_bids_invited=False)
    dates = KeyDates(questions_close_at=at(50), closes_at=at(40))
    result = check_for_publishing(dates, period, NOW)
    assert result.errors == {"questions_close_at": ["Questions must close before the deadline for bids."]}


def test_a_light_touch_contract_keeps_trellis_s_minimum_without_claiming_the_law_sets_it():
    light_touch = TimeLimit("No minimum for a light touch contract", None, "s.54", LIGHT_TOUCH_TENDERING_PERIOD)
    period = minimum_period(Kind.COMPETITIVE_FLEXIBLE, consortium_bids_invited=False, route_limits=[light_touch])
    assert period.days == 25
    assert "the law sets none for a light touch contract" in period.parts[0].rule
    assert "no minimum participation or tendering period for a light touch" in period.parts[0].source
    # a grant round's own rule is not a statutory period and is left as it is
    grant = minimum_period(Kind.GRANT_ROUND, consortium_bids_invited=False, route_limits=[light_touch])
    assert grant.days == 28 and "light touch" not in grant.parts[0].rule


def test_only_the_tendering_kinds_take_the_acts_minimum_period():
    statutory = {kind for kind, rule in MINIMUM_PERIODS.items() if rule.statutory}
    assert statutory == {Kind.OPEN_TENDER, Kind.COMPETITIVE_FLEXIBLE, Kind.FRAMEWORK}
    assert all("s.54" in MINIMUM_PERIODS[kind].source for kind in statutory)
