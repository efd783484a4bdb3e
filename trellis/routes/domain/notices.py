"""Notices, minimum time limits and standstill for a route, read from the regime table (`regimes.py`).

UK notice codes are those of the central digital platform (Find a Tender) under the Procurement Act 2023;
``BT`` is the below-threshold tender notice; ``PCR-…`` and ``PSR-…`` codes name the notices of the Public
Contracts Regulations 2015 and the Provider Selection Regime. Where a rule could not be sourced with
confidence, its row says to check with your legal team and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from . import sources
from .calendar import Standstill, standstill_period
from .catalogue import GRANT_ROUTES, Route
from .context import Context
from .regimes import RegimeRule, regime_rules, rules_for

#: The regime table's code for the statutory minimum period for tenders (the opportunity's deadline reads it).
TENDERING_PERIOD = "tendering_period"
#: Its code for a light touch contract, for which the law sets no minimum (days is None).
LIGHT_TOUCH_TENDERING_PERIOD = "tendering_period_light_touch"


@dataclass(frozen=True)
class Notice:
    code: str
    name: str
    when: str
    required: bool
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "when": self.when,
            "required": self.required,
            "source": self.source,
        }


@dataclass(frozen=True)
class TimeLimit:
    stage: str
    #: None where the law sets no minimum (the stage says what to do instead)
    days: int | None
    source: str
    #: the regime table's code for the limit (``tendering_period`` is the statutory minimum for bids)
    code: str = ""
    #: from when the days count ("beginning with the day …" counts that day as day one; "after …" does not)
    counts_from: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"stage": self.stage, "days": self.days, "source": self.source, "code": self.code}


@dataclass(frozen=True)
class StandstillRule:
    """The standstill a route's regime sets before the contract may be entered into, and how it is counted."""

    required: bool
    working_days: int | None
    calendar_days: int | None
    counts_from: str
    source: str
    #: the regime whose calendar counts the days (``PA2023``, ``PCR2015``, ``PSR``; empty when nothing is procured)
    regime: str = ""
    #: the code of the notice that starts the standstill (``UK6``, ``PCR-ADN``, ``PSR-ITA``); empty when there is none
    notice: str = ""
    #: where no standstill is required but one may be applied voluntarily, its shortest length in working days
    voluntary_working_days: int | None = None

    @property
    def from_day_after(self) -> bool:
        """The days are counted from the day after the notice (the PSR), not beginning with it (the Act)."""
        return self.counts_from.startswith("the day after")

    def period(self, published: date, *, voluntary_days: int | None = None) -> Standstill | None:
        """The standstill a notice published on ``published`` starts: the required one, or a voluntary one of
        ``voluntary_days`` working days (None when neither applies)."""
        if self.required:
            return standstill_period(
                published,
                regime=self.regime,
                working_days=self.working_days,
                calendar_days=self.calendar_days,
                from_day_after=self.from_day_after,
                source=self.source,
            )
        if voluntary_days and self.voluntary_working_days:
            if voluntary_days < self.voluntary_working_days:
                raise ValueError(
                    f"A voluntary standstill must last at least {self.voluntary_working_days} working days."
                )
            return standstill_period(published, regime=self.regime, working_days=voluntary_days, source=self.source)
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "required": self.required,
            "working_days": self.working_days,
            "calendar_days": self.calendar_days,
            "counts_from": self.counts_from,
            "source": self.source,
            "regime": self.regime,
            "notice": self.notice,
            "voluntary_working_days": self.voluntary_working_days,
        }


def notices_for(route: Route, ctx: Context) -> tuple[Notice, ...]:
    """The notices the regime sets for this route: required ones, and those that apply only if you choose a step."""
    return tuple(
        Notice(rule.code, rule.name, rule.when, rule.required, rule.source) for rule in rules_for(route, ctx, "notice")
    )


def time_limits_for(route: Route, ctx: Context) -> tuple[TimeLimit, ...]:
    """The regime's time limits for this route, then the ones that follow from an existing provider."""
    limits = [
        TimeLimit(rule.name, rule.days, rule.source, rule.code, rule.counts_from)
        for rule in rules_for(route, ctx, "time_limit")
    ]
    if ctx.facts.incumbent_scenario and _may_change_provider(route):
        limits.append(
            TimeLimit(
                "Employee liability information from the outgoing provider, before the transfer (TUPE)",
                28,
                sources.TUPE_ELI,
            )
        )
    if ctx.facts.incumbent_scenario and route != Route.NEGOTIATED_PARTNERING:
        limits.append(
            TimeLimit("Written consultation on changing existing funding (12 weeks)", 84, sources.COMPACT_CONSULTATION)
        )
    return tuple(limits)


#: The regime table's codes for the notice due after the contract is entered into, one a regime.
AFTER_CONTRACT_NOTICES = ("contract_details_notice", "contract_award_notice", "award_notice")


def after_contract_notice(limits: tuple[TimeLimit, ...]) -> TimeLimit | None:
    """Of a route's time limits, the one for the notice due after the contract (None where there is none)."""
    return next((limit for limit in limits if limit.code in AFTER_CONTRACT_NOTICES), None)


def regime_after_contract_notice(regime: str) -> TimeLimit | None:
    """A regime's notice after a competitively awarded contract that is not light touch (its first such row)."""
    found = next(
        (
            r
            for r in regime_rules()
            if r.regime == regime and r.code in AFTER_CONTRACT_NOTICES and "light_touch" not in r.condition
        ),
        None,
    )
    return None if found is None else TimeLimit(found.name, found.days, found.source, found.code, found.counts_from)


def notice_name(code: str) -> str:
    """The name of the notice with this code in the regime table ("" when there is none)."""
    return next((r.name for r in regime_rules() if r.kind == "notice" and r.code == code), "")


def _may_change_provider(route: Route) -> bool:
    return route not in (Route.NEGOTIATED_PARTNERING,) and route not in GRANT_ROUTES


def standstill_for(route: Route, ctx: Context) -> StandstillRule:
    """The standstill before the contract may be entered into: the regime's first rule that applies."""
    if route == Route.IN_HOUSE:
        return no_standstill("No standstill: nothing is procured.")
    if route in GRANT_ROUTES:
        return no_standstill(f"No standstill. {sources.GRANT_NOT_PROCUREMENT}")
    return _standstill_rule(rules_for(route, ctx, "standstill")[0])


def regime_standstill(regime: str, process: str = "") -> StandstillRule:
    """The standstill a regime sets without a route decision to judge its conditions by: for ``process``, its
    unconditional row (the last); with no process, the regime's first required standstill."""
    rows = [r for r in regime_rules() if r.regime == regime and r.kind == "standstill"]
    if process:
        found = next((r for r in reversed(rows) if r.process == process and not r.condition), None)
    else:
        found = next((r for r in rows if r.required), None)
    if found is None:
        raise LookupError(f"The regime “{regime}” sets no standstill for “{process or 'a competitive award'}”.")
    return _standstill_rule(found)


def no_standstill(reason: str) -> StandstillRule:
    """No standstill, and why (nothing is procured)."""
    return StandstillRule(False, None, None, "", reason)


def _standstill_rule(rule: RegimeRule) -> StandstillRule:
    return StandstillRule(
        rule.required,
        rule.days if rule.required and rule.day_count == "working" else None,
        rule.days if rule.required and rule.day_count == "calendar" else None,
        rule.counts_from,
        f"{rule.name}: {rule.source}" if not rule.required else rule.source,
        regime=rule.regime,
        notice=rule.code,
        voluntary_working_days=rule.days if not rule.required and rule.code and rule.days else None,
    )
