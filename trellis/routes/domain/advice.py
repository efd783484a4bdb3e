"""``advise(facts)``: the whole advice for a need, as frozen dataclasses with ``to_dict()`` for JSON."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from .catalogue import ORDER, Route
from .compact import CompactCheck, compact_checks
from .context import Context, build_context
from .costs import CompetingCost, CostAssumptions, cost_of_competing, default_cost_assumptions
from .facts import Facts
from .incumbent import IncumbentAssessment
from .money import money_json
from .notices import Notice, StandstillRule, TimeLimit, notices_for, standstill_for, time_limits_for
from .routes import RouteOption, assess_routes
from .subsidy import SubsidyPoint, subsidy_control_for
from .thresholds import REGIME_NAMES, Regime, ThresholdCheck
from .timeline import TimelineStage, build_timeline


@dataclass(frozen=True)
class Advice:
    facts: Facts
    regime: Regime
    check: ThresholdCheck
    options: tuple[RouteOption, ...]
    recommended: Route
    notices: tuple[Notice, ...]
    time_limits: tuple[TimeLimit, ...]
    standstill: StandstillRule
    compact_checks: tuple[CompactCheck, ...]
    timeline: tuple[TimelineStage, ...]
    cost_of_competing: tuple[CompetingCost, ...]
    incumbent: IncumbentAssessment | None
    subsidy_control: tuple[SubsidyPoint, ...] = ()

    @property
    def regime_name(self) -> str:
        return REGIME_NAMES[self.regime]

    @property
    def recommended_option(self) -> RouteOption:
        return self.options[0]

    @property
    def starts_on(self) -> date | None:
        """When the contract, grant or service starts on the draft timeline."""
        return self.timeline[-1].ends if self.timeline else None

    def option(self, route: Route | str) -> RouteOption:
        return next(o for o in self.options if o.route == route)

    def cost(self, route: Route | str) -> CompetingCost:
        return next(c for c in self.cost_of_competing if c.route == route)

    def to_dict(self) -> dict[str, Any]:
        check = self.check
        applies = self.regime not in (Regime.NOT_PROCUREMENT,)
        return {
            "regime": str(self.regime),
            "regime_name": self.regime_name,
            "threshold": {
                "applied_gbp": money_json(check.threshold_gbp),
                "table_effective_from": check.table_effective_from.isoformat(),
                "above": check.above_threshold,
                "source": check.source,
                "value_gbp": money_json(check.value_gbp),
                "applies": applies,
                "contract_regime": str(check.regime),
                "vat_included": check.vat_included,
                "notifiable_threshold_gbp": money_json(check.notifiable_threshold_gbp),
                "vat_caveat": check.vat_caveat if applies else "",
            },
            "notifiable_below_threshold": check.notifiable and applies,
            "notices": [n.to_dict() for n in self.notices],
            "time_limits": [t.to_dict() for t in self.time_limits],
            "standstill": self.standstill.to_dict(),
            "options": [o.to_dict() for o in self.options],
            "recommended": str(self.recommended),
            "compact_checks": [c.to_dict() for c in self.compact_checks],
            "timeline": [s.to_dict() for s in self.timeline],
            "starts_on": self.starts_on.isoformat() if self.starts_on else None,
            "cost_of_competing": [
                c.to_dict() | {"suitable": self.option(c.route).suitable} for c in self.cost_of_competing
            ],
            "incumbent": self.incumbent.to_dict() if self.incumbent else None,
            "subsidy_control": [p.to_dict() for p in self.subsidy_control],
            "facts": self.facts.to_dict(),
        }


def advise(facts: Facts, assumptions: CostAssumptions | None = None) -> Advice:
    """Advice for a need: every route assessed and ranked, with the law, timeline and cost of competing."""
    assumptions = assumptions or default_cost_assumptions()
    ctx: Context = build_context(facts)
    costs = {route: cost_of_competing(route, facts, assumptions) for route in ORDER}
    options = assess_routes(ctx, costs, assumptions["disproportionate_share"])
    recommended = options[0].route
    timeline = build_timeline(recommended, ctx)
    starts = timeline[-1].ends if timeline else None
    return Advice(
        facts=facts,
        regime=ctx.regime,
        check=ctx.check,
        options=options,
        recommended=recommended,
        notices=notices_for(recommended, ctx),
        time_limits=time_limits_for(recommended, ctx),
        standstill=standstill_for(recommended, ctx),
        compact_checks=compact_checks(recommended, facts, service_starts=starts),
        timeline=timeline,
        cost_of_competing=tuple(costs[o.route] for o in options),
        incumbent=ctx.incumbent,
        subsidy_control=subsidy_control_for(ctx),
    )
