"""Full cost recovery: the average-cost method of the ACEVO / New Philanthropy Capital toolkit.

A project's full cost is its direct costs plus a fair share of the organisation's overheads. Each overhead line
(premises, central functions, governance, …) is shared out between the cost centres (projects, services) in
proportion to a cost driver: headcount, staff time (FTE), floor area, direct expenditure, or any other measure the
cost centres give. When the organisation has other activities that are not in the calculation, ``driver_totals``
gives the whole organisation's totals and the rest of each overhead is left to those activities.

Everything here is pure Python. Money is ``Decimal`` in pounds with at most two decimal places; each overhead line
is shared out to the penny by the largest-remainder method (exact fractions, remainder pennies to the largest
fractions, ties to the earlier cost centre, activities outside the calculation last), so the shares of a line
always add up to the line exactly. Rates and unit costs are exact ``Decimal`` values, rounded only for display.

    result = calculate({"cost_centres": [...], "overheads": [...], "driver_totals": {...}})
    result.to_dict()  # JSON-ready

Bad input raises ``trellis.core.errors.ValidationFailed`` whose ``errors`` name every problem by its path in the
input, e.g. ``{"cost_centres[0].direct_costs": ["Direct costs cannot be negative."]}``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from trellis.core.domain.numbers import parse_number
from trellis.core.errors import ValidationFailed

PENNY = Decimal("0.01")
#: Money larger than this is refused (it is more than any charity spends, and keeps JSON numbers exact).
MAX_MONEY = Decimal("10000000000")
#: Driver values and units larger than this are refused.
MAX_MEASURE = Decimal("10000000000")
MEASURE_PLACES = 6
MAX_CENTRES = 500
MAX_OVERHEADS = 500
MAX_NAME = 200

#: Drivers with a plain-English name. Any other driver name a cost centre gives may be used too.
DRIVER_LABELS: dict[str, str] = {
    "headcount": "headcount",
    "staff_time": "staff time (FTE)",
    "floor_area": "floor area (m²)",
    "direct_expenditure": "direct expenditure",
    "direct_costs": "direct costs",
}
#: Drivers that, unless a cost centre gives its own value, use the cost centre's direct costs.
DIRECT_COST_DRIVERS = frozenset({"direct_expenditure", "direct_costs"})

TOP_KEYS = ("cost_centres", "overheads", "driver_totals")
CENTRE_KEYS = ("name", "direct_costs", "drivers", "units", "price")
OVERHEAD_KEYS = ("name", "amount", "driver")

METHOD = (
    "The average-cost method of the full cost recovery toolkit of ACEVO and New Philanthropy Capital: "
    "each project's direct costs, plus a share of each overhead in proportion to a cost driver "
    "(headcount, staff time, floor area or direct expenditure)."
)
SOURCES = (
    "ACEVO and New Philanthropy Capital, Full Cost Recovery: a guide and toolkit on cost allocation (2004).",
    "New Philanthropy Capital, Calculating the full cost: average cost, not marginal cost, following CIPFA's "
    "Best value accounting code of practice (2000).",
)


def driver_label(driver: str) -> str:
    return DRIVER_LABELS.get(driver, driver.replace("_", " "))


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


# Input ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CostCentre:
    name: str
    direct_costs: Decimal
    drivers: dict[str, Decimal] = field(default_factory=dict)
    units: Decimal | None = None
    price: Decimal | None = None

    def driver_value(self, driver: str) -> Decimal:
        if driver in self.drivers:
            return self.drivers[driver]
        if driver in DIRECT_COST_DRIVERS:
            return self.direct_costs
        return Decimal(0)


@dataclass(frozen=True)
class Overhead:
    name: str
    amount: Decimal
    driver: str


@dataclass(frozen=True)
class CostInput:
    cost_centres: tuple[CostCentre, ...]
    overheads: tuple[Overhead, ...] = ()
    driver_totals: dict[str, Decimal] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Any) -> CostInput:
        """Check JSON-like input and build it; raise ``ValidationFailed`` naming every problem."""
        return _Reader().read(data)

    def to_dict(self) -> dict[str, Any]:
        """The input as JSON (the format ``from_dict`` and ``trellis fcr`` read)."""
        centres = []
        for c in self.cost_centres:
            item: dict[str, Any] = {
                "name": c.name,
                "direct_costs": money_json(c.direct_costs),
                "drivers": {k: number_json(v) for k, v in c.drivers.items()},
            }
            if c.units is not None:
                item["units"] = number_json(c.units)
            if c.price is not None:
                item["price"] = money_json(c.price)
            centres.append(item)
        data: dict[str, Any] = {
            "cost_centres": centres,
            "overheads": [{"name": o.name, "amount": money_json(o.amount), "driver": o.driver} for o in self.overheads],
        }
        if self.driver_totals:
            data["driver_totals"] = {k: number_json(v) for k, v in self.driver_totals.items()}
        return data

    def drivers_used(self) -> list[str]:
        """The drivers the overheads are shared by, in the order they first appear."""
        return list(dict.fromkeys(o.driver for o in self.overheads))

    def centres_total(self, driver: str) -> Decimal:
        return sum((c.driver_value(driver) for c in self.cost_centres), Decimal(0))

    def driver_total(self, driver: str) -> Decimal:
        """The whole organisation's total for a driver: given in ``driver_totals``, or the cost centres' sum."""
        return self.driver_totals.get(driver, self.centres_total(driver))


class _Reader:
    """Reads the input, collecting every problem (path -> messages) before giving up."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def fail(self, path: str, message: str) -> None:
        self.errors.setdefault(path, []).append(message)

    def read(self, data: Any) -> CostInput:
        if not isinstance(data, Mapping):
            self.fail("input", "The input must be a JSON object with a list of cost_centres.")
            raise self._failure()
        self._unknown_keys(data, TOP_KEYS, "", "the input")
        centres = self._centres(data.get("cost_centres"))
        overheads = self._overheads(data.get("overheads", []))
        totals = self._totals(data.get("driver_totals", {}))
        if self.errors:
            raise self._failure()
        costs = CostInput(cost_centres=tuple(centres), overheads=tuple(overheads), driver_totals=totals)
        self._check_drivers(costs)
        if self.errors:
            raise self._failure()
        return costs

    def _failure(self) -> ValidationFailed:
        count = sum(len(m) for m in self.errors.values())
        noun = "problem" if count == 1 else "problems"
        return ValidationFailed(f"The costs cannot be worked out: {count} {noun} to put right.", errors=self.errors)

    def _unknown_keys(self, data: Mapping, allowed: tuple[str, ...], prefix: str, what: str) -> None:
        for key in data:
            if key not in allowed:
                name = str(key)[:60]
                self.fail(f"{prefix}{name}", f"Unknown field “{name}”. Fields {what} may have: {', '.join(allowed)}.")

    # cost centres -------------------------------------------------------------------------------------------
    def _centres(self, raw: Any) -> list[CostCentre]:
        if raw is None:
            self.fail("cost_centres", "Give at least one cost centre (a project or service) with its direct costs.")
            return []
        if not isinstance(raw, list):
            self.fail("cost_centres", "cost_centres must be a list of cost centres.")
            return []
        if not raw:
            self.fail("cost_centres", "Give at least one cost centre (a project or service) with its direct costs.")
            return []
        if len(raw) > MAX_CENTRES:
            self.fail("cost_centres", f"Give at most {MAX_CENTRES} cost centres.")
            return []
        centres, seen = [], set()
        for i, item in enumerate(raw):
            path = f"cost_centres[{i}]"
            if not isinstance(item, Mapping):
                self.fail(path, "Each cost centre must be an object with a name and direct_costs.")
                continue
            self._unknown_keys(item, CENTRE_KEYS, f"{path}.", "a cost centre")
            name = self._name(item.get("name"), f"{path}.name", "project or service")
            if name is not None:
                if name.casefold() in seen:
                    self.fail(
                        f"{path}.name", f"Two projects or services are called “{name}”. Give each a different name."
                    )
                seen.add(name.casefold())
            direct = self._money(item.get("direct_costs"), f"{path}.direct_costs", "Direct costs", required=True)
            drivers = self._drivers(item.get("drivers", {}), f"{path}.drivers")
            units = self._measure(item.get("units"), f"{path}.units", "Units", positive=True)
            price = self._money(item.get("price"), f"{path}.price", "Price")
            if name is not None and direct is not None and drivers is not None:
                centres.append(CostCentre(name=name, direct_costs=direct, drivers=drivers, units=units, price=price))
        return centres

    def _drivers(self, raw: Any, path: str) -> dict[str, Decimal] | None:
        if raw is None:
            return {}
        if not isinstance(raw, Mapping):
            self.fail(path, "drivers must be an object such as {“headcount”: 2, “floor_area”: 30}.")
            return None
        values: dict[str, Decimal] = {}
        ok = True
        for key, value in raw.items():
            if not self._driver_name(key, path):
                ok = False
                continue
            number = self._measure(value, f"{path}.{key}", _sentence(driver_label(key)), required=True)
            if number is None:
                ok = False
            else:
                values[key.strip()] = number
        return values if ok else None

    def _driver_name(self, key: Any, path: str) -> bool:
        if not isinstance(key, str) or not key.strip() or len(key) > 60:
            self.fail(path, "Each driver needs a name such as headcount, staff_time or floor_area.")
            return False
        return True

    # overheads -------------------------------------------------------------------------------------------------
    def _overheads(self, raw: Any) -> list[Overhead]:
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.fail("overheads", "overheads must be a list of overhead lines.")
            return []
        if len(raw) > MAX_OVERHEADS:
            self.fail("overheads", f"Give at most {MAX_OVERHEADS} overhead lines.")
            return []
        lines, seen = [], set()
        for i, item in enumerate(raw):
            path = f"overheads[{i}]"
            if not isinstance(item, Mapping):
                self.fail(path, "Each overhead must be an object with a name, an amount and a driver.")
                continue
            self._unknown_keys(item, OVERHEAD_KEYS, f"{path}.", "an overhead")
            name = self._name(item.get("name"), f"{path}.name", "overhead")
            if name is not None:
                if name.casefold() in seen:
                    self.fail(f"{path}.name", f"Two overheads are called “{name}”. Give each a different name.")
                seen.add(name.casefold())
            amount = self._money(item.get("amount"), f"{path}.amount", "The amount", required=True)
            driver = item.get("driver")
            if driver is None or (isinstance(driver, str) and not driver.strip()):
                self.fail(
                    f"{path}.driver",
                    "Choose how this overhead is shared out: headcount, staff_time, floor_area or direct_expenditure.",
                )
                driver = None
            elif not isinstance(driver, str) or len(driver) > 60:
                self.fail(f"{path}.driver", "The driver must be a name such as headcount or floor_area.")
                driver = None
            if name is not None and amount is not None and driver is not None:
                lines.append(Overhead(name=name, amount=amount, driver=driver.strip()))
        return lines

    def _totals(self, raw: Any) -> dict[str, Decimal]:
        if raw is None:
            return {}
        if not isinstance(raw, Mapping):
            self.fail("driver_totals", "driver_totals must be an object such as {“headcount”: 12}.")
            return {}
        totals = {}
        for key, value in raw.items():
            if not self._driver_name(key, "driver_totals"):
                continue
            number = self._measure(
                value, f"driver_totals.{key}", f"The whole organisation's {driver_label(key)}", required=True
            )
            if number is not None:
                totals[key.strip()] = number
        return totals

    def _check_drivers(self, costs: CostInput) -> None:
        known = set(costs.driver_totals) | set(DRIVER_LABELS)
        for centre in costs.cost_centres:
            known |= set(centre.drivers)
        for key, total in costs.driver_totals.items():
            own = costs.centres_total(key)
            if total < own:
                self.fail(
                    f"driver_totals.{key}",
                    f"The whole organisation's {driver_label(key)} ({plain_number(total)}) cannot be less than "
                    f"the total of the projects and services listed ({plain_number(own)}).",
                )
        for i, line in enumerate(costs.overheads):
            if line.driver not in known:
                self.fail(
                    f"overheads[{i}].driver",
                    f"No cost centre gives a value for “{line.driver}”, so “{line.name}” cannot be shared out by it. "
                    "Give each cost centre a value for it under drivers, or choose another driver.",
                )
            elif costs.driver_total(line.driver) == 0:
                where = (
                    f"driver_totals.{line.driver}" if line.driver in costs.driver_totals else f"overheads[{i}].driver"
                )
                if where in self.errors:
                    continue
                self.fail(
                    where,
                    f"The total {driver_label(line.driver)} is 0, so “{line.name}” cannot be shared out by it. "
                    f"Give the {driver_label(line.driver)} of each project or service, or choose another driver.",
                )

    # values ------------------------------------------------------------------------------------------------------
    def _name(self, raw: Any, path: str, what: str) -> str | None:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            self.fail(path, f"Give the {what} a name.")
            return None
        if not isinstance(raw, str):
            self.fail(path, f"The name of the {what} must be text.")
            return None
        name = " ".join(raw.split())
        if len(name) > MAX_NAME:
            self.fail(path, f"The name of the {what} must be {MAX_NAME} characters or fewer.")
            return None
        return name

    def _money(self, raw: Any, path: str, label: str, *, required: bool = False) -> Decimal | None:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if required:
                self.fail(path, f"{label} must be given, in pounds, like 1520 or 1520.50.")
            return None
        value = parse_number(raw)
        if value is None:
            self.fail(path, f"{label} must be an amount of money in pounds, like 1520 or 1520.50.")
        elif value < 0:
            self.fail(path, f"{label} cannot be negative.")
        elif value > MAX_MONEY:
            self.fail(path, f"{label} must be less than £{MAX_MONEY:,.0f}.")
        elif value != value.quantize(PENNY):
            self.fail(path, f"{label} must be in pounds and pence, with at most 2 decimal places.")
        else:
            return value
        return None

    def _measure(
        self, raw: Any, path: str, label: str, *, required: bool = False, positive: bool = False
    ) -> Decimal | None:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if required:
                self.fail(path, f"{label} must be given as a number, like 3 or 2.5.")
            return None
        value = parse_number(raw)
        if value is None:
            self.fail(path, f"{label} must be a number, like 3 or 2.5.")
        elif value < 0:
            self.fail(path, f"{label} cannot be negative.")
        elif positive and value == 0:
            self.fail(path, f"{label} must be more than 0.")
        elif value > MAX_MEASURE:
            self.fail(path, f"{label} must be less than {MAX_MEASURE:,.0f}.")
        elif value != value.quantize(Decimal(1).scaleb(-MEASURE_PLACES)):
            self.fail(path, f"{label} can have at most {MEASURE_PLACES} decimal places.")
        else:
            return value
        return None


# Calculation -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverheadShare:
    """One overhead line's share in one cost centre."""

    name: str
    driver: str
    amount: Decimal


@dataclass(frozen=True)
class CentreResult:
    name: str
    direct_costs: Decimal
    overhead_lines: tuple[OverheadShare, ...]
    overheads_allocated: Decimal
    full_cost: Decimal
    overhead_rate: Decimal | None  # overheads ÷ direct costs; None when there are no direct costs
    units: Decimal | None
    unit_cost: Decimal | None
    price: Decimal | None
    below_full_cost: bool | None
    shortfall: Decimal | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "direct_costs": money_json(self.direct_costs),
            "overheads_allocated": {
                "total": money_json(self.overheads_allocated),
                "lines": [
                    {"name": s.name, "driver": s.driver, "amount": money_json(s.amount)} for s in self.overhead_lines
                ],
            },
            "full_cost": money_json(self.full_cost),
            "overhead_rate": rate_json(self.overhead_rate),
            "units": number_json(self.units),
            "unit_cost": money_json(self.unit_cost),
            "price": money_json(self.price),
            "below_full_cost": self.below_full_cost,
            "shortfall": money_json(self.shortfall),
        }


@dataclass(frozen=True)
class OverheadResult:
    """How one overhead line was shared out."""

    name: str
    driver: str
    amount: Decimal
    driver_total: Decimal
    centres_driver_total: Decimal
    allocated: Decimal  # to the cost centres in the calculation
    left_to_other_activities: Decimal

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "driver": self.driver,
            "amount": money_json(self.amount),
            "driver_total": number_json(self.driver_total),
            "cost_centres_driver_total": number_json(self.centres_driver_total),
            "allocated": money_json(self.allocated),
            "left_to_other_activities": money_json(self.left_to_other_activities),
        }


@dataclass(frozen=True)
class FullCost:
    """The result: each cost centre's full cost, each overhead's sharing out, the totals and warnings."""

    cost_centres: tuple[CentreResult, ...]
    overheads: tuple[OverheadResult, ...]
    direct_costs: Decimal
    overheads_total: Decimal
    overheads_allocated: Decimal
    left_to_other_activities: Decimal
    full_cost: Decimal
    overhead_rate: Decimal | None
    warnings: tuple[str, ...]

    @property
    def share_left_to_other_activities(self) -> Decimal | None:
        if not self.overheads_total:
            return None
        return self.left_to_other_activities / self.overheads_total

    @property
    def any_below_full_cost(self) -> bool:
        return any(c.below_full_cost for c in self.cost_centres)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": METHOD,
            "sources": list(SOURCES),
            "cost_centres": [c.to_dict() for c in self.cost_centres],
            "overheads": [o.to_dict() for o in self.overheads],
            "totals": {
                "direct_costs": money_json(self.direct_costs),
                "overheads": money_json(self.overheads_total),
                "overheads_allocated": money_json(self.overheads_allocated),
                "left_to_other_activities": money_json(self.left_to_other_activities),
                "share_left_to_other_activities": rate_json(self.share_left_to_other_activities),
                "full_cost": money_json(self.full_cost),
                "overhead_rate": rate_json(self.overhead_rate),
            },
            "warnings": list(self.warnings),
        }


def allocate_pennies(amount: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Share ``amount`` (pounds, whole pence) in proportion to ``weights``, to the penny, adding up exactly.

    Largest remainder: each share is the exact share rounded down to the penny; the pennies left over go one each
    to the largest fractions, ties to the earlier weight. Every share is within a penny of its exact value.
    """
    total = sum(weights, Decimal(0))
    if total <= 0:
        raise ValueError("weights must add up to more than 0")
    pennies = int(amount / PENNY)
    exact = [Fraction(pennies) * Fraction(w) / Fraction(total) for w in weights]
    floors = [math.floor(x) for x in exact]
    left = pennies - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(p) * PENNY for p in floors]


def calculate(data: Any) -> FullCost:
    """Check the input (a dict, or a ``CostInput``) and work out every cost centre's full cost."""
    costs = data if isinstance(data, CostInput) else CostInput.from_dict(data)
    return full_cost(costs)


def full_cost(costs: CostInput) -> FullCost:
    centres = costs.cost_centres
    shares: list[list[OverheadShare]] = [[] for _ in centres]
    overhead_results = []
    for line in costs.overheads:
        values = [c.driver_value(line.driver) for c in centres]
        own = sum(values, Decimal(0))
        total = costs.driver_total(line.driver)
        outside = total - own
        parts = allocate_pennies(line.amount, [*values, outside])
        for i, part in enumerate(parts[:-1]):
            shares[i].append(OverheadShare(name=line.name, driver=line.driver, amount=part))
        overhead_results.append(
            OverheadResult(
                name=line.name,
                driver=line.driver,
                amount=line.amount,
                driver_total=total,
                centres_driver_total=own,
                allocated=sum(parts[:-1], Decimal(0)),
                left_to_other_activities=parts[-1],
            )
        )

    results = []
    warnings = []
    for centre, lines in zip(centres, shares, strict=True):
        allocated = sum((s.amount for s in lines), Decimal(0))
        full = centre.direct_costs + allocated
        below = shortfall = None
        if centre.price is not None:
            below = centre.price < full
            shortfall = full - centre.price if below else Decimal(0)
            if below:
                warnings.append(
                    f"{centre.name}: the price of {gbp(centre.price)} is {gbp(full - centre.price)} below the full "
                    f"cost of {gbp(full)}. The difference would have to come from somewhere else."
                )
        results.append(
            CentreResult(
                name=centre.name,
                direct_costs=centre.direct_costs,
                overhead_lines=tuple(lines),
                overheads_allocated=allocated,
                full_cost=full,
                overhead_rate=allocated / centre.direct_costs if centre.direct_costs else None,
                units=centre.units,
                unit_cost=full / centre.units if centre.units else None,
                price=centre.price,
                below_full_cost=below,
                shortfall=shortfall,
            )
        )

    direct = sum((c.direct_costs for c in centres), Decimal(0))
    allocated_total = sum((o.allocated for o in overhead_results), Decimal(0))
    left = sum((o.left_to_other_activities for o in overhead_results), Decimal(0))
    return FullCost(
        cost_centres=tuple(results),
        overheads=tuple(overhead_results),
        direct_costs=direct,
        overheads_total=sum((o.amount for o in costs.overheads), Decimal(0)),
        overheads_allocated=allocated_total,
        left_to_other_activities=left,
        full_cost=direct + allocated_total,
        overhead_rate=allocated_total / direct if direct else None,
        warnings=tuple(warnings),
    )


# Formatting --------------------------------------------------------------------------------------------------


def round_money(amount: Decimal) -> Decimal:
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def money_json(amount: Decimal | None) -> float | None:
    """A JSON number of pounds rounded to the penny (at most 2 decimal places)."""
    return None if amount is None else float(round_money(amount))


def number_json(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def rate_json(rate: Decimal | None) -> float | None:
    """A fraction to 4 decimal places (0.0326 is 3.26%)."""
    return None if rate is None else float(rate.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def gbp(amount: Decimal) -> str:
    """£1,234.50 for text: always pounds and pence."""
    return f"£{round_money(amount):,.2f}"


def percent(rate: Decimal | None) -> str:
    """3.3% for text; an em dash when there is no rate."""
    if rate is None:
        return "—"
    return f"{(rate * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def plain_number(value: Decimal) -> str:
    text = f"{value:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
