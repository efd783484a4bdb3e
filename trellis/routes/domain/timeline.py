"""A draft timeline for a route, stage by stage, from the procurement start date to the contract or grant start.

The stages and their weeks are rows of `trellis/routes/data/timeline_stages.csv` (plan, step, stage, weeks,
kind, condition, regime, notices, source). Tendered plans follow the partnering report's Appendix B action plan;
negotiated partnering is shorter (§4.4.2); grants are shorter still. Weeks are planning assumptions except where
the law sets a minimum (tendering period) or a fixed period (standstill, from the regime table).

A stage is in the timeline when its condition holds (the words of `regimes.CONDITIONS`, or ``incumbent``,
``consult`` and ``standstill``; ``!word`` for "not"), its regime is empty or the route's, and every notice it
names is one the regime table gives the route: so the timeline never names a notice the notice list leaves out,
and a Public Contracts Regulations 2015 procurement is never shown Procurement Act notices.

Each stage starts the day after the previous one ends; a stage of w weeks ends 7·w − 1 days after it starts.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from .catalogue import Route
from .context import Context
from .notices import StandstillRule, notices_for, standstill_for
from .regimes import CONDITIONS, process_for
from .thresholds import Regime

TIMELINE_CSV = Path(__file__).resolve().parent.parent / "data" / "timeline_stages.csv"
ONE_DAY = timedelta(days=1)

ROUTE_PLAN: dict[Route, str] = {
    Route.OPEN_PROCEDURE: "open",
    Route.COMPETITIVE_FLEXIBLE: "tendered",
    Route.LIGHT_TOUCH_FLEXIBLE: "tendered",
    Route.PARTNERSHIP_AGREEMENT: "tendered",
    Route.FRAMEWORK_CALL_OFF: "call_off",
    Route.BELOW_THRESHOLD_QUOTATION: "quotation",
    Route.BELOW_THRESHOLD_ADVERTISED: "below_advertised",
    Route.DIRECT_AWARD: "direct",
    Route.NEGOTIATED_PARTNERING: "negotiated",
    Route.PSR_PROCESS: "psr",
    Route.GRANT_PROGRAMME: "grant_round",
    Route.PARTICIPATORY_GRANT_ROUND: "participatory",
    Route.GRANT_ONE_OFF: "grant_single",
    Route.GRANT_THREE_YEAR: "grant_single",
    Route.IN_HOUSE: "in_house",
}
TIMELINE_CONDITIONS = ("incumbent", "consult", "standstill")
REGIMES = ("", str(Regime.PA2023), str(Regime.PCR2015), str(Regime.PSR))


@dataclass(frozen=True)
class StageRow:
    plan: str
    step: int
    stage: str
    weeks: Decimal
    kind: str  # weeks, standstill or milestone
    condition: tuple[str, ...]
    regime: str
    notices: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class TimelineStage:
    stage: str
    starts: date
    ends: date
    weeks: Decimal
    source: str

    @property
    def days(self) -> int:
        return (self.ends - self.starts).days + 1 if self.weeks else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "starts": self.starts.isoformat(),
            "ends": self.ends.isoformat(),
            "weeks": float(self.weeks.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)),
            "days": self.days,
            "source": self.source,
        }


def read_stage_table(path: Path = TIMELINE_CSV) -> tuple[StageRow, ...]:
    rows = []
    with path.open(newline="", encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            stage = StageRow(
                plan=row["plan"],
                step=int(row["step"]),
                stage=row["stage"],
                weeks=Decimal(row["weeks"]),
                kind=row["kind"],
                condition=tuple(row["condition"].split()),
                regime=row["regime"],
                notices=tuple(row["notices"].split()),
                source=row["source"],
            )
            known = (*TIMELINE_CONDITIONS, *CONDITIONS)
            if stage.kind not in ("weeks", "standstill", "milestone") or any(
                word.lstrip("!") not in known for word in stage.condition
            ):
                raise ValueError(f"{path.name} row {number}: unknown kind or condition.")
            if stage.regime not in REGIMES:
                raise ValueError(f"{path.name} row {number}: unknown regime '{stage.regime}'.")
            if stage.weeks < 0:
                raise ValueError(f"{path.name} row {number}: weeks cannot be negative.")
            rows.append(stage)
    return tuple(rows)


@lru_cache(maxsize=1)
def stage_table() -> tuple[StageRow, ...]:
    return read_stage_table()


def plan_for(route: Route, ctx: Context) -> str:
    plan = ROUTE_PLAN[route]
    contract = plan not in ("grant_round", "participatory", "grant_single", "in_house")
    if contract and ctx.is_psr and route != Route.FRAMEWORK_CALL_OFF:
        return "psr"
    if plan in ("open", "tendered") and not ctx.above:
        return "below_advertised"
    return plan


def _word_holds(word: str, route: Route, ctx: Context, rule: StandstillRule) -> bool:
    if word.startswith("!"):
        return not _word_holds(word[1:], route, ctx, rule)
    incumbent = ctx.facts.incumbent_scenario > 0
    if word == "incumbent":
        return incumbent
    if word == "consult":
        return incumbent and route != Route.NEGOTIATED_PARTNERING
    if word == "standstill":
        return rule.required
    return CONDITIONS[word](route, ctx)


def _applies(row: StageRow, route: Route, ctx: Context, rule: StandstillRule, notices: frozenset[str]) -> bool:
    if row.regime and row.regime != process_for(route, ctx)[0]:
        return False
    if not notices.issuperset(row.notices):
        return False
    return all(_word_holds(word, route, ctx, rule) for word in row.condition)


def _standstill_end(published: date, rule: StandstillRule) -> date:
    period = rule.period(published)
    assert period is not None, "the timeline has a standstill stage only where one is required"
    return period.last_day


def build_timeline(route: Route, ctx: Context) -> tuple[TimelineStage, ...]:
    plan = plan_for(route, ctx)
    rule = standstill_for(route, ctx)
    notices = frozenset(n.code for n in notices_for(route, ctx))
    rows = [r for r in stage_table() if r.plan == "common"] + sorted(
        (r for r in stage_table() if r.plan == plan), key=lambda r: r.step
    )
    stages: list[TimelineStage] = []
    cursor = ctx.facts.procurement_start
    for row in rows:
        if not _applies(row, route, ctx, rule, notices):
            continue
        if row.kind == "milestone":
            stages.append(TimelineStage(row.stage, cursor, cursor, Decimal(0), row.source))
            continue
        if row.kind == "standstill":
            published = stages[-1].ends if stages else cursor
            ends = _standstill_end(published, rule)
            starts = published if not rule.from_day_after else published + ONE_DAY
            label = (
                f"Standstill ({rule.working_days} working days)"
                if rule.working_days
                else f"Standstill ({rule.calendar_days} calendar days)"
            )
            weeks = Decimal((ends - starts).days + 1) / 7
            stages.append(TimelineStage(label, starts, ends, weeks, rule.source))
            cursor = ends + ONE_DAY
            continue
        days = int((row.weeks * 7).to_integral_value(rounding=ROUND_HALF_UP))
        ends = cursor + timedelta(days=max(days, 1) - 1)
        stages.append(TimelineStage(row.stage, cursor, ends, row.weeks, row.source))
        cursor = ends + ONE_DAY
    return tuple(stages)
