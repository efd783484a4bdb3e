"""Properties of the full cost engine on generated budgets: overheads shared out exactly to the penny, every share
within a penny of its exact value, full cost never below direct cost, and scaling the inputs scales the outputs."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from trellis.bids.domain.fcr import CostInput, calculate

DRIVERS = ["headcount", "staff_time", "floor_area", "direct_expenditure"]
PENNY = Decimal("0.01")

money = st.integers(min_value=0, max_value=5_000_000_00).map(lambda p: Decimal(p) * PENNY)
measure = st.integers(min_value=0, max_value=200_000).map(lambda n: Decimal(n) / 1000)


@st.composite
def budgets(draw) -> dict:
    n = draw(st.integers(min_value=1, max_value=6))
    centres = []
    for i in range(n):
        drivers = {d: draw(measure) for d in DRIVERS[:3] if draw(st.booleans())}
        centres.append({"name": f"Project {i}", "direct_costs": draw(money), "drivers": drivers})
    costs = CostInput.from_dict({"cost_centres": centres})
    usable = [d for d in DRIVERS if costs.centres_total(d) > 0]
    overheads = []
    if usable:
        for j in range(draw(st.integers(min_value=0, max_value=6))):
            overheads.append({"name": f"Overhead {j}", "amount": draw(money), "driver": draw(st.sampled_from(usable))})
    totals = {}
    for d in usable:
        if draw(st.booleans()):
            totals[d] = costs.centres_total(d) + draw(measure)
    return {"cost_centres": centres, "overheads": overheads, "driver_totals": totals}


def exact_share(costs: CostInput, centre_index: int, line_index: int) -> Fraction:
    line = costs.overheads[line_index]
    value = costs.cost_centres[centre_index].driver_value(line.driver)
    return Fraction(line.amount) * Fraction(value) / Fraction(costs.driver_total(line.driver))


@settings(max_examples=300, deadline=None)
@given(budgets())
def test_each_overhead_is_shared_out_exactly_to_the_penny(data):
    costs = CostInput.from_dict(data)
    result = calculate(costs)
    for j, line in enumerate(result.overheads):
        shares = [c.overhead_lines[j].amount for c in result.cost_centres]
        assert all(s == s.quantize(PENNY) and s >= 0 for s in shares)
        assert sum(shares) + line.left_to_other_activities == line.amount
        assert line.allocated == sum(shares)
        for i, share in enumerate(shares):
            assert abs(Fraction(share) - exact_share(costs, i, j)) < Fraction(1, 100)
        if line.driver not in costs.driver_totals or costs.driver_totals[line.driver] == line.centres_driver_total:
            assert line.left_to_other_activities == 0
    assert result.overheads_allocated + result.left_to_other_activities == result.overheads_total


@settings(max_examples=300, deadline=None)
@given(budgets())
def test_full_cost_is_direct_cost_plus_overheads_and_never_less(data):
    result = calculate(data)
    for centre in result.cost_centres:
        assert centre.full_cost >= centre.direct_costs
        assert centre.full_cost == centre.direct_costs + centre.overheads_allocated
        assert centre.overheads_allocated == sum(s.amount for s in centre.overhead_lines)
        if centre.overhead_rate is not None:
            assert centre.overhead_rate >= 0
    assert result.full_cost == sum(c.full_cost for c in result.cost_centres)
    assert result.full_cost + result.left_to_other_activities == result.direct_costs + result.overheads_total


@settings(max_examples=200, deadline=None)
@given(budgets(), st.sampled_from([Decimal(2), Decimal(10), Decimal("0.5"), Decimal(1000)]))
def test_scaling_every_driver_changes_nothing(data, factor):
    scaled = {
        "cost_centres": [
            {**c, "drivers": {k: v * factor for k, v in c["drivers"].items()}} for c in data["cost_centres"]
        ],
        "overheads": data["overheads"],
        "driver_totals": {k: v * factor for k, v in data["driver_totals"].items()},
    }
    # direct expenditure is measured in money, so it scales with money, not with the other drivers
    if (
        any(o["driver"] == "direct_expenditure" for o in data["overheads"])
        or "direct_expenditure" in data["driver_totals"]
    ):
        return
    before, after = calculate(data).to_dict(), calculate(scaled).to_dict()
    assert after["cost_centres"] == before["cost_centres"]
    assert after["totals"] == before["totals"]
    for a, b in zip(after["overheads"], before["overheads"], strict=True):
        assert (a["allocated"], a["left_to_other_activities"]) == (b["allocated"], b["left_to_other_activities"])


@settings(max_examples=200, deadline=None)
@given(budgets(), st.integers(min_value=2, max_value=1000))
def test_scaling_all_money_scales_the_costs(data, k):
    """Multiplying every amount by k multiplies every share by k, to within the penny rounding of each side."""
    scaled = {
        "cost_centres": [{**c, "direct_costs": c["direct_costs"] * k} for c in data["cost_centres"]],
        "overheads": [{**o, "amount": o["amount"] * k} for o in data["overheads"]],
        "driver_totals": {d: (v * k if d == "direct_expenditure" else v) for d, v in data["driver_totals"].items()},
    }
    base, big = calculate(data), calculate(scaled)
    for small_c, big_c in zip(base.cost_centres, big.cost_centres, strict=True):
        assert big_c.direct_costs == small_c.direct_costs * k
        for small_s, big_s in zip(small_c.overhead_lines, big_c.overhead_lines, strict=True):
            # each side is within a penny of its exact share, and the exact shares scale by k
            assert abs(big_s.amount - small_s.amount * k) < PENNY * (k + 1)
        if small_c.overhead_rate is not None and small_c.direct_costs >= 100:
            tolerance = PENNY * (len(small_c.overhead_lines) * (k + 1)) / big_c.direct_costs
            assert abs(big_c.overhead_rate - small_c.overhead_rate) <= tolerance
    assert big.overheads_total == base.overheads_total * k
