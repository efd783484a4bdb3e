"""``evaluate(input)``: the whole evaluation of a set of bids against a published scheme.

    result = evaluate(EvaluationInput(scheme, bids, marks, consensus), perturbations=1000, seed=0)
    result.winner, result.bid("Alpha").total, result.sensitivity.smallest_weight_change

It checks the input first (``check_scheme`` and ``check_marks``: ``ValidationFailed`` naming every problem), then
works out the marks used and their spread (``marks``), the points, failures, price points, totals and ranks
(``totals``), the abnormally low price flags and the sensitivity of the winner (``sensitivity``). The same input and
seed always give the same result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from trellis.core.errors import ValidationFailed
from trellis.evaluation.domain.marks import MarkTable, aggregate
from trellis.evaluation.domain.results import (
    BidResult,
    CriterionLine,
    Divergence,
    EvaluationResult,
    Sensitivity,
)
from trellis.evaluation.domain.scheme import EvaluationInput, check_input
from trellis.evaluation.domain.sensitivity import Model, smallest_weight_change, winner_holds
from trellis.evaluation.domain.totals import Totals, abnormally_low, number, rank, score

#: The most random perturbations one evaluation may ask for.
MAX_PERTURBATIONS = 100_000


def evaluate(data: EvaluationInput, *, perturbations: int = 1000, seed: int = 0) -> EvaluationResult:
    """Evaluate every bid: totals, ranks, flags, divergences and sensitivity (deterministic for a seed)."""
    _check_options(perturbations, seed)
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
        sensitivity=_sensitivity(data, table, totals, ranks, winner, perturbations, seed),
        price_method=scheme.price_method if scheme.price_criterion is not None else None,
        tie_break=scheme.tie_break,
        exclusion=scheme.exclusion,
        notes=tuple(notes),
    )


def _check_options(perturbations: object, seed: object) -> None:
    errors: dict[str, list[str]] = {}
    if not isinstance(perturbations, int) or isinstance(perturbations, bool):
        errors["perturbations"] = ["The number of perturbations must be a whole number."]
    elif not 0 <= perturbations <= MAX_PERTURBATIONS:
        errors["perturbations"] = [f"The number of perturbations must be from 0 to {MAX_PERTURBATIONS:,}."]
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        errors["seed"] = ["The seed must be a whole number, 0 or more."]
    if errors:
        raise ValidationFailed.of(errors)


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


def _sensitivity(
    data: EvaluationInput,
    table: MarkTable,
    totals: Totals,
    ranks: list[int | None],
    winner: int | None,
    perturbations: int,
    seed: int,
) -> Sensitivity:
    def without(note: str) -> Sensitivity:
        return Sensitivity(None, None, None, perturbations, seed, note)

    ranked = [i for i, r in enumerate(ranks) if r is not None]
    if not ranked:
        return without("No bid is ranked, so there is no winner.")
    if winner is None:
        tied = ", ".join(data.bids[i].key for i, r in enumerate(ranks) if r == 1)
        return without(f"There is no single winner: {tied} share first place after the tie-break.")
    model = _model(data, table, totals, ranked, ranked.index(winner))
    change = smallest_weight_change(model)
    holds = winner_holds(model, perturbations, seed) if perturbations else None
    notes = []
    if change is None:
        notes.append("No change to a single weight makes another bid the winner.")
    if holds is None:
        notes.append("No random perturbations were asked for.")
    return Sensitivity(data.bids[winner].key, change, holds, perturbations, seed, " ".join(notes))


def _model(data: EvaluationInput, table: MarkTable, totals: Totals, ranked: list[int], winner: int) -> Model:
    """The ranked bids' shares of each scored criterion's weight, at the published weights."""
    scheme = data.scheme
    scored = scheme.scored_criteria
    columns = {c.key: j for j, c in enumerate(table.criteria)}
    units = np.zeros((len(ranked), len(scored)))
    price_column = None
    for k, c in enumerate(scored):
        if c.is_price:
            price_column = k
            assert totals.price_points is not None
            units[:, k] = totals.price_points[ranked] / float(c.weight)
        else:
            units[:, k] = totals.units[ranked, columns[c.key]]
    top = scheme.top_quality_criterion
    top_points = totals.points[ranked, columns[top.key]] if top else np.zeros(len(ranked))
    prices = np.array([float(data.bids[i].price or "inf") for i in ranked])
    return Model(
        bids=tuple(data.bids[i].key for i in ranked),
        criteria=tuple(c.key for c in scored),
        weights=np.array([float(c.weight) for c in scored]),
        units=units,
        quality=np.array([not c.is_price for c in scored]),
        price_column=price_column,
        per_quality_point=price_column is not None and scheme.price_method.needs_quality,
        prices=prices,
        tie_break=scheme.tie_break,
        top_points=top_points,
        winner=winner,
    )
