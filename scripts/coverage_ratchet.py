"""The coverage ratchet: coverage may rise, never fall.

Reads coverage's JSON report (``pytest --cov=trellis --cov-branch --cov-report=json`` writes ``coverage.json``) and
the committed baseline ``coverage-baseline.json``, and fails when:

* an app's line or branch figure is below its figure in the baseline (by more than ``TOLERANCE`` percentage points,
  which absorbs the small differences hypothesis's random examples make from run to run);
* an app is measured that the baseline does not know (record it with ``--update``);
* a pure domain module (``trellis/<app>/domain/*.py``) is below 100% of its lines or of its branches, unless the
  baseline lists it under ``domain_gaps`` — the gaps still to close — in which case it may not fall below the
  figures listed there.

Test modules and migrations are not counted in an app's figures: they are not what the tests test.

``--update`` rewrites the baseline after a passing check, only upwards: an app's figures rise to today's, a gap that
has closed (its module now at 100%) is removed, and no figure ever goes down and no gap is ever added. (Only the
very first run, when there is no baseline yet, records today's domain modules below 100% as the gaps.)

Usage::

    python scripts/coverage_ratchet.py [--report coverage.json] [--baseline coverage-baseline.json] [--update]
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

#: Percentage points an app's figure may wobble below its baseline between two runs of the same code.
TOLERANCE = 0.1
DOMAIN_MODULE = re.compile(r"^trellis/[a-z_]+/domain/[a-z_0-9]+\.py$")
NOT_COUNTED = re.compile(r"/(tests|migrations)/")


@dataclass
class Figures:
    """Covered and total lines and branches, and the percentages they make."""

    lines_covered: int = 0
    lines_total: int = 0
    branches_covered: int = 0
    branches_total: int = 0

    def add(self, summary: dict) -> None:
        self.lines_covered += summary["covered_lines"]
        self.lines_total += summary["num_statements"]
        self.branches_covered += summary.get("covered_branches", 0)
        self.branches_total += summary.get("num_branches", 0)

    @property
    def lines(self) -> float:
        return _percent(self.lines_covered, self.lines_total)

    @property
    def branches(self) -> float:
        return _percent(self.branches_covered, self.branches_total)

    def as_baseline(self) -> dict[str, float]:
        return {"lines": self.lines, "branches": self.branches}


def _percent(covered: int, total: int) -> float:
    """A percentage rounded DOWN to two decimals, so a baseline written from a run is never above that run."""
    if total == 0:
        return 100.0
    return math.floor(covered * 10000 / total) / 100


def _normalise(path: str) -> str:
    """Paths relative to the project, with forward slashes, whatever directory the report was made in."""
    path = path.replace("\\", "/")
    start = path.find("trellis/")
    return path[start:] if start >= 0 else path


def read_report(path: Path) -> tuple[dict[str, Figures], dict[str, Figures]]:
    """Figures per app and per domain module, from coverage's JSON report."""
    try:
        report = json.loads(path.read_text())
        files = report["files"]
    except FileNotFoundError:
        raise SystemExit(f"No coverage report at {path}: run `make coverage` first.") from None
    except (json.JSONDecodeError, KeyError, TypeError):
        raise SystemExit(f"{path} is not a coverage JSON report (it has no 'files').") from None
    if not report.get("meta", {}).get("branch_coverage"):
        raise SystemExit(f"{path} was measured without branches: run pytest with --cov-branch.")
    apps: dict[str, Figures] = {}
    modules: dict[str, Figures] = {}
    for name, data in files.items():
        name = _normalise(name)
        parts = name.split("/")
        if len(parts) < 3 or parts[0] != "trellis" or NOT_COUNTED.search(name):
            continue  # top-level modules of the package, tests and migrations
        apps.setdefault(parts[1], Figures()).add(data["summary"])
        if DOMAIN_MODULE.match(name):
            modules.setdefault(name, Figures()).add(data["summary"])
    return apps, modules


def read_baseline(path: Path) -> dict:
    if not path.exists():
        return {"apps": {}, "domain_gaps": {}}
    try:
        baseline = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise SystemExit(f"{path} is not valid JSON: {error}") from None
    baseline.setdefault("apps", {})
    baseline.setdefault("domain_gaps", {})
    return baseline


def check(apps: dict[str, Figures], modules: dict[str, Figures], baseline: dict) -> list[str]:
    """Every way today's figures fall short of the baseline, in plain words (empty when none)."""
    problems = []
    for app, figures in sorted(apps.items()):
        recorded = baseline["apps"].get(app)
        if recorded is None:
            problems.append(f"trellis.{app} is not in the baseline: record its figures with --update")
            continue
        for kind in ("lines", "branches"):
            now, before = getattr(figures, kind), recorded[kind]
            if now < before - TOLERANCE:
                problems.append(f"trellis.{app}: {kind} covered fell from {before:.2f}% to {now:.2f}%")
    gaps = baseline["domain_gaps"]
    for module, figures in sorted(modules.items()):
        allowed = gaps.get(module, {"lines": 100.0, "branches": 100.0})
        for kind in ("lines", "branches"):
            now = getattr(figures, kind)
            if now < allowed[kind]:
                problems.append(
                    f"{module}: {kind} covered is {now:.2f}%; a domain module must be at "
                    + ("100%" if module not in gaps else f"least {allowed[kind]:.2f}% (its recorded gap)")
                )
    return problems


def updated(apps: dict[str, Figures], modules: dict[str, Figures], baseline: dict) -> dict:
    """The baseline raised to today's figures: never lowered, gaps only closed."""
    new_apps = {}
    for app, figures in sorted(apps.items()):
        before = baseline["apps"].get(app, {"lines": 0.0, "branches": 0.0})
        new_apps[app] = {kind: max(before[kind], getattr(figures, kind)) for kind in ("lines", "branches")}
    new_gaps = {}
    for module, before in sorted(baseline["domain_gaps"].items()):
        figures = modules.get(module)
        if figures is None or (figures.lines == 100.0 and figures.branches == 100.0):
            continue  # closed, or the module is gone
        new_gaps[module] = {kind: max(before[kind], getattr(figures, kind)) for kind in ("lines", "branches")}
    return {"apps": new_apps, "domain_gaps": new_gaps}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Fail when test coverage falls below the recorded baseline.")
    parser.add_argument("--report", type=Path, default=Path("coverage.json"), help="coverage's JSON report")
    parser.add_argument("--baseline", type=Path, default=Path("coverage-baseline.json"), help="the recorded figures")
    parser.add_argument("--update", action="store_true", help="raise the baseline to today's figures (never lower)")
    args = parser.parse_args(argv)

    apps, modules = read_report(args.report)
    baseline = read_baseline(args.baseline)
    for app, figures in sorted(apps.items()):
        print(f"trellis.{app:<15} lines {figures.lines:6.2f}%   branches {figures.branches:6.2f}%")
    gaps = baseline["domain_gaps"]
    full = sum(1 for m, f in modules.items() if f.lines == f.branches == 100.0)
    print(f"Domain modules at 100% of lines and branches: {full} of {len(modules)}")
    for module in sorted(gaps):
        if module in modules:
            f = modules[module]
            print(f"  gap still to close: {module} (lines {f.lines:.2f}%, branches {f.branches:.2f}%)")

    first = not args.baseline.exists()
    problems = check(apps, modules, baseline)
    if args.update:
        # Recording a new app's figures is what --update is for; the very first baseline also records the domain
        # modules not yet at 100% as the gaps to close. After that a gap is never added.
        problems = [p for p in problems if "is not in the baseline" not in p and not (first and "/domain/" in p)]
    if problems:
        print("\nCoverage fell below the baseline:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        print("Add tests for the code that lost them; the baseline is never lowered.", file=sys.stderr)
        return 1
    if args.update:
        if first:
            baseline["domain_gaps"] = {
                module: {"lines": 0.0, "branches": 0.0}
                for module, f in modules.items()
                if not f.lines == f.branches == 100.0
            }
        args.baseline.write_text(json.dumps(updated(apps, modules, baseline), indent=2, sort_keys=True) + "\n")
        print(f"Baseline raised to today's figures in {args.baseline}")
    else:
        print("Coverage is at or above the baseline.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
