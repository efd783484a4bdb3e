"""Shared by the route advisor's web, service, API and PDF tests: a valid set of facts."""

from __future__ import annotations

import copy

#: A light touch service above the threshold, with a healthy local market.
FACTS = {
    "purpose": "buy_service",
    "estimated_value_gbp": 950000,
    "duration_months": 36,
    "service_category": "light_touch",
    "authority_class": "sub_central",
    "procurement_start": "2026-04-01",
    "capable_providers": 6,
    "capable_small_or_local": 4,
    "incumbent_scenario": 0,
    "needs_codesign": True,
    "innovation": False,
    "cross_authority": "none",
    "existing_framework": False,
    "urgency": "normal",
    "risk": "medium",
    "direct_award_justification": "",
    "service_types": [],
    "wards": [],
}


def facts(**changes) -> dict:
    return {**copy.deepcopy(FACTS), **changes}


def suitable_but_not_recommended(advice: dict) -> str:
    return next(o["route"] for o in advice["options"] if o["suitable"] and o["route"] != advice["recommended"])
