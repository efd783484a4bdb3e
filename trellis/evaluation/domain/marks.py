"""Marks: from each evaluator's marks to the mark used for each bid and criterion, with the spread of the marks.

The mark used is the consensus (moderated) mark where the panel agreed one, otherwise the mean of the evaluators'
marks. The spread is the highest evaluator's mark minus the lowest. It is divergent when it is more than the allowed
spread (``Scheme.divergence_threshold`` × the scale's maximum): a flag that the panel should moderate, not a rule
(research notes, uk-rules §3.4: moderation and consensus scoring, Cabinet Office Bid Evaluation Guidance Note s.9.3).

Marks are held as ``numpy`` arrays: evaluators × bids × criteria, NaN where a mark was not given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain

import numpy as np
import numpy.typing as npt

from trellis.evaluation.domain.scheme import CriterionSpec, EvaluationInput, mark_rule

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

#: Floating-point slack when comparing a spread with the allowed spread.
EPSILON = 1e-9


@dataclass(frozen=True)
class MarkTable:
    """The marks of one evaluation, aligned: ``criteria`` are the marked criteria (all but the price) in scheme order,
    ``bids`` and ``evaluators`` in input order."""

    criteria: tuple[CriterionSpec, ...]
    bids: tuple[str, ...]
    evaluators: tuple[str, ...]
    values: FloatArray  # (evaluators, bids, criteria); NaN where not marked
    consensus: FloatArray  # (bids, criteria); NaN where no consensus mark
    used: FloatArray  # (bids, criteria): the mark used
    from_consensus: BoolArray  # (bids, criteria)
    count: IntArray  # (bids, criteria): how many evaluators marked it
    spread: FloatArray  # (bids, criteria): highest − lowest evaluator's mark; NaN where nobody marked it
    maximum: FloatArray  # (criteria,): the scale's maximum (1 for a gate)
    allowed: FloatArray  # (criteria,): the allowed spread, divergence threshold × maximum
    divergent: BoolArray  # (bids, criteria)


def aggregate(data: EvaluationInput) -> MarkTable:
    """The marks used, their spread and the divergence flags for a checked input."""
    criteria = data.scheme.marked_criteria
    bids = tuple(b.key for b in data.bids)
    evaluators = tuple(data.marks)
    n_b, n_c, n_e = len(bids), len(criteria), len(evaluators)
    bid_index = {key: i for i, key in enumerate(bids)}
    crit_index = {c.key: j for j, c in enumerate(criteria)}

    # Each mark on the scales as a float, looked up: marks come from a few levels (a checked input holds no other),
    # and converting tens of thousands of ``Decimal`` values one by one is the slowest step of an evaluation.
    as_float = {v: float(v) for c in criteria for v in mark_rule(c.scale).allowed}
    layouts: dict[tuple[str, ...], IntArray] = {}  # the column of each key, for each order of keys seen

    def columns(row: Mapping[str, object]) -> IntArray:
        keys = tuple(row)
        found = layouts.get(keys)
        if found is None:
            found = layouts[keys] = np.array([crit_index[k] for k in keys], dtype=np.int64)
        return found

    def fill(size: int, rows: list[tuple[int, Mapping[str, Decimal]]]) -> FloatArray:
        flat = np.full(size, np.nan)
        if rows:
            positions = np.concatenate([base + columns(row) for base, row in rows])
            marks = chain.from_iterable(row.values() for _, row in rows)
            flat[positions] = np.fromiter(map(as_float.__getitem__, marks), dtype=np.float64, count=len(positions))
        return flat

    evaluator_rows = [
        ((e * n_b + bid_index[bid]) * n_c, row)
        for e, per_bid in enumerate(data.marks.values())
        for bid, row in per_bid.items()
        if row
    ]
    values = fill(n_e * n_b * n_c, evaluator_rows).reshape(n_e, n_b, n_c)
    consensus_rows = [(bid_index[bid] * n_c, row) for bid, row in data.consensus.items() if row]
    consensus = fill(n_b * n_c, consensus_rows).reshape(n_b, n_c)

    given = ~np.isnan(values)
    count = given.sum(axis=0)
    total = np.where(given, values, 0.0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, total / count, np.nan)
    highest = np.where(given, values, -np.inf).max(axis=0, initial=-np.inf)
    lowest = np.where(given, values, np.inf).min(axis=0, initial=np.inf)
    spread = np.where(count > 0, highest - lowest, np.nan)
    from_consensus = ~np.isnan(consensus)
    used = np.where(from_consensus, consensus, mean)

    maximum = np.array([float(c.max_mark) for c in criteria], dtype=np.float64)
    allowed = float(data.scheme.divergence_threshold) * maximum
    divergent = (count >= 2) & (np.nan_to_num(spread) > allowed + EPSILON)
    return MarkTable(
        criteria=criteria,
        bids=bids,
        evaluators=evaluators,
        values=values,
        consensus=consensus,
        used=used,
        from_consensus=from_consensus,
        count=count.astype(np.int64),
        spread=spread,
        maximum=maximum,
        allowed=allowed,
        divergent=divergent,
    )
