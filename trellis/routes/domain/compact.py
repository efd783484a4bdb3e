"""Compact checks for a route: the funding commitments between government and the voluntary and community sector.

The Compact is not statutory, but the customer's documents expect it (the pathfinders report §3.1, §3.17–3.19)
and many councils have signed local compacts. Each check says whether the route, as the facts describe it,
meets the commitment (``ok``) or needs attention.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from typing import Any

from . import sources
from .catalogue import GRANT_ROUTES, Route
from .facts import Facts
from .thresholds import long_date

THREE_YEARS_MONTHS = 36


@dataclass(frozen=True)
class CompactCheck:
    check: str
    title: str
    text: str
    ok: bool
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {"check": self.check, "title": self.title, "text": self.text, "ok": self.ok, "source": self.source}


def _months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    # clamp the day to the end of a shorter month
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def compact_checks(route: Route, facts: Facts, *, service_starts: date | None = None) -> tuple[CompactCheck, ...]:
    if route == Route.IN_HOUSE:
        return (
            CompactCheck(
                "consultation_12_weeks",
                "Consult before changing how the service is provided",
                "Bringing a service in-house changes funding for the sector: consult in writing for 12 weeks "
                "wherever possible, and give reasons if the period is shorter.",
                facts.incumbent_scenario == 0,
                sources.COMPACT_CONSULTATION,
            ),
        )
    grant = route in GRANT_ROUTES
    checks: list[CompactCheck] = []
    long_enough = facts.duration_months >= THREE_YEARS_MONTHS
    if route == Route.GRANT_ONE_OFF:
        checks.append(
            CompactCheck(
                "three_year_funding",
                "Three-year funding as the default",
                "A one-off grant is short-term money. The Compact's default is funding for three years or more; "
                "use a one-off grant only for a genuinely one-off purpose and say why.",
                facts.duration_months <= 12,
                sources.COMPACT_FUNDING,
            )
        )
    else:
        what = "grant" if grant else "agreement"
        checks.append(
            CompactCheck(
                "three_year_funding",
                "Three-year funding as the default",
                f"The {what} runs for {facts.duration_months} months: "
                + (
                    "that meets the Compact's default of three years or more."
                    if long_enough
                    else f"shorter than the Compact's default of three years or more. Give the reason, or make the "
                    f"{what} at least 36 months."
                ),
                long_enough,
                f"{sources.COMPACT_FUNDING}; {sources.THREE_YEAR_FUNDING}",
            )
        )
    checks.append(
        CompactCheck(
            "full_cost_recovery",
            "Full cost recovery",
            "Set the budget or price so that providers can recover the full cost of the work, including a fair "
            "share of overheads (premises, management, finance, governance), and accept full-cost budgets in "
            "bids and applications.",
            True,
            f"{sources.COMPACT_FCR}; {sources.FULL_COST_RECOVERY}",
        )
    )
    if facts.incumbent_scenario and service_starts is not None:
        notice_by = _months_before(service_starts, 3)
        ending_text = (
            "If the current provider's funding will end when the new arrangement starts on "
            f"{long_date(service_starts)}, "
            f"assess the impact first and give at least three months' written notice, with reasons, by "
            f"{long_date(notice_by)}, and a chance to respond before the final decision."
        )
    else:
        ending_text = (
            "Before ending or reducing any organisation's funding, assess the impact, then give at least three "
            "months' written notice with reasons and a chance to respond before the final decision."
        )
    checks.append(
        CompactCheck(
            "notice_before_ending",
            "Three months' notice before ending funding",
            ending_text,
            True,
            f"{sources.COMPACT_ENDING}; {sources.THREE_MONTHS_NOTICE}",
        )
    )
    changing = facts.incumbent_scenario > 0 and route != Route.NEGOTIATED_PARTNERING
    checks.append(
        CompactCheck(
            "consultation_12_weeks",
            "12 weeks' consultation on changes",
            (
                "This changes how an existing service is funded: consult the provider, service users and the sector "
                "in writing for 12 weeks wherever possible (the timeline allows for it), and give reasons if shorter."
                if changing
                else "Consult for 12 weeks in writing on any change to policy or funding that affects the sector, "
                "and give reasons if the period is shorter."
            ),
            True,
            sources.COMPACT_CONSULTATION,
        )
    )
    checks.append(
        CompactCheck(
            "proportionate_monitoring",
            "Proportionate monitoring and shared risk",
            f"The facts say the risk is {facts.risk}: keep reporting proportionate to that risk and to the money, "
            "and agree up front who carries each risk, placing it with whoever is best able to manage it.",
            True,
            sources.COMPACT_MONITORING,
        )
    )
    return tuple(checks)
