"""Evaluation engine benchmark: 200 bids × 40 criteria × 8 evaluators, with what it would take to change the winner.

    .venv/bin/python benchmarks/evaluation.py [--bids 200] [--criteria 40] [--evaluators 8]

It needs no database. It builds a seeded evaluation the size of a large framework tender (2 pass or fail gates, a
price criterion weighted 30 and the rest quality criteria on every published scale, each evaluator marking every bid
independently, some marks moderated to a consensus, minimum marks on a few criteria) and times ``evaluate()``: the
checks, marks used and their spread, weighted totals, exclusions, price points, ranking, abnormally low flags, and
the fewest changes of marks that would change the winner (``winner_margin``, exact).

Machines are noisy, so it times a straightforward pure-Python reference of the same rules in the same run, the two
taking turns to go first, and reports both medians and their ratio. It checks that both give the same winner and
ranks, and that the reported smallest change of marks is real: the reference, given those marks, ranks another bid
first (or excludes the winner). It is a report: it exits 0 whatever the timings, and 1 only if a check fails.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from trellis.evaluation.domain import (  # noqa: E402
    BidInput,
    CriterionSpec,
    EvaluationInput,
    EvaluationResult,
    Exclusion,
    PriceMethod,
    Scheme,
    TieBreak,
    evaluate,
)
from trellis.evaluation.domain.scheme import check_input, mark_rule  # noqa: E402
from trellis.opportunities.domain.criteria import Scale  # noqa: E402

TARGET_MS = 200.0
QUALITY_SCALES = [Scale.ZERO_FOUR, Scale.ZERO_FIVE, Scale.ZERO_TEN, Scale.ZERO_HUNDRED, Scale.MET_EXCEEDED]
SECTIONS = ["Delivery", "Outcomes", "Local connectedness", "Social value", "Safeguarding and quality"]


# Data ------------------------------------------------------------------------------------------------------------


def build(n_bids: int, n_criteria: int, n_evaluators: int, seed: int) -> EvaluationInput:
    """A seeded evaluation: two gates, one price criterion weighted 30, the rest quality criteria sharing 70."""
    rng = random.Random(seed)
    n_quality = n_criteria - 3
    cents = [rng.randint(50, 150) for _ in range(n_quality)]  # weights in hundredths, scaled to total exactly 70.00
    scaled = [c * 7000 // sum(cents) for c in cents]
    scaled[0] += 7000 - sum(scaled)
    criteria = [
        CriterionSpec("gate_insurance", "Insurance in place", "Compliance", Decimal(0), Scale.PASS_FAIL),
        CriterionSpec("gate_safeguarding", "Safeguarding policy", "Compliance", Decimal(0), Scale.PASS_FAIL),
    ]
    for i in range(n_quality):
        scale = QUALITY_SCALES[i % len(QUALITY_SCALES)]
        minimum = Decimal(1) if i % 9 == 0 and scale != Scale.MET_EXCEEDED else None
        criteria.append(
            CriterionSpec(
                f"q{i:02d}",
                f"Question {i + 1}",
                SECTIONS[i % len(SECTIONS)],
                Decimal(scaled[i]) / 100,
                scale,
                min_mark=minimum,
            )
        )
    criteria.append(CriterionSpec("price", "Price", "Price", Decimal(30), Scale.ZERO_HUNDRED, is_price=True))
    scheme = Scheme(
        criteria=tuple(criteria),
        price_method=PriceMethod.RELATIVE_TO_LOWEST,
        exclusion=Exclusion.EXCLUDE,
        tie_break=TieBreak.HIGHEST_QUALITY,
    )
    bids = []
    strength = {}
    for b in range(n_bids):
        key = f"Provider {b + 1:03d}"
        strength[key] = rng.betavariate(5, 3)
        price = Decimal(round(rng.lognormvariate(13.1, 0.25)))  # around £500,000
        full_cost = price * Decimal(rng.choice(["0.9", "1.0", "1.05"])) if b % 4 == 0 else None
        bids.append(BidInput(key, price, full_cost))
    marks: dict[str, dict[str, dict[str, Decimal]]] = {}
    for e in range(n_evaluators):
        harshness = rng.gauss(0, 0.05)
        per_bid = {}
        for bid in bids:
            row = {}
            for c in criteria:
                if c.is_price:
                    continue
                allowed = sorted(mark_rule(c.scale).allowed)
                if c.is_gate:
                    row[c.key] = Decimal(0) if rng.random() < 0.01 else Decimal(1)
                    continue
                target = (strength[bid.key] + harshness + rng.gauss(0, 0.12)) * float(c.max_mark)
                row[c.key] = min(allowed, key=lambda v, t=target: abs(float(v) - t))
            per_bid[bid.key] = row
        marks[f"Evaluator {e + 1}"] = per_bid
    consensus: dict[str, dict[str, Decimal]] = {}
    for bid in bids:
        for c in criteria:
            if c.is_quality and rng.random() < 0.1:
                values = sorted(marks[ev][bid.key][c.key] for ev in marks)
                consensus.setdefault(bid.key, {})[c.key] = values[len(values) // 2]
    return EvaluationInput(scheme=scheme, bids=tuple(bids), marks=marks, consensus=consensus)


# Reference: the same rules in plain Python loops -----------------------------------------------------------------


def reference(data: EvaluationInput) -> dict:
    check_input(data)  # the engine checks its input too
    scheme = data.scheme
    marked = scheme.marked_criteria
    keys = [b.key for b in data.bids]
    used: dict[tuple[str, str], float] = {}
    for bid in keys:
        agreed = data.consensus.get(bid, {})
        for c in marked:
            if c.key in agreed:
                used[bid, c.key] = float(agreed[c.key])
            else:
                given = [float(per_bid[bid][c.key]) for per_bid in data.marks.values() if c.key in per_bid.get(bid, {})]
                used[bid, c.key] = sum(given) / len(given)
    scored = scheme.scored_criteria
    weights = [float(c.weight) for c in scored]
    failing = {
        bid: any(used[bid, c.key] < 1 for c in marked if c.is_gate)
        or any(used[bid, c.key] < float(c.min_mark) for c in marked if c.min_mark is not None)
        for bid in keys
    }
    compared = [bid for bid in keys if not failing[bid]]
    price = {b.key: float(b.price) for b in data.bids if b.price is not None}
    lowest = min(price[bid] for bid in compared)
    units = {
        bid: [lowest / price[bid] if c.is_price else used[bid, c.key] / float(c.max_mark) for c in scored]
        for bid in compared
    }
    is_quality = [not c.is_price for c in scored]
    top = scored.index(scheme.top_quality_criterion)

    def totals(ws: list[float]) -> tuple[dict[str, float], dict[str, float]]:
        total, quality = {}, {}
        for bid in compared:
            q = t = 0.0
            for i, u in enumerate(units[bid]):
                points = ws[i] * u
                t += points
                if is_quality[i]:
                    q += points
            total[bid], quality[bid] = t, q
        return total, quality

    total, quality = totals(weights)

    def key(bid: str) -> tuple[float, float, float]:
        return (-round(total[bid], 9), -round(quality[bid], 9), -round(units[bid][top] * weights[top], 9))

    order = sorted(compared, key=key)
    ranks: dict[str, int | None] = dict.fromkeys(keys)
    for position, bid in enumerate(order):
        same = position and key(order[position - 1]) == key(bid)
        ranks[bid] = ranks[order[position - 1]] if same else position + 1
    winner = order[0]

    return {"winner": winner, "ranks": ranks}


# Comparing and reporting -----------------------------------------------------------------------------------------


def summary(result: EvaluationResult) -> dict:
    return {"winner": result.winner, "ranks": result.ranking, "smallest": result.change_the_winner.smallest}


def disagreements(data: EvaluationInput, engine: dict, ref: dict) -> list[str]:
    problems = []
    if engine["winner"] != ref["winner"]:
        problems.append(f"winner: engine {engine['winner']}, reference {ref['winner']}")
    differing = [k for k in ref["ranks"] if engine["ranks"].get(k) != ref["ranks"][k]]
    if differing or set(engine["ranks"]) != set(ref["ranks"]):
        problems.append(f"ranks differ for {len(differing)} bids, e.g. {differing[:3]}")
    smallest = engine["smallest"]
    if smallest is not None:
        consensus = {bid: dict(row) for bid, row in data.consensus.items()}
        for c in smallest.changes:
            consensus.setdefault(c.bid, {})[c.criterion] = Decimal(str(c.after)).normalize()
        again = reference(replace(data, consensus=consensus))
        if again["winner"] == engine["winner"]:
            problems.append(f"the smallest change of marks does not change the winner in the reference: {smallest}")
    return problems


def phases(data: EvaluationInput, repeats: int, n_marks: int) -> dict[str, float]:
    """Median milliseconds of each step of ``evaluate()``, run one by one."""
    from trellis.evaluation.domain.marks import aggregate
    from trellis.evaluation.domain.totals import abnormally_low, rank, score
    from trellis.evaluation.domain.winner_margin import change_the_winner

    times: dict[str, list[float]] = {}
    for _ in range(repeats):
        steps = {}
        _, steps[f"checks (scheme, bids, {n_marks:,} marks)"] = timed(check_input, data)
        table, steps["marks used, spread, divergence"] = timed(aggregate, data)
        started = time.perf_counter()
        totals = score(data, table)
        ranks = rank(data, table, totals)
        abnormally_low(data.bids, [not x for x in totals.excluded])
        steps["points, exclusions, prices, ranks, flags"] = (time.perf_counter() - started) * 1000
        _, steps["what would change the winner (exact)"] = timed(change_the_winner, data, ranks)
        _, whole = timed(evaluate, data)
        steps["the rest: building the result (lines, divergences)"] = whole - sum(steps.values())
        steps["evaluate() on its own, for comparison"] = whole
        for name, ms in steps.items():
            times.setdefault(name, []).append(ms)
    return {name: statistics.median(ms) for name, ms in times.items()}


def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, (time.perf_counter() - started) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bids", type=int, default=200)
    parser.add_argument("--criteria", type=int, default=40, help="including 2 gates and the price (at least 4)")
    parser.add_argument("--evaluators", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each (default 5)")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    if args.criteria < 4 or args.bids < 2 or args.evaluators < 1 or args.repeats < 1:
        parser.error("give at least 2 bids, 4 criteria, 1 evaluator and 1 repeat")

    print(f"Evaluation benchmark — {os.cpu_count()} CPUs, numpy {np.__version__}")
    data, build_ms = timed(build, args.bids, args.criteria, args.evaluators, args.seed)
    n_marks = sum(len(row) for per_bid in data.marks.values() for row in per_bid.values())
    print(
        f"  {args.bids} bids × {args.criteria} criteria × {args.evaluators} evaluators = {n_marks:,} marks, "
        f"{sum(len(r) for r in data.consensus.values()):,} consensus marks (built in {build_ms:.0f} ms)"
    )
    print("  with the fewest changes of marks that would change the winner\n")

    evaluate(data)  # warm up (imports, caches)
    engine_ms, reference_ms = [], []
    engine_out = reference_out = None
    for r in range(args.repeats):
        runs = [("engine", engine_ms), ("reference", reference_ms)]
        for name, times in runs if r % 2 == 0 else runs[::-1]:
            if name == "engine":
                result, ms = timed(evaluate, data)
                engine_out = summary(result)
            else:
                reference_out, ms = timed(reference, data)
            times.append(ms)
            print(f"  run {r + 1}: {name:<9} {ms:9.1f} ms", flush=True)
    assert engine_out is not None and reference_out is not None

    engine_median = statistics.median(engine_ms)
    reference_median = statistics.median(reference_ms)
    print()
    print(f"{'':<34}{'median':>10}{'min':>10}{'max':>10}")
    print(f"{'evaluate() (numpy engine)':<34}{engine_median:>8.1f}ms{min(engine_ms):>8.1f}ms{max(engine_ms):>8.1f}ms")
    print(
        f"{'pure-Python reference':<34}{reference_median:>8.1f}ms{min(reference_ms):>8.1f}ms{max(reference_ms):>8.1f}ms"
    )
    print()
    verdict = "PASS" if engine_median < TARGET_MS else "SLOW"
    print(
        f"{verdict}  evaluate() median {engine_median:.1f} ms (target under {TARGET_MS:.0f} ms; a report, not a test)"
    )
    print(f"      the reference takes {reference_median / engine_median:.1f}× as long")

    print("\nWhere the time goes (each step run on its own, then the whole; median ms):")
    steps = phases(data, args.repeats, n_marks)
    for name, ms in steps.items():
        print(f"  {name:<52}{ms:>8.1f}")
    print()

    problems = disagreements(data, engine_out, reference_out)
    if problems:
        print("FAIL  the engine and the reference disagree:")
        for p in problems:
            print("   ", p)
        return 1
    print(f"CHECK both give winner {engine_out['winner']} and the same ranks for all {len(engine_out['ranks'])} bids")
    smallest = engine_out["smallest"]
    if smallest is not None:
        print(
            f"      and the smallest change of marks ({smallest.steps} steps) changes the winner in the reference too"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
