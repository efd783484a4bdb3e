"""Bid rush: many providers submitting sealed bids in the last minute before the deadline, over real HTTP.

    .venv/bin/python benchmarks/bid_rush.py [--bidders 50] [--late 5] [--window 60] [--database-url URL]

It never touches your own database. By default it builds a fresh SQLite file in a temporary directory; with
``--database-url postgres://user@host:port/db`` it creates (and afterwards drops) its own database
``trellis_bid_rush`` on that server. It then:

1. migrates, publishes a grant round with three criteria through the services, and moves its deadline to
   ``--window`` seconds from now (the clock cannot move, so the deadline does);
2. makes ``--bidders`` provider organisations, each with a person and a complete draft bid (answers, a full cost
   budget, a price, the declarations), plus ``--late`` more whose people will try to submit after the deadline;
3. starts the app with gunicorn on loopback (``--workers`` processes × ``--threads`` threads), gives each person a
   signed-in session, and has each load their bid's "Check and submit" page for its CSRF token;
4. ``--fire-at`` seconds before the deadline, fires every submission at once — one thread per bidder, each a real
   POST with its CSRF token — then follows each redirect to the receipt page; after the deadline the late bidders
   try too;
5. checks, in the database: every on-time bid is submitted exactly once, with exactly one receipt, whose SHA-256
   matches the bid's content recomputed now; receipt numbers are unique; no late bid was accepted (each was told
   the deadline); no response was a server error. It prints the latency of the submissions (p50, p95, max).

It is a report, not a test: it exits 0 unless a check fails (then 1).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "trellis_bid_rush"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# Database and Django ---------------------------------------------------------------------------------------------


@dataclass
class Target:
    label: str
    url: str
    var_dir: str
    cleanup: object


def choose_database(database_url: str | None) -> Target:
    var_dir = tempfile.mkdtemp(prefix="trellis-bid-rush-")
    (Path(var_dir) / "static").mkdir()  # whitenoise looks for it; nothing is served from it here
    if not database_url:
        return Target(
            "SQLite (temporary file)",
            f"sqlite:///{Path(var_dir) / 'rush.sqlite3'}",
            var_dir,
            lambda: shutil.rmtree(var_dir, ignore_errors=True),
        )
    parts = urlsplit(database_url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        sys.exit("--database-url must be a postgres:// URL (leave it out to use a temporary SQLite file)")
    import psycopg

    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        shutil.rmtree(var_dir, ignore_errors=True)

    return Target(
        f"PostgreSQL ({BENCH_DB} on {parts.hostname}:{parts.port or 5432})",
        urlunsplit(parts._replace(path=f"/{BENCH_DB}")),
        var_dir,
        drop,
    )


def server_env(target: Target) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": target.url,
            "TRELLIS_VAR_DIR": target.var_dir,
            "DEBUG": "false",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": "http://127.0.0.1",
            "EMAIL_URL": "dummymail://",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def setup_django(target: Target) -> None:
    os.environ.update({k: v for k, v in server_env(target).items() if k != "PYTHONPATH"})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


# The opportunity and the bidders ---------------------------------------------------------------------------------


@dataclass
class Bidder:
    email: str
    bid_id: str
    late: bool
    cookie: str = ""
    token: str = ""
    status: int = 0
    seconds: float = 0.0
    location: str = ""
    receipt_page: int = 0
    body: str = ""
    errors: list[str] = field(default_factory=list)


def build(bidders: int, late: int, window: float):
    """Everything through the services, as the app would do it; returns (opportunity, [Bidder])."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from trellis.bids import services as bids
    from trellis.bids.domain import bidding
    from trellis.core.domain.roles import Role
    from trellis.core.models import Membership, Person
    from trellis.opportunities import services as opportunities
    from trellis.opportunities.models import Opportunity
    from trellis.organisations.models import Organisation
    from trellis.places.models import Place

    place = Place.objects.create(
        name="Rushford",
        slug="rushford",
        authority_name="Rushford Borough Council",
        gss_code="E07000999",
        authority_org_id="GB-LAE-RSH",
    )
    council = Organisation.objects.create(
        name="Rushford Borough Council",
        slug="rushford-council",
        org_id="GB-LAE-RSH",
        legal_form="local_authority",
        sector="public",
        place=place,
    )

    def person(email: str, role: Role, organisation) -> Person:
        someone = Person.objects.create(email=email, full_name=email.split("@")[0].replace(".", " ").title())
        Membership.objects.create(person=someone, organisation=organisation, role=role)
        return someone

    author = person("commissioner@rushford.example", Role.COMMISSIONER, council)
    approver = person("officer@rushford.example", Role.PROCUREMENT_OFFICER, council)
    now = timezone.now()
    opportunity = opportunities.opportunity_create(
        actor=author,
        place=place,
        title="Community transport for the last mile",
        kind="grant_round",
        summary="Small grants for volunteer driver schemes.",
        specification="Fewer people miss appointments because they cannot get there.",
        estimated_value=Decimal("150000"),
        duration_months=36,
        questions_close_at=now + timedelta(days=30),
        closes_at=now + timedelta(days=40),
    )
    opportunities.eligibility_set(actor=author, opportunity=opportunity, items=[{"text": "A local group"}])
    opportunities.criteria_set(
        actor=author,
        opportunity=opportunity,
        criteria=[
            {"name": "Meeting the outcomes", "weight": "60", "scale": "0-5", "word_limit": 500},
            {"name": "Local connections", "weight": "20", "scale": "0-5", "word_limit": 300},
            {"name": "Price", "weight": "20", "scale": "0-100", "is_price": True},
        ],
    )
    for action in ("approve", "publish"):
        opportunity = opportunities.opportunity_transition(
            actor=approver, opportunity=opportunity, action=action, now=now
        )
    written = [c for c in opportunity.criteria.all() if not c.is_price]
    people = []
    for i in range(bidders + late):
        org = Organisation.objects.create(
            name=f"Rushford Volunteer Drivers {i + 1}",
            slug=f"rushford-volunteer-drivers-{i + 1}",
            org_id=f"GB-CHC-{3100000 + i}",
            legal_form="cio",
            sector="vcse",
            place=place,
        )
        admin = person(f"bidder{i + 1}@drivers.example", Role.PROVIDER_ADMIN, org)
        bid = bids.bid_start(actor=admin, opportunity=opportunity, organisation=org)
        bids.bid_answers_save(
            actor=admin,
            bid=bid,
            answers={c.pk: f"Bidder {i + 1} on {c.name}: " + "volunteers drive people " * 20 for c in written},
        )
        bids.bid_budget_save(
            actor=admin,
            bid=bid,
            budget={
                "cost_centres": [
                    {"name": "Driver scheme", "direct_costs": str(30000 + i), "drivers": {"headcount": 2}}
                ],
                "overheads": [{"name": "Office", "amount": "6000", "driver": "headcount"}],
                "driver_totals": {"headcount": 4},
            },
            price=str(35000 + i),
        )
        bids.bid_declarations_sign(actor=admin, bid=bid, keys=list(bidding.DECLARATIONS))
        bids.bid_eligibility_save(
            actor=admin, bid=bid, answers={i.pk: "yes" for i in opportunity.eligibility_items.all()}
        )
        people.append(Bidder(email=admin.email, bid_id=str(bid.public_id), late=i >= bidders))
    closes_at = timezone.now() + timedelta(seconds=window)
    Opportunity.objects.filter(pk=opportunity.pk).update(closes_at=closes_at)
    opportunity.refresh_from_db()
    return opportunity, people


def sign_in_all(people: list[Bidder]) -> None:
    """A signed-in session for each person, as a successful sign-in makes (signing 50 people in over HTTP from one
    address would trip the sign-in rate limit, which is working as intended)."""
    from importlib import import_module

    from django.conf import settings

    from trellis.core.models import Person

    store = import_module(settings.SESSION_ENGINE).SessionStore
    from django.contrib.auth import load_backend

    backend = next(b for b in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(b), "get_user"))
    for bidder in people:
        person = Person.objects.get(email=bidder.email)
        session = store()
        session["_auth_user_id"] = str(person.pk)
        session["_auth_user_backend"] = backend
        session["_auth_user_hash"] = person.get_session_auth_hash()
        session.save()
        bidder.cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


# The server ------------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(target: Target, port: int, workers: int, threads: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn),
        "config.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        f"--threads={threads}",
        "--worker-class=gthread",
        "--timeout=60",
        "--log-level=warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=server_env(target), start_new_session=True)
    for _ in range(200):
        try:
            status, _, _ = request(port, "GET", "/", cookie="")
            if status < 500:
                return server
        except OSError:
            pass
        time.sleep(0.1)
    stop_server(server)
    sys.exit("The app did not start on loopback.")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def request(port: int, method: str, path: str, *, cookie: str, body: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Host": "127.0.0.1", "Cookie": cookie}
    data = None
    if body is not None:
        data = urlencode(body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def prepare(port: int, bidder: Bidder) -> None:
    """Open "Check and submit" as the person would: it sets the CSRF cookie and holds the form's token."""
    status, headers, html = request(port, "GET", f"/bids/{bidder.bid_id}/check/", cookie=bidder.cookie)
    found = TOKEN.search(html)
    csrf = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", ""))
    if status != 200 or not found or not csrf or "Submit your bid" not in html:
        raise SystemExit(f"{bidder.email}: the check page was not ready to submit (HTTP {status}).")
    bidder.token = found.group(1)
    bidder.cookie += f"; csrftoken={csrf.group(1)}"


def fire(port: int, bidder: Bidder, start: threading.Event | threading.Barrier) -> None:
    start.wait()
    began = time.perf_counter()
    try:
        status, headers, body = request(
            port,
            "POST",
            f"/bids/{bidder.bid_id}/check/",
            cookie=bidder.cookie,
            body={"csrfmiddlewaretoken": bidder.token},
        )
    except OSError as exc:
        bidder.errors.append(f"connection failed: {exc}")
        return
    bidder.seconds = time.perf_counter() - began
    bidder.status = status
    bidder.location = headers.get("Location", "")
    bidder.body = body
    if status == 302 and bidder.location:
        page_status, _, _ = request(port, "GET", bidder.location, cookie=bidder.cookie)
        bidder.receipt_page = page_status


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


# Checking --------------------------------------------------------------------------------------------------------


def refusal(html: str) -> str:
    """The messages in a page's error summary, as the person would read them."""
    found = re.search(r'govuk-error-summary__list">(.*?)</ul>', html, re.S)
    if not found:
        return ""
    text = re.sub(r"<[^>]+>", " ", found.group(1)).replace("&#x27;", "'")
    return " ".join(text.split())


def check(opportunity, people: list[Bidder]) -> list[str]:
    from trellis.bids import selectors
    from trellis.bids.domain import bidding
    from trellis.bids.models import Bid, Receipt

    problems = []
    for bidder in people:
        if bidder.errors:
            problems += [f"{bidder.email}: {e}" for e in bidder.errors]
        if bidder.status >= 500 or bidder.receipt_page >= 500:
            problems.append(f"{bidder.email}: server error {bidder.status or bidder.receipt_page}")
    bids = Bid.objects.filter(opportunity=opportunity)
    if bids.count() != len(people):
        problems.append(f"{bids.count()} bids stored for {len(people)} bidders")
    deadline = bidding.format_deadline(opportunity.closes_at)
    for bidder in people:
        bid = Bid.objects.get(public_id=bidder.bid_id)
        receipts = list(Receipt.objects.filter(bid=bid))
        if bidder.late:
            if bid.status != "draft" or receipts:
                problems.append(f"{bidder.email}: a late submission was accepted")
            if f"The deadline for bids was {deadline}" not in bidder.body.replace("&#x27;", "'"):
                problems.append(f"{bidder.email}: the late refusal did not show the deadline")
            continue
        if bidder.status != 302 or "/receipt/" not in bidder.location or bidder.receipt_page != 200:
            said = refusal(bidder.body)
            problems.append(f"{bidder.email}: HTTP {bidder.status}{f' saying “{said}”' if said else ''}")
        if bid.status != "submitted" or len(receipts) != 1:
            problems.append(f"{bidder.email}: status {bid.status} with {len(receipts)} receipts")
            continue
        if not selectors.receipt_verifies(receipts[0]):
            problems.append(f"{bidder.email}: receipt {receipts[0].number} does not match the bid's content")
        if receipts[0].submitted_at >= opportunity.closes_at:
            problems.append(f"{bidder.email}: receipt time is not before the deadline")
    numbers = list(Receipt.objects.filter(bid__opportunity=opportunity).values_list("number", flat=True))
    if len(numbers) != len(set(numbers)):
        problems.append("receipt numbers are not unique")
    return problems


def stored_once(opportunity, on_time: list[Bidder]) -> int:
    """On-time bids that are submitted with exactly one receipt, and that receipt valid."""
    from trellis.bids import selectors
    from trellis.bids.models import Bid

    count = 0
    for bidder in on_time:
        bid = Bid.objects.get(public_id=bidder.bid_id)
        found = list(bid.receipts.all())
        if bid.status == "submitted" and len(found) == 1 and selectors.receipt_verifies(found[0]):
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bidders", type=int, default=50, help="providers submitting on time (default 50)")
    parser.add_argument("--late", type=int, default=5, help="providers trying after the deadline (default 5)")
    parser.add_argument("--window", type=float, default=60, help="seconds from setup to the deadline (default 60)")
    parser.add_argument("--fire-at", type=float, default=15, help="fire this many seconds before the deadline")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker (default 8)")
    parser.add_argument("--database-url", help="a PostgreSQL server to use instead of a temporary SQLite file")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    random.seed(args.seed)

    target = choose_database(args.database_url)
    server = None
    problems: list[str] = ["the run did not finish"]
    try:
        print(f"Database: {target.label}")
        setup_django(target)
        began = time.perf_counter()
        opportunity, people = build(args.bidders, args.late, args.window)
        sign_in_all(people)
        print(f"Set up {len(people)} complete draft bids in {time.perf_counter() - began:.1f} s")
        port = free_port()
        server = start_server(target, port, args.workers, args.threads)
        for bidder in people:
            prepare(port, bidder)

        from django.utils import timezone

        on_time = [b for b in people if not b.late]
        late = [b for b in people if b.late]
        wait = (opportunity.closes_at - timezone.now()).total_seconds() - args.fire_at
        if wait < 0:
            sys.exit("Setting up took longer than the window: use a larger --window.")
        print(f"Deadline in {wait + args.fire_at:.0f} s; firing {len(on_time)} submissions in {wait:.0f} s …")
        time.sleep(wait)
        barrier = threading.Barrier(len(on_time))
        threads = [threading.Thread(target=fire, args=(port, b, barrier)) for b in on_time]
        fired = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        burst = time.perf_counter() - fired
        if late:
            remaining = (opportunity.closes_at - timezone.now()).total_seconds()
            time.sleep(max(0.0, remaining) + 1)
            gate = threading.Event()
            threads = [threading.Thread(target=fire, args=(port, b, gate)) for b in late]
            for t in threads:
                t.start()
            gate.set()
            for t in threads:
                t.join()
        problems = check(opportunity, people)
        times = [b.seconds * 1000 for b in on_time if b.status]
        statuses = sorted({b.status for b in people})
        print()
        print(f"Submissions on time: {len(on_time)}, all at once, {args.fire_at:.0f} s before the deadline")
        print(f"  all {len(on_time)} answered within {burst:.2f} s (HTTP statuses: {statuses})")
        print(
            f"  latency of the POST (ms): p50 {statistics.median(times):.0f}, p95 {percentile(times, 0.95):.0f}, "
            f"max {max(times):.0f}"
        )
        print(f"Late submissions: {len(late)}, after the deadline: {sum(1 for b in late if b.status == 200)} refused")
        stored = stored_once(opportunity, on_time)
        print(f"Bids stored exactly once with one valid receipt: {stored} of {len(on_time)}")
        if problems:
            print("FAIL")
            for problem in problems:
                print(f"  - {problem}")
        else:
            print("PASS: every bid stored exactly once, every receipt valid, no late bid accepted, no 5xx")
    finally:
        if server is not None:
            stop_server(server)
        try:
            target.cleanup()  # type: ignore[operator]
        except Exception as exc:  # a report should still print
            print(f"(clean-up: {exc})")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
