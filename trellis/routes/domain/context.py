"""What the rules need to know about a need, worked out once from the facts."""

from __future__ import annotations

from dataclasses import dataclass

from .facts import Facts
from .incumbent import IncumbentAssessment, assess_incumbent
from .thresholds import Regime, ThresholdCheck, threshold_check


@dataclass(frozen=True)
class Context:
    facts: Facts
    #: the regime for the advice: ``not_procurement`` when the money is a grant
    regime: Regime
    #: the regime a contract for this need would fall under (by category and start date)
    contract_regime: Regime
    check: ThresholdCheck
    incumbent: IncumbentAssessment | None

    @property
    def above(self) -> bool:
        return self.check.above_threshold

    @property
    def notifiable(self) -> bool:
        return self.check.notifiable

    @property
    def is_grant(self) -> bool:
        return self.facts.is_grant_purpose

    @property
    def is_psr(self) -> bool:
        return self.contract_regime == Regime.PSR

    @property
    def is_light_touch(self) -> bool:
        """Light touch services; before the Provider Selection Regime (1 January 2024) health care services were
        bought under the PCR 2015 light touch regime too (regs 74–76 and Schedule 3)."""
        category = str(self.facts.service_category)
        return category == "light_touch" or (category == "health_care" and self.contract_regime == Regime.PCR2015)


def build_context(facts: Facts) -> Context:
    check = threshold_check(
        category=facts.service_category,
        authority_class=facts.authority_class,
        value_gbp=facts.estimated_value_gbp,
        procurement_start=facts.procurement_start,
    )
    return Context(
        facts=facts,
        regime=Regime.NOT_PROCUREMENT if facts.is_grant_purpose else check.regime,
        contract_regime=check.regime,
        check=check,
        incumbent=assess_incumbent(facts.incumbent_scenario),
    )
