"""Money helpers: Decimal inside the engine, numbers with at most 2 decimal places in JSON."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")


def round_money(amount: Decimal) -> Decimal:
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def money_json(amount: Decimal | None) -> int | float | None:
    """A JSON number: whole pounds as an int, otherwise a float of the amount rounded to the penny."""
    if amount is None:
        return None
    rounded = round_money(amount)
    if rounded == rounded.to_integral_value():
        return int(rounded)
    return float(rounded)


def ratio_json(ratio: Decimal | None, places: int = 4) -> float | None:
    if ratio is None:
        return None
    return float(ratio.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def gbp(amount: Decimal) -> str:
    """£1,234 or £1,234.56 for text."""
    rounded = round_money(amount)
    if rounded == rounded.to_integral_value():
        return f"£{rounded:,.0f}"
    return f"£{rounded:,.2f}"
