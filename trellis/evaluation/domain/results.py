"""What an evaluation produces: per bid, its lines, totals, rank and flags; the divergences; what it would
take to change the winner.

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
class MarkChange:
    """One mark moved along its scale's levels: ``steps`` levels from ``before`` (the mark used, which may be the mean
    of the evaluators' marks) to ``after`` (a level of the scale; 1 or 0 for a gate)."""

    bid: str
    criterion: str
    name: str  # the criterion's name
    before: float
    after: float
    steps: int
    is_gate: bool = False


@dataclass(frozen=True)
class Route:
    """A smallest set of mark changes that changes the winner: ``steps`` one-level changes in all."""

    steps: int
    changes: tuple[MarkChange, ...]
    new_winner: str | None  # the bid then first alone; None when no bid is, or first place would be shared
    excludes_winner: bool  # the changes exclude the winner (a gate failed, or a minimum not reached)


@dataclass(frozen=True)
class RivalRoute:
    """What it would take to put one ranked rival first; ``route`` is None when no change of marks can (or, when not
    ``complete``, when none was found before the search stopped)."""

    rival: str
    route: Route | None
    complete: bool = True  # False: the search was stopped before it finished (see ``winner_margin.MAX_STATES``)


@dataclass(frozen=True)
class ChangeTheWinner:
    """What it would take to change the winner by changing marks (``winner_margin``): for the authority's own
    assurance, never sent to bidders."""

    winner: str | None
    smallest: Route | None  # the fewest changes of all; None when no change of marks gives another winner
    rivals: tuple[RivalRoute, ...]  # each ranked rival, in rank order
    exclusion: Route | None  # the fewest changes of the winner's marks that would exclude it; None if none would
    note: str  # why there is no analysis, no route, or a rival not worked out, in plain English; "" otherwise
    certain: bool = True  # False: a search stopped early, so a smaller change than ``smallest`` may exist


@dataclass(frozen=True)
class EvaluationResult:
    bids: tuple[BidResult, ...]  # ranked bids in rank order (input order within a shared rank), then excluded ones
    winner: str | None  # the bid ranked first alone; None if none is, or first place is shared
    divergences: tuple[Divergence, ...]
    change_the_winner: ChangeTheWinner
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
