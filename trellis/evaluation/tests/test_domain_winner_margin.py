"""What it would take to change the winner: cases worked by hand (the arithmetic is in the comments), each checked as
real by running the engine again with the reported marks; and the helpers the brute-force property uses."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import pytest

from trellis.core.errors import ValidationFailed
from trellis.evaluation.domain import BidInput, CriterionSpec, EvaluationInput, MarkChange, Scheme, evaluate
from trellis.evaluation.domain.marks import aggregate
from trellis.evaluation.domain.scheme import Exclusion, PriceMethod, TieBreak, mark_rule
from trellis.evaluation.domain.totals import rank, score
from trellis.evaluation.domain.winner_margin import in_words, marks_used
from trellis.opportunities.domain.criteria import Scale

D = Decimal


# Helpers (also used by the property test) ------------------------------------------------------------------------


def with_changes(data: EvaluationInput, changes: Sequence[MarkChange]) -> EvaluationInput:
    """The input with each changed mark recorded as the agreed (consensus) mark."""
    consensus = {bid: dict(row) for bid, row in data.consensus.items()}
    for c in changes:
        consensus.setdefault(c.bid, {})[c.criterion] = D(str(c.after)).normalize()
    return replace(data, consensus=consensus)


def _ranks(data: EvaluationInput) -> tuple[list[int | None], list[bool]]:
    table = aggregate(data)
    totals = score(data, table)
    return rank(data, table, totals), [bool(x) for x in totals.excluded]


def engine_winner(data: EvaluationInput) -> str | None:
    """The engine's own winner (its totals and ranking, worked out again): None when first place is not one bid's."""
    ranks, _ = _ranks(data)
    firsts = [data.bids[i].key for i, r in enumerate(ranks) if r == 1]
    return firsts[0] if len(firsts) == 1 else None


def _paths(data: EvaluationInput, bid: str, *, up: bool, gates: bool) -> list[tuple[CriterionSpec, list[Fraction]]]:
    row = marks_used(data)[[b.key for b in data.bids].index(bid)]
    paths = []
    for c in data.scheme.criteria:
        if c.is_gate and gates and row[c.key] == 1:
            paths.append((c, [Fraction(0)]))
        elif c.is_quality:
            levels = sorted(Fraction(v) for v in mark_rule(c.scale).allowed)
            before = row[c.key]
            paths.append((c, [v for v in levels if v > before] if up else [v for v in reversed(levels) if v < before]))
    return paths


def brute_force(
    data: EvaluationInput, rival: str, winner: str, limit: int, *, keep_winner_in: bool
) -> Iterator[list[MarkChange]]:
    """Every set of 1 to ``limit`` steps raising the rival's quality marks and lowering the winner's (and, unless
    ``keep_winner_in``, failing one of its gates); with ``keep_winner_in``, only sets after which the engine still
    ranks the winner."""
    moves = [(rival, c, p) for c, p in _paths(data, rival, up=True, gates=False)]
    moves += [(winner, c, p) for c, p in _paths(data, winner, up=False, gates=not keep_winner_in)]
    used = marks_used(data)
    index = {b.key: i for i, b in enumerate(data.bids)}

    def sets(m: int, budget: int) -> Iterator[list[MarkChange]]:
        if m == len(moves):
            yield []
            return
        bid, c, path = moves[m]
        for j in range(min(budget, len(path)) + 1):
            for rest in sets(m + 1, budget - j):
                if j:
                    before = float(used[index[bid]][c.key])
                    rest = [MarkChange(bid, c.key, c.name, before, float(path[j - 1]), j, c.is_gate), *rest]
                yield rest

    for changes in sets(0, limit):
        if not changes:
            continue
        if keep_winner_in:
            ranks, _ = _ranks(with_changes(data, changes))
            if ranks[index[winner]] is None:
                continue
        yield changes


# Cases worked by hand --------------------------------------------------------------------------------------------


def criterion(key, weight, scale=Scale.ZERO_FIVE, **kw) -> CriterionSpec:
    return CriterionSpec(key, key.replace("_", " ").capitalize(), "Quality", D(weight), scale, **kw)


PRICE = CriterionSpec("price", "Price", "Price", D(40), Scale.ZERO_HUNDRED, is_price=True)


def agreed(criteria, bids: dict[str, tuple[int | None, dict[str, int]]], **settings) -> EvaluationInput:
    """An input whose every mark is agreed by the panel: ``bids`` maps each bid to (price, marks)."""
    scheme = Scheme(criteria=tuple(criteria), **settings)
    consensus = {key: {k: D(v) for k, v in marks.items()} for key, (_, marks) in bids.items()}
    return EvaluationInput(
        scheme=scheme,
        bids=tuple(BidInput(key, D(price) if price else None) for key, (price, _) in bids.items()),
        marks={},
        consensus=consensus,
    )


def steps(analysis) -> list[tuple[str, str, float, float]]:
    return [(c.bid, c.criterion, c.before, c.after) for c in analysis.smallest.changes]


def test_one_mark_decides():
    # Quality 60 on 0–5 (12 points a level), price 40 relative to the lowest.
    # A: 4 → 48, £100,000 → 40: 88.   B: 4 → 48, £110,000 → 40 × 100/110 = 36.36: 84.36.
    # Lowering A's mark to 3: 36 + 40 = 76, under B's 84.36. One step (raising B to 5, 96.36, would do too).
    data = agreed([criterion("quality", 60), PRICE], {"A": (100_000, {"quality": 4}), "B": (110_000, {"quality": 4})})
    analysis = evaluate(data).change_the_winner
    assert analysis.winner == "A" and analysis.smallest.steps == 1
    assert steps(analysis) == [("A", "quality", 4.0, 3.0)]
    assert in_words(analysis, {"A": "Alpha Trust", "B": "Beta CIC"}) == (
        "A single moderated mark decides this award: changing Alpha Trust's mark for “Quality” from 4 to 3 would "
        "make Beta CIC the winner."
    )
    assert engine_winner(with_changes(data, analysis.smallest.changes)) == "B"


def test_two_marks_needed():
    # Delivery 40 (8 points a level), social value 20 (4 a level), price 40; both £100,000, so 40 price points each.
    # Alpha: 32 + 16 + 40 = 88.   Beta: 24 + 16 + 40 = 80. The gap is 8.
    # One step closes at most 8 (a delivery level): level at 88 (or 80), equal quality and equal delivery points, so
    # the tie-break leaves first place shared — not a new winner. Two steps: Alpha's delivery 4 → 2 gives 72 < 80.
    data = agreed(
        [criterion("delivery", 40), criterion("social_value", 20), PRICE],
        {"Alpha": (100_000, {"delivery": 4, "social_value": 4}), "Beta": (100_000, {"delivery": 3, "social_value": 4})},
    )
    analysis = evaluate(data).change_the_winner
    assert analysis.smallest.steps == 2 and analysis.smallest.new_winner == "Beta"
    assert steps(analysis) == [("Alpha", "delivery", 4.0, 2.0)]
    assert in_words(analysis) == (
        "Moving 1 mark by 2 levels would make Beta the winner: Alpha's mark for “Delivery” from 4 to 2."
    )
    assert engine_winner(with_changes(data, analysis.smallest.changes)) == "Beta"


@pytest.mark.parametrize(
    ("tie_break", "fewest"),
    [
        # Level on 80 after one step; B's £90,000 is below A's £100,000, so the lowest price puts B first.
        (TieBreak.LOWEST_PRICE, 1),
        # Level on 80 with the same quality and the same points on the only criterion: still shared, so two steps.
        (TieBreak.HIGHEST_QUALITY, 2),
    ],
)
def test_a_tie_resolved_by_the_tie_break(tie_break, fewest):
    # Quality alone, weight 100 on 0–5 (20 points a level). A: 4 → 80; B: 3 → 60.
    data = agreed(
        [criterion("quality", 100)],
        {"A": (100_000, {"quality": 4}), "B": (90_000, {"quality": 3})},
        tie_break=tie_break,
    )
    analysis = evaluate(data).change_the_winner
    assert analysis.smallest.steps == fewest and analysis.smallest.new_winner == "B"
    assert engine_winner(with_changes(data, analysis.smallest.changes)) == "B"


def test_lowering_the_winner_below_a_minimum_mark():
    # "Exclude" rule. Q1 50 (minimum 3) and Q2 50, 10 points a level. A: 30 + 50 = 80; B: 30 + 20 = 50.
    # A's Q1 from 3 to 2 is below its minimum: A is excluded and B, the only other bid, is first — one step.
    # Without excluding A (its Q1 may not go below 3): the gap of 30 takes three levels, and level on 80 B needs
    # the tie-break: same quality, so the most points on Q1 (the first of the equally weighted): B's Q1 from 3 to 4
    # and A's Q2 from 5 to 3 give B 40 + 20 = 60 and A 30 + 30 = 60, with 40 points on Q1 against A's 30.
    data = agreed(
        [criterion("q1", 50, min_mark=D(3)), criterion("q2", 50)],
        {"A": (None, {"q1": 3, "q2": 5}), "B": (None, {"q1": 3, "q2": 2})},
        exclusion=Exclusion.EXCLUDE,
    )
    analysis = evaluate(data).change_the_winner
    assert analysis.smallest.excludes_winner and analysis.smallest.steps == 1
    assert steps(analysis) == [("A", "q1", 3.0, 2.0)]
    (rival,) = analysis.rivals
    assert rival.route.steps == 3 and not rival.route.excludes_winner
    assert in_words(analysis) == (
        "A single moderated mark decides this award: changing A's mark for “Q1” from 3 to 2 would exclude A, and B "
        "would be first. Without excluding A, changing 2 marks, by 3 levels in all, would make B the winner: B's "
        "mark for “Q1” from 3 to 4 and A's mark for “Q2” from 5 to 3."
    )
    assert engine_winner(with_changes(data, analysis.smallest.changes)) == "B"
    assert engine_winner(with_changes(data, rival.route.changes)) == "B"


def test_price_per_quality_point():
    # Quality 60 (12 a level), price 40 by price per quality point.
    # A: 5 → 60 for £120,000: 0.0005 points a pound.   B: 4 → 48 for £80,000: 0.0006, the best.
    # Price points: B 40; A 40 × 0.0005/0.0006 = 33.33. Totals: A 93.33, B 88.
    # Lowering A's mark to 4 lowers its price points too: 48 for £120,000 is 0.0004, so 40 × 0.0004/0.0006 = 26.67,
    # and A has 74.67 < 88. One step.
    data = agreed(
        [criterion("quality", 60), PRICE],
        {"A": (120_000, {"quality": 5}), "B": (80_000, {"quality": 4})},
        price_method=PriceMethod.PRICE_PER_QUALITY_POINT,
    )
    analysis = evaluate(data).change_the_winner
    assert analysis.winner == "A" and analysis.smallest.steps == 1
    assert steps(analysis) == [("A", "quality", 5.0, 4.0)]
    assert engine_winner(with_changes(data, analysis.smallest.changes)) == "B"


def test_each_lot_is_its_own_award():
    # Lots are evaluated one input each (selectors.evaluation_outcome): lot 1 is the first case above (one step).
    # In lot 2, C is 40 points ahead of D on quality alone (weight 100, 20 a level: 100 against 60). Two levels only
    # draw level (C to 3, or D to 5, or one of each: 80 and 80), with the same quality: shared. So three steps.
    lot_1 = agreed([criterion("quality", 60), PRICE], {"A": (100_000, {"quality": 4}), "B": (110_000, {"quality": 4})})
    lot_2 = agreed([criterion("quality", 100)], {"C": (None, {"quality": 5}), "D": (None, {"quality": 3})})
    first, second = evaluate(lot_1).change_the_winner, evaluate(lot_2).change_the_winner
    assert (first.winner, first.smallest.steps) == ("A", 1)
    assert (second.winner, second.smallest.steps) == ("C", 3)
    assert engine_winner(with_changes(lot_2, second.smallest.changes)) == "D"


def test_only_one_ranked_bid():
    # B failed the pass or fail question, so only A is ranked. No mark of A's makes B the winner; failing A's own
    # safeguarding question would exclude A and leave no winner at all.
    gate = CriterionSpec("safeguarding", "Safeguarding", "Compliance", D(0), Scale.PASS_FAIL)
    data = agreed(
        [gate, criterion("quality", 100)],
        {"A": (None, {"safeguarding": 1, "quality": 3}), "B": (None, {"safeguarding": 0, "quality": 5})},
    )
    analysis = evaluate(data).change_the_winner
    assert analysis.winner == "A" and analysis.rivals == ()
    assert analysis.smallest.excludes_winner and analysis.smallest.new_winner is None
    assert in_words(analysis) == (
        "A single moderated mark decides this award: changing A's mark for “Safeguarding” from pass to fail would "
        "exclude A, leaving no single winner. Without excluding A, no change of marks makes another bid the winner."
    )
    without_gate = agreed([criterion("quality", 100)], {"A": (None, {"quality": 3})})
    analysis = evaluate(without_gate).change_the_winner
    assert analysis.smallest is None and in_words(analysis) == "No change of marks makes another bid the winner."


def test_a_bid_that_failed_a_gate_is_neither_the_winner_nor_a_rival():
    # X has the best marks but failed the gate: Y (80) wins; Z (60) is the only rival, one level (20 points) behind
    # and level after one step, with the same quality: shared, so two steps.
    gate = CriterionSpec("insured", "Insured", "Compliance", D(0), Scale.PASS_FAIL)
    data = agreed(
        [gate, criterion("quality", 100)],
        {
            "X": (None, {"insured": 0, "quality": 5}),
            "Y": (None, {"insured": 1, "quality": 4}),
            "Z": (None, {"insured": 1, "quality": 3}),
        },
    )
    analysis = evaluate(data).change_the_winner
    assert analysis.winner == "Y" and [r.rival for r in analysis.rivals] == ["Z"]
    assert analysis.rivals[0].route.steps == 2
    assert analysis.smallest.excludes_winner and analysis.smallest.changes[0].criterion == "insured"


def test_no_single_winner_and_no_ranked_bid():
    shared = agreed([criterion("quality", 100)], {"A": (None, {"quality": 4}), "B": (None, {"quality": 4})})
    analysis = evaluate(shared).change_the_winner
    assert analysis.winner is None and analysis.smallest is None
    assert (
        in_words(analysis, {"A": "Alpha"})
        == "There is no single winner: Alpha, B share first place after the tie-break."
    )
    gate = CriterionSpec("insured", "Insured", "Compliance", D(0), Scale.PASS_FAIL)
    nobody = agreed([gate, criterion("quality", 100)], {"A": (None, {"insured": 0, "quality": 4})})
    assert evaluate(nobody).change_the_winner.note == "No bid is ranked, so there is no winner."


def test_a_mean_moves_to_the_nearest_level_first():
    # No consensus for B: its mark is the mean of 3 and 4, 3.5 (70 points on weight 100). A's agreed mark is 4 (80).
    # B's first step goes to the nearest level, 4 (+10 points only): level on 80, and B's £90,000 is the lower price,
    # so the published tie-break puts B first. (Lowering A to 3, 60, would do too: one step either way.)
    data = EvaluationInput(
        scheme=Scheme(criteria=(criterion("quality", 100),), tie_break=TieBreak.LOWEST_PRICE),
        bids=(BidInput("A", D(100_000)), BidInput("B", D(90_000))),
        marks={"E1": {"B": {"quality": D(3)}}, "E2": {"B": {"quality": D(4)}}},
        consensus={"A": {"quality": D(4)}},
    )
    analysis = evaluate(data).change_the_winner
    (rival,) = analysis.rivals
    assert rival.route.steps == 1 and analysis.smallest.steps == 1
    assert [(c.bid, c.before, c.after) for c in rival.route.changes] in ([("B", 3.5, 4.0)], [("A", 4.0, 3.0)])
    assert engine_winner(with_changes(data, analysis.smallest.changes)) == "B"


def test_bad_input_is_still_a_clear_error():
    data = agreed([criterion("quality", 90)], {"A": (None, {"quality": 4})})
    with pytest.raises(ValidationFailed) as failure:
        evaluate(data)
    assert "criteria" in failure.value.errors
