"""Weighted totals, gates and minimum thresholds, exclusion, price points, ranking and abnormally low prices.

- A criterion's points are its mark ÷ the scale's maximum × its weight (research notes, uk-rules §3.3,
  ``weighted_score(raw, max_raw, weight)``); a bid's quality points are the sum over the quality criteria, and its
  total (out of 100) adds the price points, which the price method gives out of the price criterion's weight.
- A gate is passed when the mark used is 1: the consensus mark, or else every evaluator passed it. A criterion with a
  minimum mark is failed when the mark used is below it; the overall minimum is on the quality score as a percentage
  of the quality weight. What follows a failure is the published rule (``Exclusion``): excluded bids are not ranked
  and are left out of the price comparison; flagged bids are ranked with the failure shown (Act s.23(3)(a);
  research notes, uk-rules §1.6 and §3.3).
- Ranking: highest total first, then the published tie-break (``TieBreak``); bids still equal share a rank (1, 1, 3).
  Totals are compared to 9 decimal places, so that floating-point noise never decides a rank.
- Abnormally low price: a flag for investigation, never an automatic rejection (the authority must first ask the
  bidder to explain; Act s.19(4)–(5) and PCR 2015 reg 69, research notes, uk-rules §1.6 and §3.5).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from trellis.evaluation.domain.marks import BoolArray, FloatArray, MarkTable
from trellis.evaluation.domain.price import score_prices
from trellis.evaluation.domain.scheme import BidInput, EvaluationInput, Exclusion, TieBreak

#: Floating-point slack for comparing marks and percentages with their minimums.
EPSILON = 1e-9
#: Totals and tie-break scores are compared rounded to this many decimal places.
RANK_PLACES = 9
#: A price more than this fraction below the average of the other prices, leaving out the highest, is flagged:
#: the "adjusted average price" test of the Scottish Government construction procurement handbook (glossary,
#: research notes, uk-rules §3.5). Its "proximity margin" clause is ambiguous in the source and is not applied.
ABNORMALLY_LOW_MARGIN = Decimal("0.15")


@dataclass(frozen=True)
class Totals:
    weights: FloatArray  # (criteria,) of the marked criteria; 0 for a gate
    units: FloatArray  # (bids, criteria): mark used ÷ scale maximum
    points: FloatArray  # (bids, criteria)
    quality: FloatArray  # (bids,)
    quality_percent: FloatArray | None  # (bids,); None when the scheme has no quality weight
    failed_gates: tuple[tuple[int, ...], ...]  # per bid: indices of the gates failed
    failed_minimum: tuple[tuple[int, ...], ...]  # per bid: indices of the criteria below their minimum mark
    below_quality: BoolArray  # (bids,): under the overall minimum quality score
    excluded: BoolArray  # (bids,)
    price_points: FloatArray | None  # (bids,), NaN outside the price comparison; None when price is not scored
    total: FloatArray  # (bids,), NaN where excluded


def score(data: EvaluationInput, table: MarkTable) -> Totals:
    """Points, quality scores, failures, exclusions, price points and totals for every bid."""
    scheme = data.scheme
    criteria = table.criteria
    weights = np.array([float(c.weight) if c.is_quality else 0.0 for c in criteria], dtype=np.float64)
    units = table.used / table.maximum
    points = units * weights
    quality = points.sum(axis=1)
    quality_weight = float(scheme.quality_weight)
    percent = quality / quality_weight * 100 if quality_weight > 0 else None

    gates = [j for j, c in enumerate(criteria) if c.is_gate]
    minimums = [(j, float(c.min_mark)) for j, c in enumerate(criteria) if c.min_mark is not None]
    failed_gates = tuple(tuple(j for j in gates if row[j] < 1 - EPSILON) for row in table.used)
    failed_minimum = tuple(tuple(j for j, low in minimums if row[j] < low - EPSILON) for row in table.used)
    if scheme.min_quality_percent is not None and percent is not None:
        below = percent < float(scheme.min_quality_percent) - EPSILON
    else:
        below = np.zeros(len(data.bids), dtype=bool)
    failing = np.array([bool(g or m) for g, m in zip(failed_gates, failed_minimum, strict=True)], dtype=bool) | below
    # A bid that fails a pass or fail question is not evaluated further, whichever rule is published: it does not
    # satisfy the authority's requirements, so it can never be the most advantageous tender (Procurement Act 2023
    # s.19(2)(a)). "Flag" keeps a bid below a minimum mark or the quality minimum ranked, with the failure shown.
    failed_gate = np.array([bool(g) for g in failed_gates], dtype=bool)
    excluded = failing if scheme.exclusion == Exclusion.EXCLUDE else failed_gate
    excluded = excluded | np.array([bool(b.disregarded) for b in data.bids], dtype=bool)  # s.19(4)

    price = scheme.price_criterion
    price_points: FloatArray | None = None
    total = np.where(excluded, np.nan, quality)
    if price is not None:
        price_points = np.full(len(data.bids), np.nan)
        compared = [i for i in range(len(data.bids)) if not excluded[i]]
        if compared:
            prices = {data.bids[i].key: data.bids[i].price or Decimal(0) for i in compared}
            marks = {data.bids[i].key: float(quality[i]) for i in compared}
            scores = score_prices(scheme.price_method, prices, price.weight, quality=marks)
            for i in compared:
                price_points[i] = scores[data.bids[i].key]
        total = total + price_points
    return Totals(
        weights=weights,
        units=units,
        points=points,
        quality=quality,
        quality_percent=percent,
        failed_gates=failed_gates,
        failed_minimum=failed_minimum,
        below_quality=below,
        excluded=excluded,
        price_points=price_points,
        total=total,
    )


def rank(data: EvaluationInput, table: MarkTable, totals: Totals) -> list[int | None]:
    """Each bid's rank (None when excluded): total, then the tie-break; bids still equal share a rank (1, 1, 3)."""
    scheme = data.scheme
    top = scheme.top_quality_criterion
    top_column = next(j for j, c in enumerate(table.criteria) if c.key == top.key) if top else None
    keys: dict[int, tuple[float, ...]] = {}
    for i, bid in enumerate(data.bids):
        if totals.excluded[i]:
            continue
        key: tuple[float, ...] = (-round(float(totals.total[i]), RANK_PLACES),)
        if scheme.tie_break == TieBreak.HIGHEST_QUALITY:
            top_mark = float(totals.points[i, top_column]) if top_column is not None else 0.0
            key += (-round(float(totals.quality[i]), RANK_PLACES), -round(top_mark, RANK_PLACES))
        else:
            key += (float(bid.price) if bid.price is not None else float("inf"),)
        keys[i] = key
    ranks: list[int | None] = [None] * len(data.bids)
    ordered = sorted(keys, key=lambda i: keys[i])
    for position, i in enumerate(ordered):
        before = ordered[position - 1] if position else None
        if before is not None and keys[before] == keys[i]:
            ranks[i] = ranks[before]
        else:
            ranks[i] = position + 1
    return ranks


def abnormally_low(bids: Sequence[BidInput], compared: Sequence[bool]) -> list[tuple[str, ...]]:
    """Why each bid's price may be abnormally low (empty when it is not).

    Against the other bids: more than 15% below the average of the other compared prices, leaving out the highest
    of them (needs at least two other prices). Against itself: below the bid's own full cost."""
    priced = [(i, b.price) for i, b in enumerate(bids) if compared[i] and b.price is not None]
    reasons: list[list[str]] = [[] for _ in bids]
    if len(priced) >= 3:
        total = sum((p for _, p in priced), Decimal(0))
        ordered = sorted(p for _, p in priced)
        highest, second = ordered[-1], ordered[-2]
        for i, price in priced:
            others_highest = second if price == highest else highest
            others = total - price - others_highest
            count = len(priced) - 2
            # price < (1 − margin) × others ÷ count, without dividing
            if price * count < (1 - ABNORMALLY_LOW_MARGIN) * others:
                average = others / count
                reasons[i].append(
                    f"The price of {gbp(price)} is more than 15% below {gbp(average)}, the average of the other "
                    "prices leaving out the highest."
                )
    for i, bid in enumerate(bids):
        if bid.price is not None and bid.full_cost is not None and bid.price < bid.full_cost:
            reasons[i].append(
                f"The price of {gbp(bid.price)} is below the bid's own full cost of {gbp(bid.full_cost)}."
            )
    return [tuple(r) for r in reasons]


def gbp(amount: Decimal) -> str:
    """£1,250 or £1,250.50 (pence only when there are some)."""
    pounds = amount.quantize(Decimal("0.01"))
    return f"£{pounds:,.0f}" if pounds == pounds.to_integral_value() else f"£{pounds:,.2f}"


def number(value: float) -> str:
    """A mark or percentage for a sentence: at most 2 decimal places, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text
