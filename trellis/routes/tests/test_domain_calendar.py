"""One working-day calendar per regime, and the standstill counted by each regime's rule.

Each case names the rule it checks: the Procurement Act 2023 s.123 (bank holidays in any part of the UK) and s.51(2)
(8 working days beginning with the day the contract award notice is published); the Provider Selection Regime
reg 2 (England) and reg 12 (8 working days from the day after the notice of intention to award); the Public
Contracts Regulations 2015 reg 2(1) (England, Wales and Northern Ireland) and reg 87 (10 days after the award
decision notices are sent, to the end of the next working day when the tenth is not one)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from trellis.routes.domain import calendar_for, standstill_period
from trellis.routes.domain.calendar import read_working_day_rules, working_day_rules

PA, PCR, PSR = "PA2023", "PCR2015", "PSR"


@pytest.mark.parametrize(
    ("regime", "published", "last_day", "why"),
    [
        # s.51(2), s.123: 24, 27, 30, 31 Dec, 3, 6, 7, 8 Jan — 2 January is a bank holiday in Scotland
        (PA, date(2024, 12, 24), date(2025, 1, 8), "2 Jan (Scotland) is not a working day under the Act"),
        # the same notice under the PSR, counted from the day after in England: 27, 30, 31 Dec, 2, 3, 6, 7, 8 Jan
        (PSR, date(2024, 12, 24), date(2025, 1, 8), "PSR reg 12: from the day after; 2 Jan works in England"),
        # Christmas 2025 under the Act: 22, 23, 24, 29, 30, 31 Dec, 5, 6 Jan (1 and 2 Jan are holidays)
        (PA, date(2025, 12, 22), date(2026, 1, 6), "New Year Holiday (Scotland) on 2 Jan 2026"),
        # published on a Saturday: day one is the next working day, Monday 29 December 2025
        (PA, date(2025, 12, 27), date(2026, 1, 9), "day one is the first working day"),
        # Easter 2025 under the Act: Good Friday 18 April, Easter Monday 21 April (England, Wales, NI)
        (PA, date(2025, 4, 17), date(2025, 4, 30), "Good Friday and Easter Monday"),
        # St Patrick's Day 2026 is a Tuesday: 16, 18, 19, 20, 23, 24, 25, 26 March
        (PA, date(2026, 3, 16), date(2026, 3, 26), "17 March (Northern Ireland) is not a working day"),
        # the same fortnight under the PSR (England only): 17, 18, 19, 20, 23, 24, 25, 26 March
        (PSR, date(2026, 3, 16), date(2026, 3, 26), "PSR counts 17 March, from the day after"),
        # an ordinary fortnight: Monday to the Wednesday of the next week
        (PA, date(2026, 6, 1), date(2026, 6, 10), "no holidays"),
        # Battle of the Boyne 2025 (Saturday 12 July, observed Monday 14 July in Northern Ireland)
        (PA, date(2025, 7, 10), date(2025, 7, 22), "14 July (Northern Ireland) is not a working day"),
    ],
)
def test_working_day_standstills(regime, published, last_day, why):
    period = standstill_period(published, regime=regime, working_days=8, from_day_after=regime == PSR)
    assert period.last_day == last_day, why
    assert period.contract_may_be_entered_from == date.fromordinal(last_day.toordinal() + 1)
    assert (
        period.includes(published)
        and period.includes(last_day)
        and not period.includes(period.contract_may_be_entered_from)
    )


@pytest.mark.parametrize(
    ("sent", "last_day", "why"),
    [
        (date(2025, 6, 10), date(2025, 6, 20), "tenth day, Friday 20 June, is a working day"),
        (date(2025, 6, 11), date(2025, 6, 23), "tenth day is Saturday 21 June: extended to Monday"),
        (
            date(2025, 12, 16),
            date(2025, 12, 29),
            "tenth day is Friday 26 December (Boxing Day): extended to Monday 29th",
        ),
        (date(2025, 8, 15), date(2025, 8, 26), "tenth day is Monday 25 August (bank holiday): extended to Tuesday"),
    ],
)
def test_pcr_standstill_is_ten_calendar_days_ending_on_a_working_day(sent, last_day, why):
    assert standstill_period(sent, regime=PCR, calendar_days=10).last_day == last_day, why


@pytest.mark.parametrize(
    ("regime", "day", "because"),
    [
        (PA, date(2025, 1, 2), "New Year Holiday (Scotland)"),
        (PCR, date(2025, 1, 2), None),  # Scotland is not in the 2015 Regulations' calendar
        (PSR, date(2025, 1, 2), None),
        (PA, date(2025, 3, 17), "Saint Patrick's Day (Northern Ireland)"),
        (PCR, date(2025, 3, 17), "Saint Patrick's Day (Northern Ireland)"),
        (PSR, date(2025, 3, 17), None),
        (PA, date(2025, 12, 1), "Saint Andrew's Day (observed) (Scotland)"),
        (PA, date(2024, 12, 25), "Christmas Day"),
        (PSR, date(2025, 4, 18), "Good Friday"),
        (PA, date(2025, 8, 4), "Summer Bank Holiday (Scotland)"),
        (PA, date(2025, 8, 25), "Late Summer Bank Holiday (England, Wales, Northern Ireland)"),
        (PSR, date(2026, 12, 28), "Boxing Day (observed)"),
        (PA, date(2026, 6, 6), "Saturday"),
        (PA, date(2026, 6, 8), None),
    ],
)
def test_each_regime_names_its_non_working_days(regime, day, because):
    calendar = calendar_for(regime, day)
    assert calendar.not_working_because(day) == because
    assert calendar.is_working_day(day) is (because is None)


def test_every_regime_has_a_dated_calendar_with_its_source():
    rules = {r.regime: r for r in working_day_rules()}
    assert set(rules) == {PA, PCR, PSR}
    assert "s.123" in rules[PA].source and rules[PA].parts == ("ENG", "WLS", "SCT", "NIR")
    assert "reg 2" in rules[PSR].source and rules[PSR].parts == ("ENG",)
    assert rules[PA].valid_from == date(2025, 2, 24)


def test_anything_not_procured_is_counted_on_the_widest_calendar():
    assert calendar_for("not_procurement").rule.regime == PA


def test_counting_helpers():
    calendar = calendar_for(PA)
    assert calendar.working_days_after(date(2026, 6, 5), 1) == date(2026, 6, 8)  # Friday → Monday
    assert calendar.working_days_after(date(2025, 4, 17), 1) == date(2025, 4, 22)  # over Easter
    assert calendar.working_days_after(date(2026, 6, 3), 0) == date(2026, 6, 3)
    assert calendar.nth_working_day_from(date(2026, 6, 6), 1) == date(2026, 6, 8)
    with pytest.raises(ValueError, match="negative"):
        calendar.working_days_after(date(2026, 6, 3), -1)
    with pytest.raises(ValueError, match="at least one"):
        calendar.nth_working_day_from(date(2026, 6, 1), 0)


def test_a_standstill_is_given_one_way():
    with pytest.raises(ValueError, match="not both"):
        standstill_period(date(2026, 6, 1), regime=PA, working_days=8, calendar_days=10)
    with pytest.raises(ValueError, match="not both"):
        standstill_period(date(2026, 6, 1), regime=PA)
    with pytest.raises(ValueError, match="at least one day"):
        standstill_period(date(2026, 6, 1), regime=PA, working_days=0)


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("PA2023,2025-02-30,ENG,christmas,s.123", "not a date"),
        ("PA2023,2025-02-24,ENG XX,christmas,s.123", "parts of the UK"),
        ("PA2023,2025-02-24,ENG,easter,s.123", "unknown day 'easter'"),
        ("PA2023,2025-02-24,ENG,christmas,", "no source"),
    ],
)
def test_a_bad_calendar_row_is_refused_with_its_row_number(tmp_path: Path, row, problem):
    path = tmp_path / "working_days.csv"
    path.write_text(f"regime,valid_from,bank_holidays_in,also_not_working,source\n{row}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=f"row 2: .*{problem}"):
        read_working_day_rules(path)
