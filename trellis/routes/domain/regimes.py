"""What each regime sets for each way of running a procurement: notices, time limits and standstill, in one table.

The rows are in `trellis/routes/data/regime_rules.csv`, one rule a row with its source: the Procurement Act 2023
(``PA2023``), the Public Contracts Regulations 2015 for procurements that started before 24 February 2025
(``PCR2015``) and the Provider Selection Regime for health care services (``PSR``), each by *process* (a
competitive procedure, a direct award, a call-off, below-threshold routes, the PSR's five processes).

The notices, the time limits, the standstill and the timeline all read these rows, so they cannot disagree. A
row applies when every word of its ``condition`` holds for the need (``!word`` when it must not hold; the words
are ``CONDITIONS`` below). A process's standstill is its first standstill row that applies; each process ends
with an unconditional one, so there is always an answer and its source.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from .catalogue import GRANT_ROUTES, Route
from .context import Context
from .tables import checked_rows
from .thresholds import Regime

REGIME_RULES_CSV = Path(__file__).resolve().parent.parent / "data" / "regime_rules.csv"

FIVE_MILLION = Decimal("5000000")
TWO_MILLION = Decimal("2000000")
TRANSPARENCY_CODE_VALUE = Decimal("5000")
#: contract payment notices (s.70) apply to contracts procured from this day (research notes, uk-rules.md §1.8)
PAYMENT_NOTICES_FROM = date(2026, 4, 1)


class Process(StrEnum):
    """How a route is run, as far as the regime's notices, time limits and standstill are concerned."""

    NONE = "none"  # grants and in-house delivery: nothing is procured
    COMPETITIVE = "competitive"  # a competitive tendering procedure above the threshold
    DIRECT = "direct"  # a direct award above the threshold
    CALL_OFF = "call_off"  # a contract under a framework
    BELOW_ADVERTISED = "below_advertised"
    BELOW_CLOSED = "below_closed"  # quotations, or one supplier, below the threshold and not advertised
    PSR_DIRECT_A = "psr_direct_a"
    PSR_DIRECT_B = "psr_direct_b"
    PSR_DIRECT_C = "psr_direct_c"
    PSR_MOST_SUITABLE = "psr_most_suitable"
    PSR_COMPETITIVE = "psr_competitive"


PSR_PROCESSES = (
    Process.PSR_DIRECT_A,
    Process.PSR_DIRECT_B,
    Process.PSR_DIRECT_C,
    Process.PSR_MOST_SUITABLE,
    Process.PSR_COMPETITIVE,
)
KINDS = ("notice", "time_limit", "standstill")
DAY_COUNTS = ("", "working", "calendar")


def _user_choice(route: Route, ctx: Context) -> bool:
    return route == Route.DIRECT_AWARD and ctx.facts.direct_award_justification == "user_choice"


def _urgency_ground(route: Route, ctx: Context) -> bool:
    return route == Route.DIRECT_AWARD and ctx.facts.direct_award_justification == "extreme_urgency"


#: The words a row's condition may use, each a question about the route and the need.
CONDITIONS: dict[str, Callable[[Route, Context], bool]] = {
    "above": lambda route, ctx: ctx.above,
    "light_touch": lambda route, ctx: ctx.is_light_touch,
    "notifiable": lambda route, ctx: ctx.notifiable,
    "over_2m": lambda route, ctx: ctx.facts.estimated_value_gbp > TWO_MILLION,
    "over_5m": lambda route, ctx: ctx.facts.estimated_value_gbp > FIVE_MILLION,
    "payment_notices": lambda route, ctx: ctx.facts.procurement_start >= PAYMENT_NOTICES_FROM,
    "transparency_code": lambda route, ctx: (
        str(ctx.facts.authority_class) == "sub_central" and ctx.facts.estimated_value_gbp > TRANSPARENCY_CODE_VALUE
    ),
    "user_choice": _user_choice,
    "urgency_ground": _urgency_ground,
}


@dataclass(frozen=True)
class RegimeRule:
    regime: str
    process: str
    kind: str
    code: str
    name: str
    when: str
    required: bool
    days: int | None
    day_count: str
    counts_from: str
    condition: tuple[str, ...]
    source: str

    def applies(self, route: Route, ctx: Context) -> bool:
        return all(_holds(word, route, ctx) for word in self.condition)


def _holds(word: str, route: Route, ctx: Context) -> bool:
    if word.startswith("!"):
        return not CONDITIONS[word[1:]](route, ctx)
    return CONDITIONS[word](route, ctx)


def _row_problem(row: dict[str, str]) -> str | None:
    regimes = {str(r) for r in Regime if r != Regime.NOT_PROCUREMENT}
    if row["regime"] not in regimes:
        return f"unknown regime '{row['regime']}'"
    if row["process"] not in {str(p) for p in Process if p != Process.NONE}:
        return f"unknown process '{row['process']}'"
    if row["kind"] not in KINDS:
        return f"unknown kind '{row['kind']}'"
    if row["day_count"] not in DAY_COUNTS:
        return f"unknown day count '{row['day_count']}'"
    for word in row["condition"].split():
        if word.lstrip("!") not in CONDITIONS:
            return f"unknown condition '{word}'"
    if not row["source"].strip():
        return "no source"
    if not row["name"].strip():
        return "no name"
    if row["kind"] == "notice" and not row["code"].strip():
        return "a notice needs a code"
    if row["days"] and not row["days"].isdigit():
        return f"days '{row['days']}' is not a whole number"
    if row["kind"] == "standstill" and row["required"] == "yes" and not (row["days"] and row["day_count"]):
        return "a required standstill needs its days and how they are counted"
    if row["required"] not in ("yes", "no"):
        return "required must be yes or no"
    return None


def read_regime_rules(path: Path = REGIME_RULES_CSV) -> tuple[RegimeRule, ...]:
    rules = [
        RegimeRule(
            regime=row["regime"],
            process=row["process"],
            kind=row["kind"],
            code=row["code"].strip(),
            name=row["name"].strip(),
            when=row["when"].strip(),
            required=row["required"] == "yes",
            days=int(row["days"]) if row["days"] else None,
            day_count=row["day_count"],
            counts_from=row["counts_from"].strip(),
            condition=tuple(row["condition"].split()),
            source=row["source"].strip(),
        )
        for row in checked_rows(path, _row_problem)
    ]
    return tuple(rules)


@lru_cache(maxsize=1)
def regime_rules() -> tuple[RegimeRule, ...]:
    return read_regime_rules()


@dataclass(frozen=True)
class PsrChoice:
    """Which Provider Selection Regime process fits the facts, and why."""

    process: Process
    text: str


def psr_process(ctx: Context) -> PsrChoice:
    """The PSR process the facts point to. The regulations leave the judgement to the authority; the text says
    what would change the answer (the considerable change test, patient choice)."""
    f = ctx.facts
    if f.incumbent_scenario and f.capable_providers <= 1:
        return PsrChoice(
            Process.PSR_DIRECT_A,
            "The existing provider is the only capable provider: direct award process A applies (and must be used "
            "when it applies).",
        )
    if f.incumbent_scenario:
        return PsrChoice(
            Process.PSR_DIRECT_C,
            "There is an existing provider: direct award process C can continue with it if it is satisfying the "
            "contract and the considerable change threshold is not met; otherwise use the most suitable provider "
            "process or the competitive process.",
        )
    if f.capable_providers >= 2:
        return PsrChoice(
            Process.PSR_COMPETITIVE,
            f"With {f.capable_providers} capable providers and none of them the existing provider, the competitive "
            "process lets each of them be considered (the most suitable provider process is open to you if you "
            "can identify the most suitable one without it).",
        )
    return PsrChoice(
        Process.PSR_MOST_SUITABLE,
        "With at most one capable provider known and no existing provider, the most suitable provider process "
        "fits: assess the provider(s) you know against the key criteria.",
    )


def process_for(route: Route, ctx: Context) -> tuple[Regime, Process]:
    """The regime and the process a route is run under, for these facts."""
    if route in GRANT_ROUTES or route == Route.IN_HOUSE:
        return Regime.NOT_PROCUREMENT, Process.NONE
    regime = ctx.contract_regime
    if route == Route.FRAMEWORK_CALL_OFF:
        return regime, Process.CALL_OFF
    if regime == Regime.PSR:
        return regime, psr_process(ctx).process
    if route in (Route.DIRECT_AWARD, Route.NEGOTIATED_PARTNERING):
        return regime, Process.DIRECT if ctx.above else Process.BELOW_CLOSED
    if route == Route.BELOW_THRESHOLD_QUOTATION:
        return regime, Process.BELOW_CLOSED
    # open, competitive flexible, light touch, partnership agreement and the advertised below-threshold route
    if route == Route.BELOW_THRESHOLD_ADVERTISED or not ctx.above:
        return regime, Process.BELOW_ADVERTISED
    return regime, Process.COMPETITIVE


def rules_for(route: Route, ctx: Context, kind: str) -> tuple[RegimeRule, ...]:
    """The rows of one kind that apply to this route under these facts, in table order."""
    regime, process = process_for(route, ctx)
    if process == Process.NONE:
        return ()
    return tuple(
        rule
        for rule in regime_rules()
        if rule.regime == regime and rule.process == process and rule.kind == kind and rule.applies(route, ctx)
    )
