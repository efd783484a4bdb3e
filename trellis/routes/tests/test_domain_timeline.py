"""Draft timelines: stage dates from the data table, the standstill in working days, TUPE and consultation
only when there is an existing provider, and grants shorter than tendering."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from trellis.routes.domain import Facts, Route, advise
from trellis.routes.domain.context import build_context
from trellis.routes.domain.timeline import ROUTE_PLAN, build_timeline, read_stage_table, stage_table

BASE = {
    "purpose": "buy_service",
    "estimated_value_gbp": 1_000_000,
    "duration_months": 36,
    "service_category": "goods_services",
    "authority_class": "sub_central",
    "procurement_start": "2026-04-01",
    "capable_providers": 8,
    "capable_small_or_local": 4,
}


def timeline(route, **changes):
    return build_timeline(Route(route), build_context(Facts.from_dict({**BASE, **changes})))


def test_open_procedure_timeline_worked_by_hand():
    stages = [(s.stage, s.starts, s.ends) for s in timeline("open_procedure")]
    assert stages == [
        ("Establish and win approval for the business case", date(2026, 4, 1), date(2026, 4, 28)),
        ("Preliminary market engagement (UK2) and specification", date(2026, 4, 29), date(2026, 6, 9)),
        ("Tender notice (UK4) and tendering period", date(2026, 6, 10), date(2026, 7, 14)),
        ("Evaluate tenders", date(2026, 7, 15), date(2026, 8, 4)),
        ("Assessment summaries and contract award notice (UK6)", date(2026, 8, 5), date(2026, 8, 11)),
        # UK6 published Tuesday 11 August: day one, then 12, 13, 14, 17, 18, 19, 20 August
        ("Standstill (8 working days)", date(2026, 8, 11), date(2026, 8, 20)),
        ("Sign the contract and publish the contract details notice (UK7)", date(2026, 8, 21), date(2026, 8, 27)),
        ("Mobilise the service", date(2026, 8, 28), date(2026, 9, 24)),
        ("Contract starts", date(2026, 9, 25), date(2026, 9, 25)),
    ]


def test_tendering_stage_is_at_least_the_statutory_minimum():
    stage = next(s for s in timeline("open_procedure") if s.stage.startswith("Tender notice"))
    assert stage.days >= 25


def test_standstill_over_christmas_in_a_timeline():
    # start so that the award notice lands on Tuesday 22 December 2026
    stages = timeline("open_procedure", procurement_start="2026-08-12")
    award = next(s for s in stages if s.stage.startswith("Assessment summaries"))
    standstill = next(s for s in stages if s.stage.startswith("Standstill"))
    assert award.ends == date(2026, 12, 22)
    # s.123: 22, 23, 24, 29, 30, 31 Dec (25 and 28 Dec bank holidays), 5 and 6 Jan (1 Jan everywhere, and
    # Monday 4 Jan in Scotland for the 2 January holiday falling on a Saturday)
    assert standstill.ends == date(2027, 1, 6)


def test_light_touch_contracts_have_no_standstill_stage():
    stages = timeline("light_touch_flexible", service_category="light_touch")
    assert not any(s.stage.startswith("Standstill") for s in stages)
    assert [s.stage for s in stages][3] == "Evaluate requests to participate and shortlist"


def test_an_existing_provider_adds_consultation_and_tupe():
    stages = [s.stage for s in timeline("open_procedure", incumbent_scenario=6)]
    assert stages[0].startswith("Consult the current provider") and "12 weeks" in stages[0]
    assert any("TUPE" in s for s in stages)
    plain = [s.stage for s in timeline("open_procedure")]
    assert not any("TUPE" in s or s.startswith("Consult") for s in plain)


def test_negotiated_partnering_is_shorter_than_tendering():
    below = {"estimated_value_gbp": 150000, "service_category": "light_touch", "incumbent_scenario": 2}
    negotiated = timeline("negotiated_partnering", **below)
    tendered = timeline("competitive_flexible", estimated_value_gbp=2_000_000, incumbent_scenario=2)
    assert negotiated[-1].ends < tendered[-1].ends
    # below the threshold there is no transparency notice or standstill
    assert not any("UK5" in s.stage or s.stage.startswith("Standstill") for s in negotiated)


def test_grants_are_shorter_than_tendering():
    grant = timeline("grant_three_year", purpose="fund_own_activity", estimated_value_gbp=90000)
    tender = timeline("open_procedure")
    assert grant[-1].stage == "Grant starts"
    assert grant[-1].ends < tender[-1].ends
    # 2 + 3 + 1 + 2 weeks = 56 days from 1 April: the grant starts on 27 May
    assert grant[-1].ends == date(2026, 5, 27)


def test_psr_standstill_starts_the_day_after_the_notice():
    stages = timeline("psr_process", service_category="health_care")
    notice = next(s for s in stages if s.stage.startswith("Decision and notice"))
    standstill = next(s for s in stages if s.stage.startswith("Standstill"))
    assert standstill.starts == date.fromordinal(notice.ends.toordinal() + 1)


def test_below_threshold_competitive_routes_use_the_below_threshold_plan():
    stages = [s.stage for s in timeline("open_procedure", estimated_value_gbp=100000)]
    assert stages[1].startswith("Advertise the opportunity")


def test_the_advice_timeline_is_for_the_recommended_route_and_ends_on_starts_on():
    advice = advise(Facts.from_dict(BASE))
    assert advice.recommended == "open_procedure"
    assert advice.timeline == timeline("open_procedure")
    data = advice.to_dict()
    assert data["starts_on"] == data["timeline"][-1]["ends"] == "2026-09-25"
    assert data["timeline"][0] == {
        "stage": "Establish and win approval for the business case",
        "starts": "2026-04-01",
        "ends": "2026-04-28",
        "weeks": 4.0,
        "days": 28,
        "source": data["timeline"][0]["source"],
    }


def test_every_route_has_a_plan_in_the_table_with_a_milestone_at_the_end():
    plans = {row.plan for row in stage_table()}
    for plan in set(ROUTE_PLAN.values()):
        assert plan in plans
        rows = sorted((r for r in stage_table() if r.plan == plan), key=lambda r: r.step)
        assert rows[-1].kind == "milestone"
        assert all(r.source for r in rows)
        assert all(r.weeks >= 0 for r in rows)


def test_a_bad_stage_row_is_rejected(tmp_path):
    path = tmp_path / "stages.csv"
    header = "plan,step,stage,weeks,kind,condition,regime,notices,source\n"
    for line, complaint in [
        ("open,1,Think,2,ponder,,,,x", "unknown kind"),
        ("open,1,Think,2,weeks,sunny,,,x", "unknown kind or condition"),
        ("open,1,Think,2,weeks,,EU2004,,x", "unknown regime 'EU2004'"),
        ("open,1,Think,-2,weeks,,,,x", "negative"),
    ]:
        path.write_text(header + line + "\n", encoding="utf-8")
        with pytest.raises(ValueError, match=complaint):
            read_stage_table(path)


def test_weeks_are_decimal_in_the_engine():
    assert all(isinstance(s.weeks, Decimal) for s in timeline("open_procedure"))
