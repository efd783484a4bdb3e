"""Notices, minimum time limits and standstill for a route.

UK notice codes are those of the central digital platform (Find a Tender) under the Procurement Act 2023;
``BT`` is the below-threshold tender notice. Where our research could not confirm a rule, the source says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from . import sources
from .calendar import STANDSTILL_WORKING_DAYS
from .catalogue import GRANT_ROUTES, Route
from .context import Context
from .thresholds import Regime

FIVE_MILLION = Decimal("5000000")
TWO_MILLION = Decimal("2000000")
TRANSPARENCY_CODE_VALUE = Decimal("5000")
PAYMENT_NOTICES_FROM = date(2026, 4, 1)


class Form(StrEnum):
    """How the route is run, for the purpose of notices and time limits."""

    NONE = "none"  # grants, in-house: no procurement
    COMPETITIVE = "competitive"  # a competitive tendering procedure above threshold
    DIRECT = "direct"  # a direct award above threshold
    CALL_OFF = "call_off"
    BELOW_ADVERTISED = "below_advertised"
    BELOW_CLOSED = "below_closed"  # quotations or a negotiation below threshold, not advertised
    PSR = "psr"
    PCR = "pcr"


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
    days: int
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {"stage": self.stage, "days": self.days, "source": self.source}


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


def process_form(route: Route, ctx: Context) -> Form:
    if route in GRANT_ROUTES or route == Route.IN_HOUSE:
        return Form.NONE
    if route == Route.PSR_PROCESS:
        return Form.PSR
    if ctx.contract_regime == Regime.PCR2015:
        return Form.PCR
    if route == Route.FRAMEWORK_CALL_OFF:
        return Form.CALL_OFF
    if route == Route.DIRECT_AWARD:
        return Form.DIRECT if ctx.above else Form.BELOW_CLOSED
    if route == Route.NEGOTIATED_PARTNERING:
        return Form.DIRECT if ctx.above else Form.BELOW_CLOSED
    if route == Route.BELOW_THRESHOLD_QUOTATION:
        return Form.BELOW_CLOSED
    if route == Route.BELOW_THRESHOLD_ADVERTISED:
        return Form.BELOW_ADVERTISED
    # open, competitive flexible, light touch, partnership agreement
    return Form.COMPETITIVE if ctx.above else Form.BELOW_ADVERTISED


def _management_notices(ctx: Context, *, user_choice: bool = False) -> list[Notice]:
    value = ctx.facts.estimated_value_gbp
    notices = []
    if value > FIVE_MILLION:
        notices.append(
            Notice(
                "UK9",
                "Contract performance notice",
                "At least once a year against the contract's key performance indicators (contracts over £5m).",
                True,
                sources.PA_S71,
            )
        )
    if ctx.facts.procurement_start >= PAYMENT_NOTICES_FROM:
        notices.append(
            Notice(
                "UK8",
                "Contract payment notice",
                "Within 30 days of each quarter's end, for any payment over £30,000 under the contract.",
                False,
                sources.PA_S70,
            )
        )
    if not user_choice:
        notices.append(
            Notice(
                "UK11",
                "Contract termination notice",
                "Within 30 days of the contract ending, however it ends.",
                True,
                sources.PA_S80,
            )
        )
    return notices


def _transparency_code(ctx: Context) -> list[Notice]:
    if str(ctx.facts.authority_class) != "sub_central" or ctx.facts.estimated_value_gbp <= TRANSPARENCY_CODE_VALUE:
        return []
    return [
        Notice(
            "LGTC",
            "Publication under the Local Government Transparency Code",
            "Councils in England publish each invitation to tender and each contract over £5,000 (with whether "
            "the supplier is an SME or VCSE).",
            False,
            sources.TRANSPARENCY_CODE,
        )
    ]


def _uk7(ctx: Context) -> Notice:
    return Notice(
        "UK7",
        "Contract details notice",
        "After the contract is entered into (after the standstill where there is one); over £5m, publish the "
        "contract and at least 3 KPIs too.",
        True,
        sources.PA_UK7 if ctx.above else sources.PA_S87,
    )


def notices_for(route: Route, ctx: Context) -> tuple[Notice, ...]:
    form = process_form(route, ctx)
    notices: list[Notice] = []
    if form == Form.NONE:
        return ()
    if form == Form.PSR:
        return (
            Notice(
                "PSR-ITA",
                "Notice of intention to award (Provider Selection Regime)",
                "When the provider has been chosen by any PSR process; starts the 8 working day standstill.",
                True,
                sources.PSR_STANDSTILL,
            ),
        )
    if form == Form.PCR:
        notices.append(
            Notice(
                "PCR",
                "Public Contracts Regulations 2015 notices",
                "Contract notice and contract award notice on Find a Tender above the threshold; below it, Contracts "
                "Finder for opportunities and awards over £25,000 excluding VAT (£10,000 for central government).",
                True,
                sources.PCR_NOTICES,
            )
        )
        return tuple(notices) + tuple(_transparency_code(ctx))
    user_choice = route == Route.DIRECT_AWARD and ctx.facts.direct_award_justification == "user_choice"
    if form == Form.COMPETITIVE:
        if ctx.facts.estimated_value_gbp > TWO_MILLION:
            notices.append(
                Notice(
                    "UK1",
                    "Pipeline notice",
                    "If the authority expects to pay more than £100m under relevant contracts in the coming financial "
                    "year: list contracts over £2m in its pipeline notice (1 April to 26 May).",
                    False,
                    sources.PA_PIPELINE,
                )
            )
        notices += [
            Notice(
                "UK2",
                "Preliminary market engagement notice",
                "Before the tender notice, if you talk to the market first (otherwise give your reasons in the "
                "tender notice).",
                False,
                sources.PA_UK2,
            ),
            Notice(
                "UK3",
                "Planned procurement notice",
                "Optional: 40 days to 12 months before the tender notice, to shorten the minimum tendering period "
                "to 10 days.",
                False,
                sources.PA_UK3,
            ),
            Notice("UK4", "Tender notice", "Starts the procedure and invites tenders.", True, sources.PA_UK4),
            Notice(
                "UK6",
                "Contract award notice",
                "After sending assessment summaries to bidders and before entering into the contract; it starts the "
                "standstill.",
                True,
                sources.PA_S50,
            ),
            _uk7(ctx),
            Notice(
                "UK12",
                "Procurement termination notice",
                "Only if you decide not to award the contract after the tender notice.",
                False,
                sources.PA_UK12,
            ),
        ]
        notices += _management_notices(ctx)
    elif form == Form.DIRECT:
        notices.append(
            Notice("UK5", "Transparency notice", "Before the contract is awarded directly.", True, sources.PA_S44)
        )
        if not user_choice:
            notices.append(
                Notice(
                    "UK6",
                    "Contract award notice",
                    "Before entering into the contract; it starts the standstill.",
                    True,
                    sources.PA_S50,
                )
            )
        notices.append(_uk7(ctx))
        notices += _management_notices(ctx, user_choice=user_choice)
    elif form == Form.CALL_OFF:
        notices += [
            Notice(
                "UK6",
                "Contract award notice",
                "Before entering into the call-off contract.",
                True,
                sources.PA_S50,
            ),
            _uk7(ctx),
        ]
        notices += _management_notices(ctx)
    else:  # below the threshold, advertised or not: every other form is handled above
        if ctx.notifiable and form == Form.BELOW_ADVERTISED:
            notices.append(
                Notice(
                    "BT",
                    "Below-threshold tender notice",
                    "Before advertising the opportunity anywhere else (a notifiable contract that is advertised).",
                    True,
                    sources.PA_S87,
                )
            )
        if ctx.notifiable:
            notices.append(
                Notice(
                    "UK7",
                    "Contract details notice",
                    "As soon as reasonably practicable after entering into the contract (a notifiable "
                    "below-threshold contract).",
                    True,
                    sources.PA_S87,
                )
            )
        notices += _transparency_code(ctx)
    return tuple(notices)


def time_limits_for(route: Route, ctx: Context) -> tuple[TimeLimit, ...]:
    form = process_form(route, ctx)
    limits: list[TimeLimit] = []
    if form == Form.COMPETITIVE:
        if ctx.is_light_touch:
            limits.append(
                TimeLimit(
                    "Tendering period (light touch: a statutory minimum was not confirmed by our research; 25 days "
                    "is the general minimum and a fair period)",
                    25,
                    sources.PA_S54,
                )
            )
        else:
            limits.append(
                TimeLimit(
                    "Minimum tendering period (electronic tenders, documents with the tender notice)",
                    25,
                    sources.PA_S54,
                )
            )
            limits.append(
                TimeLimit(
                    "Minimum tendering period after a qualifying planned procurement notice", 10, sources.PA_S54_UK3
                )
            )
        limits.append(
            TimeLimit("Planned procurement notice at least this many days before the tender notice", 40, sources.PA_UK3)
        )
    if form in (Form.COMPETITIVE, Form.DIRECT, Form.CALL_OFF):
        limits.append(
            TimeLimit("Contract termination notice within this many days of the contract ending", 30, sources.PA_S80)
        )
    if form == Form.PCR:
        limits.append(
            TimeLimit("Standstill (calendar days) before the contract is entered into", 10, sources.PCR_STANDSTILL)
        )
    if form == Form.PSR:
        limits.append(
            TimeLimit("Standstill (working days) after the intention to award notice", 8, sources.PSR_STANDSTILL)
        )
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
    form = process_form(route, ctx)
    if form == Form.NONE and route == Route.IN_HOUSE:
        return StandstillRule(False, None, None, "", "No standstill: nothing is procured.")
    if form == Form.NONE:
        return StandstillRule(False, None, None, "", f"No standstill. {sources.GRANT_NOT_PROCUREMENT}")
    if form == Form.PSR:
        return StandstillRule(
            True,
            STANDSTILL_WORKING_DAYS,
            None,
            "the day after the intention to award notice is published",
            sources.PSR_STANDSTILL,
        )
    if form == Form.PCR:
        if not ctx.above:
            return StandstillRule(False, None, None, "", "No standstill below the PCR 2015 thresholds.")
        if ctx.is_light_touch:
            return StandstillRule(
                False, None, None, "", sources.PCR_LTR + ": no mandatory standstill was confirmed by our research."
            )
        return StandstillRule(True, None, 10, "the day after the award decision is sent", sources.PCR_STANDSTILL)
    if form in (Form.BELOW_ADVERTISED, Form.BELOW_CLOSED):
        return StandstillRule(False, None, None, "", "No mandatory standstill below the threshold. " + sources.PA_S51)
    if form == Form.CALL_OFF:
        return StandstillRule(False, None, None, "", sources.PA_S51_UNVERIFIED)
    if ctx.is_light_touch:
        return StandstillRule(False, None, None, "", sources.PA_S51_LIGHT_TOUCH)
    if form == Form.DIRECT and ctx.facts.direct_award_justification in ("extreme_urgency", "user_choice"):
        return StandstillRule(False, None, None, "", sources.PA_S51_UNVERIFIED)
    # A competitive procedure or a direct award: every other form is handled above.
    return StandstillRule(
        True,
        STANDSTILL_WORKING_DAYS,
        None,
        "the day the contract award notice is published (day one if it is a working day)",
        sources.PA_S51,
    )
