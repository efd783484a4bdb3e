"""The commissioning-route advisor: pure Python, no Django.

    facts = Facts.from_dict(mapping)           # raises FactsInvalid naming each field
    advice = advise(facts)                      # every route assessed, ranked and explained
    advice.to_dict()                            # JSON-ready; money as numbers, keys ending in _gbp

See docs/routes.md for the rules and their sources.
"""

from .advice import Advice, advise
from .calendar import Standstill, WorkingCalendar, calendar_for, standstill_period
from .catalogue import ROUTES, Route, RouteInfo
from .compact import CompactCheck, compact_checks
from .costs import (
    AssumptionsInvalid,
    CompetingCost,
    CostAssumptionRow,
    CostAssumptions,
    competing_cost,
    cost_of_competing,
    default_cost_assumptions,
)
from .facts import (
    AuthorityClass,
    CrossAuthority,
    Facts,
    FactsInvalid,
    Purpose,
    Risk,
    ServiceCategory,
    Urgency,
)
from .incumbent import SCENARIOS, IncumbentAssessment, Verdict, assess_incumbent
from .justifications import DIRECT_AWARD_JUSTIFICATIONS, Justification
from .notices import (
    LIGHT_TOUCH_TENDERING_PERIOD,
    TENDERING_PERIOD,
    Notice,
    StandstillRule,
    TimeLimit,
    after_contract_notice,
    no_standstill,
    notice_name,
    regime_after_contract_notice,
    regime_standstill,
    standstill_for,
    time_limits_for,
)
from .routes import Reason, RouteOption
from .thresholds import Regime, ThresholdCheck, ThresholdUnknown, threshold_check
from .timeline import TimelineStage

DEFAULT_COST_ASSUMPTIONS: CostAssumptions = default_cost_assumptions()

__all__ = [
    "DEFAULT_COST_ASSUMPTIONS",
    "DIRECT_AWARD_JUSTIFICATIONS",
    "LIGHT_TOUCH_TENDERING_PERIOD",
    "ROUTES",
    "SCENARIOS",
    "TENDERING_PERIOD",
    "Advice",
    "AssumptionsInvalid",
    "AuthorityClass",
    "CompactCheck",
    "CompetingCost",
    "CostAssumptionRow",
    "CostAssumptions",
    "CrossAuthority",
    "Facts",
    "FactsInvalid",
    "IncumbentAssessment",
    "Justification",
    "Notice",
    "Purpose",
    "Reason",
    "Regime",
    "Risk",
    "Route",
    "RouteInfo",
    "RouteOption",
    "ServiceCategory",
    "Standstill",
    "StandstillRule",
    "ThresholdCheck",
    "ThresholdUnknown",
    "TimeLimit",
    "TimelineStage",
    "Urgency",
    "Verdict",
    "WorkingCalendar",
    "advise",
    "after_contract_notice",
    "assess_incumbent",
    "calendar_for",
    "compact_checks",
    "competing_cost",
    "cost_of_competing",
    "no_standstill",
    "notice_name",
    "regime_after_contract_notice",
    "regime_standstill",
    "standstill_for",
    "standstill_period",
    "threshold_check",
    "time_limits_for",
]
