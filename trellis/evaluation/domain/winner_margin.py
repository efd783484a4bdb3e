"""What it would take to change the winner: the fewest changes of marks that give another winner, worked out exactly.

Why marks, not weights: once tenders are in, the published weights may not change (Procurement Act 2023 s.23), so
asking what a change of weight would do tells an authority nothing it can use. What it can use, to know how close
an award is before defending it, is how few of the panel's marks decide it, and which marks they are.

Definitions:

- A **step** moves one mark one level along its criterion's published scale (0–5: 3 to 4; met or exceeded: 7 to
  10). Where no consensus mark was agreed, the mark used is the mean of the evaluators' marks, and the first step
  goes to the nearest level above or below it. Only quality criteria's marks move, and only the winner's (down) and
  one rival's (up); every other mark, the weights and the prices stay as they are.
- **Overtaking**: the rival ends first — ahead on total, or level on total and ahead on the published tie-break
  (the highest quality score, then the most points on the most heavily weighted quality criterion; or the lowest
  price) — with the winner still in the competition: where failing a minimum excludes a bid, the winner's marks stay
  at or above their minimum marks and its quality score at or above the overall minimum.
- **Exclusion**: the fewest steps of the winner's marks that exclude it: failing a pass or fail question (which
  always excludes), or, where the published rule excludes, a mark below its minimum mark or a quality score below the
  overall minimum.
- The **smallest** change is the fewest steps over every ranked rival and the exclusion (overtaking when equal).

Exactness: every mark, point, price point and total is a ``Fraction``, worked out by the engine's own rules (the
price formulas are ``price.exact_price_points``), so no rounding decides anything here. (The engine's ranking
compares totals to 9 decimal places; totals closer than that but not equal are ranked here as they exactly are.)

How the fewest steps are found. Price methods scored from prices alone: price points do not move, so each step adds
a fixed gain to the rival's total and quality score (or takes it from the winner's), and the rival is first exactly
when its ranking key raised by its gain is above the winner's key lowered by the winner's loss and above the best
other bid's key; **proof of exactness in one sentence**: since each of these comparisons only improves as the
rival's gain or the winner's loss grows, a set of k steps changes the winner only if, for some split k = a + b, the
a steps of largest gain to the rival with the b steps of largest loss to the winner do, so trying every split of
each k in turn finds the fewest. "Largest" is the largest gain in points, then (for the tie-break) the largest gain on
the most heavily weighted quality criterion; when each mark's steps shrink or stay equal as it moves it is the
greedy choice of the largest steps, otherwise (met or exceeded lowered from 10: 3 points then 7; a mean's first
step is partial) a knapsack over the marks by number of steps. Price per quality point, where the price points move
with the quality scores, and an overall minimum quality score that would exclude the winner: the rival's largest
gain still only helps it, but the winner's loss need not (it can lift a third bid's price points, or exclude the
winner), so every distinct loss the winner's b steps can reach is tried and the standings are worked out again for
each.

Limits, so that a results page stays quick: a rival that would need more than ``MAX_STEPS`` steps (a bound says so
before any knapsack) and a search past ``MAX_STATES`` losses or ``MAX_CHECKS`` standings are reported as not worked out
(``RivalRoute.complete`` False, with a note), never guessed; when a search stopped, ``certain`` is False.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from trellis.evaluation.domain.price import exact_price_points
from trellis.evaluation.domain.results import ChangeTheWinner, MarkChange, RivalRoute, Route
from trellis.evaluation.domain.scheme import CriterionSpec, EvaluationInput, Exclusion, TieBreak, mark_rule
from trellis.evaluation.domain.totals import number

Marks = list[dict[str, Fraction]]  # per bid (input order): criterion key -> mark used
#: Ranks no price reaches, for a bid without a price under the lowest-price tie-break (the engine's infinity).
NO_PRICE = Fraction(10) ** 30

NOT_POSSIBLE = "No change of marks makes another bid the winner."
#: The most distinct losses of the winner held, and standings worked out, when they are tried one by one (price per
#: quality point, or an overall minimum quality score that excludes): past either, the rival's route is reported as
#: not worked out rather than guessed.
MAX_STATES = 5_000
MAX_CHECKS = 2_000
#: Rivals that would need more one-level changes than this are reported as not worked out: far from the award.
MAX_STEPS = 100


# Exact standings -------------------------------------------------------------------------------------------------


def marks_used(data: EvaluationInput) -> Marks:
    """The mark used for each bid and marked criterion, exactly: the consensus mark, or the evaluators' mean."""
    used: Marks = []
    for bid in data.bids:
        agreed = data.consensus.get(bid.key, {})
        row: dict[str, Fraction] = {}
        for c in data.scheme.marked_criteria:
            if c.key in agreed:
                row[c.key] = Fraction(agreed[c.key])
            else:
                given = [per[bid.key][c.key] for per in data.marks.values() if c.key in per.get(bid.key, {})]
                row[c.key] = Fraction(sum(given, Decimal(0))) / len(given)  # a sum of marks is exact in Decimal
        used.append(row)
    return used


@functools.lru_cache(maxsize=256)
def _factor(c: CriterionSpec) -> tuple[Fraction, Fraction | None]:
    """A criterion's points per mark and its minimum mark, exactly (worked out once: a criterion is immutable)."""
    return Fraction(c.weight) / Fraction(c.max_mark), None if c.min_mark is None else Fraction(c.min_mark)


def _points(c: CriterionSpec, mark: Fraction) -> Fraction:
    return mark * _factor(c)[0]


@dataclass(frozen=True)
class _Figures:
    """One bid's exact quality score, points on the tie-break criterion, and whether it is excluded."""

    quality: Fraction
    top: Fraction
    excluded: bool


def _figures(data: EvaluationInput, row: Mapping[str, Fraction]) -> _Figures:
    scheme = data.scheme
    quality = sum((_points(c, row[c.key]) for c in scheme.quality_criteria), Fraction(0))
    top_c = scheme.top_quality_criterion
    gate_failed = any(row[c.key] < 1 for c in scheme.criteria if c.is_gate)
    failing = gate_failed or any(
        row[c.key] < minimum for c in scheme.quality_criteria if (minimum := _factor(c)[1]) is not None
    )
    weight = Fraction(scheme.quality_weight)
    if scheme.min_quality_percent is not None and weight > 0:
        failing = failing or quality * 100 / weight < Fraction(scheme.min_quality_percent)
    excluded = failing if scheme.exclusion == Exclusion.EXCLUDE else gate_failed
    return _Figures(quality, _points(top_c, row[top_c.key]) if top_c else Fraction(0), excluded)


def _keys(data: EvaluationInput, figures: list[_Figures]) -> dict[int, tuple[Fraction, ...]]:
    """The ranking key of every bid not excluded: the higher key ranks first (total, then the tie-break)."""
    scheme = data.scheme
    compared = [i for i, f in enumerate(figures) if not f.excluded]
    totals = {i: figures[i].quality for i in compared}
    price = scheme.price_criterion
    if price is not None and compared:
        keyed = {data.bids[i].key: i for i in compared}
        prices = {key: Fraction(data.bids[i].price or 0) for key, i in keyed.items()}
        quality = {key: figures[i].quality for key, i in keyed.items()}
        scores = exact_price_points(scheme.price_method, prices, Fraction(price.weight), quality)
        totals = {i: totals[i] + scores[key] for key, i in keyed.items()}
    if scheme.tie_break == TieBreak.HIGHEST_QUALITY:
        return {i: (totals[i], figures[i].quality, figures[i].top) for i in compared}
    tie_prices = [-NO_PRICE if b.price is None else -Fraction(b.price) for b in data.bids]
    return {i: (totals[i], tie_prices[i]) for i in compared}


def _first(keys: Mapping[int, tuple[Fraction, ...]]) -> int | None:
    """The bid ranked first alone, or None when none is (no bid ranked, or first place shared)."""
    if not keys:
        return None
    best = max(keys.values())
    firsts = [i for i, k in keys.items() if k == best]
    return firsts[0] if len(firsts) == 1 else None


# Steps and the largest gain for a number of steps ----------------------------------------------------------------


@dataclass(frozen=True)
class _Mark:
    """One mark that may move: the levels it passes through, in order, and its cumulative gain in points after each
    step, × ``scale`` (a whole number: ``points[0]`` is 0); ``top`` when it is on the tie-break criterion."""

    criterion: CriterionSpec
    before: Fraction
    levels: tuple[int, ...]
    points: tuple[int, ...]
    top: bool
    scale: int

    @property
    def gains(self) -> tuple[tuple[Fraction, Fraction], ...]:
        """Each cumulative gain as exact (points, points on the tie-break criterion)."""
        return tuple((Fraction(x, self.scale), Fraction(x if self.top else 0, self.scale)) for x in self.points)


def _moves(data: EvaluationInput, row: Mapping[str, Fraction], scale: int, *, up: bool, floors: bool) -> list[_Mark]:
    """A bid's quality marks moving up (a rival) or down (the winner); with ``floors``, not below a minimum mark.

    With the mark used p/q, a level v is |v·q − p| × weight × scale ÷ (maximum × q) points × scale away: a whole
    number, since ``scale`` is a multiple of 100 (weights have at most 2 decimal places), every maximum and every q."""
    top_c = data.scheme.top_quality_criterion
    found = []
    for c in data.scheme.quality_criteria:
        before = row[c.key]
        p, q = before.numerator, before.denominator
        unit = int(Fraction(c.weight) * scale / (int(c.max_mark) * q))
        allowed = sorted(int(v) for v in mark_rule(c.scale).allowed)
        if up:
            levels = tuple(v for v in allowed if v > before)
        else:
            lowest = c.min_mark if floors and c.min_mark is not None else 0
            levels = tuple(v for v in reversed(allowed) if lowest <= v < before)
        if levels:
            points = (0, *(abs(v * q - p) * unit for v in levels))
            found.append(_Mark(c, before, levels, points, top_c is not None and c.key == top_c.key, scale))
    return found


@dataclass
class _Side:
    """The marks of one bid moving one way, with the largest gain for each number of steps (worked out lazily).

    Gains are encoded as whole numbers, points × ``scale`` × ``spread`` + tie-break points × ``scale``, so that
    comparing two codes compares (points, tie-break points) in that order, exactly."""

    marks: list[_Mark]
    scale: int
    spread: int
    best: list[int]
    picks: list[list[int]]
    codes: list[list[int]]  # each mark's gains, encoded

    @classmethod
    def of(cls, marks: list[_Mark], scale: int, spread: int) -> _Side:
        codes = [[x * spread + (x if mark.top else 0) for x in mark.points] for mark in marks]
        return cls(marks, scale, spread, [0], [[0] for _ in marks], codes)

    @property
    def largest_step(self) -> int:
        """The largest code of any one step (an upper bound on what one step can add)."""
        return max((b - a for c in self.codes for a, b in itertools.pairwise(c)), default=0)

    @property
    def size(self) -> int:
        return sum(len(m.levels) for m in self.marks)

    def decode(self, code: int) -> tuple[Fraction, Fraction]:
        return Fraction(code // self.spread, self.scale), Fraction(code % self.spread, self.scale)

    def largest(self, limit: int) -> list[int]:
        """For k = 0 to ``limit``: the largest code of at most k steps (a knapsack over the marks by steps, each
        mark's options compared at once for every k, in whole numbers: ``numpy`` integers when they cannot overflow,
        Python integers otherwise)."""
        limit = min(limit, self.size)
        if len(self.best) > limit:
            return self.best
        codes = self.codes
        widest = max((c[-1] for c in codes), default=0) * max(limit, 1) * 2
        dtype: type | np.dtype = np.int64 if widest < 2**61 else object
        floor = -(2**62)
        best = np.zeros(limit + 1, dtype=dtype)
        self.picks = []
        for mark_codes in codes:
            j = min(len(mark_codes) - 1, limit)
            padded = np.concatenate([np.full(j, floor, dtype=dtype), best])
            # options[k, i] is the best of the marks so far with k − (j − i) steps, plus j − i steps of this mark
            options = sliding_window_view(padded, j + 1) + np.array(mark_codes[j::-1], dtype=dtype)
            chosen = np.argmax(options, axis=1)
            best = options[np.arange(limit + 1), chosen]
            self.picks.append((j - chosen).tolist())
        self.best = [int(v) for v in best]
        return self.best

    def choice(self, k: int) -> dict[int, int]:
        """Which marks move how many steps for the largest code of at most k steps (after ``largest``)."""
        chosen = {}
        for m in range(len(self.marks) - 1, -1, -1):
            j = self.picks[m][k]
            if j:
                chosen[m] = j
                k -= j
        return chosen

    def changes(self, bid: str, chosen: Mapping[int, int]) -> list[MarkChange]:
        return [
            MarkChange(
                bid=bid,
                criterion=self.marks[m].criterion.key,
                name=self.marks[m].criterion.name,
                before=float(self.marks[m].before),
                after=float(self.marks[m].levels[j - 1]),
                steps=j,
            )
            for m, j in sorted(chosen.items())
        ]

    def reachable(self, limit: int) -> list[dict[tuple[Fraction, Fraction], dict[int, int]]] | None:
        """For each exact number of steps up to ``limit``, every distinct (points, tie-break points) reachable, with
        one way to reach it; None when there are more than ``MAX_STATES`` (too many to try one by one)."""
        states: list[dict[tuple[Fraction, Fraction], dict[int, int]]] = [{(Fraction(0), Fraction(0)): {}}]
        for m, mark in enumerate(self.marks):
            grown: list[dict[tuple[Fraction, Fraction], dict[int, int]]] = [{} for _ in range(limit + 1)]
            for steps, found in enumerate(states):
                for gain, way in found.items():
                    for j, (p, t) in enumerate(mark.gains[: limit - steps + 1]):
                        grown[steps + j].setdefault((gain[0] + p, gain[1] + t), {**way, m: j} if j else way)
                if sum(len(found) for found in grown) > MAX_STATES:
                    return None
            states = grown
        return states


# The analysis ----------------------------------------------------------------------------------------------------


@dataclass
class _Award:
    """One evaluation seen exactly: the marks used, each bid's figures and ranking key, and the winner."""

    data: EvaluationInput
    marks: Marks
    figures: list[_Figures]
    keys: dict[int, tuple[Fraction, ...]]
    winner: int
    scale: int
    spread: int

    @property
    def excludes(self) -> bool:
        return self.data.scheme.exclusion == Exclusion.EXCLUDE

    @property
    def quality_priced(self) -> bool:
        """Price points depend on the quality scores (price per quality point)."""
        scheme = self.data.scheme
        return scheme.price_criterion is not None and scheme.price_method.needs_quality

    def excluded_by(self, changes: Iterable[MarkChange]) -> bool:
        """Whether these changes of the winner's marks would exclude it."""
        lowered = {c.criterion: Fraction(c.after) for c in changes if c.bid == self.data.bids[self.winner].key}
        return _figures(self.data, {**self.marks[self.winner], **lowered}).excluded

    @functools.cached_property
    def step_bound(self) -> Fraction:
        """The most points one step of any bid's mark can move: a full level on the criterion whose widest gap
        between levels, as a share of its weight, is largest (a mean's first, partial step moves less)."""
        widest = Fraction(0)
        for c in self.data.scheme.quality_criteria:
            levels = sorted(Fraction(v) for v in mark_rule(c.scale).allowed)
            gap = max((b - a for a, b in itertools.pairwise(levels)), default=Fraction(0))
            widest = max(widest, Fraction(c.weight) * gap / Fraction(c.max_mark))
        return widest

    @functools.cached_property
    def _leaders(self) -> list[int]:
        """The two best-placed bids other than the winner, best first."""
        return sorted((i for i in self.keys if i != self.winner), key=lambda i: self.keys[i], reverse=True)[:2]

    def third(self, r: int) -> tuple[Fraction, ...] | None:
        """The best ranking key of the bids other than the winner and rival r (None when there are none)."""
        other = next((i for i in self._leaders if i != r), None)
        return None if other is None else self.keys[other]

    def side(self, i: int, *, up: bool, floors: bool) -> _Side:
        return _Side.of(_moves(self.data, self.marks[i], self.scale, up=up, floors=floors), self.scale, self.spread)

    def first_after(self, changed: Mapping[int, Mapping[str, Fraction]]) -> int | None:
        """Who is first alone once some bids' marks are changed (their figures and every price point recomputed)."""
        figures = list(self.figures)
        for i, new in changed.items():
            figures[i] = _figures(self.data, {**self.marks[i], **new})
        return _first(_keys(self.data, figures))

    def moved(self, side: _Side, chosen: Mapping[int, int]) -> dict[str, Fraction]:
        return {side.marks[m].criterion.key: Fraction(side.marks[m].levels[j - 1]) for m, j in chosen.items()}


def _award(data: EvaluationInput, winner: int) -> _Award:
    marks = marks_used(data)
    figures = [
        dataclasses.replace(_figures(data, row), excluded=True) if bid.disregarded else _figures(data, row)
        for bid, row in zip(data.bids, marks, strict=True)
    ]
    scheme = data.scheme
    maxima = math.lcm(*(int(c.max_mark) for c in scheme.quality_criteria)) if scheme.quality_criteria else 1
    means = math.lcm(1, *(m.denominator for row in marks for m in row.values()))
    scale = 100 * maxima * means  # every gain × scale is a whole number (weights have at most 2 decimal places)
    top = scheme.top_quality_criterion
    spread = 2 * int(Fraction(top.weight) * scale) + 1 if top else 1
    return _Award(data, marks, figures, _keys(data, figures), winner, scale, spread)


def _raised(key: tuple[Fraction, ...], gain: tuple[Fraction, Fraction], sign: int) -> tuple[Fraction, ...]:
    """A ranking key moved by a gain (sign 1) or a loss (sign −1): the total and the quality score move by the
    points, the tie-break criterion's points by its part; a price (the other tie-break) does not move."""
    points, top = gain[0] * sign, gain[1] * sign
    if len(key) == 3:
        return (key[0] + points, key[1] + points, key[2] + top)
    return (key[0] + points, key[1])


def _route(award: _Award, changes: list[MarkChange], new_winner: int | None, *, excludes: bool) -> Route:
    return Route(
        steps=sum(c.steps for c in changes),
        changes=tuple(changes),
        new_winner=award.data.bids[new_winner].key if new_winner is not None else None,
        excludes_winner=excludes,
    )


def _overtake_linear(award: _Award, r: int, down: _Side, within: int = MAX_STEPS) -> tuple[Route | None, bool]:
    """The fewest steps putting rival r first when each step moves one key by a fixed gain (see the docstring), and
    whether that was worked out: not when the bound says it needs more than ``within`` steps (``MAX_STEPS``, or
    more than the smallest change already found for another rival)."""
    third = award.third(r)
    winner = award.keys[award.winner]
    gap = max(winner[0], third[0] if third is not None else winner[0]) - award.keys[r][0]
    if award.step_bound and gap / award.step_bound > min(within, MAX_STEPS):
        return None, False  # even the widest step of any mark could not close the gap in time: no need to look
    up = award.side(r, up=True, floors=False)
    total = up.size + down.size
    step = max(up.largest_step, down.largest_step) // up.spread
    if step == 0:
        return None, True
    at_least = max(1, math.ceil(gap * up.scale / step))  # no step adds more than ``step`` ÷ scale points
    if at_least > min(within, MAX_STEPS):
        return None, False
    limit = min(total, MAX_STEPS)  # one knapsack of every count up to the cap costs less than growing it
    while True:
        rise, fall = up.largest(limit), down.largest(limit)
        found: tuple[int, int, int] | None = None  # (steps, a, b)
        for a in range(len(rise)):
            if found is not None and a >= found[0]:
                break
            key = _raised(award.keys[r], up.decode(rise[a]), 1)
            if third is not None and not key > third:
                continue
            b = _fewest(lambda b, key=key, fall=fall: key > _raised(winner, down.decode(fall[b]), -1), len(fall))
            if b is not None and b <= limit - a and (found is None or a + b < found[0]):
                found = (a + b, a, b)
        if found is not None:
            _, a, b = found
            changes = up.changes(award.data.bids[r].key, up.choice(a))
            changes += down.changes(award.data.bids[award.winner].key, down.choice(b))
            return _route(award, changes, r, excludes=False), True
        if limit >= total:
            return None, True
        if limit >= MAX_STEPS:
            return None, False
        limit = min(2 * limit, total, MAX_STEPS)


def _fewest(works, count: int) -> int | None:
    """The smallest n below ``count`` for which ``works(n)``, given that it keeps working once it does."""
    if count == 0 or not works(count - 1):
        return None
    low, high = 0, count - 1
    while low < high:
        middle = (low + high) // 2
        if works(middle):
            high = middle
        else:
            low = middle + 1
    return low


def _overtake_search(award: _Award, r: int, down: _Side) -> tuple[Route | None, bool]:
    """The fewest steps putting rival r first when the winner's loss can also move other bids: the rival's largest
    gain for a steps, with every distinct loss the winner's b steps reach, the standings worked out for each. Also
    whether the search was complete (it stops at ``MAX_STATES`` distinct losses)."""
    up = award.side(r, up=True, floors=False)
    w = award.winner
    total = up.size + down.size
    limit, tried, checks = min(4, total), 0, 0
    while True:
        rise, reachable = up.largest(limit), down.reachable(min(limit, down.size))
        if reachable is None:
            return None, False
        for k in range(tried + 1, limit + 1):
            for a in range(min(k, len(rise) - 1) + 1):
                if k - a >= len(reachable):
                    continue
                chosen = up.choice(a)
                raised = award.moved(up, chosen)
                for way in reachable[k - a].values():
                    checks += 1
                    if checks > MAX_CHECKS:
                        return None, False
                    lowered = award.moved(down, way)
                    if _figures(award.data, {**award.marks[w], **lowered}).excluded:
                        continue  # that is the exclusion, not overtaking
                    if award.first_after({r: raised, w: lowered}) == r:
                        changes = up.changes(award.data.bids[r].key, chosen)
                        changes += down.changes(award.data.bids[w].key, way)
                        return _route(award, changes, r, excludes=False), True
        if limit >= total:
            return None, True
        tried, limit = limit, min(2 * limit, total)


def _overtake(award: _Award, r: int, down: _Side, within: int = MAX_STEPS) -> tuple[Route | None, str]:
    """Rival r's fewest steps, and "done", "far" (more than ``MAX_STEPS``), "beyond" (more than ``within``, the fewest
    found for another rival) or "stopped" (the search's limits). The
    largest gains decide (``_overtake_linear``) unless the price points move with quality; or unless the steps they
    choose would take the winner below the overall minimum quality score, when a route keeping it in needs the search
    (``_overtake_search``)."""
    if award.quality_priced:
        route, complete = _overtake_search(award, r, down)
        return route, "done" if complete else "stopped"
    route, complete = _overtake_linear(award, r, down, within)
    if route is not None and award.excluded_by(route.changes):
        route, complete = _overtake_search(award, r, down)
        return route, "done" if complete else "stopped"
    if not complete and within < MAX_STEPS:
        return None, "beyond"
    return route, "done" if complete else "far"


def _exclusion(award: _Award) -> Route | None:
    """The fewest steps of the winner's marks that exclude it: a gate failed, a mark taken below its minimum mark,
    or (fewest first, by the largest losses) its quality score taken below the overall minimum."""
    data, w = award.data, award.winner
    row = award.marks[w]
    ways: list[list[MarkChange]] = []
    for c in data.scheme.criteria:
        if c.is_gate and row[c.key] == 1:
            ways.append([MarkChange(data.bids[w].key, c.key, c.name, 1.0, 0.0, 1, is_gate=True)])
    down = award.side(w, up=False, floors=False)
    if award.excludes:
        for m, mark in enumerate(down.marks):
            low = mark.criterion.min_mark
            below = [j for j, v in enumerate(mark.levels, start=1) if low is not None and v < low]
            if below:
                ways.append(down.changes(data.bids[w].key, {m: below[0]}))
        ways += _below_quality_minimum(award, down)
    if not ways:
        return None
    changes = min(ways, key=lambda way: sum(c.steps for c in way))
    lowered = {c.criterion: Fraction(c.after) for c in changes}
    return _route(award, changes, award.first_after({w: lowered}), excludes=True)


def _below_quality_minimum(award: _Award, down: _Side) -> list[list[MarkChange]]:
    scheme = award.data.scheme
    if scheme.min_quality_percent is None or scheme.quality_weight <= 0:
        return []
    minimum = Fraction(scheme.min_quality_percent) * Fraction(scheme.quality_weight) / 100
    room = award.figures[award.winner].quality - minimum  # the loss must be more than this
    fall = down.largest(down.size)
    b = _fewest(lambda b: down.decode(fall[b])[0] > room, len(fall))
    if b is None:
        return []
    return [down.changes(award.data.bids[award.winner].key, down.choice(b))]


def change_the_winner(data: EvaluationInput, ranks: list[int | None]) -> ChangeTheWinner:
    """What it would take to change the winner of a checked input ranked by the engine (``ranks``, input order)."""
    ranked = sorted((r, i) for i, r in enumerate(ranks) if r is not None)
    if not ranked:
        return ChangeTheWinner(None, None, (), None, "No bid is ranked, so there is no winner.")
    firsts = [i for r, i in ranked if r == 1]
    if len(firsts) > 1:
        tied = ", ".join(data.bids[i].key for i in firsts)
        return ChangeTheWinner(
            None, None, (), None, f"There is no single winner: {tied} share first place after the tie-break."
        )
    award = _award(data, firsts[0])
    w = award.winner
    down = award.side(w, up=False, floors=award.excludes)
    rivals: list[RivalRoute] = []
    unworked: dict[str, list[str]] = {"far": [], "stopped": [], "beyond": []}
    fewest = MAX_STEPS  # a rival whose bound needs more steps than the fewest found so far is not worked out further
    for _, r in ranked:
        if r == w:
            continue
        route, status = _overtake(award, r, down, fewest)
        rivals.append(RivalRoute(data.bids[r].key, route, status == "done"))
        if status != "done":
            unworked[status].append(data.bids[r].key)
        if route is not None:
            fewest = min(fewest, route.steps)
    far, stopped, beyond = unworked["far"], unworked["stopped"], unworked["beyond"]
    exclusion = _exclusion(award)
    routes = [x.route for x in rivals if x.route is not None]
    smallest = min(routes, key=lambda route: route.steps, default=None)
    if exclusion is not None and (smallest is None or exclusion.steps < smallest.steps):
        smallest = exclusion
    notes = [] if smallest is not None or far or stopped else [NOT_POSSIBLE]
    if beyond:
        notes.append(f"{_count(beyond)} would need more changes than that: not worked out further.")
    if far:
        notes.append(f"{_count(far)} would need more than {MAX_STEPS} one-level changes: not worked out further.")
    if stopped:
        notes.append(
            f"A smaller change may exist: for {_count(stopped)}, the winner's marks can be lowered in too many ways "
            f"to try each (over {MAX_CHECKS:,}), so the search stopped."
        )
    return ChangeTheWinner(data.bids[w].key, smallest, tuple(rivals), exclusion, " ".join(notes), not stopped)


def _count(bids: list[str]) -> str:
    return _listed(bids) if len(bids) <= 3 else f"{len(bids)} other bids"


# In words ----------------------------------------------------------------------------------------------------------


def _mark(value: float, change: MarkChange) -> str:
    if change.is_gate:
        return "pass" if value == 1 else "fail"
    return number(value)


def _listed(items: Iterable[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _route_in_words(route: Route, winner: str, name) -> str:
    changes = [
        f"{name(c.bid)}'s mark for “{c.name}” from {_mark(c.before, c)} to {_mark(c.after, c)}" for c in route.changes
    ]
    if route.excludes_winner:
        then = f"would exclude {name(winner)}"
        then += f", and {name(route.new_winner)} would be first" if route.new_winner else ", leaving no single winner"
    else:
        then = f"would make {name(route.new_winner or '')} the winner"
    if route.steps == 1:
        return f"A single moderated mark decides this award: changing {changes[0]} {then}."
    count = len(route.changes)
    if count == 1:
        how = f"Moving 1 mark by {route.steps} levels"
    elif count == route.steps:
        how = f"Changing {count} marks"
    else:
        how = f"Changing {count} marks, by {route.steps} levels in all,"
    return f"{how} {then}: {_listed(changes)}."


def in_words(analysis: ChangeTheWinner, names: Mapping[str, str] | None = None) -> str:
    """The smallest change in a sentence or two a council buyer can read; ``names`` names bids by their keys."""
    shown = names or {}

    def name(key: str) -> str:
        return shown.get(key, key)

    if analysis.winner is None:
        text = analysis.note
        for key, label in shown.items():
            text = text.replace(key, label)
        return text
    route = analysis.smallest
    if route is None:
        return analysis.note or NOT_POSSIBLE
    text = _route_in_words(route, analysis.winner, name)
    if route.excludes_winner:
        others = [r.route for r in analysis.rivals if r.route is not None]
        if others:
            closest = min(others, key=lambda r: r.steps)
            other = _route_in_words(closest, analysis.winner, name)
            text += f" Without excluding {name(analysis.winner)}, {other[0].lower()}{other[1:]}"
        else:
            text += f" Without excluding {name(analysis.winner)}, no change of marks makes another bid the winner."
    if not analysis.certain:
        text += " " + analysis.note
    return text
