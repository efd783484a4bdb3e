"""Sensitivity of the winner to the weights.

Two questions, over the ranked bids with their marks, prices and exclusions held as they are:

1. **The smallest change to one weight that changes the winner.** One criterion's weight moves by δ percentage points
   and the other weights are rescaled in proportion so that they still total 100. For the price methods that score
   a bid from prices alone, every total is then linear in δ, so each challenger's crossing point with the winner is
   solved exactly: δ = −(its total − the winner's) ÷ (the rate at which that gap closes). For price per quality
   point, moving a quality weight changes the quality scores the price points are worked out from: within each
   stretch of δ where the same bid has the lowest price per quality point, the gap × that bid's quality-per-pound
   is a quadratic in δ, solved exactly, stretch by stretch. The smallest crossing over every criterion and both
   directions is the answer; beyond it the challenger leads, and at exactly that change the two tie on total.
2. **How often the winner holds** when every weight is multiplied by its own random factor, uniform within ±5% and
   then ±10%, and the weights are rescaled to total 100 (``numpy``'s default generator, seeded, so a run can be
   repeated). The winner holds in a draw when it is still first on total, or level on total and ahead on the
   tie-break. The ±5% draws come first, then the ±10% draws, each an array of draws × scored criteria in scheme
   order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from trellis.evaluation.domain.marks import BoolArray, FloatArray, IntArray
from trellis.evaluation.domain.results import WeightChange
from trellis.evaluation.domain.scheme import TieBreak

#: Floating-point slack when comparing totals (points out of 100) and crossing points (percentage points).
EPSILON = 1e-9
#: The perturbation levels reported, in per cent.
LEVELS = (5, 10)
#: Draws are made and scored this many at a time, to bound memory.
CHUNK = 1000


@dataclass(frozen=True)
class Model:
    """The ranked bids as the sensitivity sees them. Columns are the scored criteria (quality and price) in scheme
    order; ``units`` is the share of each criterion's weight each bid earned at the published weights."""

    bids: tuple[str, ...]
    criteria: tuple[str, ...]
    weights: FloatArray  # (criteria,), total 100
    units: FloatArray  # (bids, criteria), each 0 to 1
    quality: BoolArray  # (criteria,): a quality criterion (not the price)
    price_column: int | None
    per_quality_point: bool  # the price is scored by price per quality point
    prices: FloatArray  # (bids,), inf where a bid has no price
    tie_break: TieBreak
    top_points: FloatArray  # (bids,): points on the most heavily weighted quality criterion (the second tie-break)
    winner: int

    def totals(self, weights: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Totals and quality points of every bid for each row of weights: two (rows, bids) arrays."""
        q = self.quality
        quality = weights[:, q] @ self.units[:, q].T
        p = self.price_column
        if p is None:
            return quality, quality
        if self.per_quality_point:
            per_pound = quality / self.prices
            best = per_pound.max(axis=1, keepdims=True)
            with np.errstate(invalid="ignore", divide="ignore"):
                share = np.where(best > 0, per_pound / best, 0.0)
            return quality + weights[:, [p]] * share, quality
        return quality + weights[:, [p]] * self.units[:, p], quality

    def holds(self, totals: FloatArray, quality: FloatArray) -> BoolArray:
        """For each row: is the winner still first, on total and then the tie-break?"""
        w = self.winner
        gap = totals[:, [w]] - totals
        ahead = gap > EPSILON
        level = np.abs(gap) <= EPSILON
        if self.tie_break == TieBreak.HIGHEST_QUALITY:
            q_gap = quality[:, [w]] - quality
            tie_won = (q_gap > EPSILON) | (
                (np.abs(q_gap) <= EPSILON) & (self.top_points[w] > self.top_points + EPSILON)
            )
        else:
            tie_won = np.broadcast_to(self.prices[w] < self.prices, gap.shape)
        wins = ahead | (level & tie_won)
        wins[:, w] = True
        return np.asarray(wins.all(axis=1))


def winner_holds(model: Model, perturbations: int, seed: int) -> dict[str, float]:
    """The share of random weight perturbations at ±5% and ±10% in which the winner holds."""
    rng = np.random.default_rng(seed)
    shares: dict[str, float] = {}
    for level in LEVELS:
        held = 0
        for start in range(0, perturbations, CHUNK):
            rows = min(CHUNK, perturbations - start)
            factors = rng.uniform(1 - level / 100, 1 + level / 100, size=(rows, len(model.weights)))
            weights = model.weights * factors
            weights *= 100 / weights.sum(axis=1, keepdims=True)
            held += int(model.holds(*model.totals(weights)).sum())
        shares[str(level)] = held / perturbations
    return shares


def smallest_weight_change(model: Model) -> WeightChange | None:
    """The smallest change to one weight at which another bid wins, or None if no single weight change can."""
    if len(model.bids) < 2 or len(model.criteria) < 2:
        return None
    best: tuple[float, int, int, IntArray] | None = None  # (size, criterion, direction, challengers)
    for k in range(len(model.criteria)):
        for direction in (1, -1):
            found = _first_crossing(model, k, direction)
            if found is not None and (best is None or found[0] < best[0] - EPSILON):
                best = (found[0], k, direction, found[1])
    if best is None:
        return None
    size, k, direction, challengers = best
    # Keep the direction even for a change of 0 (bids level on total, the winner ahead on the tie-break only):
    # -0.0 then means "any decrease".
    change = math.copysign(size, direction)
    leaders = _tie_break(model, challengers, _moved(model, k, change))
    return WeightChange(
        criterion=model.criteria[k],
        change=change,
        new_weight=float(model.weights[k]) + change,
        new_winner=model.bids[leaders[0]],
        shared_with=tuple(model.bids[i] for i in leaders[1:]),
    )


def _moved(model: Model, k: int, change: float) -> FloatArray:
    """The weights with criterion k's moved by ``change`` and the others rescaled to keep 100."""
    rest = 100.0 - float(model.weights[k])
    weights = model.weights * (rest - change) / rest
    weights[k] = model.weights[k] + change
    return weights


def _tie_break(model: Model, challengers: IntArray, weights: FloatArray) -> list[int]:
    """Of challengers that overtake together and stay level on total, the one the tie-break puts first, followed by
    any still level with it after the tie-break (they would share first place)."""
    if len(challengers) == 1:
        return [int(challengers[0])]
    _, quality = model.totals(weights[None, :])

    def key(i: int) -> tuple[float, ...]:
        if model.tie_break == TieBreak.HIGHEST_QUALITY:
            return (-round(float(quality[0, i]), 9), -round(float(model.top_points[i]), 9))
        return (float(model.prices[i]),)

    ordered = sorted((int(i) for i in challengers), key=key)
    return [i for i in ordered if key(i) == key(ordered[0])]


def _first_crossing(model: Model, k: int, direction: int) -> tuple[float, IntArray] | None:
    """How far criterion k's weight can move in one direction before another bid overtakes the winner."""
    w_k = float(model.weights[k])
    rest = 100.0 - w_k
    if rest <= EPSILON:
        return None
    reach = rest if direction > 0 else w_k
    if model.per_quality_point and k != model.price_column:
        return _first_crossing_per_quality_point(model, k, direction, reach)
    totals, _ = model.totals(model.weights[None, :])
    t0 = totals[0]
    u_k = model.units[:, k]
    others = t0 - w_k * u_k  # what each bid earns from the other criteria
    w = model.winner
    gap = t0 - t0[w]
    rate = direction * ((u_k - u_k[w]) - (others - others[w]) / rest)
    return _earliest(np.zeros_like(gap), rate, gap, 0.0, reach, w, last=True)


def _first_crossing_per_quality_point(
    model: Model, k: int, direction: int, reach: float
) -> tuple[float, IntArray] | None:
    """As ``_first_crossing``, when the price points depend on the quality scores (price per quality point).

    With t the size of the change, every bid's quality score q(t), the price weight p(t) and its quality per pound
    L(t) = q(t) ÷ price are linear in t. A bid's total is q + p × L ÷ max(L). Within a stretch where bid j has the
    highest L, (gap in totals) × L_j is (q_b − q_w) × L_j + p × (L_b − L_w): a quadratic in t."""
    w_k = float(model.weights[k])
    rest = 100.0 - w_k
    _, q_now = model.totals(model.weights[None, :])
    q0 = q_now[0]
    u_k = model.units[:, k]
    q1 = direction * (u_k - (q0 - w_k * u_k) / rest)
    assert model.price_column is not None
    p0 = float(model.weights[model.price_column])
    p1 = -direction * p0 / rest
    l0, l1 = q0 / model.prices, q1 / model.prices
    w = model.winner
    alpha0, alpha1 = q0 - q0[w], q1 - q1[w]
    eps0, eps1 = l0 - l0[w], l1 - l1[w]
    start = 0.0
    while start < reach - EPSILON:
        values = l0 + l1 * start
        top = values.max()
        lead = np.flatnonzero(values >= top - 1e-15 * max(1.0, abs(top)))
        j = int(lead[np.argmax(l1[lead])])
        faster = l1 > l1[j] + 1e-18
        with np.errstate(divide="ignore", invalid="ignore"):
            meets = np.where(faster, (l0[j] - l0) / (l1 - l1[j]), np.inf)
        meets = np.where(meets > start + 1e-12, meets, np.inf)
        end = min(float(meets.min()), reach)
        if l0[j] + l1[j] * (start + end) / 2 > 0:
            a = alpha1 * l1[j] + p1 * eps1
            b = alpha0 * l1[j] + alpha1 * l0[j] + p0 * eps1 + p1 * eps0
            c = alpha0 * l0[j] + p0 * eps0
            found = _earliest(a, b, c, start, end, w, last=end >= reach)
            if found is not None:
                return found
        start = end
    return None


def _earliest(
    a: FloatArray, b: FloatArray, c: FloatArray, start: float, end: float, winner: int, *, last: bool
) -> tuple[float, IntArray] | None:
    """The earliest t in [start, end] at which some challenger's a t² + b t + c rises through 0 (a negative value
    means it is behind the winner), and which challengers then lead (several only if they rise together, level with
    one another); None if none does.

    When ``end`` is the end of the range (``last``: the weight would reach 0 or 100), a crossing there is not counted:
    the challenger would only draw level, with no room left to get ahead."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        disc = b * b - 4 * a * c
        root = np.sqrt(np.where(disc >= 0, disc, np.nan))
        q = -0.5 * (b + np.copysign(root, b))
        roots = np.stack([q / a, c / q])  # the two roots, in a form that stays accurate when a is 0 or tiny
        rising = 2 * a * roots + b
        inside = roots < end - EPSILON if last else roots <= end + EPSILON
        usable = np.isfinite(roots) & (rising > 0) & (roots >= start - EPSILON) & inside
    usable[:, winner] = False
    when = np.where(usable, roots, np.inf)
    first = when.min(axis=0)
    slope = np.where(when <= first, rising, -np.inf).max(axis=0)
    t = float(first.min())
    if not np.isfinite(t):
        return None
    near = np.flatnonzero(first <= t + EPSILON)
    steepest = float(slope[near].max())
    together = near[slope[near] >= steepest - 1e-9 * max(1.0, abs(steepest))]
    return max(t, start), together
