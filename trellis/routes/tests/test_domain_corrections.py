"""The advice a procurement specialist found wrong, corrected at the rule that produced it.

Each test is a need of our own, with the answer the law gives and where it says so. Each failed before the fix.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from trellis.routes.domain import Facts, Route, advise
from trellis.routes.domain.compact import compact_checks
from trellis.routes.domain.context import build_context
from trellis.routes.domain.notices import notices_for
from trellis.routes.domain.subsidy import subsidy_control_for
from trellis.routes.domain.thresholds import threshold_check
from trellis.routes.tests.helpers import facts


def advice_for(**changes):
    return advise(Facts.from_dict(facts(**changes)))


def texts(option) -> str:
    return " ".join(r.text for r in option.reasons)


# Grant length: a short, defined activity is a one-off grant (Isle of Wight tier 3; the Compact's norm is for
# ongoing funding) ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("months", [1, 6, 12])
def test_a_short_activity_is_advised_a_one_off_grant_not_a_three_year_one(months):
    advice = advice_for(
        purpose="fund_own_activity",
        estimated_value_gbp=8000,
        duration_months=months,
        capable_providers=2,
        capable_small_or_local=2,
    )
    assert advice.recommended == Route.GRANT_ONE_OFF
    three_year = advice.option(Route.GRANT_THREE_YEAR)
    assert not three_year.suitable
    assert any(r.blocking and "defined activity" in r.text for r in three_year.reasons)
    # and the advisor's own Compact check agrees with its recommendation
    check = next(c for c in compact_checks(Route.GRANT_ONE_OFF, advice.facts) if c.check == "three_year_funding")
    assert check.ok


def test_a_short_activity_is_never_a_partnership_even_with_co_design_and_a_persuasive_incumbent():
    # found by the property "there is always a suitable lawful route" once the three-year grant was blocked
    advice = advice_for(
        purpose="fund_own_activity",
        estimated_value_gbp=5000,
        duration_months=1,
        capable_providers=0,
        capable_small_or_local=0,
        incumbent_scenario=2,
        needs_codesign=True,
    )
    assert advice.recommended == Route.GRANT_ONE_OFF
    partnership = advice.option(Route.PARTNERSHIP_AGREEMENT)
    assert not partnership.suitable and any(r.blocking and "too short" in r.text for r in partnership.reasons)


def test_an_ongoing_need_of_over_a_year_can_still_have_a_three_year_grant():
    advice = advice_for(
        purpose="fund_own_activity",
        estimated_value_gbp=90000,
        duration_months=36,
        capable_providers=1,
        capable_small_or_local=1,
    )
    assert advice.recommended == Route.GRANT_THREE_YEAR


# User choice (Schedule 5 paragraphs 15-17, s.44(3)) -----------------------------------------------------------


def test_a_care_package_the_person_chose_is_a_direct_award_not_a_tender():
    advice = advice_for(
        estimated_value_gbp=720000,
        duration_months=24,
        capable_providers=1,
        capable_small_or_local=1,
        direct_award_justification="user_choice",
    )
    assert advice.recommended == Route.DIRECT_AWARD
    for route in (Route.OPEN_PROCEDURE, Route.COMPETITIVE_FLEXIBLE, Route.LIGHT_TOUCH_FLEXIBLE):
        option = advice.option(route)
        assert not option.suitable and "best interests" in texts(option), route
    codes = {n.code for n in advice.notices}
    assert not {"UK5", "UK6", "UK7"} & codes
    # weeks, not the eight months of a tender
    assert (advice.starts_on - advice.facts.procurement_start).days < 120


# Below-threshold works: s.85(3) as amended by S.I. 2025/1200 ---------------------------------------------------


@pytest.mark.parametrize(
    ("authority", "start", "value", "allowed"),
    [
        ("sub_central", "2026-02-01", 250000, True),
        ("sub_central", "2026-02-01", 207719.99, False),
        ("sub_central", "2026-02-01", 207720, True),
        ("sub_central", "2025-06-01", 210000, False),  # as enacted: £213,477
        ("central", "2026-02-01", 140000, True),  # £135,018 from 2026
        ("central", "2025-06-01", 138000, False),  # as enacted: £138,760
    ],
)
def test_a_below_threshold_works_contract_may_have_a_selection_stage_from_the_s85_3_amount(
    authority, start, value, allowed
):
    check = threshold_check(
        category="works", authority_class=authority, value_gbp=value, procurement_start=date.fromisoformat(start)
    )
    assert not check.above_threshold
    assert check.works_selection_stage is allowed
    advice = advice_for(
        service_category="works", authority_class=authority, procurement_start=start, estimated_value_gbp=value
    )
    reasons = texts(advice.option(Route.BELOW_THRESHOLD_ADVERTISED))
    assert ("selection (pre-qualification) stage" in reasons) is allowed
    assert ("no separate pre-qualification" in reasons) is not allowed


def test_services_below_the_threshold_never_get_a_selection_stage():
    check = threshold_check(
        category="goods_services",
        authority_class="sub_central",
        value_gbp=200000,
        procurement_start=date.fromisoformat("2026-02-01"),
    )
    assert not check.works_selection_stage and check.works_selection_from_gbp is None


# Light touch: no minimum tendering period (s.54 tables); reservations (ss.32, 33) ---------------------------------


def test_a_light_touch_tender_is_not_said_to_need_25_days():
    advice = advice_for(needs_codesign=True)
    assert advice.recommended == Route.LIGHT_TOUCH_FLEXIBLE
    assert not any("25 days" in s.stage for s in advice.timeline)
    assert not any(t.days == 25 for t in advice.time_limits)
    assert any(t.days is None and "no minimum" in t.stage for t in advice.time_limits)


@pytest.mark.parametrize(("months", "offered"), [(60, True), (61, False), (84, False)])
def test_reservation_to_public_service_mutuals_only_for_five_years_or_less(months, offered):
    option = advice_for(duration_months=months).option(Route.LIGHT_TOUCH_FLEXIBLE)
    reasons = {r.text: r for r in option.reasons if "public service mutuals" in r.text}
    assert len(reasons) == 1
    reason = next(iter(reasons.values()))
    assert reason.for_ is offered
    assert "s.33" in reason.source


def test_reservation_to_supported_employment_providers_is_offered_for_any_competitive_flexible_contract():
    advice = advice_for(service_category="goods_services", estimated_value_gbp=400000, needs_codesign=True)
    reasons = advice.option(Route.COMPETITIVE_FLEXIBLE).reasons
    assert any("supported employment providers" in r.text and "30%" in r.text and "s.32" in r.source for r in reasons)


def test_a_pcr_light_touch_procurement_keeps_its_standstill_and_reserves_for_three_years_only():
    advice = advice_for(procurement_start="2024-09-01", duration_months=48)
    assert advice.standstill.required and advice.standstill.calendar_days == 10
    option = advice.option(Route.LIGHT_TOUCH_FLEXIBLE)
    mutuals = next(r for r in option.reasons if "public service mutuals" in r.text)
    assert not mutuals.for_ and "reg 77" in mutuals.source


# Health care: the mixed-procurement test, frameworks under the PSR, and light touch before the PSR -------------


def test_the_psr_advice_states_the_mixed_procurement_test():
    option = advice_for(service_category="health_care", capable_providers=3, capable_small_or_local=1).option(
        Route.PSR_PROCESS
    )
    assert any("main part by value" in r.text and "reg 3(3)" in r.source for r in option.reasons)


def test_a_framework_call_off_for_health_care_uses_psr_notices_and_is_demoted():
    given = facts(
        service_category="health_care", existing_framework=True, capable_providers=3, capable_small_or_local=1
    )
    ctx = build_context(Facts.from_dict(given))
    codes = [n.code for n in notices_for(Route.FRAMEWORK_CALL_OFF, ctx)]
    assert codes and all(c.startswith("PSR-") for c in codes)
    advice = advise(Facts.from_dict(given))
    call_off = advice.option(Route.FRAMEWORK_CALL_OFF)
    assert any("Procurement Act framework cannot be used" in r.text for r in call_off.reasons)
    assert advice.recommended == Route.PSR_PROCESS


def test_health_care_before_2024_could_use_the_pcr_light_touch_regime():
    advice = advice_for(service_category="health_care", procurement_start="2023-03-01", estimated_value_gbp=700000)
    assert advice.regime == "PCR2015"
    assert advice.option(Route.LIGHT_TOUCH_FLEXIBLE).suitable
    assert advice.check.threshold_gbp == Decimal("663540")


# VAT: PCR thresholds before 2022 were net of VAT (PPN 10/21) ------------------------------------------------------


@pytest.mark.parametrize(("value", "caveat"), [(200000, True), (300000, False), (150000, False)])
def test_a_net_of_vat_threshold_says_when_the_answer_turns_on_vat(value, caveat):
    check = threshold_check(
        category="goods_services",
        authority_class="sub_central",
        value_gbp=value,
        procurement_start=date.fromisoformat("2019-05-01"),
    )
    assert check.threshold_gbp == Decimal("181302") and not check.vat_included
    assert bool(check.vat_caveat) is caveat
    if caveat:
        assert "check with your legal team" in check.vat_caveat


def test_a_vat_inclusive_threshold_has_no_vat_caveat():
    check = threshold_check(
        category="goods_services",
        authority_class="sub_central",
        value_gbp=210000,
        procurement_start=date.fromisoformat("2026-02-01"),
    )
    assert check.vat_included and check.vat_caveat == ""


# Subsidy control for grants (Subsidy Control Act 2022 ss.2, 7, 33, 36, 37) ---------------------------------------


def _subsidy(**changes):
    return subsidy_control_for(build_context(Facts.from_dict(facts(**changes))))


def test_a_small_grant_gets_the_subsidy_test_and_the_mfa_route():
    points = _subsidy(purpose="fund_own_activity", estimated_value_gbp=20000)
    assert len(points) == 2
    assert "s.2" in points[0].source and "check with your" in points[0].text
    assert "£315,000" in points[1].text and "s.36" in points[1].source and "s.37" in points[1].source


def test_a_large_grant_is_over_the_mfa_limit_and_goes_on_the_database():
    points = _subsidy(purpose="fund_own_activity", estimated_value_gbp=400000)
    text = " ".join(p.text for p in points)
    assert "over the £315,000 limit" in text and "subsidy control principles" in text
    assert "subsidy database within 3 months" in text


def test_subsidy_control_is_in_the_advice_for_grants_and_not_for_contracts():
    grant = advice_for(purpose="fund_own_activity", estimated_value_gbp=120000).to_dict()
    assert grant["subsidy_control"] and all(p["source"] for p in grant["subsidy_control"])
    assert advice_for().to_dict()["subsidy_control"] == []


def test_a_grant_before_the_act_says_which_rules_applied():
    points = _subsidy(purpose="fund_own_activity", procurement_start="2022-06-01")
    assert len(points) == 1 and "4 January 2023" in points[0].text


@pytest.mark.parametrize(
    ("start", "said"), [("2019-05-01", "£181,302 excluding VAT"), ("2026-02-01", "£207,720 including VAT")]
)
def test_the_advice_page_says_whether_the_threshold_includes_vat(start, said):
    from django.template.loader import render_to_string

    from trellis.routes.views import presenters

    advice = advice_for(
        service_category="goods_services",
        estimated_value_gbp=200000,
        procurement_start=start,
        needs_codesign=False,
    ).to_dict()
    html = render_to_string("routes/includes/advice.html", {**presenters.advice_context(advice), "chart_url": "/c"})
    assert said in html


def test_a_grant_s_advice_says_the_threshold_does_not_apply():
    from django.template.loader import render_to_string

    from trellis.routes.views import presenters

    advice = advice_for(purpose="fund_own_activity", estimated_value_gbp=90000).to_dict()
    html = render_to_string("routes/includes/advice.html", {**presenters.advice_context(advice), "chart_url": "/c"})
    assert "Not applicable: a grant is not a procurement." in html
    assert "The estimated value is" not in html
