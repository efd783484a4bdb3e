"""Notices, minimum time limits and standstill for a route, read from the regime table (`regimes.py`).

UK notice codes are those of the central digital platform (Find a Tender) under the Procurement Act 2023;
``BT`` is the below-threshold tender notice; ``PCR-…`` and ``PSR-…`` codes name the notices of the Public
Contracts Regulations 2015 and the Provider Selection Regime. Where a rule could not be sourced with
confidence, its row says to check with your legal team and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import sources
from .catalogue import GRANT_ROUTES, Route
from .context import Context
from .regimes import rules_for

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

    def to_dict(self) -> dict[str, Any]:
        return {"stage": self.stage, "days": self.days, "source": self.source, "code": self.code}


@dataclass(frozen=True)
class StandstillRule:
    required: bool
    working_days: int | None
    calendar_days: int | None
    counts_from: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "required": self.required,
            "working_days": self.working_days,
            "calendar_days": self.calendar_days,
            "counts_from": self.counts_from,
            "source": self.source,
        }


def notices_for(route: Route, ctx: Context) -> tuple[Notice, ...]:
    """The notices the regime sets for this route: required ones, and those that apply only if you choose a step."""
    return tuple(
        Notice(rule.code, rule.name, rule.when, rule.required, rule.source) for rule in rules_for(route, ctx, "notice")
    )


def time_limits_for(route: Route, ctx: Context) -> tuple[TimeLimit, ...]:
    """The regime's time limits for this route, then the ones that follow from an existing provider."""
    limits = [TimeLimit(rule.name, rule.days, rule.source, rule.code) for rule in rules_for(route, ctx, "time_limit")]
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


def _may_change_provider(route: Route) -> bool:
    return route not in (Route.NEGOTIATED_PARTNERING,) and route not in GRANT_ROUTES


def standstill_for(route: Route, ctx: Context) -> StandstillRule:
    """The standstill before the contract may be entered into: the regime's first rule that applies."""
    if route == Route.IN_HOUSE:
        return StandstillRule(False, None, None, "", "No standstill: nothing is procured.")
    if route in GRANT_ROUTES:
        return StandstillRule(False, None, None, "", f"No standstill. {sources.GRANT_NOT_PROCUREMENT}")
    rule = rules_for(route, ctx, "standstill")[0]
    return StandstillRule(
        rule.required,
        rule.days if rule.required and rule.day_count == "working" else None,
        rule.days if rule.required and rule.day_count == "calendar" else None,
        rule.counts_from,
        f"{rule.name}: {rule.source}" if not rule.required else rule.source,
    )
