"""Key dates: their order, the minimum time providers are given to bid, and extra time for consortia.

Deadlines are aware datetimes compared in server time (stored in UTC, shown in Europe/London). Every rule
that sets a number of days is a row of ``MINIMUM_PERIODS`` or ``CONSORTIUM_EXTRA`` with its source; where the
law sets no minimum (grants, below-threshold tenders, market engagement) the number is a stated Trellis
assumption that a council may change.

When the opportunity was created from a saved route decision, the route's own statutory time limits
(``trellis.routes.domain.time_limits_for``) are passed in and the longer of the two applies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from trellis.routes.domain import LIGHT_TOUCH_TENDERING_PERIOD, TENDERING_PERIOD, TimeLimit
from trellis.routes.domain import sources as route_sources

from .kinds import Kind

#: Seed 002 §3.17–3.18: three-year funding the norm; Tower Hamlets recommends contracts of at least three years.
THREE_YEARS_MONTHS = 36
#: Questions closing this close to the deadline leave no time for answers to reach everyone.
QUESTIONS_GAP_DAYS = 5


@dataclass(frozen=True)
class PeriodRule:
    kind: Kind
    days: int
    rule: str
    source: str
    #: the days are the Act's minimum tendering period (s.54), not a Trellis assumption
    statutory: bool = False


MINIMUM_PERIODS: dict[Kind, PeriodRule] = {
    r.kind: r
    for r in (
        PeriodRule(
            Kind.GRANT_ROUND,
            28,
            "Four weeks from publication to the deadline for a grant round",
            "Trellis assumption: a grant is not a procurement, so no statutory minimum applies; four weeks lets "
            "volunteer-run groups prepare an application (seed 002 §3.4, early notice 'allows time to prepare "
            "bids')",
        ),
        PeriodRule(
            Kind.OPEN_TENDER,
            25,
            "25 days from the tender notice to the deadline",
            f"{route_sources.PA_S54}; below the threshold the law sets no minimum and Trellis keeps the same 25 "
            f"days, having regard to the barriers small organisations face ({route_sources.PA_S12})",
            statutory=True,
        ),
        PeriodRule(
            Kind.COMPETITIVE_FLEXIBLE,
            25,
            "25 days from the tender notice to the first deadline",
            f"{route_sources.PA_S54}; the same 25 days is kept below the threshold ({route_sources.PA_S12})",
            statutory=True,
        ),
        PeriodRule(
            Kind.FRAMEWORK,
            25,
            "25 days from the tender notice to the deadline for joining the framework",
            f"{route_sources.PA_S54}; the same 25 days is kept below the threshold ({route_sources.PA_S12})",
            statutory=True,
        ),
        PeriodRule(
            Kind.CALL_OFF,
            10,
            "10 days for the framework's providers to respond to a call-off (mini-competition)",
            "Trellis assumption: the Procurement Act 2023 sets no minimum for a call-off among a framework's "
            "suppliers, which may be by mini-competition or, where the framework allows, without one "
            "(research notes on UK rules, §1.4, framework award and call-off); ten days gives small providers "
            "on the framework time to reply",
        ),
        PeriodRule(
            Kind.MARKET_ENGAGEMENT,
            14,
            "Two weeks to respond to market engagement or an expression of interest",
            "Trellis assumption: no statutory minimum applies to preliminary market engagement "
            f"({route_sources.PA_UK2})",
        ),
    )
}

CONSORTIUM_EXTRA_DAYS = 14
CONSORTIUM_EXTRA_SOURCE = (
    "Trellis assumption of two more weeks, after seed 003: 'Often the timescales for bidding are too short to "
    "allow for consortium development' ('Consortium Delivery'), and Birmingham, where 'more time is being "
    "allowed for bids to encourage consortium development' ('Intelligent Commissioning')"
)


@dataclass(frozen=True)
class PeriodPart:
    days: int
    rule: str
    source: str


@dataclass(frozen=True)
class MinimumPeriod:
    """The minimum number of days between publication and the deadline, and why."""

    days: int
    parts: tuple[PeriodPart, ...]

    @property
    def explanation(self) -> str:
        return "; ".join(f"{p.rule} ({p.days} days)" for p in self.parts)


def minimum_period(
    kind: str, *, consortium_bids_invited: bool, route_limits: Iterable[TimeLimit] = ()
) -> MinimumPeriod:
    """The minimum bidding period for an opportunity of ``kind``.

    ``route_limits`` are the route decision's time limits, if any; its statutory minimum tendering period
    (Procurement Act 2023 s.54) applies where it is longer than the kind's own minimum."""
    rule = MINIMUM_PERIODS[Kind(kind)]
    base = PeriodPart(rule.days, rule.rule, rule.source)
    limits = list(route_limits)
    if any(t.code == LIGHT_TOUCH_TENDERING_PERIOD for t in limits) and rule.statutory:
        # the route decision says a light touch contract: the Act sets no minimum, so the days are Trellis's own
        base = PeriodPart(
            rule.days,
            f"{rule.rule} (Trellis's minimum: the law sets none for a light touch contract)",
            f"{route_sources.PA_S54_LIGHT_TOUCH}; Trellis keeps {rule.days} days so that small organisations can "
            f"bid ({route_sources.PA_S12})",
        )
    statutory = [t for t in limits if t.code == TENDERING_PERIOD and t.days is not None]
    longest = max(statutory, key=lambda t: t.days or 0, default=None)
    if longest is not None and longest.days is not None and longest.days > base.days:
        base = PeriodPart(longest.days, longest.stage, longest.source)
    parts = [base]
    if consortium_bids_invited:
        parts.append(
            PeriodPart(CONSORTIUM_EXTRA_DAYS, "Extra time because consortium bids are invited", CONSORTIUM_EXTRA_SOURCE)
        )
    return MinimumPeriod(sum(p.days for p in parts), tuple(parts))


@dataclass(frozen=True)
class KeyDates:
    planned_publish_on: date | None = None
    questions_close_at: datetime | None = None
    closes_at: datetime | None = None
    award_expected_on: date | None = None
    service_starts_on: date | None = None


@dataclass
class DateCheck:
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)


def _aware(value: datetime | None) -> bool:
    return value is None or (value.tzinfo is not None and value.utcoffset() is not None)


def check_order(dates: KeyDates) -> DateCheck:
    """Rules that hold for a draft too: the dates are in a sensible order."""
    result = DateCheck()
    for name in ("questions_close_at", "closes_at"):
        if not _aware(getattr(dates, name)):
            result.add(name, "Enter the time with its time zone.")
    if not result.ok:
        return result
    closes, questions = dates.closes_at, dates.questions_close_at
    if closes and questions and questions >= closes:
        result.add("questions_close_at", "Questions must close before the deadline for bids.")
    if closes and dates.planned_publish_on and closes.date() <= dates.planned_publish_on:
        result.add("closes_at", "The deadline must be after the planned publication date.")
    if closes and dates.award_expected_on and dates.award_expected_on < closes.date():
        result.add("award_expected_on", "The award cannot be expected before the deadline for bids.")
    if dates.award_expected_on and dates.service_starts_on and dates.service_starts_on < dates.award_expected_on:
        result.add("service_starts_on", "The service cannot start before the award.")
    if closes and not dates.award_expected_on and dates.service_starts_on and dates.service_starts_on < closes.date():
        result.add("service_starts_on", "The service cannot start before the deadline for bids.")
    return result


def check_for_publishing(dates: KeyDates, period: MinimumPeriod, now: datetime) -> DateCheck:
    """Everything ``check_order`` checks, plus what publishing needs: a deadline and a question deadline in the
    future, and at least the minimum period between now (publication) and the deadline."""
    if not _aware(now):
        raise ValueError("now must be an aware datetime")
    result = check_order(dates)
    if not result.ok:
        return result
    closes, questions = dates.closes_at, dates.questions_close_at
    if closes is None:
        result.add("closes_at", "Enter the deadline for bids.")
    elif closes <= now:
        result.add("closes_at", "The deadline for bids must be in the future.")
    else:
        earliest = now + timedelta(days=period.days)
        if closes < earliest:
            result.add(
                "closes_at",
                f"The deadline must be at least {period.days} days after publication: {period.explanation}.",
            )
    if questions is None:
        result.add("questions_close_at", "Enter when clarification questions close.")
    elif questions <= now:
        result.add("questions_close_at", "The closing time for questions must be in the future.")
    elif closes and closes > questions and (closes - questions) < timedelta(days=QUESTIONS_GAP_DAYS):
        result.warnings.append(
            f"Questions close less than {QUESTIONS_GAP_DAYS} days before the deadline: providers may not see the "
            "answers in time to use them."
        )
    return result


def funding_length_warning(kind: str, duration_months: int | None) -> str:
    """Advice (not a rule) when funding is shorter than three years (seed 002 §3.17–3.18; the Compact)."""
    if Kind(kind) is Kind.MARKET_ENGAGEMENT or not duration_months or duration_months >= THREE_YEARS_MONTHS:
        return ""
    return (
        f"This funding lasts {duration_months} months. Three-year funding is the norm the Compact and "
        "Government recommend, so that providers can plan, keep staff and recover what they invest "
        "(seed 002 §3.17–3.18)."
    )
