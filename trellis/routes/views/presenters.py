"""The advice (``Advice.to_dict()``) arranged for the result page, the decision page and the PDF."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

REGIME_NAMES = {
    "PA2023": "Procurement Act 2023",
    "PSR": "Health Care Services (Provider Selection Regime) Regulations 2023",
    "PCR2015": "Public Contracts Regulations 2015",
    "not_procurement": "Not a procurement: a grant",
}
VERDICT_NAMES = {
    "persuasive": "Persuasive",
    "possible": "Possible, on conditions",
    "not_persuasive": "Not persuasive on its own",
}


def long_date(value: Any) -> str:
    """2026-04-01 -> 1 April 2026; anything that is not an ISO date is shown as it is."""
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return f"{day.day} {day:%B %Y}"


def money(value: Any) -> str:
    if value is None:
        return "–"
    amount = float(value)
    return f"£{amount:,.0f}" if amount == round(amount) else f"£{amount:,.2f}"


def percent(value: Any) -> str:
    if value is None:
        return "–"
    share = float(value) * 100
    return f"{share:.1f}%" if share < 10 else f"{share:.0f}%"


def pence(value: Any) -> str:
    """Cost per pound awarded, in pence."""
    if value is None:
        return "–"
    return f"{float(value) * 100:.1f}p"


@dataclass(frozen=True)
class OptionView:
    route: str
    title: str
    suitable: bool
    rank: int
    summary: str
    reasons_for: list[dict[str, Any]]
    reasons_against: list[dict[str, Any]]
    recommended: bool


@dataclass(frozen=True)
class CostRow:
    route: str
    title: str
    authority: str
    market: str
    total: str
    share: str
    per_pound: str
    expected_bids: Any
    disproportionate: bool
    suitable: bool
    authority_gbp: float
    market_gbp: float


def route_titles(advice: dict[str, Any]) -> dict[str, str]:
    return {option["route"]: option["title"] for option in advice.get("options", [])}


def options(advice: dict[str, Any]) -> list[OptionView]:
    recommended = advice.get("recommended")
    return [
        OptionView(
            route=o["route"],
            title=o["title"],
            suitable=bool(o["suitable"]),
            rank=o["rank"],
            summary=o.get("summary", ""),
            reasons_for=[r for r in o.get("reasons", []) if r.get("for")],
            reasons_against=[r for r in o.get("reasons", []) if not r.get("for")],
            recommended=o["route"] == recommended,
        )
        for o in sorted(advice.get("options", []), key=lambda o: o["rank"])
    ]


def cost_rows(advice: dict[str, Any]) -> list[CostRow]:
    titles = route_titles(advice)
    suitable = {o["route"]: bool(o["suitable"]) for o in advice.get("options", [])}
    ranks = {o["route"]: o["rank"] for o in advice.get("options", [])}
    rows = sorted(advice.get("cost_of_competing", []), key=lambda c: ranks.get(c["route"], 99))
    return [
        CostRow(
            route=c["route"],
            title=titles.get(c["route"], c["route"]),
            authority=money(c.get("authority_gbp")),
            market=money(c.get("market_gbp")),
            total=money(c.get("total_gbp")),
            share=percent(c.get("share_of_value")),
            per_pound=pence(c.get("per_pound_awarded")),
            expected_bids=c.get("expected_bids"),
            disproportionate=bool(c.get("disproportionate")),
            suitable=suitable.get(c["route"], False),
            authority_gbp=float(c.get("authority_gbp") or 0),
            market_gbp=float(c.get("market_gbp") or 0),
        )
        for c in rows
    ]


def advice_context(advice: dict[str, Any]) -> dict[str, Any]:
    """Everything the advice templates show, worked out once."""
    titles = route_titles(advice)
    recommended = advice.get("recommended", "")
    threshold = advice.get("threshold") or {}
    incumbent = advice.get("incumbent")
    return {
        "advice": advice,
        "regime_name": advice.get("regime_name") or REGIME_NAMES.get(advice.get("regime", ""), ""),
        "recommended_title": titles.get(recommended, recommended),
        "recommended_option": next((o for o in options(advice) if o.recommended), None),
        "options": options(advice),
        "threshold_applied": money(threshold.get("applied_gbp")) if threshold.get("applied_gbp") is not None else "",
        "threshold_from": long_date(threshold.get("table_effective_from", "")),
        "timeline": [
            {**stage, "starts_label": long_date(stage.get("starts")), "ends_label": long_date(stage.get("ends"))}
            for stage in advice.get("timeline", [])
        ],
        "timeline_route": titles.get(recommended, recommended),
        "costs": cost_rows(advice),
        "incumbent": incumbent,
        "incumbent_verdict": VERDICT_NAMES.get((incumbent or {}).get("verdict", ""), ""),
    }
