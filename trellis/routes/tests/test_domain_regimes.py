"""The regime table: each regime's and process's notices, time limits and standstill, for needs of our own, each
case with the provision that decides it. The timeline and the notices read the same rows (see the properties)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from trellis.routes.domain import Facts, Route
from trellis.routes.domain.context import build_context
from trellis.routes.domain.notices import notices_for, standstill_for, time_limits_for
from trellis.routes.domain.regimes import PSR_PROCESSES, Process, process_for, read_regime_rules, regime_rules
from trellis.routes.domain.timeline import build_timeline
from trellis.routes.tests.helpers import facts


@dataclass(frozen=True)
class Case:
    name: str
    route: Route
    given: dict
    process: Process
    required: tuple[str, ...]  # the required notices, in order
    standstill: str  # "8 working", "10 calendar" or "none"
    source: str  # the provision that decides the case
    absent: tuple[str, ...] = ()
    limits: dict = field(default_factory=dict)  # code -> days (None: no statutory minimum)


CASES = [
    Case(
        "A £300,000 IT support contract for a district council, open procedure, 2026",
        Route.OPEN_PROCEDURE,
        facts(service_category="goods_services", estimated_value_gbp=300000, needs_codesign=False),
        Process.COMPETITIVE,
        ("UK4", "UK6", "UK7", "UK11"),
        "8 working",
        "Procurement Act 2023 ss.21, 50, 51, 53, 54(4), 80",
        limits={"tendering_period": 25, "tendering_period_uk3": 10},
    ),
    Case(
        "A £900,000 supported living service: light touch, so no standstill and no minimum tendering period",
        Route.LIGHT_TOUCH_FLEXIBLE,
        facts(estimated_value_gbp=900000),
        Process.COMPETITIVE,
        ("UK4", "UK6", "UK7", "UK11"),
        "none",
        "Procurement Act 2023 s.51(3)(f); s.54(3) and (4) tables, first rows",
        absent=("UK3",),
        limits={"tendering_period_light_touch": None},
    ),
    Case(
        "A £700,000 care package a person has chosen: user choice, no transparency, award or details notice",
        Route.DIRECT_AWARD,
        facts(
            estimated_value_gbp=700000,
            direct_award_justification="user_choice",
            capable_providers=1,
            capable_small_or_local=1,
        ),
        Process.DIRECT,
        (),
        "none",
        "Procurement Act 2023 s.44(3), s.50(6)(b), s.53(6)(b); Schedule 5 paragraph 15",
        absent=("UK5", "UK6", "UK7", "UK11"),
    ),
    Case(
        "£400,000 of emergency accommodation after a fire, direct award on extreme urgency",
        Route.DIRECT_AWARD,
        facts(
            service_category="goods_services",
            estimated_value_gbp=400000,
            urgency="extreme",
            direct_award_justification="extreme_urgency",
        ),
        Process.DIRECT,
        ("UK5", "UK6", "UK7", "UK11"),
        "none",
        "Procurement Act 2023 s.44(1); s.51(3)(a) with Schedule 5 paragraph 13",
    ),
    Case(
        "A £250,000 call-off from a regional framework for repairs",
        Route.FRAMEWORK_CALL_OFF,
        facts(service_category="goods_services", estimated_value_gbp=250000, existing_framework=True),
        Process.CALL_OFF,
        ("UK6", "UK7", "UK11"),
        "none",
        "Procurement Act 2023 s.51(3)(d)",
    ),
    Case(
        "A £50,000 advertised youth work contract below the threshold",
        Route.BELOW_THRESHOLD_ADVERTISED,
        facts(estimated_value_gbp=50000),
        Process.BELOW_ADVERTISED,
        ("BT", "UK7"),
        "none",
        "Procurement Act 2023 s.87(1) and (3)",
    ),
    Case(
        "A £250,000 cleaning contract whose procurement began in October 2024: PCR 2015 notices and standstill",
        Route.OPEN_PROCEDURE,
        facts(service_category="goods_services", estimated_value_gbp=250000, procurement_start="2024-10-01"),
        Process.COMPETITIVE,
        ("PCR-CN", "PCR-CF", "PCR-ADN", "PCR-CAN"),
        "10 calendar",
        "Public Contracts Regulations 2015 regs 27, 49, 50, 86, 87, 106",
        absent=("UK4", "UK6", "UK7"),
        limits={"tendering_period": 30},
    ),
    Case(
        "An £800,000 light touch contract begun in May 2023: the PCR standstill binds light touch contracts too",
        Route.LIGHT_TOUCH_FLEXIBLE,
        facts(estimated_value_gbp=800000, procurement_start="2023-05-01"),
        Process.COMPETITIVE,
        ("PCR-CN", "PCR-CF", "PCR-ADN", "PCR-CAN"),
        "10 calendar",
        "Public Contracts Regulations 2015 regs 74–76 within Part 2, so regs 85–87 apply; reg 76 time limits",
        limits={"tendering_period_light_touch": None},
    ),
    Case(
        "A sexual health service whose only capable provider is the current one: PSR direct award A",
        Route.PSR_PROCESS,
        facts(service_category="health_care", incumbent_scenario=2, capable_providers=1, capable_small_or_local=0),
        Process.PSR_DIRECT_A,
        ("PSR-AWARD",),
        "none",
        "PSR Regulations 2023 regs 6(3), 7(2) and 12(1)",
        absent=("PSR-ITA", "UK6"),
    ),
    Case(
        "A drug and alcohol service with three capable providers, one of them the current one: PSR direct award C",
        Route.PSR_PROCESS,
        facts(service_category="health_care", incumbent_scenario=1, capable_providers=3, capable_small_or_local=1),
        Process.PSR_DIRECT_C,
        ("PSR-ITA", "PSR-AWARD"),
        "8 working",
        "PSR Regulations 2023 regs 9(3), 9(10)–(11) and 12",
    ),
    Case(
        "A new health visiting service with four capable providers: the PSR competitive process",
        Route.PSR_PROCESS,
        facts(service_category="health_care", capable_providers=4, capable_small_or_local=2),
        Process.PSR_COMPETITIVE,
        ("PSR-CN", "PSR-ITA", "PSR-AWARD"),
        "8 working",
        "PSR Regulations 2023 regs 11(3), 11(16)–(17) and 12",
    ),
    Case(
        "A specialist stop-smoking service with one capable provider and no incumbent: most suitable provider",
        Route.PSR_PROCESS,
        facts(service_category="health_care", capable_providers=1, capable_small_or_local=1),
        Process.PSR_MOST_SUITABLE,
        ("PSR-MSP", "PSR-ITA", "PSR-AWARD"),
        "8 working",
        "PSR Regulations 2023 regs 10(5), 10(7), 10(14)–(15) and 12",
        limits={"msp_notice_period": 14},
    ),
    Case(
        "A health partnership agreement is chosen through a PSR process, with PSR notices",
        Route.PARTNERSHIP_AGREEMENT,
        facts(service_category="health_care", capable_providers=4, capable_small_or_local=2, needs_codesign=True),
        Process.PSR_COMPETITIVE,
        ("PSR-CN", "PSR-ITA", "PSR-AWARD"),
        "8 working",
        "Procurement Regulations 2024 reg 43; PSR Regulations 2023 reg 11",
        absent=("UK4", "UK6"),
    ),
]


def _standstill_text(route: Route, ctx) -> str:
    rule = standstill_for(route, ctx)
    if not rule.required:
        return "none"
    return f"{rule.working_days} working" if rule.working_days else f"{rule.calendar_days} calendar"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name[:60])
def test_each_regime_and_process(case: Case) -> None:
    ctx = build_context(Facts.from_dict(case.given))
    assert process_for(case.route, ctx)[1] == case.process, case.source
    notices = notices_for(case.route, ctx)
    assert tuple(n.code for n in notices if n.required) == case.required, case.source
    assert not set(case.absent) & {n.code for n in notices}, case.source
    assert _standstill_text(case.route, ctx) == case.standstill, case.source
    limits = {t.code: t.days for t in time_limits_for(case.route, ctx)}
    for code, days in case.limits.items():
        assert code in limits and limits[code] == days, (case.source, limits)
    # every notice, limit and standstill carries its source
    assert all(n.source for n in notices) and standstill_for(case.route, ctx).source


def test_the_pcr_standstill_in_the_timeline_is_ten_calendar_days():
    ctx = build_context(Facts.from_dict(CASES[6].given))
    stage = next(s for s in build_timeline(Route.OPEN_PROCEDURE, ctx) if s.stage.startswith("Standstill"))
    assert stage.stage == "Standstill (10 calendar days)"
    # reg 87(2): ends at midnight at the end of the 10th day after the award decision notices are sent
    assert (stage.ends - stage.starts).days + 1 == 10


def test_a_user_choice_timeline_skips_the_notices_the_act_removes():
    ctx = build_context(Facts.from_dict(CASES[2].given))
    stages = [s.stage for s in build_timeline(Route.DIRECT_AWARD, ctx)]
    assert not any("UK5" in s or "UK6" in s or "UK7" in s or s.startswith("Standstill") for s in stages)
    assert stages[-1] == "Contract starts"


def test_every_process_of_every_regime_ends_with_an_unconditional_standstill_row():
    pairs = {(r.regime, r.process) for r in regime_rules()}
    expected = {("PA2023", p) for p in ("competitive", "direct", "call_off", "below_advertised", "below_closed")}
    expected |= {("PCR2015", p) for p in ("competitive", "direct", "call_off", "below_advertised", "below_closed")}
    expected |= {("PSR", str(p)) for p in (*PSR_PROCESSES, Process.CALL_OFF)}
    assert pairs == expected
    for regime, process in pairs:
        standstills = [r for r in regime_rules() if (r.regime, r.process, r.kind) == (regime, process, "standstill")]
        assert standstills and standstills[-1].condition == (), (regime, process)


@pytest.mark.parametrize(
    ("line", "complaint"),
    [
        ("EU2004,competitive,notice,X1,A notice,,yes,,,,,a source", "unknown regime 'EU2004'"),
        ("PA2023,auction,notice,X1,A notice,,yes,,,,,a source", "unknown process 'auction'"),
        ("PA2023,competitive,notice,X1,A notice,,yes,,,,sunny,a source", "unknown condition 'sunny'"),
        ("PA2023,competitive,notice,X1,A notice,,yes,,,,,", "no source"),
        ("PA2023,competitive,notice,,A notice,,yes,,,,,a source", "a notice needs a code"),
        ("PA2023,competitive,standstill,,Standstill,,yes,,,,,a source", "a required standstill needs its days"),
        ("PA2023,competitive,time_limit,x,A limit,,maybe,3,calendar,,,a source", "required must be yes or no"),
        (
            "PA2023,competitive,time_limit,x,A limit,,yes,three,calendar,,,a source",
            "days 'three' is not a whole number",
        ),
    ],
)
def test_a_bad_regime_row_is_refused_with_its_reason(tmp_path, line, complaint):
    path = tmp_path / "rules.csv"
    header = "regime,process,kind,code,name,when,required,days,day_count,counts_from,condition,source\n"
    path.write_text(header + line + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=f"row 2: {complaint}"):
        read_regime_rules(path)
