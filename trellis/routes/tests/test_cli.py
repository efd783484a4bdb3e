"""`trellis route advise|threshold|standstill`: JSON and text output; bad input is a CommandError naming the
field, with nothing on stdout."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

FACTS = {
    "purpose": "buy_service",
    "estimated_value_gbp": 250000,
    "duration_months": 36,
    "service_category": "light_touch",
    "authority_class": "sub_central",
    "procurement_start": "2026-04-01",
    "capable_providers": 6,
    "capable_small_or_local": 4,
}


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("route", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args):
    out = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("route", *[str(a) for a in args], stdout=out, stderr=io.StringIO())
    assert out.getvalue() == ""
    return str(failure.value)


@pytest.fixture
def facts_file(tmp_path):
    def write(data, name="need.json"):
        path = tmp_path / name
        path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
        return path

    return write


def test_advise_json(facts_file):
    out, err = run("advise", "--facts", facts_file(FACTS), "--json")
    data = json.loads(out)
    assert err == ""
    assert data["regime"] == "PA2023"
    assert data["threshold"] == data["threshold"] | {
        "applied_gbp": 663540,
        "table_effective_from": "2026-01-01",
        "above": False,
    }
    assert data["notifiable_below_threshold"] is True
    assert data["recommended"] == "below_threshold_advertised"
    assert [o["rank"] for o in data["options"]] == list(range(1, 16))
    assert {"route", "suitable", "rank", "reasons"} <= set(data["options"][0])
    assert data["standstill"]["required"] is False
    assert data["cost_of_competing"] and data["timeline"]
    assert data["facts"] == FACTS | {
        "incumbent_scenario": 0,
        "needs_codesign": False,
        "innovation": False,
        "cross_authority": "none",
        "existing_framework": False,
        "urgency": "normal",
        "risk": "medium",
        "direct_award_justification": "",
        "service_types": [],
        "wards": [],
    }


def test_advise_text_summary(facts_file):
    out, _ = run("advise", "--facts", facts_file({**FACTS, "incumbent_scenario": 2}))
    assert "Regime: Procurement Act 2023 (PA2023)" in out
    assert "Recommended: Negotiated partnering with the existing provider" in out
    assert "Existing provider (Appendix E scenario 2): persuasive" in out
    assert "Draft timeline:" in out and "Compact checks:" in out


@pytest.mark.parametrize(
    ("content", "field", "message"),
    [
        ({**FACTS, "estimated_value_gbp": -1}, "estimated_value_gbp", "cannot be negative"),
        ({**FACTS, "service_category": "catering"}, "service_category", "not one of the choices"),
        ({**FACTS, "procurement_start": "2025-02-30"}, "procurement_start", "not a real date"),
        ({**FACTS, "favourite_colour": "green"}, "favourite_colour", "not a field the advisor knows"),
        ({k: v for k, v in FACTS.items() if k != "duration_months"}, "duration_months", "Enter the duration"),
        ("[1, 2, 3]", "facts", "must be an object"),
        ("{not json", "--facts", "is not valid JSON (line 1, column 2"),
    ],
)
def test_advise_bad_input_names_the_field(facts_file, content, field, message):
    error = run_failing("advise", "--facts", facts_file(content))
    assert field in error
    assert message in error


def test_advise_missing_and_unreadable_files(tmp_path):
    assert "--facts: there is no file at" in run_failing("advise", "--facts", tmp_path / "nope.json")
    binary = tmp_path / "need.json"
    binary.write_bytes(b"\xff\xfe\x00bad")
    assert "cannot be read as UTF-8 text" in run_failing("advise", "--facts", binary)


def test_threshold_json():
    out, _ = run(
        "threshold", "--type", "goods_services", "--authority", "sub_central", "--value", "207720",
        "--start", "2026-01-01", "--json",
    )  # fmt: skip
    data = json.loads(out)
    assert {
        k: data[k] for k in ("threshold_gbp", "above_threshold", "notifiable", "regime", "table_effective_from")
    } == {
        "threshold_gbp": 207720,
        "above_threshold": True,
        "notifiable": False,
        "regime": "PA2023",
        "table_effective_from": "2026-01-01",
    }
    assert data["below_threshold_tender_notice"] is False
    assert data["contract_details_notice"] is True
    assert "S.I. 2025/1200" in data["source"]


@pytest.mark.parametrize(
    ("authority", "value", "advertise", "notifiable", "tender_notice"),
    [
        ("sub_central", "29999.99", True, False, False),
        ("sub_central", "30000", True, True, True),
        ("sub_central", "30000", False, True, False),
        ("central", "11999.99", True, False, False),
        ("central", "12000", True, True, True),
    ],
)
def test_threshold_notifiable_and_below_threshold_tender_notice(authority, value, advertise, notifiable, tender_notice):
    args = ["threshold", "--type", "light_touch", "--authority", authority, "--value", value, "--start", "2026-04-01"]
    out, _ = run(*args, *(["--will-advertise"] if advertise else []), "--json")
    data = json.loads(out)
    assert data["notifiable"] is notifiable
    assert data["below_threshold_tender_notice"] is tender_notice
    assert data["contract_details_notice"] is notifiable


def test_threshold_text():
    out, _ = run("threshold", "--type", "works", "--authority", "central", "--value", "100", "--start", "2026-04-01")
    assert out.startswith("£100 is below the £5,193,000 threshold (PA2023, table from 1 January 2026).")


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--type", "catering", "--authority", "central", "--value", "1", "--start", "2026-01-01"], "--type"),
        (["--type", "works", "--authority", "parish", "--value", "1", "--start", "2026-01-01"], "--authority"),
        (["--type", "works", "--authority", "central", "--value", "-5", "--start", "2026-01-01"], "--value"),
        (["--type", "works", "--authority", "central", "--value", "lots", "--start", "2026-01-01"], "--value"),
        (["--type", "works", "--authority", "central", "--value", "1", "--start", "2026-02-30"], "--start"),
        (["--type", "goods_services", "--authority", "central", "--value", "1", "--start", "2019-01-01"], "--start"),
        (["--type", "works", "--authority", "central", "--value", "1"], "--start"),
    ],
)
def test_threshold_bad_input_names_the_option(args, field):
    assert field in run_failing("threshold", *args, "--json")


def test_standstill_json_over_christmas():
    out, _ = run("standstill", "--published", "2024-12-24", "--json")
    data = json.loads(out)
    assert data["working_days"] == 8
    # s.123: 2 January is a bank holiday in Scotland, so not a working day under the Act
    assert data["last_day"] == "2025-01-08"
    assert data["regime"] == "PA2023" and "s.123" in data["calendar_source"]


@pytest.mark.parametrize(
    ("regime", "published", "last_day"),
    [
        ("PSR", "2024-12-24", "2025-01-08"),  # reg 12: from the day after; 2 January is a working day in England
        ("PCR2015", "2025-06-11", "2025-06-23"),  # reg 87: the tenth day is a Saturday, so the next working day
    ],
)
def test_standstill_by_regime(regime, published, last_day):
    out, _ = run("standstill", "--published", published, "--regime", regime, "--json")
    assert json.loads(out)["last_day"] == last_day


def test_standstill_unknown_regime_is_refused():
    assert "--regime" in run_failing("standstill", "--published", "2025-06-11", "--regime", "EU2014", "--json")


def test_standstill_text_over_easter():
    out, _ = run("standstill", "--published", "2025-04-17")
    assert "ending on Wednesday 30 April 2025" in out


@pytest.mark.parametrize("published", ["2025-13-01", "yesterday", "0001-01-01"])
def test_standstill_bad_dates(published):
    assert "--published" in run_failing("standstill", "--published", published, "--json")
