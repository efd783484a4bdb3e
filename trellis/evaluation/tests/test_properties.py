"""Properties of the evaluation engine on generated schemes and marks: raising one mark never lowers that bid's
total; totals stay between 0 and 100; relabelling (and reordering) the bidders does not change the ranking; and what
it would take to change the winner is both real (the engine, run again with the reported marks, gives another winner)
and minimal (a brute force over every smaller set of changes finds none that does)."""

from __future__ import annotations

import itertools
from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from trellis.evaluation.domain import (
    BidInput,
    CriterionSpec,
    EvaluationInput,
    Exclusion,
    PriceMethod,
    Scheme,
    TieBreak,
    evaluate,
)
from trellis.evaluation.domain.scheme import mark_rule
from trellis.evaluation.tests.test_domain_winner_margin import brute_force, engine_winner, with_changes
from trellis.opportunities.domain.criteria import Scale

D = Decimal
SCORED = [Scale.ZERO_FOUR, Scale.ZERO_FIVE, Scale.ZERO_TEN, Scale.ZERO_HUNDRED, Scale.MET_EXCEEDED]
#: Floating-point slack: totals are sums of a few floats out of 100.
SLACK = 1e-9


@st.composite
def weights(draw, count: int) -> list[int]:
    """``count`` whole-number weights of at least 1 that total 100."""
    cuts = sorted(draw(st.sets(st.integers(min_value=1, max_value=99), min_size=count - 1, max_size=count - 1)))
    edges = [0, *cuts, 100]
    return [b - a for a, b in itertools.pairwise(edges)]


@st.composite
def evaluations(draw, overall_minimum=True, scales=tuple(SCORED), max_bids=6) -> EvaluationInput:
    n_quality = draw(st.integers(min_value=1, max_value=4))
    priced = draw(st.booleans())
    split = draw(weights(n_quality + (1 if priced else 0)))
    criteria = []
    if draw(st.booleans()):
        criteria.append(CriterionSpec("gate", "Gate", "Compliance", D(0), Scale.PASS_FAIL))
    for i in range(n_quality):
        scale = draw(st.sampled_from(scales))
        minimum = draw(st.none() | st.sampled_from(sorted(mark_rule(scale).allowed)))
        criteria.append(CriterionSpec(f"q{i}", f"Quality {i}", "Quality", D(split[i]), scale, min_mark=minimum))
    if priced:
        criteria.append(CriterionSpec("price", "Price", "Price", D(split[-1]), Scale.ZERO_HUNDRED, is_price=True))
    scheme = Scheme(
        criteria=tuple(criteria),
        price_method=draw(st.sampled_from(list(PriceMethod))),
        min_quality_percent=draw(st.none() | st.integers(min_value=1, max_value=90).map(D))
        if overall_minimum
        else None,
        exclusion=draw(st.sampled_from(list(Exclusion))),
        tie_break=draw(st.sampled_from(list(TieBreak))),
    )
    n_bids = draw(st.integers(min_value=2, max_value=max_bids))
    bids = tuple(
        BidInput(f"bid{b}", D(draw(st.integers(min_value=1000, max_value=200_000))) if priced else None)
        for b in range(n_bids)
    )
    marked = [c for c in criteria if not c.is_price]

    def mark(c: CriterionSpec) -> Decimal:
        return draw(st.sampled_from(sorted(mark_rule(c.scale).allowed)))

    n_evaluators = draw(st.integers(min_value=1, max_value=4))
    marks = {f"ev{e}": {b.key: {c.key: mark(c) for c in marked} for b in bids} for e in range(n_evaluators)}
    consensus: dict[str, dict[str, Decimal]] = {}
    for b in bids:
        for c in marked:
            if draw(st.integers(min_value=0, max_value=4)) == 0:
                consensus.setdefault(b.key, {})[c.key] = mark(c)
    return EvaluationInput(scheme=scheme, bids=bids, marks=marks, consensus=consensus)


@settings(max_examples=150, deadline=None)
@given(evaluations(), st.data())
def test_raising_one_mark_never_lowers_that_bids_total(data, draws):
    choices = [
        (ev, bid, key, mark)
        for ev, per_bid in data.marks.items()
        for bid, row in per_bid.items()
        for key, mark in row.items()
        if mark < mark_rule(data.scheme.criterion(key).scale).maximum
    ]
    assume(choices)
    ev, bid, key, mark = draws.draw(st.sampled_from(choices))
    higher = draws.draw(
        st.sampled_from(sorted(v for v in mark_rule(data.scheme.criterion(key).scale).allowed if v > mark))
    )
    marks = {e: {b: dict(row) for b, row in per_bid.items()} for e, per_bid in data.marks.items()}
    marks[ev][bid][key] = higher
    raised = EvaluationInput(data.scheme, data.bids, marks, data.consensus)
    before = evaluate(data).bid(bid)
    after = evaluate(raised).bid(bid)
    assert after.quality_points >= before.quality_points - SLACK
    if before.total is not None:  # an excluded bid has no total; raising a mark can only let it in
        assert after.total is not None
        assert after.total >= before.total - SLACK


@settings(max_examples=150, deadline=None)
@given(evaluations())
def test_totals_never_exceed_the_maximum(data):
    result = evaluate(data)
    for bid in result.bids:
        assert 0 <= bid.quality_points <= float(data.scheme.quality_weight) + SLACK
        if bid.total is not None:
            assert 0 <= bid.total <= 100 + SLACK
        if bid.price_points is not None:
            price = data.scheme.price_criterion
            assert price is not None
            assert 0 <= bid.price_points <= float(price.weight) + SLACK
        for line in bid.lines:
            assert 0 <= line.points <= float(line.weight) + SLACK


@settings(max_examples=150, deadline=None)
@given(evaluations(), st.permutations(range(6)), st.randoms(use_true_random=False))
def test_relabelling_bidders_does_not_change_the_ranking(data, names, shuffle):
    new_name = {b.key: f"Provider {names[i]}" for i, b in enumerate(data.bids)}
    bids = [BidInput(new_name[b.key], b.price, b.full_cost) for b in data.bids]
    shuffle.shuffle(bids)
    marks = {ev: {new_name[bid]: row for bid, row in per_bid.items()} for ev, per_bid in data.marks.items()}
    consensus = {new_name[bid]: row for bid, row in data.consensus.items()}
    relabelled = EvaluationInput(data.scheme, tuple(bids), marks, consensus)
    original = evaluate(data).ranking
    renamed = evaluate(relabelled).ranking
    assert {new_name[k]: r for k, r in original.items()} == renamed


#: Small scales, so that every smaller set of changes can be tried.
SMALL = (Scale.ZERO_FOUR, Scale.ZERO_FIVE, Scale.MET_EXCEEDED)
#: The brute force tries every set of changes of up to this many steps.
BRUTE_FORCE_STEPS = 3


@settings(max_examples=80, deadline=None)  # each example brute-forces every change of up to 3 steps
@given(evaluations(scales=SMALL, max_bids=4))
def test_what_would_change_the_winner_is_real_and_minimal(data):
    analysis = evaluate(data).change_the_winner
    assume(analysis.winner is not None)
    winner = analysis.winner
    smallest = analysis.smallest
    if smallest is not None:  # real: the engine, run again with the reported marks, gives another winner
        changed = with_changes(data, smallest.changes)
        assert engine_winner(changed) != winner
        if not smallest.excludes_winner:
            assert engine_winner(changed) == smallest.new_winner
    assume(all(rival.complete for rival in analysis.rivals))
    for rival in analysis.rivals:  # each rival's route is real, and no smaller set puts that rival first
        route = rival.route
        if route is not None:
            assert engine_winner(with_changes(data, route.changes)) == rival.rival
        limit = min(BRUTE_FORCE_STEPS, route.steps - 1 if route else BRUTE_FORCE_STEPS)
        for changes in brute_force(data, rival.rival, winner, limit, keep_winner_in=True):
            assert engine_winner(with_changes(data, changes)) != rival.rival
    if data.scheme.price_method != PriceMethod.PRICE_PER_QUALITY_POINT or data.scheme.price_criterion is None:
        # Overall: no smaller set of changes to one rival's and the winner's marks gives another winner. (With price
        # per quality point, raising one bid's quality can move a third bid's price points: see winner_margin.)
        limit = min(BRUTE_FORCE_STEPS, smallest.steps - 1 if smallest else BRUTE_FORCE_STEPS)
        for rival in analysis.rivals:
            for changes in brute_force(data, rival.rival, winner, limit, keep_winner_in=False):
                assert engine_winner(with_changes(data, changes)) in (winner, None)  # None: first place shared


@settings(max_examples=150, deadline=None)
@given(evaluations())
def test_a_bid_that_failed_a_pass_or_fail_question_is_never_ranked_or_the_winner(data):
    """Whatever exclusion rule is published, a failed gate means the tender is not evaluated further (s.19(2)(a))."""
    result = evaluate(data)
    for bid in result.bids:
        if bid.failed_gates:
            assert bid.excluded and bid.rank is None and bid.total is None
            assert result.winner != bid.key
