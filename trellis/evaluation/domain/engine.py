"""``evaluate(input)``: the whole evaluation of a set of bids against a published scheme.

    result = evaluate(EvaluationInput(scheme, bids, marks, consensus))
    result.winner, result.bid("Alpha").total, result.change_the_winner.smallest

It checks the input first (``check_scheme`` and ``check_marks``: ``ValidationFailed`` naming every problem), then
works out the marks used and their spread (``marks``), the points, failures, price points, totals and ranks
(``totals``), the abnormally low price flags and what it would take to change the winner (``winner_margin``). The same
input always gives the same result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from trellis.evaluation.domain.marks import MarkTable, aggregate
from trellis.evaluation.domain.results import (
    BidResult,
    CriterionLine,
    Divergence,
    EvaluationResult,
)
from trellis.evaluation.domain.scheme import EvaluationInput, check_input
from trellis.evaluation.domain.totals import Totals, abnormally_low, number, rank, score
from trellis.evaluation.domain.winner_margin import change_the_winner


def evaluate(data: EvaluationInput) -> EvaluationResult:
    """Evaluate every bid: totals, ranks, flags, divergences and what it would take to change the winner."""
    check_input(data)
    table = aggregate(data)
    totals = score(data, table)
    ranks = rank(data, table, totals)
    compared = [not bool(x) for x in totals.excluded]
    low = abnormally_low(data.bids, compared)
    firsts = [i for i, r in enumerate(ranks) if r == 1]
    winner = firsts[0] if len(firsts) == 1 else None
    rows = _Rows.of(table, totals)
    bids = [_bid_result(data, table, totals, rows, i, ranks[i], low[i]) for i in range(len(data.bids))]
    order = sorted(range(len(bids)), key=lambda i: (ranks[i] is None, ranks[i] or 0, i))
    scheme = data.scheme
    notes = []
    if scheme.price_criterion is None:
        notes.append("The scheme has no price criterion: bids are ranked on quality alone.")
    if any(totals.excluded):
        notes.append("Excluded bids are not ranked and are left out of the price comparison.")
    return EvaluationResult(
        bids=tuple(bids[i] for i in order),
        winner=data.bids[winner].key if winner is not None else None,
        divergences=_divergences(table),
        change_the_winner=change_the_winner(data, ranks),
        price_method=scheme.price_method if scheme.price_criterion is not None else None,
        tie_break=scheme.tie_break,
        exclusion=scheme.exclusion,
        notes=tuple(notes),
    )


@dataclass(frozen=True)
class _Rows:
    """The per-bid arrays as Python lists: reading numpy one element at a time is slow."""

    used: list[list[float]]
    points: list[list[float]]
    count: list[list[int]]
    spread: list[list[float]]
    from_consensus: list[list[bool]]
    divergent: list[list[bool]]

    @classmethod
    def of(cls, table: MarkTable, totals: Totals) -> _Rows:
        return cls(
            used=table.used.tolist(),
            points=totals.points.tolist(),
            count=table.count.tolist(),
            spread=table.spread.tolist(),
            from_consensus=table.from_consensus.tolist(),
            divergent=table.divergent.tolist(),
        )


def _lines(
    table: MarkTable, rows: _Rows, i: int, failed: set[str]
) -> tuple[list[CriterionLine], dict[str, float], list[str]]:
    """One bid's criterion lines, its points by section, and why it failed any gate or minimum mark."""
    lines = []
    sections: dict[str, float] = {}
    reasons = []
    for j, c in enumerate(table.criteria):
        mark = rows.used[i][j]
        passed: bool | None = None
        if c.is_gate:
            passed = c.key not in failed
            if not passed and 0 < mark < 1:
                reasons.append(
                    f"Failed the pass or fail question “{c.name}”: not every evaluator passed it, and the panel "
                    "has not agreed a mark."
                )
            elif not passed:
                reasons.append(f"Failed the pass or fail question “{c.name}”.")
        elif c.min_mark is not None:
            passed = c.key not in failed
            if not passed:
                reasons.append(f"Scored {number(mark)} on “{c.name}”, below the minimum of {c.min_mark}.")
        count = rows.count[i][j]
        points = rows.points[i][j]
        if not c.is_gate:
            sections[c.section] = sections.get(c.section, 0.0) + points
        lines.append(
            CriterionLine(
                criterion=c.key,
                name=c.name,
                section=c.section,
                weight=c.weight,
                mark=mark,
                source="consensus" if rows.from_consensus[i][j] else "mean",
                points=points,
                marked_by=count,
                spread=rows.spread[i][j] if count else None,
                divergent=rows.divergent[i][j],
                passed=passed,
            )
        )
    return lines, sections, reasons


def _bid_result(
    data: EvaluationInput,
    table: MarkTable,
    totals: Totals,
    rows: _Rows,
    i: int,
    rank: int | None,
    low: tuple[str, ...],
) -> BidResult:
    scheme = data.scheme
    bid = data.bids[i]
    failed_gates = [table.criteria[j].key for j in totals.failed_gates[i]]
    failed_minimum = [table.criteria[j].key for j in totals.failed_minimum[i]]
    lines, sections, reasons = _lines(table, rows, i, {*failed_gates, *failed_minimum})
    percent = float(totals.quality_percent[i]) if totals.quality_percent is not None else None
    failed_thresholds = list(failed_minimum)
    if totals.below_quality[i]:
        failed_thresholds.append("min_quality_percent")
        reasons.append(
            f"The quality score of {number(percent or 0.0)}% is below the minimum of {scheme.min_quality_percent}%."
        )
    if bid.disregarded:
        reasons.append(f"The tender was disregarded because its price was abnormally low: {bid.disregarded}")
    price_points = None
    if totals.price_points is not None and not np.isnan(totals.price_points[i]):
        price_points = float(totals.price_points[i])
        price = scheme.price_criterion
        assert price is not None
        sections[price.section] = sections.get(price.section, 0.0) + price_points
    excluded = bool(totals.excluded[i])
    return BidResult(
        key=bid.key,
        lines=tuple(lines),
        sections=sections,
        quality_points=float(totals.quality[i]),
        quality_percent=percent,
        price=bid.price,
        full_cost=bid.full_cost,
        price_points=price_points,
        total=None if excluded else float(totals.total[i]),
        rank=rank,
        excluded=excluded,
        reasons=tuple(reasons),
        failed_gates=tuple(failed_gates),
        failed_thresholds=tuple(failed_thresholds),
        abnormally_low=bool(low),
        abnormally_low_reasons=low,
    )


def _divergences(table: MarkTable) -> tuple[Divergence, ...]:
    bids, columns = np.nonzero(table.divergent)
    marks = table.values[:, bids, columns].T.tolist()  # one row of evaluators' marks per divergence
    spreads = table.spread[bids, columns].tolist()
    agreed = np.where(table.from_consensus[bids, columns], table.consensus[bids, columns], np.nan).tolist()
    allowed = table.allowed.tolist()
    found = []
    for n, (i, j) in enumerate(zip(bids.tolist(), columns.tolist(), strict=True)):
        found.append(
            Divergence(
                bid=table.bids[i],
                criterion=table.criteria[j].key,
                marks={name: v for name, v in zip(table.evaluators, marks[n], strict=True) if not math.isnan(v)},
                spread=spreads[n],
                allowed=allowed[j],
                consensus=None if math.isnan(agreed[n]) else agreed[n],
            )
        )
    return tuple(found)
