"""Working days: Monday to Friday except England-and-Wales bank holidays.

Bank holidays come from the maintained ``holidays`` package (subdivision "ENG", which is the England and
Wales list, including substitute days), never a hard-coded list.

The Procurement Act standstill is "8 working days beginning with the day the contract award notice is
published": the publication day is day one if it is a working day. So a notice published on Tuesday
24 December 2024 gives a standstill whose last day is Tuesday 7 January 2025 (24, 27, 30, 31 December,
2, 3, 6, 7 January). Our research could not check the Act's definition of "working day" (s.123); if it
also excludes bank holidays elsewhere in the UK (2 January in Scotland), that example would end a day later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import holidays

from . import sources

STANDSTILL_WORKING_DAYS = 8
ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=256)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def bank_holiday_name(day: date) -> str | None:
    return holidays.country_holidays("GB", subdiv="ENG", years=day.year).get(day)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def working_days_after(start: date, days: int) -> date:
    """The date that is ``days`` working days after ``start`` (``start`` itself is not counted).

    ``working_days_after(friday, 1)`` is the next Monday (or Tuesday after a bank holiday Monday);
    ``working_days_after(day, 0)`` is ``day``.
    """
    if days < 0:
        raise ValueError("The number of working days cannot be negative.")
    current = start
    remaining = days
    while remaining:
        current += ONE_DAY
        if is_working_day(current):
            remaining -= 1
    return current


def nth_working_day_from(day: date, n: int) -> date:
    """The n-th working day counting ``day`` itself as the first if it is a working day."""
    if n < 1:
        raise ValueError("Count at least one working day.")
    return working_days_after(day - ONE_DAY, n)


@dataclass(frozen=True)
class Standstill:
    published: date
    working_days: int
    last_day: date
    source: str

    @property
    def contract_may_be_entered_from(self) -> date:
        """The first day after the standstill (the contract may be entered into once it has ended)."""
        return self.last_day + ONE_DAY

    def to_dict(self) -> dict[str, Any]:
        return {
            "working_days": self.working_days,
            "last_day": self.last_day.isoformat(),
            "published": self.published.isoformat(),
            "contract_from": self.contract_may_be_entered_from.isoformat(),
            "source": self.source,
        }


def standstill(published: date, working_days: int = STANDSTILL_WORKING_DAYS) -> Standstill:
    """The Procurement Act standstill that a contract award notice published on ``published`` starts."""
    return Standstill(
        published=published,
        working_days=working_days,
        last_day=nth_working_day_from(published, working_days),
        source=sources.PA_S51,
    )


def psr_standstill(published: date, working_days: int = STANDSTILL_WORKING_DAYS) -> Standstill:
    """The PSR standstill: 8 working days counted from the day after the intention to award notice."""
    return Standstill(
        published=published,
        working_days=working_days,
        last_day=working_days_after(published, working_days),
        source=sources.PSR_STANDSTILL,
    )
