"""Working days, one calendar per regime, and the standstill counted by each regime's own rule.

What a "working day" is differs between the laws Trellis follows, so each regime has its own calendar, read from
dated rows with their sources in ``trellis/routes/data/working_days.csv``:

- **Procurement Act 2023** (s.123): not a Saturday or Sunday, Christmas Day or Good Friday, nor a bank holiday in
  *any* part of the United Kingdom — so 2 January (Scotland) and 17 March (Northern Ireland) are not working days.
- **Public Contracts Regulations 2015** (reg 2(1)): bank holidays in England, Wales and Northern Ireland.
- **Provider Selection Regime** (reg 2): bank holidays in England.

The bank holidays themselves, including substitute days and one-off proclamations, come from the maintained
``holidays`` package (never a hard-coded list); Christmas Day and Good Friday are added by rule.

The standstill is counted by the regime's rule (`standstill_period`): the Act's 8 working days *beginning with* the
day the contract award notice is published (day one if it is a working day: a notice published on Tuesday
24 December 2024 gives a last day of Wednesday 8 January 2025, because 2 January is a Scottish bank holiday); the
PSR's 8 working days from the day *after* the notice of intention to award; the 2015 Regulations' 10 calendar days
after the award decision notices are sent, extended to the next working day when the tenth is not one (reg 87).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import holidays
from dateutil.easter import easter

from .tables import checked_rows

WORKING_DAYS_CSV = Path(__file__).resolve().parent.parent / "data" / "working_days.csv"
STANDSTILL_WORKING_DAYS = 8
ONE_DAY = timedelta(days=1)
#: The parts of the UK, as the ``holidays`` package names them.
PARTS = {"ENG": "England", "WLS": "Wales", "SCT": "Scotland", "NIR": "Northern Ireland"}
#: Days that are never working days under a rule that names them, whether or not they are bank holidays.
ALSO_NOT_WORKING = {
    "christmas": ("Christmas Day", lambda year: date(year, 12, 25)),
    "good_friday": ("Good Friday", lambda year: easter(year) - timedelta(days=2)),
}


@dataclass(frozen=True)
class WorkingDayRule:
    """One regime's definition of a working day, from the day it applies."""

    regime: str
    valid_from: date
    parts: tuple[str, ...]
    also_not_working: tuple[str, ...]
    source: str


def _row_problem(row: dict[str, str]) -> str | None:
    if not row.get("regime", "").strip():
        return "no regime"
    try:
        date.fromisoformat(row.get("valid_from", ""))
    except ValueError:
        return f"valid_from '{row.get('valid_from', '')}' is not a date like 2025-02-24"
    unknown = [p for p in row.get("bank_holidays_in", "").split() if p not in PARTS]
    if unknown or not row.get("bank_holidays_in", "").split():
        return f"bank_holidays_in must name parts of the UK from {', '.join(PARTS)}"
    extra = [d for d in row.get("also_not_working", "").split() if d not in ALSO_NOT_WORKING]
    if extra:
        return f"unknown day '{extra[0]}' in also_not_working"
    if not row.get("source", "").strip():
        return "no source"
    return None


def read_working_day_rules(path: Path = WORKING_DAYS_CSV) -> tuple[WorkingDayRule, ...]:
    """Every regime's rows, oldest first; a bad row is refused with its row number and what is wrong."""
    rules = [
        WorkingDayRule(
            regime=row["regime"].strip(),
            valid_from=date.fromisoformat(row["valid_from"]),
            parts=tuple(row["bank_holidays_in"].split()),
            also_not_working=tuple(row["also_not_working"].split()),
            source=row["source"].strip(),
        )
        for row in checked_rows(path, _row_problem)
    ]
    return tuple(sorted(rules, key=lambda r: (r.regime, r.valid_from)))


@lru_cache(maxsize=1)
def working_day_rules() -> tuple[WorkingDayRule, ...]:
    return read_working_day_rules()


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days under one regime's rule."""

    rule: WorkingDayRule

    @property
    def source(self) -> str:
        return self.rule.source

    def not_working_because(self, day: date) -> str | None:
        """Why ``day`` is not a working day ("Saturday", a holiday's name and where), or None when it is one."""
        if day.weekday() >= 5:
            return f"{day:%A}"
        return _non_working_days(self.rule, day.year).get(day)

    def is_working_day(self, day: date) -> bool:
        return self.not_working_because(day) is None

    def working_days_after(self, start: date, days: int) -> date:
        """The date ``days`` working days after ``start`` (``start`` itself is not counted; 0 gives ``start``)."""
        if days < 0:
            raise ValueError("The number of working days cannot be negative.")
        current, remaining = start, days
        while remaining:
            current += ONE_DAY
            if self.is_working_day(current):
                remaining -= 1
        return current

    def nth_working_day_from(self, day: date, n: int) -> date:
        """The n-th working day counting ``day`` itself as the first if it is a working day."""
        if n < 1:
            raise ValueError("Count at least one working day.")
        return self.working_days_after(day - ONE_DAY, n)

    def working_day_on_or_after(self, day: date) -> date:
        return day if self.is_working_day(day) else self.working_days_after(day, 1)


@lru_cache(maxsize=512)
def _non_working_days(rule: WorkingDayRule, year: int) -> dict[date, str]:
    """Each bank holiday of the rule's parts of the UK in ``year``, named with where it is one, and the days the
    rule adds by name."""
    where: dict[date, dict[str, list[str]]] = {}
    for part in rule.parts:
        for day, name in holidays.country_holidays("GB", subdiv=part, years=year).items():
            where.setdefault(day, {}).setdefault(name, []).append(PARTS[part])
    named = {
        day: "; ".join(
            name if len(parts) == len(rule.parts) else f"{name} ({', '.join(parts)})" for name, parts in found.items()
        )
        for day, found in where.items()
    }
    for key in rule.also_not_working:
        name, on = ALSO_NOT_WORKING[key]
        named.setdefault(on(year), name)
    return named


def calendar_for(regime: str, on: date | None = None) -> WorkingCalendar:
    """The working-day calendar of ``regime`` (``PA2023``, ``PCR2015`` or ``PSR``) in force on ``on`` (its earliest
    row before that; the latest row when no day is given). Grants and anything else use the Act's calendar, the
    widest of the three, so a period is never shorter than the law's."""
    rows = [r for r in working_day_rules() if r.regime == regime] or [
        r for r in working_day_rules() if r.regime == "PA2023"
    ]
    chosen = rows[-1] if on is None else next((r for r in reversed(rows) if r.valid_from <= on), rows[0])
    return WorkingCalendar(chosen)


# The standstill ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Standstill:
    """A standstill that has started: from its notice's publication to its last day (inclusive)."""

    published: date
    working_days: int | None
    calendar_days: int | None
    last_day: date
    regime: str
    #: the rule that sets the standstill
    source: str
    #: the regime's definition of a working day
    calendar_source: str = ""

    @property
    def contract_may_be_entered_from(self) -> date:
        """The first day after the standstill (the contract may be entered into once it has ended)."""
        return self.last_day + ONE_DAY

    def includes(self, day: date) -> bool:
        """Whether ``day`` falls within the standstill (from publication to the end of its last day)."""
        return self.published <= day <= self.last_day

    def to_dict(self) -> dict[str, Any]:
        return {
            "working_days": self.working_days,
            "calendar_days": self.calendar_days,
            "last_day": self.last_day.isoformat(),
            "published": self.published.isoformat(),
            "contract_from": self.contract_may_be_entered_from.isoformat(),
            "regime": self.regime,
            "source": self.source,
            "calendar_source": self.calendar_source,
        }


def standstill_period(
    published: date,
    *,
    regime: str,
    working_days: int | None = None,
    calendar_days: int | None = None,
    from_day_after: bool = False,
    source: str = "",
) -> Standstill:
    """The standstill that a notice published on ``published`` starts, counted by the regime's own rule.

    ``working_days`` counts working days of the regime's calendar: beginning with the publication day (the Act,
    s.51(2)) or from the day after it (``from_day_after``: the PSR, reg 12). ``calendar_days`` counts days after
    the publication, the last moved on to the next working day when it is not one (the 2015 Regulations, reg 87).
    """
    if (working_days is None) == (calendar_days is None):
        raise ValueError("Give the standstill in working days or in calendar days, not both.")
    days = working_days if working_days is not None else calendar_days
    assert days is not None
    if days < 1:
        raise ValueError("A standstill lasts at least one day.")
    cal = calendar_for(regime, published)
    if calendar_days is not None:
        last = cal.working_day_on_or_after(published + timedelta(days=calendar_days))
    elif from_day_after:
        last = cal.working_days_after(published, days)
    else:
        last = cal.nth_working_day_from(published, days)
    return Standstill(published, working_days, calendar_days, last, regime, source, cal.source)
