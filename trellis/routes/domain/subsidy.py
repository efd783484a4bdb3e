"""Subsidy control for grants: when the Subsidy Control Act 2022 may apply, and the minimal financial assistance
route with its limit, declaration and database entry.

The limits are dated rows of `trellis/routes/data/subsidy_control.csv`, each with its source. The advisor says
what the Act asks and where the judgement lies; it does not decide whether a grant is a subsidy (that turns on
the recipient's activity and the market) or assess a subsidy above the limit: those it hands to the legal team.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from .context import Context
from .facts import Purpose
from .money import gbp
from .tables import checked_rows

SUBSIDY_CSV = Path(__file__).resolve().parent.parent / "data" / "subsidy_control.csv"
KEYS = ("mfa_limit_gbp", "database_threshold_gbp", "database_months")
SCA_S2 = (
    "Subsidy Control Act 2022 s.2 (a subsidy: financial assistance from public resources conferring an economic "
    "advantage on an enterprise, specific, capable of affecting competition or investment) and s.7 (an enterprise, "
    "to the extent it offers goods or services on a market)"
)
SCA_S12 = (
    "Subsidy Control Act 2022 s.12 and Schedule 1 (a subsidy must be consistent with the subsidy control principles)"
)
SCA_S37 = (
    "Subsidy Control Act 2022 s.37 (the MFA notification, the recipient's written confirmation, the MFA confirmation)"
)


@dataclass(frozen=True)
class SubsidyRow:
    effective_from: date
    key: str
    value: Decimal
    source: str


def read_subsidy_table(path: Path = SUBSIDY_CSV) -> tuple[SubsidyRow, ...]:
    def problem(row: dict[str, str]) -> str | None:
        return None if row["key"] in KEYS and row["source"].strip() else "unknown key or no source"

    return tuple(
        SubsidyRow(date.fromisoformat(row["effective_from"]), row["key"], Decimal(row["value"]), row["source"])
        for row in checked_rows(path, problem)
    )


@lru_cache(maxsize=1)
def subsidy_table() -> tuple[SubsidyRow, ...]:
    return read_subsidy_table()


def _row(key: str, on: date) -> SubsidyRow | None:
    rows = [r for r in subsidy_table() if r.key == key and r.effective_from <= on]
    return max(rows, key=lambda r: r.effective_from) if rows else None


@dataclass(frozen=True)
class SubsidyPoint:
    text: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "source": self.source}


def subsidy_control_for(ctx: Context) -> tuple[SubsidyPoint, ...]:
    """What the Subsidy Control Act asks of this grant; nothing for a purchase (a contract at market terms)."""
    f = ctx.facts
    if not ctx.is_grant:
        return ()
    limit = _row("mfa_limit_gbp", f.procurement_start)
    database = _row("database_threshold_gbp", f.procurement_start)
    months = _row("database_months", f.procurement_start)
    if limit is None or database is None or months is None:
        return (
            SubsidyPoint(
                "The Subsidy Control Act 2022 applies to subsidies from 4 January 2023; for an earlier grant the "
                "UK–EU Trade and Cooperation Agreement's subsidy rules applied: check with your legal team.",
                "Subsidy Control Act 2022 (commencement 4 January 2023)",
            ),
        )
    each = "each group's grant" if f.purpose == Purpose.COMMUNITY_LED_SMALL_GRANTS else "the grant"
    points = [
        SubsidyPoint(
            "A grant to an organisation that offers goods or services on a market (charities and community groups "
            "included, to that extent) is a subsidy if it gives an advantage the market would not and could affect "
            "competition or investment. Trellis does not decide this: if the recipient trades, check with your "
            "legal team.",
            SCA_S2,
        ),
        SubsidyPoint(
            f"If it is a subsidy, {each} can be minimal financial assistance when the recipient's total of it, "
            f"with this grant, stays within {gbp(limit.value)} in this and the previous two financial years: send "
            "the MFA notification with the grant's gross value, give the grant only after the recipient confirms "
            "in writing that the limit is kept, then send the MFA confirmation.",
            f"{limit.source}; {SCA_S37}",
        ),
    ]
    if f.purpose == Purpose.FUND_OWN_ACTIVITY and f.estimated_value_gbp > limit.value:
        points.append(
            SubsidyPoint(
                f"At {gbp(f.estimated_value_gbp)} the grant is over the {gbp(limit.value)} limit: if it is a "
                "subsidy it cannot be minimal financial assistance and must be assessed against the subsidy "
                "control principles. Trellis does not make that assessment: check with your legal team.",
                SCA_S12,
            )
        )
    if f.estimated_value_gbp > database.value:
        points.append(
            SubsidyPoint(
                f"Minimal financial assistance over {gbp(database.value)} to one recipient goes on the subsidy "
                f"database within {months.value} months of the decision.",
                f"{database.source}; {months.source}",
            )
        )
    return tuple(points)
