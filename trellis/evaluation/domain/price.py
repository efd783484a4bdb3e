"""Price scoring: each method with its formula and its source (research notes, uk-rules §3.2).

    score_prices(PriceMethod.RELATIVE_TO_LOWEST, {"A": Decimal(15000), "B": Decimal(10000)}, Decimal(1))
    -> {"A": 0.6666666666666666, "B": 1.0}

Scores are worked out in ``Decimal`` and returned as unrounded floats: round them only to show them. Bad input raises
``ValidationFailed`` naming the field: ``bids.<bidder>`` for a price that is missing, not a number, or £0 or less;
``max_points``; ``quality`` and ``quality.<bidder>`` for price per quality point.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import TypeVar

from trellis.core.errors import ValidationFailed
from trellis.opportunities.domain.methodology import PriceMethod

HUNDRED = Decimal(100)
#: Prices above this are refused: more than any contract a council lets, and far inside a float's exact range.
MAX_PRICE = Decimal("1000000000000")
MAX_POINTS = Decimal(1000)

N = TypeVar("N", Decimal, Fraction)


def is_number(value: object) -> bool:
    """An int or a finite Decimal (not a bool, not a float)."""
    return isinstance(value, int | Decimal) and not isinstance(value, bool) and Decimal(value).is_finite()


def price_problem(price: object) -> str:
    """What is wrong with a price, as the end of a sentence ("must be more than £0."), or "" when nothing is."""
    if not is_number(price):
        return "must be an amount of pounds, such as 125000."
    assert isinstance(price, int | Decimal)
    if price <= 0:
        return "must be more than £0."
    if price > MAX_PRICE:
        return f"must be less than £{MAX_PRICE:,.0f}."
    return ""


def _quality_value(value: object) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return Decimal(repr(value)) if value == value and abs(value) != float("inf") else None
    if is_number(value):
        assert isinstance(value, int | Decimal)
        return Decimal(value)
    return None


def score_prices(
    method: PriceMethod,
    prices: Mapping[str, Decimal],
    max_points: Decimal,
    *,
    quality: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """Each bidder's price score out of ``max_points`` by ``method`` (unrounded).

    ``quality`` (each bidder's quality score, any scale) is needed for price per quality point only."""
    errors: dict[str, list[str]] = {}
    try:
        method = PriceMethod(method)
    except ValueError:
        errors["method"] = ["Choose a price method: " + ", ".join(m.value for m in PriceMethod) + "."]
    if not is_number(max_points) or not 0 < max_points <= MAX_POINTS:
        errors["max_points"] = [f"The maximum points must be a number above 0, up to {MAX_POINTS}."]
    if not isinstance(prices, Mapping) or not prices:
        errors["bids"] = ["Give at least one bid with its price."]
        prices = {}
    for bidder, price in prices.items():
        problem = price_problem(price)
        if problem:
            errors[f"bids.{bidder}"] = [f"The price of {bidder}'s bid {problem}"]
    scores_of: dict[str, Decimal] = {}
    if method == PriceMethod.PRICE_PER_QUALITY_POINT and "method" not in errors:
        scores_of = _quality_scores(prices, quality, errors)
    if errors:
        count = sum(len(m) for m in errors.values())
        noun = "problem" if count == 1 else "problems"
        raise ValidationFailed.of(errors, message=f"The prices cannot be scored: {count} {noun} to put right.")
    with localcontext() as ctx:
        ctx.prec = 34
        cleaned = {bidder: Decimal(price) for bidder, price in prices.items()}
        points = Decimal(max_points)
        return {bidder: float(score) for bidder, score in _score(method, cleaned, points, scores_of).items()}


def _quality_scores(
    prices: Mapping[str, object], quality: Mapping[str, float] | None, errors: dict[str, list[str]]
) -> dict[str, Decimal]:
    if not isinstance(quality, Mapping):
        errors["quality"] = ["Price per quality point needs each bid's quality score."]
        return {}
    scores: dict[str, Decimal] = {}
    for bidder in prices:
        if bidder not in quality:
            errors[f"quality.{bidder}"] = [f"Give the quality score of {bidder}'s bid."]
            continue
        value = _quality_value(quality[bidder])
        if value is None or value < 0:
            errors[f"quality.{bidder}"] = [f"The quality score of {bidder}'s bid must be a number, 0 or more."]
        else:
            scores[bidder] = value
    return scores


def _score(method: PriceMethod, prices: dict[str, N], max_points: N, quality: dict[str, N]) -> dict[str, N]:
    # Written for any exact number type: ``Decimal`` here, ``Fraction`` in ``exact_price_points``.
    zero = max_points * 0
    lowest = min(prices.values())
    if method == PriceMethod.RELATIVE_TO_LOWEST:
        return {b: max_points * lowest / p for b, p in prices.items()}
    if method == PriceMethod.PROPORTIONAL_PENALTY:
        return {b: max(max_points * (1 - (p - lowest) / lowest), zero) for b, p in prices.items()}
    if method == PriceMethod.DEVIATION_FROM_MEAN:
        mean = sum(prices.values(), zero) / len(prices)
        out = {}
        for b, p in prices.items():
            on_100 = min(max(50 + (mean - p) / mean * 100, zero), zero + 100)
            out[b] = on_100 * max_points / 100
        return out
    # Price per quality point: a bid with no quality points has no finite price per point, and scores 0.
    per_point = {b: p / quality[b] for b, p in prices.items() if quality[b] > 0}
    if not per_point:
        return dict.fromkeys(prices, zero)
    best = min(per_point.values())
    return {b: max_points * best / per_point[b] if b in per_point else zero for b in prices}


def exact_price_points(
    method: PriceMethod, prices: Mapping[str, Fraction], max_points: Fraction, quality: Mapping[str, Fraction]
) -> dict[str, Fraction]:
    """Each bidder's price points worked out exactly, as fractions, for checked prices (no rounding at all).

    The same formulas as ``score_prices``; ``quality`` is used by price per quality point only."""
    return _score(method, dict(prices), max_points, dict(quality))
