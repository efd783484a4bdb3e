"""Directory search benchmark: 100,000 organisations, searched through the selector.

    .venv/bin/python benchmarks/directory_search.py [--orgs 100000] [--queries 200] [--database-url URL]

It never touches your own database. By default it builds a fresh SQLite file in a temporary directory;
with ``--database-url postgres://user@host:port/db`` it creates (and afterwards drops) its own database
``trellis_bench`` on that server. It loads a seeded, realistic directory, then times a seeded mix of
searches the way the directory page and the API run them (``search()`` -> ``.count()`` and the first page
of 20 with ``with_listing_data``), interleaved with the same logical query done as a plain unindexed
``icontains`` scan. Machines are noisy, so the verdict is a ratio against that scan measured in the
same run, plus an absolute p95 target. It always exits 0: it is a report.
"""

from __future__ import annotations

import argparse
import importlib
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "trellis_bench"
PAGE_SIZE = 20
TARGET_P95_MS = 100.0
TARGET_RATIO = 10.0

# ----------------------------------------------------------------------------------------------------------------
# Word lists for generated organisations. Weighted towards the front (Zipf-like), so some words are in a large
# share of the directory ("community", "support") and others in a handful of records.

PLACES = (
    "Northbridge Riverside Eastfield Oakwood Hillside Millbrook Ashton Westgate Southmead Kingsway Moorside "
    "Parkfield Brookside Highfield Fairview Greenacres Holmewood Larkhill Meadowbank Netherton Queensbury "
    "Redbrook Sandfield Thornbury Underhill Valley Waterside Whitecross Beechwood Claremont Denholme Elmhurst "
    "Foxhill Grangetown Hartley Ivydale Jubilee Kirkstall Langley Marston Newlands Orchard Pennington Rosehill "
    "Stanley Tanhouse Upton Victoria Windmill Yewtree"
).split()
SUBJECTS = (
    "Community;Carers;Youth;Food;Families;Elders;Women's;Men's;Refugee;Mental Health;Dementia;Autism;Veterans;"
    "Arts;Music;Sports;Allotment;Credit Union;Housing;Advice;Debt;Recovery;Bereavement;Wellbeing;Parents;"
    "Toddlers;Gardening;Cycling;Boxing;Football;Theatre;Heritage;Library;Tenants;Residents;Play;Literacy;"
    "Employment;Skills;Digital;Transport;Hospice;Foodbank;Pantry;Repair Cafe;Men's Shed;Choir;Dance;Swimming;"
    "Walking;Chess;Reading;Lunch Club;Befriending;Advocacy;Deaf;Sight Loss;Stroke;Cancer;Diabetes;Asthma"
).split(";")
KINDS = (
    "Trust;Network;Project;Association;Foundation;Group;Club;Society;Partnership;CIC;Collective;Forum;Centre;"
    "Hub;Alliance;Charity;Cooperative;Initiative;Circle;Support"
).split(";")
VERBS = (
    "support help run provide offer bring organise deliver host champion connect train mentor visit feed "
    "house advise represent befriend care campaign fundraise coordinate welcome"
).split()
WHO = (
    "local people;families;young people;older people;children;carers;disabled people;residents;"
    "people living alone;refugees and people seeking asylum;people with dementia;people in recovery;"
    "veterans;single parents;people on low incomes;new arrivals;tenants;autistic adults;care leavers;"
    "people with learning disabilities;survivors of domestic abuse;people who are homeless"
).split(";")
ACTIVITIES = (
    "community events;drop-in sessions;advice surgeries;peer support groups;a weekly lunch club;"
    "a community pantry;home visits;telephone befriending;holiday activities;sports sessions;music workshops;"
    "a repair cafe;gardening days;employment coaching;digital skills classes;English conversation clubs;"
    "counselling;welfare benefits advice;debt advice;a youth club;after-school clubs;walking groups;"
    "a food bank;a warm space;volunteer drivers;a toy library;craft sessions;cooking courses;"
    "a community fridge;health walks;a carers cafe;art therapy;mindfulness courses;a men's shed;"
    "tenancy sustainment;housing advice;hospital discharge support;bereavement support;swimming lessons"
).split(";")
EXTRAS = (
    "We are run by volunteers.;Everyone is welcome.;Most of our staff live locally.;"
    "We work in partnership with the council and the NHS.;We have been rooted in the area for many years.;"
    "Our trustees have lived experience.;We are a registered charity.;Sessions are free.;"
    "We offer interpreters on request.;Our building is fully accessible.;We signpost to other services.;"
    "We are part of a national network.;We rely on grants and donations.;Referrals are not needed."
).split(";")
SYLLABLES = (
    "ash bel cor dun el fen gar hol isk jor kel lin mor nor osk pel quin ros sel tor ulv ven wyn yar zel "
    "brae cairn dre fal glen har ing lan mar pen"
).split()

BANDS = ["micro", "small", "medium", "large", "major", "unknown"]
BAND_WEIGHTS = [40, 30, 17, 8, 2, 3]
TIERS = [0, 1, 2, 3]
TIER_WEIGHTS = [55, 22, 14, 9]
LEGAL_FORMS = ["cio", "charitable_company", "unincorporated_association", "cic", "community_benefit_society"]
SECTOR_WEIGHTS = {"vcse": 90, "private": 8, "public": 2}
WARD_COUNT = 20


def progress(message: str, *, final: bool = False) -> None:
    """A line rewritten in place on a terminal; in a log file, only the final line."""
    if sys.stdout.isatty():
        print(f"\r  {message}\033[K", end="\n" if final else "", flush=True)
    elif final:
        print(f"  {message}", flush=True)


def zipf_weights(n: int, s: float = 1.0) -> list[float]:
    return [1.0 / (rank**s) for rank in range(1, n + 1)]


# ----------------------------------------------------------------------------------------------------------------
# Database selection: always a database of our own.


@dataclass
class Target:
    label: str
    url: str
    cleanup: Callable[[], None]


def choose_database(database_url: str | None) -> Target:
    if not database_url:
        tmp = tempfile.TemporaryDirectory(prefix="trellis-bench-")
        path = Path(tmp.name) / "bench.sqlite3"
        os.environ["TRELLIS_VAR_DIR"] = tmp.name
        return Target("SQLite (temporary file)", f"sqlite:///{path}", tmp.cleanup)
    parts = urlsplit(database_url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql", "postgis"}:
        sys.exit("--database-url must be a postgres:// URL (leave it out to use a temporary SQLite file)")
    import psycopg

    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    os.environ["TRELLIS_VAR_DIR"] = tempfile.mkdtemp(prefix="trellis-bench-")

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")

    return Target(f"PostgreSQL ({BENCH_DB} on {parts.hostname}:{parts.port or 5432})", urlunsplit(
        parts._replace(path=f"/{BENCH_DB}")
    ), drop)


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# ----------------------------------------------------------------------------------------------------------------
# Loading a directory.


@dataclass
class Vocab:
    wards: list[int]
    ward_codes: list[str]
    service_types: list[str]
    client_groups: list[str]
    rare_words: list[str]


def rare_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(3))


def make_description(rng: random.Random, place: str, w_verbs, w_who, w_acts, w_extras) -> tuple[str, str]:
    verb = rng.choices(VERBS, cum_weights=w_verbs)[0]
    who = rng.choices(WHO, cum_weights=w_who)[0]
    acts = rng.choices(ACTIVITIES, cum_weights=w_acts, k=3)
    rare = rare_word(rng)
    sentences = [
        f"We {verb} {who} in {place} through {acts[0]}, {acts[1]} and {acts[2]}.",
        f"Our base is the {rare.capitalize()} {rng.choice(['Hall', 'Centre', 'Rooms', 'Chapel', 'Pavilion'])}.",
    ]
    sentences += rng.choices(EXTRAS, cum_weights=w_extras, k=rng.randint(1, 3))
    return " ".join(sentences), rare


def load(n_orgs: int, seed: int) -> Vocab:
    from django.db import connection, transaction

    from trellis.organisations.models import ClientGroup, Organisation, ServiceType
    from trellis.places.models import Place, Ward

    rng = random.Random(seed)
    place = Place.objects.create(
        name="Benchborough", slug="benchborough", authority_name="Benchborough Council", gss_code="E08000999"
    )
    wards = Ward.objects.bulk_create(
        Ward(place=place, name=f"{PLACES[i]} ward", gss_code=f"E05{900000 + i:06d}") for i in range(WARD_COUNT)
    )
    ward_ids = [w.id for w in Ward.objects.filter(place=place).order_by("gss_code")]
    ward_codes = [w.gss_code for w in Ward.objects.filter(place=place).order_by("gss_code")]
    del wards
    service_types = list(ServiceType.objects.values_list("code", flat=True))
    client_groups = list(ClientGroup.objects.values_list("code", flat=True))
    if not service_types or not client_groups:
        sys.exit("The vocabularies were not loaded by the migrations; cannot build a realistic directory.")

    cum = {}
    for key, words, s in (
        ("places", PLACES, 0.8),
        ("subjects", SUBJECTS, 1.0),
        ("kinds", KINDS, 0.9),
        ("verbs", VERBS, 1.0),
        ("who", WHO, 1.0),
        ("acts", ACTIVITIES, 1.0),
        ("extras", EXTRAS, 0.8),
        ("st", service_types, 1.0),
        ("cg", client_groups, 1.0),
        ("wards", ward_ids, 0.5),
    ):
        weights = zipf_weights(len(words), s)
        total, acc = 0.0, []
        for w in weights:
            total += w
            acc.append(total)
        cum[key] = acc

    sqlite = connection.vendor == "sqlite"
    insert_trigger = None
    if sqlite:
        # Loading 100,000 rows with the FTS insert trigger is slower than one rebuild afterwards.
        migration = importlib.import_module("trellis.organisations.migrations.0002_vocabularies_and_search")
        insert_trigger = next(sql for sql in migration.SQLITE_UP if "organisations_fts_ai" in sql)
        with connection.cursor() as cur:
            cur.execute("DROP TRIGGER organisations_fts_ai")

    rare_words: list[str] = []
    batch = 5000
    started = time.perf_counter()
    through_w = Organisation.wards.through
    through_s = Organisation.service_types.through
    through_c = Organisation.client_groups.through
    for start in range(0, n_orgs, batch):
        orgs = []
        for i in range(start, min(start + batch, n_orgs)):
            place_word = rng.choices(PLACES, cum_weights=cum["places"])[0]
            subject = rng.choices(SUBJECTS, cum_weights=cum["subjects"])[0]
            kind = rng.choices(KINDS, cum_weights=cum["kinds"])[0]
            name = f"{place_word} {subject} {kind}" if rng.random() < 0.8 else f"{subject} {kind} {place_word}"
            description, rare = make_description(
                rng, place_word, cum["verbs"], cum["who"], cum["acts"], cum["extras"]
            )
            if i % 97 == 0:
                rare_words.append(rare)
            sector = rng.choices(list(SECTOR_WEIGHTS), weights=list(SECTOR_WEIGHTS.values()))[0]
            orgs.append(
                Organisation(
                    name=name,
                    slug=f"bench-org-{i}",
                    org_id=f"GB-CHC-{2_000_000 + i}",
                    legal_form=rng.choice(LEGAL_FORMS),
                    sector=sector,
                    description=description,
                    income_band=rng.choices(BANDS, weights=BAND_WEIGHTS)[0],
                    accreditation_tier=rng.choices(TIERS, weights=TIER_WEIGHTS)[0],
                    borough_wide=rng.random() < 0.05,
                    registered_office_in_place=rng.random() < 0.7,
                    active_locally_since=rng.randint(1950, 2025),
                    is_active=rng.random() < 0.98,
                    place=place,
                    public_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                )
            )
        with transaction.atomic():
            created = Organisation.objects.bulk_create(orgs)
            if created[0].pk is None:  # pragma: no cover - every supported backend returns ids
                first = Organisation.objects.filter(slug=orgs[0].slug).values_list("id", flat=True).get()
                ids = list(range(first, first + len(orgs)))
            else:
                ids = [o.pk for o in created]
            w_rows, s_rows, c_rows = [], [], []
            for org, oid in zip(orgs, ids, strict=True):
                n_w = 0 if org.borough_wide and rng.random() < 0.7 else rng.choices([1, 2, 3], weights=[60, 30, 10])[0]
                for wid in set(rng.choices(ward_ids, cum_weights=cum["wards"], k=n_w)):
                    w_rows.append(through_w(organisation_id=oid, ward_id=wid))
                for code in set(rng.choices(service_types, cum_weights=cum["st"], k=rng.randint(1, 3))):
                    s_rows.append(through_s(organisation_id=oid, servicetype_id=code))
                for code in set(rng.choices(client_groups, cum_weights=cum["cg"], k=rng.randint(1, 3))):
                    c_rows.append(through_c(organisation_id=oid, clientgroup_id=code))
            through_w.objects.bulk_create(w_rows, batch_size=5000)
            through_s.objects.bulk_create(s_rows, batch_size=5000)
            through_c.objects.bulk_create(c_rows, batch_size=5000)
        done = min(start + batch, n_orgs)
        progress(f"loaded {done:,} of {n_orgs:,} organisations")
    progress(f"loaded {n_orgs:,} organisations in {time.perf_counter() - started:.1f} s", final=True)

    started = time.perf_counter()
    with connection.cursor() as cur:
        if sqlite:
            cur.execute("INSERT INTO organisations_fts(organisations_fts) VALUES ('rebuild')")
            cur.execute(insert_trigger)
            cur.execute("INSERT INTO organisations_fts(organisations_fts) VALUES ('optimize')")
        cur.execute("ANALYZE")
        if sqlite:
            cur.execute("PRAGMA optimize")
    print(f"  indexed and analysed in {time.perf_counter() - started:.1f} s")
    return Vocab(ward_ids, ward_codes, service_types, client_groups, rare_words)


# ----------------------------------------------------------------------------------------------------------------
# The query mix.

COMMON_WORDS = ["community", "support", "advice", "young", "families", "volunteers", "local"]
MIDDLE_WORDS = ["carers", "dementia", "food bank", "refugee", "bereavement", "allotment", "boxing", "digital skills"]
PREFIXES = ["car", "yout", "bef", "counsel", "garden", "hosp", "wellb", "famil", "food b"]


def text_for(rng: random.Random, vocab: Vocab) -> str:
    roll = rng.random()
    if roll < 0.3:
        return rng.choice(COMMON_WORDS)
    if roll < 0.6:
        return rng.choice(MIDDLE_WORDS)
    if roll < 0.8:
        return rng.choice(PREFIXES)
    if roll < 0.9:
        return rng.choice(vocab.rare_words)
    return f"{rng.choice(PLACES).lower()} {rng.choice(SUBJECTS).split()[0].lower()}"


def make_queries(n: int, seed: int, vocab: Vocab) -> list[tuple[str, object]]:
    from trellis.organisations.selectors import DirectoryFilters

    rng = random.Random(seed + 1)
    kinds = ["text only", "text + ward", "text + service + band", "ward + client group + tier"]
    out = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        if kind == "text only":
            f = DirectoryFilters(q=text_for(rng, vocab))
        elif kind == "text + ward":
            f = DirectoryFilters(q=text_for(rng, vocab), wards=rng.sample(vocab.ward_codes, rng.randint(1, 2)))
        elif kind == "text + service + band":
            f = DirectoryFilters(
                q=text_for(rng, vocab),
                service_types=[rng.choice(vocab.service_types)],
                bands=rng.sample(BANDS[:5], rng.randint(1, 2)),
            )
        else:
            f = DirectoryFilters(
                wards=[rng.choice(vocab.ward_codes)],
                client_groups=[rng.choice(vocab.client_groups)],
                tiers=rng.sample([1, 2, 3], rng.randint(1, 2)),
            )
        out.append((kind, f))
    return out


def run_trellis(filters) -> tuple[int, list[int]]:
    from trellis.organisations.selectors import search, with_listing_data

    qs = search(filters)
    count = qs.count()
    page = list(with_listing_data(qs)[:PAGE_SIZE])
    return count, [o.pk for o in page]


def run_scan(filters) -> tuple[int, list[int]]:
    """The same logical query as a plain, unindexed scan: icontains per word, filters through joins."""
    from django.db.models import Q

    from trellis.organisations.domain.search import terms
    from trellis.organisations.models import Organisation
    from trellis.organisations.selectors import with_listing_data

    qs = Organisation.objects.filter(is_active=True)
    for word in terms(filters.q):
        qs = qs.filter(Q(name__icontains=word) | Q(description__icontains=word))
    if filters.wards:
        qs = qs.filter(Q(borough_wide=True) | Q(wards__gss_code__in=filters.wards))
    if filters.client_groups:
        qs = qs.filter(client_groups__in=filters.client_groups)
    if filters.service_types:
        qs = qs.filter(service_types__in=filters.service_types)
    if filters.bands:
        qs = qs.filter(income_band__in=filters.bands)
    if filters.tiers:
        qs = qs.filter(accreditation_tier__in=filters.tiers)
    qs = qs.distinct().order_by("name", "id")
    count = qs.count()
    page = list(with_listing_data(qs)[:PAGE_SIZE])
    return count, [o.pk for o in page]


def timed(fn, filters) -> tuple[float, tuple[int, list[int]]]:
    started = time.perf_counter()
    result = fn(filters)
    return (time.perf_counter() - started) * 1000, result


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=100_000, help="organisations to create (default 100,000)")
    parser.add_argument("--queries", type=int, default=200, help="timed queries (default 200)")
    parser.add_argument("--seed", type=int, default=2024, help="random seed for data and queries")
    parser.add_argument("--database-url", help="postgres://user@host:port/db — creates and drops trellis_bench there")
    parser.add_argument("--explain", action="store_true", help="print the query plans of one query of each kind")
    args = parser.parse_args()

    target = choose_database(args.database_url)
    try:
        setup_django(target.url)
        from django.core.management import call_command
        from django.db import connection

        print(f"Directory search benchmark — {target.label}, {os.cpu_count()} CPUs")
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        print(f"  migrated in {time.perf_counter() - started:.1f} s")
        vocab = load(args.orgs, args.seed)
        queries = make_queries(args.queries, args.seed, vocab)
        if args.explain:
            explain(queries)

        # Warm the caches for both sides, untimed.
        for _, f in make_queries(12, args.seed + 7, vocab):
            run_trellis(f)
            run_scan(f)

        trellis_ms: dict[str, list[float]] = defaultdict(list)
        scan_ms: dict[str, list[float]] = defaultdict(list)
        problems: list[str] = []
        started = time.perf_counter()
        for i, (kind, f) in enumerate(queries):
            # Interleave, alternating which side goes first.
            order = [("trellis", run_trellis), ("scan", run_scan)]
            if i % 2:
                order.reverse()
            results = {}
            for side, fn in order:
                ms, results[side] = timed(fn, f)
                (trellis_ms if side == "trellis" else scan_ms)[kind].append(ms)
            (t_count, t_page), (s_count, s_page) = results["trellis"], results["scan"]
            # Whole-word prefixes are a subset of substring matches; with no text the two must agree exactly.
            if (not f.q and (t_count, t_page) != (s_count, s_page)) or t_count > s_count:
                problems.append(f"{kind} {f}: search found {t_count}, scan found {s_count}")
            progress(f"ran {i + 1} of {len(queries)} queries")
        progress(f"ran {len(queries)} queries in {time.perf_counter() - started:.1f} s", final=True)
        report(trellis_ms, scan_ms, problems, connection.vendor)
    finally:
        target.cleanup()


def explain(queries) -> None:
    from trellis.organisations.selectors import search

    seen = set()
    for kind, f in queries:
        if kind in seen:
            continue
        seen.add(kind)
        qs = search(f)
        print(f"\n-- {kind}: {f}")
        print("count:\n" + qs.order_by().values("id").explain())
        print("page:\n" + qs[:PAGE_SIZE].explain())


def report(trellis_ms, scan_ms, problems, vendor) -> None:
    def row(label: str, t: list[float], s: list[float]) -> str:
        return (
            f"{label:<28}{len(t):>5}  {pct(t, 50):>8.1f}{pct(t, 95):>8.1f}{max(t):>8.1f}"
            f"  {pct(s, 50):>8.1f}{pct(s, 95):>8.1f}{max(s):>8.1f}  {pct(s, 50) / pct(t, 50):>7.1f}×"
            f"{pct(s, 95) / pct(t, 95):>7.1f}×"
        )

    print()
    print(f"{'':<28}{'':>5}  {'Trellis search (ms)':^24}  {'icontains scan (ms)':^24}  {'scan ÷ search':^16}")
    print(f"{'query kind':<28}{'n':>5}  {'p50':>8}{'p95':>8}{'max':>8}  {'p50':>8}{'p95':>8}{'max':>8}  {'p50':>8}{'p95':>8}")
    all_t: list[float] = []
    all_s: list[float] = []
    for kind in trellis_ms:
        print(row(kind, trellis_ms[kind], scan_ms[kind]))
        all_t += trellis_ms[kind]
        all_s += scan_ms[kind]
    print(row("all queries", all_t, all_s))
    p95 = pct(all_t, 95)
    ratio50, ratio95 = pct(all_s, 50) / pct(all_t, 50), pct(all_s, 95) / pct(all_t, 95)
    ok_p95 = p95 < TARGET_P95_MS
    ok_ratio = min(ratio50, ratio95) >= TARGET_RATIO
    print()
    print(f"Each query: count + first page of {PAGE_SIZE} with listing data, as the directory page and API do.")
    print(f"{'PASS' if ok_p95 else 'FAIL'}  p95 of search {p95:.1f} ms (target under {TARGET_P95_MS:.0f} ms on {vendor})")
    print(
        f"{'PASS' if ok_ratio else 'FAIL'}  search is {ratio50:.1f}× faster than the scan at p50 and {ratio95:.1f}× "
        f"at p95 (target at least {TARGET_RATIO:.0f}×)"
    )
    if problems:
        print(f"CHECK {len(problems)} queries gave results that do not fit the scan:")
        for p in problems[:10]:
            print("   ", p)
    else:
        print("CHECK every search result agrees with the scan (same results with no text; a subset with text)")


if __name__ == "__main__":
    main()
