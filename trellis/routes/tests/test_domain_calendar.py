"""Working days and the standstill: weekends and England-and-Wales bank holidays, the publication day counted
as day one when it is a working day (the worked example: 24 December 2024 → 7 January 2025)."""

from __future__ import annotations

from datetime import date

import pytest

from trellis.routes.domain import is_working_day, standstill, working_days_after
from trellis.routes.domain.calendar import bank_holiday_name, nth_working_day_from, psr_standstill


@pytest.mark.parametrize(
    ("published", "last_day"),
    [
        # the worked example: 24, 27, 30, 31 Dec, 2, 3, 6, 7 Jan (25, 26 Dec and 1 Jan are bank holidays)
        (date(2024, 12, 24), date(2025, 1, 7)),
        # Christmas 2025: 25 Thu, 26 Fri bank holidays; 1 Jan 2026 Thursday
        (date(2025, 12, 22), date(2026, 1, 5)),
        # published on a Saturday: day one is the next working day
        (date(2025, 12, 27), date(2026, 1, 8)),
        # Christmas 2026: 25 Fri, Boxing Day (Saturday) observed on Monday 28th
        (date(2026, 12, 23), date(2027, 1, 6)),
        # Easter 2025: Good Friday 18 April, Easter Monday 21 April
        (date(2025, 4, 17), date(2025, 4, 30)),
        # Easter 2026: Good Friday 3 April, Easter Monday 6 April
        (date(2026, 3, 31), date(2026, 4, 13)),
        # an ordinary fortnight: Monday to the Wednesday of the next week
        (date(2026, 6, 1), date(2026, 6, 10)),
        # early May bank holiday 2026 (4 May)
        (date(2026, 4, 29), date(2026, 5, 11)),
    ],
)
def test_standstill_last_day(published, last_day):
    period = standstill(published)
    assert period.working_days == 8
    assert period.last_day == last_day
    assert period.contract_may_be_entered_from == date.fromordinal(last_day.toordinal() + 1)
    assert "s.51" in period.source


def test_standstill_to_dict():
    assert standstill(date(2024, 12, 24)).to_dict() == {
        "working_days": 8,
        "last_day": "2025-01-07",
        "published": "2024-12-24",
        "contract_from": "2025-01-08",
        "source": standstill(date(2024, 12, 24)).source,
    }


@pytest.mark.parametrize(
    ("day", "working", "holiday"),
    [
        (date(2024, 12, 25), False, "Christmas Day"),
        (date(2024, 12, 26), False, "Boxing Day"),
        (date(2025, 1, 1), False, "New Year's Day"),
        (date(2025, 1, 2), True, None),  # a Scottish bank holiday, not an English one
        (date(2025, 4, 18), False, "Good Friday"),
        (date(2025, 4, 21), False, "Easter Monday"),
        (date(2025, 8, 25), False, "Late Summer Bank Holiday"),
        (date(2026, 12, 28), False, "Boxing Day (observed)"),
        (date(2026, 6, 6), False, None),  # Saturday
        (date(2026, 6, 7), False, None),  # Sunday
        (date(2026, 6, 8), True, None),
    ],
)
def test_working_days_follow_the_england_and_wales_bank_holidays(day, working, holiday):
    assert is_working_day(day) is working
    assert bank_holiday_name(day) == holiday


def test_working_days_after_does_not_count_the_start_day():
    assert working_days_after(date(2026, 6, 5), 1) == date(2026, 6, 8)  # Friday → Monday
    assert working_days_after(date(2025, 4, 17), 1) == date(2025, 4, 22)  # over Easter
    assert working_days_after(date(2026, 6, 3), 0) == date(2026, 6, 3)
    with pytest.raises(ValueError):
        working_days_after(date(2026, 6, 3), -1)


def test_nth_working_day_counts_a_working_start_day_as_the_first():
    assert nth_working_day_from(date(2026, 6, 1), 1) == date(2026, 6, 1)
    assert nth_working_day_from(date(2026, 6, 6), 1) == date(2026, 6, 8)  # Saturday → Monday
    with pytest.raises(ValueError):
        nth_working_day_from(date(2026, 6, 1), 0)


def test_psr_standstill_counts_from_the_day_after_the_notice():
    # notice on Wednesday 24 December 2025: days 29, 30, 31 Dec, 2, 5, 6, 7, 8 Jan
    period = psr_standstill(date(2025, 12, 24))
    assert period.last_day == date(2026, 1, 8)
    assert "day after" in period.source
