"""What an evaluation produces: per bid, its lines, totals, rank and flags; the divergences; the sensitivity.

Numbers are unrounded floats (points out of 100); round them only to show them. Prices stay ``Decimal``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from trellis.evaluation.domain.price import PriceMethod
from trellis.evaluation.domain.scheme import Exclusion, TieBreak


@dataclass(frozen=True)
class CriterionLine:
    """One criterion for one bid (the price has no line: see ``BidResult.price_points``)."""

    criterion: str
    name: str
    section: str
    weight: Decimal
    mark: float  # the mark used, on the criterion's scale (1 or 0 for a gate, or the share of passes)
    source: str  # "consensus" (the agreed mark) or "mean" (of the evaluators' marks)
    points: float  # mark ÷ scale maximum × weight; 0 for a gate
    marked_by: int  # how many evaluators marked it
    spread: float | None  # highest − lowest evaluator's mark; None when no evaluator marked it
    divergent: bool
    passed: bool | None  # for a gate or a criterion with a minimum mark: did the mark used reach it?


@dataclass(frozen=True)
class BidResult:
    key: str
    lines: tuple[CriterionLine, ...]
    sections: dict[str, float]  # points by section (the price counted in its own section when scored)
    quality_points: float  # out of the total quality weight
    quality_percent: float | None  # quality points as a percentage of the quality weight; None without one
    price: Decimal | None
    full_cost: Decimal | None
    price_points: float | None  # out of the price weight; None when price is not scored for this bid
    total: float | None  # out of 100; None when excluded
    rank: int | None  # None when excluded
    excluded: bool
    reasons: tuple[str, ...]  # each gate or threshold failed, in plain English (also when only flagged)
    failed_gates: tuple[str, ...]  # criterion keys
    failed_thresholds: tuple[str, ...]  # criterion keys, and "min_quality_percent" for the overall minimum
    abnormally_low: bool
    abnormally_low_reasons: tuple[str, ...]

    def line(self, criterion: str) -> CriterionLine:
        for line in self.lines:
            if line.criterion == criterion:
                return line
        raise KeyError(criterion)


@dataclass(frozen=True)
class Divergence:
    """Evaluators' marks for one bid and criterion that spread more than allowed: a prompt to moderate."""

    bid: str
    criterion: str
    marks: dict[str, float]  # evaluator -> mark
    spread: float
    allowed: float  # divergence threshold × the scale's maximum
    consensus: float | None  # the agreed mark, when the panel has moderated it


@dataclass(frozen=True)
class WeightChange:
    """The smallest change to one criterion's weight (the others rescaled in proportion to keep 100) at which
    another bid wins: past it, ``new_winner`` leads; at exactly this change the two tie on total."""

    criterion: str
    change: float  # percentage points, + up or − down (0.0 or -0.0: any change at all in that direction)
    new_weight: float
    new_winner: str
    shared_with: tuple[str, ...] = ()  # bids that would share first place with new_winner, even after the tie-break


@dataclass(frozen=True)
class Sensitivity:
    winner: str | None
    smallest_weight_change: WeightChange | None  # None when no single weight change can change the winner
    winner_holds: dict[str, float] | None  # {"5": share, "10": share} of random perturbations the winner survives
    perturbations: int
    seed: int
    note: str  # why something is None, in plain English; "" otherwise


@dataclass(frozen=True)
class EvaluationResult:
    bids: tuple[BidResult, ...]  # ranked bids in rank order (input order within a shared rank), then excluded ones
    winner: str | None  # the bid ranked first alone; None if none is, or first place is shared
    divergences: tuple[Divergence, ...]
    sensitivity: Sensitivity
    price_method: PriceMethod | None  # None when the scheme has no price criterion
    tie_break: TieBreak
    exclusion: Exclusion
    notes: tuple[str, ...]

    def bid(self, key: str) -> BidResult:
        for b in self.bids:
            if b.key == key:
                return b
        raise KeyError(key)

    @property
    def ranking(self) -> dict[str, int | None]:
        return {b.key: b.rank for b in self.bids}
