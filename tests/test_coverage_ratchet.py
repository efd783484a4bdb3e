"""The coverage ratchet (scripts/coverage_ratchet.py): it fails when an app's figure falls or a domain module is below
100%, and --update only ever raises the baseline."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "coverage_ratchet", Path(__file__).resolve().parent.parent / "scripts" / "coverage_ratchet.py"
)
assert _spec is not None and _spec.loader is not None
ratchet = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = ratchet  # dataclasses look their module up there
_spec.loader.exec_module(ratchet)

DOMAIN = "trellis/core/domain/rules.py"


def summary(lines: tuple[int, int], branches: tuple[int, int]) -> dict:
    return {
        "summary": {
            "covered_lines": lines[0],
            "num_statements": lines[1],
            "covered_branches": branches[0],
            "num_branches": branches[1],
        }
    }


def write_report(tmp_path: Path, files: dict[str, dict], *, branch: bool = True) -> Path:
    path = tmp_path / "coverage.json"
    path.write_text(json.dumps({"meta": {"branch_coverage": branch}, "files": files}))
    return path


def run(tmp_path: Path, files: dict[str, dict], baseline: dict | None, *extra: str) -> tuple[int, dict | None]:
    report = write_report(tmp_path, files)
    baseline_path = tmp_path / "coverage-baseline.json"
    if baseline is not None:
        baseline_path.write_text(json.dumps(baseline))
    code = ratchet.main(["--report", str(report), "--baseline", str(baseline_path), *extra])
    return code, json.loads(baseline_path.read_text()) if baseline_path.exists() else None


#: core: 90 of 100 lines (90%), 15 of 20 branches (75%); its domain module fully covered.
CORE = {
    "trellis/core/services.py": summary((80, 90), (10, 15)),
    DOMAIN: summary((10, 10), (5, 5)),
    "trellis/core/tests/test_services.py": summary((0, 500), (0, 50)),  # tests are not counted
    "trellis/core/migrations/0001_initial.py": summary((0, 40), (0, 0)),  # nor migrations
}
AT_BASELINE = {"apps": {"core": {"lines": 90.0, "branches": 75.0}}, "domain_gaps": {}}


def test_the_figures_per_app_leave_out_tests_and_migrations(tmp_path):
    apps, modules = ratchet.read_report(write_report(tmp_path, CORE))
    assert apps["core"].as_baseline() == {"lines": 90.0, "branches": 75.0}
    assert set(modules) == {DOMAIN}


def test_percentages_are_rounded_down():
    assert ratchet._percent(2, 3) == 66.66
    assert ratchet._percent(0, 0) == 100.0


@pytest.mark.parametrize(
    ("lines", "branches", "passes"),
    [
        ((80, 90), (10, 15), True),  # as recorded
        ((81, 90), (11, 15), True),  # higher
        ((79, 90), (10, 15), False),  # a line fewer: 89.00% < 90%
        ((80, 90), (9, 15), False),  # a branch fewer: 70% < 75%
    ],
)
def test_an_app_may_not_fall_below_its_baseline(tmp_path, lines, branches, passes):
    files = {**CORE, "trellis/core/services.py": summary(lines, branches)}
    code, _ = run(tmp_path, files, AT_BASELINE)
    assert (code == 0) is passes


def test_a_wobble_within_the_tolerance_passes_and_a_larger_fall_does_not():
    apps = {"core": ratchet.Figures(9995, 10000, 1, 1)}  # 99.95%
    assert ratchet.check(apps, {}, {"apps": {"core": {"lines": 100.0, "branches": 100.0}}, "domain_gaps": {}}) == []
    apps = {"core": ratchet.Figures(9980, 10000, 1, 1)}  # 99.80%
    problems = ratchet.check(apps, {}, {"apps": {"core": {"lines": 100.0, "branches": 100.0}}, "domain_gaps": {}})
    assert problems == ["trellis.core: lines covered fell from 100.00% to 99.80%"]


def test_a_domain_module_below_100_percent_fails_even_when_the_app_is_above_its_baseline(tmp_path, capsys):
    files = {**CORE, DOMAIN: summary((10, 10), (4, 5)), "trellis/core/services.py": summary((90, 90), (15, 15))}
    code, _ = run(tmp_path, files, AT_BASELINE)
    assert code == 1
    assert f"{DOMAIN}: branches covered is 80.00%; a domain module must be at 100%" in capsys.readouterr().err


def test_a_recorded_gap_may_not_widen_and_closes_on_update(tmp_path):
    gap = {
        "apps": {"core": {"lines": 80.0, "branches": 60.0}},
        "domain_gaps": {DOMAIN: {"lines": 90.0, "branches": 80.0}},
    }
    assert run(tmp_path, {**CORE, DOMAIN: summary((9, 10), (4, 5))}, gap)[0] == 0
    assert run(tmp_path, {**CORE, DOMAIN: summary((8, 10), (4, 5))}, gap)[0] == 1
    code, baseline = run(tmp_path, CORE, gap, "--update")
    assert code == 0 and baseline is not None and baseline["domain_gaps"] == {}


def test_update_raises_figures_and_never_lowers_them(tmp_path):
    higher = {**AT_BASELINE, "apps": {"core": {"lines": 90.0, "branches": 74.95}}}
    code, baseline = run(
        tmp_path, {**CORE, "trellis/core/services.py": summary((85, 90), (10, 15))}, higher, "--update"
    )
    assert code == 0 and baseline == {"apps": {"core": {"lines": 95.0, "branches": 75.0}}, "domain_gaps": {}}


def test_update_refuses_to_record_a_fall(tmp_path):
    files = {**CORE, "trellis/core/services.py": summary((70, 90), (10, 15))}
    code, baseline = run(tmp_path, files, AT_BASELINE, "--update")
    assert code == 1 and baseline == AT_BASELINE


def test_a_new_app_must_be_recorded_and_update_records_it(tmp_path):
    files = {**CORE, "trellis/places/views.py": summary((3, 4), (1, 2))}
    assert run(tmp_path, files, AT_BASELINE)[0] == 1
    code, baseline = run(tmp_path, files, AT_BASELINE, "--update")
    assert code == 0 and baseline is not None and baseline["apps"]["places"] == {"lines": 75.0, "branches": 50.0}


def test_the_first_baseline_records_the_domain_gaps_and_later_updates_add_none(tmp_path):
    files = {**CORE, DOMAIN: summary((9, 10), (5, 5))}
    code, baseline = run(tmp_path, files, None, "--update")
    assert code == 0 and baseline is not None
    assert baseline["domain_gaps"] == {DOMAIN: {"lines": 90.0, "branches": 100.0}}
    other = "trellis/core/domain/other.py"
    code, after = run(tmp_path, {**files, other: summary((1, 2), (0, 0))}, baseline, "--update")
    assert code == 1 and after == baseline


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "No coverage report at"),
        ("not json", "is not a coverage JSON report"),
        (json.dumps({"meta": {"branch_coverage": False}, "files": {}}), "was measured without branches"),
    ],
)
def test_a_missing_or_wrong_report_is_a_clear_error(tmp_path, content, message):
    report = tmp_path / "coverage.json"
    if content is not None:
        report.write_text(content)
    with pytest.raises(SystemExit) as exit_:
        ratchet.main(["--report", str(report), "--baseline", str(tmp_path / "b.json")])
    assert message in str(exit_.value)
