"""The five boroughs' Appendix E scenarios: persuasive (2, 4), possible (1, 3, 5) or not (6, 7), with the
conditions named, and what that means for negotiating with the existing provider."""

from __future__ import annotations

import pytest

from trellis.routes.domain import Facts, Verdict, advise, assess_incumbent

BASE = {
    "purpose": "buy_service",
    "estimated_value_gbp": 180000,  # below the light touch threshold
    "duration_months": 60,
    "service_category": "light_touch",
    "authority_class": "sub_central",
    "procurement_start": "2026-04-01",
    "capable_providers": 5,
    "capable_small_or_local": 2,
}


@pytest.mark.parametrize(
    ("scenario", "verdict", "paragraph", "condition"),
    [
        (1, Verdict.POSSIBLE, "§7.2.6", "large volume or of particular strategic importance"),
        (2, Verdict.PERSUASIVE, "§7.2.5", "reduction in current revenue costs"),
        (3, Verdict.POSSIBLE, "§7.2.6", "large volume or of particular strategic importance"),
        (4, Verdict.PERSUASIVE, "§7.2.5", "standing and significance of the service and its existing quality"),
        (5, Verdict.POSSIBLE, "§7.2.6", "services are of good quality"),
        (6, Verdict.NOT_PERSUASIVE, "§7.2.7", "promise of future reductions"),
        (7, Verdict.NOT_PERSUASIVE, "§7.2.7", "Open-book accounting"),
    ],
)
def test_each_scenario_has_the_reports_verdict_and_conditions(scenario, verdict, paragraph, condition):
    assessment = assess_incumbent(scenario)
    assert assessment is not None
    assert assessment.verdict is verdict
    assert paragraph in assessment.source and "Appendix E" in assessment.source
    assert any(condition in c for c in assessment.conditions)
    if verdict is not Verdict.NOT_PERSUASIVE:
        # the business case and the law are always conditions
        assert any("business case" in c for c in assessment.conditions)
        assert any("Schedule 5" in c for c in assessment.conditions)
    assert assessment.to_dict()["verdict"] == str(verdict)


def test_no_incumbent_means_no_assessment():
    assert assess_incumbent(0) is None
    with pytest.raises(ValueError):
        assess_incumbent(8)


@pytest.mark.parametrize(
    ("scenario", "suitable"),
    [(0, False), (1, True), (2, True), (3, True), (4, True), (5, True), (6, False), (7, False)],
)
def test_negotiated_partnering_below_threshold_follows_the_verdict(scenario, suitable):
    advice = advise(Facts.from_dict({**BASE, "incumbent_scenario": scenario}))
    option = advice.option("negotiated_partnering")
    assert option.suitable is suitable
    assert (advice.to_dict()["incumbent"] is None) is (scenario == 0)


def test_persuasive_scenarios_rank_negotiation_first_below_threshold():
    for scenario in (2, 4):
        advice = advise(Facts.from_dict({**BASE, "incumbent_scenario": scenario}))
        assert advice.recommended == "negotiated_partnering"
        assert advice.incumbent.verdict is Verdict.PERSUASIVE


def test_possible_scenarios_are_suitable_but_ranked_below_an_advertised_opportunity():
    advice = advise(Facts.from_dict({**BASE, "incumbent_scenario": 5}))
    negotiated = advice.option("negotiated_partnering")
    advertised = advice.option("below_threshold_advertised")
    assert negotiated.suitable and advertised.suitable
    assert advertised.rank < negotiated.rank
    assert any(not r.for_ and "Only if those conditions" in r.text for r in negotiated.reasons)


def test_above_threshold_a_persuasive_case_still_needs_a_schedule_5_ground():
    facts = Facts.from_dict({**BASE, "estimated_value_gbp": 2_000_000, "incumbent_scenario": 2})
    option = advise(facts).option("negotiated_partnering")
    assert option.suitable is False
    assert any("Schedule 5" in r.text for r in option.reasons if not r.for_)
    # and the persuasive case counts towards a competitive partnering procedure instead
    flexible = advise(facts).option("light_touch_flexible")
    assert flexible.suitable
