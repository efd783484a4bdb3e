"""Properties that hold for any facts: a lawful route is always suitable, direct award never without a ground,
ranks are a permutation with suitable routes first, and competing costs more (never less) with more bidders."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from trellis.routes.domain import (
    DEFAULT_COST_ASSUMPTIONS,
    DIRECT_AWARD_JUSTIFICATIONS,
    Facts,
    Route,
    advise,
    competing_cost,
    cost_of_competing,
)
from trellis.routes.domain.context import build_context
from trellis.routes.domain.costs import PROCESSES, ROUTE_PROCESS
from trellis.routes.domain.notices import notices_for, standstill_for
from trellis.routes.domain.timeline import build_timeline


@st.composite
def facts(draw, justification=None):
    capable = draw(st.integers(0, 60))
    authority = draw(st.sampled_from(["sub_central", "central"]))
    earliest = date(2020, 1, 1) if authority == "central" else date(2015, 1, 1)
    data = {
        "purpose": draw(st.sampled_from(["buy_service", "fund_own_activity", "community_led_small_grants"])),
        "estimated_value_gbp": draw(
            st.decimals(
                min_value=0, max_value=Decimal("9999999999.99"), places=2, allow_nan=False, allow_infinity=False
            )
        ),
        "duration_months": draw(st.integers(1, 240)),
        "service_category": draw(st.sampled_from(["light_touch", "health_care", "goods_services", "works"])),
        "authority_class": authority,
        "procurement_start": draw(st.dates(min_value=earliest, max_value=date(2100, 12, 31))).isoformat(),
        "capable_providers": capable,
        "capable_small_or_local": draw(st.integers(0, capable)),
        "incumbent_scenario": draw(st.integers(0, 7)),
        "needs_codesign": draw(st.booleans()),
        "innovation": draw(st.booleans()),
        "cross_authority": draw(st.sampled_from(["none", "lead_authority", "framework_access"])),
        "existing_framework": draw(st.booleans()),
        "urgency": draw(st.sampled_from(["normal", "urgent", "extreme"])),
        "risk": draw(st.sampled_from(["low", "medium", "high"])),
        "direct_award_justification": justification
        if justification is not None
        else draw(st.sampled_from(["", *DIRECT_AWARD_JUSTIFICATIONS])),
    }
    return Facts.from_dict(data)


LAWFUL_WITHOUT_PROCUREMENT = {"grant_one_off", "grant_programme", "grant_three_year", "participatory_grant_round"}


@settings(max_examples=300, deadline=None)
@given(facts())
def test_there_is_always_a_suitable_lawful_route(f):
    advice = advise(f)
    best = advice.options[0]
    assert best.suitable
    assert advice.recommended == best.route
    if f.is_grant_purpose:
        assert best.route in LAWFUL_WITHOUT_PROCUREMENT
    else:
        assert best.route not in LAWFUL_WITHOUT_PROCUREMENT


@settings(max_examples=200, deadline=None)
@given(facts(justification=""))
def test_direct_award_is_never_suitable_without_a_justification(f):
    assert advise(f).option(Route.DIRECT_AWARD).suitable is False


@settings(max_examples=200, deadline=None)
@given(facts())
def test_ranks_are_a_permutation_with_suitable_routes_first(f):
    options = advise(f).options
    assert sorted(o.rank for o in options) == list(range(1, len(Route) + 1))
    assert [o.rank for o in options] == list(range(1, len(Route) + 1))
    first_unsuitable = next((o.rank for o in options if not o.suitable), len(options) + 1)
    assert all(o.suitable for o in options if o.rank < first_unsuitable)
    assert not any(o.suitable for o in options if o.rank > first_unsuitable)


@settings(max_examples=200, deadline=None)
@given(facts())
def test_advice_is_json_ready_and_the_timeline_runs_forward(f):
    advice = advise(f)
    data = advice.to_dict()
    assert data["recommended"] == data["options"][0]["route"]
    days = [(s.starts, s.ends) for s in advice.timeline]
    assert days[0][0] == f.procurement_start
    for (start, end), (next_start, _) in pairwise(days):
        assert start <= end
        assert next_start >= start


@given(
    process=st.sampled_from(PROCESSES),
    bids=st.integers(0, 200),
    more=st.integers(0, 50),
    small_share=st.decimals(min_value=0, max_value=1, places=3),
    value=st.decimals(min_value=1, max_value=10**9, places=2),
)
def test_the_cost_of_competing_grows_with_the_number_of_bidders(process, bids, more, small_share, value):
    def cost(n):
        return competing_cost(
            process=process,
            bids=n,
            small_share=small_share,
            value_gbp=value,
            assumptions=DEFAULT_COST_ASSUMPTIONS,
            route=Route.OPEN_PROCEDURE,
        )

    fewer, many = cost(bids), cost(bids + more)
    assert many.total_gbp >= fewer.total_gbp
    assert many.authority_gbp >= fewer.authority_gbp
    assert many.market_gbp >= fewer.market_gbp


@settings(max_examples=200, deadline=None)
@given(f=facts(), extra=st.integers(1, 40))
def test_more_capable_providers_never_make_competing_cheaper(f, extra):
    # keep the share of small or local providers, grow the market
    data = f.to_dict()
    if data["capable_providers"] == 0:
        return  # an unknown market is estimated differently
    scale = 1 + extra
    bigger = Facts.from_dict(
        data
        | {
            "capable_providers": data["capable_providers"] * scale,
            "capable_small_or_local": data["capable_small_or_local"] * scale,
        }
    )
    for route, process in ROUTE_PROCESS.items():
        if process is None:
            continue
        before = cost_of_competing(route, f, DEFAULT_COST_ASSUMPTIONS)
        after = cost_of_competing(route, bigger, DEFAULT_COST_ASSUMPTIONS)
        assert after.total_gbp >= before.total_gbp, route


@settings(max_examples=300, deadline=None)
@given(facts())
def test_every_route_s_timeline_names_only_notices_its_notice_list_gives(f):
    """The timeline and the notices read the same regime rows: no stage names a notice the list leaves out, and a
    standstill stage appears exactly when the standstill is required."""
    ctx = build_context(f)
    for route in Route:
        codes = {n.code for n in notices_for(route, ctx)}
        timeline = build_timeline(route, ctx)
        for stage in timeline:
            named = set(re.findall(r"\b(?:UK\d+|PSR-[A-Z]+|PCR-[A-Z]+)\b", stage.stage))
            assert named <= codes, (route, stage.stage, codes)
        has_standstill = any(s.stage.startswith("Standstill") for s in timeline)
        assert has_standstill == standstill_for(route, ctx).required, route


@settings(max_examples=300, deadline=None)
@given(facts())
def test_the_recommended_route_is_never_one_the_advisor_blocks(f):
    advice = advise(f)
    best = advice.options[0]
    assert best.suitable and not any(r.blocking for r in best.reasons)
    assert all(any(r.blocking for r in o.reasons) for o in advice.options if not o.suitable)
