"""Each route's rules, the notices and standstill of the recommended route, and the shape of the advice."""

from __future__ import annotations

import json
import re

import pytest

from trellis.routes.domain import DIRECT_AWARD_JUSTIFICATIONS, ROUTES, Facts, Route, advise

BASE = {
    "purpose": "buy_service",
    "estimated_value_gbp": 1_000_000,
    "duration_months": 36,
    "service_category": "goods_services",
    "authority_class": "sub_central",
    "procurement_start": "2026-04-01",
    "capable_providers": 8,
    "capable_small_or_local": 3,
}
GRANTS = ("grant_one_off", "grant_programme", "grant_three_year", "participatory_grant_round")


def advice_for(**changes):
    return advise(Facts.from_dict({**BASE, **changes}))


def suitable(advice):
    return {o.route for o in advice.options if o.suitable}


def test_every_route_is_considered_once_with_a_title_and_summary():
    advice = advice_for()
    assert [o.route for o in advice.options] != []
    assert sorted(o.route for o in advice.options) == sorted(Route)
    for option in advice.options:
        assert option.title == ROUTES[option.route].title
        assert len(option.summary) > 80
        assert option.reasons, option.route
        assert all(r.source for r in option.reasons)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, "open_procedure"),
        ({"needs_codesign": True}, "competitive_flexible"),
        ({"service_category": "light_touch"}, "light_touch_flexible"),
        ({"existing_framework": True}, "framework_call_off"),
        ({"cross_authority": "framework_access"}, "framework_call_off"),
        ({"estimated_value_gbp": 20000}, "below_threshold_quotation"),
        ({"estimated_value_gbp": 150000}, "below_threshold_advertised"),
        ({"urgency": "extreme", "direct_award_justification": "extreme_urgency"}, "direct_award"),
        ({"service_category": "health_care"}, "psr_process"),
        ({"purpose": "fund_own_activity", "estimated_value_gbp": 90000}, "grant_three_year"),
        ({"purpose": "community_led_small_grants", "estimated_value_gbp": 50000}, "participatory_grant_round"),
        (
            {"service_category": "light_touch", "estimated_value_gbp": 300000, "incumbent_scenario": 4},
            "negotiated_partnering",
        ),
        ({"capable_providers": 0, "capable_small_or_local": 0, "estimated_value_gbp": 400000}, "open_procedure"),
    ],
)
def test_recommended_route(changes, expected):
    advice = advice_for(**changes)
    assert advice.recommended == expected
    assert advice.options[0].rank == 1 and advice.options[0].suitable


def test_grants_are_not_suitable_for_buying_a_service_and_say_why():
    advice = advice_for()
    for route in GRANTS:
        option = advice.option(route)
        assert option.suitable is False
        assert any("consideration" in r.text for r in option.reasons)


def test_procurement_routes_are_not_suitable_for_funding_own_activity():
    advice = advice_for(purpose="fund_own_activity", estimated_value_gbp=90000)
    assert advice.regime == "not_procurement"
    assert suitable(advice) == {"grant_one_off", "grant_programme", "grant_three_year"}
    assert advice.option("open_procedure").reasons[0].text.startswith("The money is to fund")
    data = advice.to_dict()
    assert data["notices"] == [] and data["standstill"]["required"] is False
    assert data["notifiable_below_threshold"] is False
    assert data["threshold"]["applies"] is False


def test_participatory_round_only_for_community_led_small_grants():
    assert advice_for(purpose="fund_own_activity").option("participatory_grant_round").suitable is False
    assert advice_for(purpose="community_led_small_grants").option("participatory_grant_round").suitable is True


@pytest.mark.parametrize(
    ("changes", "is_suitable"),
    [
        ({}, False),
        ({"direct_award_justification": "exclusive_rights"}, True),
        ({"direct_award_justification": "extreme_urgency"}, False),  # the facts do not say it is extreme
        ({"direct_award_justification": "extreme_urgency", "urgency": "urgent"}, False),
        ({"direct_award_justification": "extreme_urgency", "urgency": "extreme"}, True),
        ({"direct_award_justification": "user_choice"}, False),  # only light touch
        ({"direct_award_justification": "user_choice", "service_category": "light_touch"}, True),
        ({"direct_award_justification": "exclusive_rights", "service_category": "health_care"}, False),  # PSR
        ({"direct_award_justification": "exclusive_rights", "purpose": "fund_own_activity"}, False),
    ],
)
def test_direct_award_needs_a_named_ground_that_fits(changes, is_suitable):
    option = advice_for(**changes).option("direct_award")
    assert option.suitable is is_suitable
    if not is_suitable:
        assert any(not r.for_ for r in option.reasons)


def test_every_justification_cites_its_schedule_5_paragraph():
    for key, justification in DIRECT_AWARD_JUSTIFICATIONS.items():
        assert justification.key == key
        assert justification.citation.startswith("Procurement Act 2023 Schedule 5 paragraph ")
        assert justification.verified or "not verified" in justification.citation


def test_framework_call_off_only_with_a_framework():
    assert advice_for().option("framework_call_off").suitable is False
    assert advice_for(existing_framework=True).option("framework_call_off").suitable is True
    assert advice_for(cross_authority="framework_access").option("framework_call_off").suitable is True


@pytest.mark.parametrize(
    ("value", "above_routes", "below_routes"),
    [
        (207719.99, False, True),
        (207720, True, False),
    ],
)
def test_competitive_and_below_threshold_routes_switch_at_the_threshold(value, above_routes, below_routes):
    advice = advice_for(estimated_value_gbp=value)
    assert advice.option("open_procedure").suitable is above_routes
    assert advice.option("competitive_flexible").suitable is above_routes
    assert advice.option("below_threshold_quotation").suitable is below_routes
    assert advice.option("below_threshold_advertised").suitable is below_routes


def test_light_touch_procedure_only_for_light_touch_services():
    assert advice_for().option("light_touch_flexible").suitable is False
    assert advice_for(service_category="light_touch").option("light_touch_flexible").suitable is True
    assert (
        advice_for(service_category="light_touch", estimated_value_gbp=663539.99)
        .option("light_touch_flexible")
        .suitable
        is False
    )


def test_psr_replaces_the_act_for_health_care():
    advice = advice_for(service_category="health_care", incumbent_scenario=2)
    assert advice.regime == "PSR"
    assert advice.recommended == "psr_process"
    # the Act's procedures are not available; a partnership would be chosen through a PSR process
    assert suitable(advice) == {"psr_process", "in_house", "partnership_agreement"}
    assert advice.notices[0].code == "PSR-ITA"
    assert advice.standstill.required and advice.standstill.working_days == 8
    assert "day after" in advice.standstill.counts_from
    # before the PSR started, health care was light touch under the PCR
    old = advice_for(service_category="health_care", procurement_start="2023-06-01")
    assert old.regime == "PCR2015" and old.option("psr_process").suitable is False


@pytest.mark.parametrize(
    ("changes", "is_suitable"),
    [
        ({}, False),
        ({"needs_codesign": True}, True),
        ({"incumbent_scenario": 2}, True),
        ({"incumbent_scenario": 6}, False),
        ({"cross_authority": "lead_authority"}, True),
        ({"needs_codesign": True, "purpose": "community_led_small_grants"}, False),
    ],
)
def test_partnership_agreement_when_codesign_or_a_persuasive_incumbent_makes_it_worthwhile(changes, is_suitable):
    assert advice_for(**changes).option("partnership_agreement").suitable is is_suitable


def test_in_house_is_always_considered():
    assert advice_for().option("in_house").suitable is True
    assert advice_for(purpose="fund_own_activity").option("in_house").suitable is False
    tupe = advice_for(incumbent_scenario=1).option("in_house")
    assert any("TUPE" in r.text for r in tupe.reasons)


def test_notices_and_standstill_for_an_above_threshold_open_procedure():
    advice = advice_for(estimated_value_gbp=6_000_000)
    codes = [n.code for n in advice.notices]
    assert codes[:1] == ["UK1"]
    assert {"UK2", "UK3", "UK4", "UK6", "UK7", "UK9", "UK11", "UK12", "UK8"} <= set(codes)
    required = {n.code for n in advice.notices if n.required}
    assert required == {"UK4", "UK6", "UK7", "UK9", "UK11"}
    assert advice.standstill.required and advice.standstill.working_days == 8
    assert {t.days for t in advice.time_limits} >= {25, 10, 40, 30}


def test_light_touch_has_no_mandatory_standstill():
    advice = advice_for(service_category="light_touch")
    assert advice.recommended == "light_touch_flexible"
    assert advice.standstill.required is False
    assert "light touch" in advice.standstill.source


def test_direct_award_notices():
    advice = advice_for(urgency="extreme", direct_award_justification="extreme_urgency")
    assert [n.code for n in advice.notices][:3] == ["UK5", "UK6", "UK7"]
    user_choice = advice_for(
        service_category="light_touch",
        direct_award_justification="user_choice",
        capable_providers=1,
        capable_small_or_local=0,
    ).option("direct_award")
    # a user choice contract needs no transparency notice (s.44(3)), contract award notice (s.50(6)(b)) or
    # contract details notice (s.53(6)(b)), and so has no standstill
    assert not {"UK5", "UK6", "UK7"} & set(user_choice.notices)
    assert not user_choice.standstill_required


@pytest.mark.parametrize(
    ("value", "codes"),
    [(29999.99, []), (30000, ["BT", "UK7"])],
)
def test_below_threshold_notices_at_the_notifiable_line(value, codes):
    advice = advice_for(estimated_value_gbp=value, service_category="light_touch")
    option = advice.option("below_threshold_advertised")
    assert [c for c in option.notices if c != "LGTC"] == codes
    assert advice.to_dict()["notifiable_below_threshold"] is bool(codes)


def test_pcr_procurements_get_pcr_notices_and_a_ten_day_standstill():
    advice = advice_for(procurement_start="2024-06-01")
    assert advice.regime == "PCR2015"
    assert [n.code for n in advice.notices][:4] == ["PCR-CN", "PCR-CF", "PCR-ADN", "PCR-CAN"]
    assert not any(n.code.startswith("UK") for n in advice.notices)
    assert advice.standstill.required and advice.standstill.calendar_days == 10
    assert not any(re.search(r"\bUK\d", stage.stage) for stage in advice.timeline)


def test_ranks_are_a_permutation_with_suitable_routes_first():
    advice = advice_for(incumbent_scenario=2, needs_codesign=True)
    ranks = [o.rank for o in advice.options]
    assert ranks == list(range(1, len(Route) + 1))
    flags = [o.suitable for o in advice.options]
    assert flags == sorted(flags, reverse=True)
    assert advice.recommended == advice.options[0].route


def test_a_disproportionate_cost_counts_against_a_route():
    advice = advice_for(estimated_value_gbp=210000, capable_providers=30, capable_small_or_local=20)
    option = advice.option("open_procedure")
    cost = advice.cost("open_procedure")
    assert cost.disproportionate
    assert any("disproportionate" in r.text and not r.for_ for r in option.reasons)


def test_advice_to_dict_has_the_contract_keys_and_is_json():
    data = advice_for(incumbent_scenario=5).to_dict()
    for key in (
        "regime",
        "threshold",
        "notifiable_below_threshold",
        "notices",
        "time_limits",
        "standstill",
        "options",
        "recommended",
        "compact_checks",
        "timeline",
        "cost_of_competing",
        "incumbent",
        "facts",
    ):
        assert key in data
    assert set(data["threshold"]) >= {"applied_gbp", "table_effective_from", "above", "source"}
    assert set(data["standstill"]) >= {"required", "working_days", "source"}
    option = data["options"][0]
    assert set(option) >= {"route", "title", "suitable", "rank", "summary", "reasons"}
    assert set(option["reasons"][0]) == {"text", "for", "source"}
    assert set(data["notices"][0]) == {"code", "name", "when", "required", "source"}
    assert set(data["time_limits"][0]) == {"stage", "days", "source", "code"}
    assert set(data["timeline"][0]) >= {"stage", "starts", "ends", "weeks"}
    assert set(data["compact_checks"][0]) >= {"check", "text", "source"}
    cost = data["cost_of_competing"][0]
    assert set(cost) >= {
        "route",
        "authority_gbp",
        "market_gbp",
        "total_gbp",
        "share_of_value",
        "per_pound_awarded",
        "expected_bids",
        "disproportionate",
        "suitable",
    }
    assert set(data["incumbent"]) >= {"scenario", "verdict", "conditions", "source"}
    assert data["facts"] == Facts.from_dict({**BASE, "incumbent_scenario": 5}).to_dict()
    assert isinstance(data["threshold"]["applied_gbp"], int)
    assert json.loads(json.dumps(data)) == data


def test_money_in_json_has_at_most_two_decimal_places():
    data = advice_for(estimated_value_gbp=123456.78, capable_providers=7, capable_small_or_local=3).to_dict()
    for cost in data["cost_of_competing"]:
        for key in ("authority_gbp", "market_gbp", "total_gbp"):
            value = cost[key]
            assert isinstance(value, int | float)
            assert round(value, 2) == value


@pytest.mark.parametrize(("risk", "discussed"), [("high", True), ("medium", False), ("low", False)])
def test_a_light_touch_process_counts_room_to_discuss_high_risk_in_its_favour(risk, discussed):
    option = advice_for(service_category="light_touch", risk=risk).option("light_touch_flexible")
    reasons = [(r.text, r.for_) for r in option.reasons]
    assert (("High risk can be discussed with bidders and shared sensibly.", True) in reasons) is discussed
