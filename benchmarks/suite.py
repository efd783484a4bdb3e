"""How long the test suite takes, and what the demo snapshots save.

    .venv/bin/python benchmarks/suite.py                       # SQLite: the demo tests and browser journeys, both ways
    .venv/bin/python benchmarks/suite.py --whole               # …and then the whole suite as `make test` runs it
    .venv/bin/python benchmarks/suite.py --database-url postgres://trellis@127.0.0.1:54329/trellis

The tests that need the Northbridge demo place (the browser journeys and the demo's own tests) get it from a snapshot
taken once per test session (conftest.py `demo_db`). The reference, measured in the same run, is the way the suite
used to do it: `TRELLIS_TEST_DEMO=reload` loads the demo afresh for every such test. The two runs take turns to go
first (`--rounds`), on the same tests with the same pytest options (`-n 2 --dist loadfile`), each on a fresh test
database. The report gives each wall-clock time, their ratio, and the suite's target.

With `--whole` it also times the whole suite once (what `make test` runs after the linters), against the target of
3 minutes on 2 cores. It is a report: it exits 0 whatever the timings, and 1 only if a test run fails.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-n", "2", "--dist", "loadfile", "--create-db"]
DEMO_TESTS = ["trellis/demo/tests", "tests/browser"]
WHOLE_SUITE_TARGET_S = 180.0


def run(args: list[str], env: dict[str, str]) -> float:
    """Run pytest and return its wall-clock time; stop the benchmark if a test fails."""
    started = time.perf_counter()
    done = subprocess.run(PYTEST + args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        print(done.stdout[-4000:], done.stderr[-2000:], sep="\n")
        raise SystemExit(f"pytest {' '.join(args)} failed (exit {done.returncode}): no figures.")
    print(f"    {done.stdout.strip().splitlines()[-1]}  ({elapsed:.1f} s)")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=1, help="runs of each way, taking turns (default 1)")
    parser.add_argument("--whole", action="store_true", help="also time the whole suite once")
    parser.add_argument("--database-url", default="", help="a PostgreSQL server to run on (default: SQLite)")
    options = parser.parse_args()

    env = {k: v for k, v in os.environ.items() if k != "TRELLIS_TEST_DEMO"}
    if options.database_url:
        env["DATABASE_URL"] = options.database_url
    else:
        env.pop("DATABASE_URL", None)
    database = "PostgreSQL" if options.database_url else "SQLite"
    print(f"Demo tests and browser journeys on {database}, 2 workers:")

    snapshot, reload = [], []
    for i in range(options.rounds):
        ways = [("snapshot", snapshot, env), ("reload", reload, {**env, "TRELLIS_TEST_DEMO": "reload"})]
        for name, times, way_env in ways if i % 2 == 0 else reversed(ways):
            print(f"  {name} (round {i + 1}):")
            times.append(run(DEMO_TESTS, way_env))
    ours, reference = statistics.median(snapshot), statistics.median(reload)
    print(f"  median: snapshot {ours:.1f} s, reload {reference:.1f} s — {reference / ours:.1f}× faster with snapshots")

    if options.whole:
        print(f"The whole suite on {database}, 2 workers:")
        whole = run([], env)
        verdict = "meets" if whole <= WHOLE_SUITE_TARGET_S else "misses"
        print(f"  {whole:.1f} s: {verdict} the target of {WHOLE_SUITE_TARGET_S:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
