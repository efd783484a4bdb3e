"""The cost of competing, per route: what the authority spends running the process and what the market spends
bidding, against the value awarded.

    authority = day rate × (specification + market engagement + evaluation per bid × bids + moderation
                            + award and feedback)
    market    = bid effort of the process × Σ bids in each size band × bid cost of that band
    total     = authority + market;   share of value = total ÷ whole-life value

The bids are drawn from the capable providers the directory knows: a response rate (or a fixed number for
quotations, call-offs and single-supplier routes), split into small-or-local bidders (micro and small) and
others (medium and large) in the directory's proportion. Every default is a row of
`trellis/routes/data/cost_assumptions.csv` with its unit, the assumption in words and its source; an
administrator can override any of them (``CostAssumptions.from_rows``).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cached_property
from pathlib import Path
from typing import Any

from trellis.core.errors import ValidationFailed

from .catalogue import Route
from .facts import Facts
from .money import money_json, ratio_json

COSTS_CSV = Path(__file__).resolve().parent.parent / "data" / "cost_assumptions.csv"

PROCESSES = (
    "open",
    "flexible",
    "psr",
    "below_advertised",
    "quotation",
    "call_off",
    "direct",
    "negotiated",
    "grant_round",
    "participatory",
    "grant_single",
)
ACTIVITIES = ("specification", "market_engagement", "evaluation_per_bid", "moderation", "award_feedback")
BANDS = ("micro", "small", "medium", "large")
RATE_PROCESSES = ("open", "flexible", "psr", "below_advertised", "grant_round", "participatory")
FIXED_PROCESSES = ("quotation", "call_off", "direct", "negotiated", "grant_single")
MIX_GROUPS = {"small_or_local": ("micro", "small"), "other": ("medium", "large")}


def mix_partner(key: str) -> str | None:
    """The other share of a two-way mix (``mix.<group>.<band>``), which must make the pair add up to 1."""
    prefix, _, rest = key.partition(".")
    group, _, band = rest.partition(".")
    others = [b for b in MIX_GROUPS.get(group, ()) if b != band]
    if prefix != "mix" or band not in MIX_GROUPS.get(group, ()) or len(others) != 1:
        return None
    return f"mix.{group}.{others[0]}"


ROUTE_PROCESS: dict[Route, str | None] = {
    Route.OPEN_PROCEDURE: "open",
    Route.COMPETITIVE_FLEXIBLE: "flexible",
    Route.LIGHT_TOUCH_FLEXIBLE: "flexible",
    Route.PARTNERSHIP_AGREEMENT: "flexible",
    Route.PSR_PROCESS: "psr",
    Route.BELOW_THRESHOLD_ADVERTISED: "below_advertised",
    Route.BELOW_THRESHOLD_QUOTATION: "quotation",
    Route.FRAMEWORK_CALL_OFF: "call_off",
    Route.DIRECT_AWARD: "direct",
    Route.NEGOTIATED_PARTNERING: "negotiated",
    Route.GRANT_PROGRAMME: "grant_round",
    Route.PARTICIPATORY_GRANT_ROUND: "participatory",
    Route.GRANT_ONE_OFF: "grant_single",
    Route.GRANT_THREE_YEAR: "grant_single",
    Route.IN_HOUSE: None,
}


def _share_key(key: str) -> bool:
    return key.startswith(("response_rate.", "mix.")) or key in ("unknown_market_small_share", "disproportionate_share")


def _whole_key(key: str) -> bool:
    return key.startswith("fixed_bids.") or key == "unknown_market_bidders"


KNOWN_KEYS: tuple[str, ...] = (
    "authority_day_rate_gbp",
    *(f"staff_days.{p}.{a}" for p in PROCESSES for a in ACTIVITIES),
    *(f"bid_cost_gbp.{b}" for b in BANDS),
    *(f"bid_effort.{p}" for p in PROCESSES),
    *(f"response_rate.{p}" for p in RATE_PROCESSES),
    *(f"fixed_bids.{p}" for p in FIXED_PROCESSES),
    "unknown_market_bidders",
    "unknown_market_small_share",
    *(f"mix.{g}.{b}" for g, bands in MIX_GROUPS.items() for b in bands),
    "disproportionate_share",
)


class AssumptionsInvalid(ValidationFailed, ValueError):
    """Cost assumptions that cannot be used; ``errors`` maps each key to its messages."""

    code = "cost_assumptions_invalid"

    def __init__(self, errors: dict[str, list[str]]):
        summary = "; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items())
        super().__init__(f"The cost assumptions are not valid. {summary}", errors=errors)


@dataclass(frozen=True)
class CostAssumptionRow:
    key: str
    value: Decimal
    unit: str
    assumption: str
    source: str


class _RowsAccessor:
    """``CostAssumptions.rows()`` gives the defaults; ``assumptions.rows()`` gives that instance's rows."""

    def __get__(self, obj: CostAssumptions | None, owner: type) -> Callable[[], list[CostAssumptionRow]]:
        def rows() -> list[CostAssumptionRow]:
            target = obj if obj is not None else default_cost_assumptions()
            return list(target.entries)

        return rows


@dataclass(frozen=True)
class CostAssumptions:
    entries: tuple[CostAssumptionRow, ...]

    rows = _RowsAccessor()

    def __post_init__(self) -> None:
        _validate({row.key: row.value for row in self.entries})

    @cached_property
    def values(self) -> dict[str, Decimal]:
        return {row.key: row.value for row in self.entries}

    def __getitem__(self, key: str) -> Decimal:
        return self.values[key]

    @classmethod
    def read_csv(cls, path: Path = COSTS_CSV) -> CostAssumptions:
        entries = []
        with path.open(newline="", encoding="utf-8") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):
                try:
                    value = Decimal(row["value"])
                except (InvalidOperation, KeyError) as exc:
                    raise AssumptionsInvalid(
                        {row.get("key") or f"row {number}": ["The value is not a number."]}
                    ) from exc
                entries.append(
                    CostAssumptionRow(row["key"], value, row["unit"], row["assumption"].strip(), row["source"].strip())
                )
        return cls(tuple(entries))

    @classmethod
    def from_rows(
        cls, rows: Iterable[Any] | Mapping[str, Any], *, base: CostAssumptions | None = None
    ) -> CostAssumptions:
        """The defaults (or ``base``) with the given rows overriding them.

        ``rows`` may be (key, value) pairs, objects with ``key`` and ``value`` attributes (such as database
        rows), or a mapping of key to value. Unknown keys and impossible values raise ``AssumptionsInvalid``
        (a ``ValueError`` and a ``ValidationFailed``) naming each key.
        """
        base = base or default_cost_assumptions()
        pairs = rows.items() if isinstance(rows, Mapping) else (_pair(r) for r in rows)
        overrides: dict[str, Decimal] = {}
        errors: dict[str, list[str]] = {}
        for key, raw in pairs:
            key = str(key)
            if key not in KNOWN_KEYS:
                errors.setdefault(key, []).append(f"'{key}' is not a cost assumption Trellis uses.")
                continue
            try:
                value = Decimal(str(raw))
            except (InvalidOperation, ValueError):
                errors.setdefault(key, []).append("The value is not a number.")
                continue
            overrides[key] = value
        if errors:
            raise AssumptionsInvalid(errors)
        merged = base.values | overrides
        _validate(merged)
        return cls(
            tuple(
                CostAssumptionRow(row.key, merged[row.key], row.unit, row.assumption, row.source)
                for row in base.entries
            )
        )


def _pair(row: Any) -> tuple[str, Any]:
    if isinstance(row, Mapping):
        return row["key"], row["value"]
    if hasattr(row, "key") and hasattr(row, "value"):
        return row.key, row.value
    key, value = row
    return key, value


def _validate(values: Mapping[str, Decimal]) -> None:
    """Every assumption Trellis uses, each possible, and each mix adding up to 1."""
    errors: dict[str, list[str]] = {}
    for key, value in values.items():
        if key not in KNOWN_KEYS:
            errors.setdefault(key, []).append(f"'{key}' is not a cost assumption Trellis uses.")
        elif not value.is_finite() or value < 0:
            errors.setdefault(key, []).append("The value cannot be negative.")
        elif _share_key(key) and value > 1:
            errors.setdefault(key, []).append("This is a share: give a number from 0 to 1.")
        elif _whole_key(key) and value != value.to_integral_value():
            errors.setdefault(key, []).append("Give a whole number of bids.")
    for key in KNOWN_KEYS:
        if key not in values:
            errors.setdefault(key, []).append("This assumption is missing.")
    for group, bands in MIX_GROUPS.items():
        keys = [f"mix.{group}.{b}" for b in bands]
        if all(k in values for k in keys) and sum(values[k] for k in keys) != 1:
            errors.setdefault(keys[0], []).append(f"The shares {', '.join(keys)} must add up to 1.")
    if errors:
        raise AssumptionsInvalid(errors)


_DEFAULT: list[CostAssumptions] = []


def default_cost_assumptions() -> CostAssumptions:
    if not _DEFAULT:
        _DEFAULT.append(CostAssumptions.read_csv())
    return _DEFAULT[0]


# --- the arithmetic --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompetingCost:
    route: Route
    process: str | None
    expected_bids: int
    authority_days: Decimal
    authority_gbp: Decimal
    market_gbp: Decimal
    total_gbp: Decimal
    value_gbp: Decimal
    #: total ÷ value as a fraction (0.14 = 14%); None when the value is 0
    share_of_value: Decimal | None
    disproportionate: bool
    small_or_local_bids: Decimal

    @property
    def per_pound_awarded(self) -> Decimal | None:
        """The cost of competing for each pound awarded (the same ratio, read as pence in the pound)."""
        return self.share_of_value

    def to_dict(self) -> dict[str, Any]:
        return {
            "route": str(self.route),
            "authority_gbp": money_json(self.authority_gbp),
            "market_gbp": money_json(self.market_gbp),
            "total_gbp": money_json(self.total_gbp),
            "share_of_value": ratio_json(self.share_of_value),
            "per_pound_awarded": ratio_json(self.per_pound_awarded),
            "expected_bids": self.expected_bids,
            "disproportionate": self.disproportionate,
            "authority_days": float(self.authority_days),
            "small_or_local_bids": float(self.small_or_local_bids.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)),
        }


def expected_bids(process: str, capable_providers: int, assumptions: CostAssumptions) -> int:
    if process in FIXED_PROCESSES:
        fixed = int(assumptions[f"fixed_bids.{process}"])
        if process == "quotation" and capable_providers:
            return min(fixed, capable_providers)
        return fixed
    if capable_providers == 0:
        return int(assumptions["unknown_market_bidders"])
    rate = assumptions[f"response_rate.{process}"]
    bids = int((rate * capable_providers).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return max(bids, 1)


def competing_cost(
    *,
    process: str,
    bids: int,
    small_share: Decimal,
    value_gbp: Decimal,
    assumptions: CostAssumptions,
    route: Route,
) -> CompetingCost:
    """The cost of competing for a given number of bids and share of small-or-local bidders."""
    a = assumptions
    days = (
        a[f"staff_days.{process}.specification"]
        + a[f"staff_days.{process}.market_engagement"]
        + a[f"staff_days.{process}.evaluation_per_bid"] * bids
        + a[f"staff_days.{process}.moderation"]
        + a[f"staff_days.{process}.award_feedback"]
    )
    authority = days * a["authority_day_rate_gbp"]
    small_bids = Decimal(bids) * small_share
    other_bids = Decimal(bids) - small_bids
    small_cost = sum(a[f"mix.small_or_local.{b}"] * a[f"bid_cost_gbp.{b}"] for b in MIX_GROUPS["small_or_local"])
    other_cost = sum(a[f"mix.other.{b}"] * a[f"bid_cost_gbp.{b}"] for b in MIX_GROUPS["other"])
    market = a[f"bid_effort.{process}"] * (small_bids * small_cost + other_bids * other_cost)
    total = authority + market
    share = total / value_gbp if value_gbp > 0 else None
    return CompetingCost(
        route=route,
        process=process,
        expected_bids=bids,
        authority_days=days,
        authority_gbp=authority,
        market_gbp=market,
        total_gbp=total,
        value_gbp=value_gbp,
        share_of_value=share,
        disproportionate=share is not None and share > a["disproportionate_share"],
        small_or_local_bids=small_bids,
    )


def cost_of_competing(route: Route, facts: Facts, assumptions: CostAssumptions) -> CompetingCost:
    process = ROUTE_PROCESS[route]
    value = facts.estimated_value_gbp
    if process is None:
        zero = Decimal(0)
        return CompetingCost(route, None, 0, zero, zero, zero, zero, value, zero if value > 0 else None, False, zero)
    share = facts.small_or_local_share
    if share is None:
        share = assumptions["unknown_market_small_share"]
    if process == "call_off":
        share = assumptions["unknown_market_small_share"]  # framework suppliers, not the directory's providers
    return competing_cost(
        process=process,
        bids=expected_bids(process, facts.capable_providers, assumptions),
        small_share=share,
        value_gbp=value,
        assumptions=assumptions,
        route=route,
    )
