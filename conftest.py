"""Fixtures shared by every app's tests: people in each role, a place, organisations, the demo place."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.database import (
    FAST_PASSWORD_HASHERS,
    DemoSnapshot,
    ensure_reference_data,
    migrations_fingerprint,
    reuse_migrated_sqlite,
    take_snapshot,
)
from trellis.core.domain.roles import Role
from trellis.core.models import Membership
from trellis.core.tests.factories import PASSWORD, PersonFactory
from trellis.organisations.tests.factories import OrganisationFactory, PlaceFactory, WardFactory

ROOT = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, django_db_keepdb, django_db_createdb):
    """With --reuse-db, an in-memory SQLite test database starts from a migrated copy kept in var/test-db/."""
    from django.db import connection

    keep = django_db_keepdb and not django_db_createdb
    if keep and connection.vendor == "sqlite" and connection.creation._get_test_db_name().startswith("file:memorydb"):
        template = ROOT / "var" / "test-db" / f"migrated-{migrations_fingerprint(ROOT)}.sqlite3"
        reuse_migrated_sqlite(connection.alias, template)


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    """Every test stores uploads in its own temporary folder, and hashes passwords quickly."""
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def place(db):
    return PlaceFactory()


@pytest.fixture
def wards(place):
    return [
        WardFactory(place=place, name=name, gss_code=f"E0509900{i}")
        for i, name in enumerate(["Castlegate", "Mill Hill", "Riverside"], start=1)
    ]


@pytest.fixture
def council(place):
    return OrganisationFactory(
        name="Northbridge Metropolitan Borough Council",
        slug="northbridge-council",
        org_id="GB-LAE-NBR",
        legal_form="local_authority",
        sector="public",
        annual_income=None,
        income_band="unknown",
    )


@pytest.fixture
def charity(place):
    return OrganisationFactory(name="Brookfield Community Pantry", slug="brookfield-community-pantry")


@pytest.fixture
def other_charity(place):
    return OrganisationFactory(name="Hollin Bank Carers' Centre", slug="hollin-bank-carers-centre")


def _person_with(role, organisation, **kw):
    person = PersonFactory(**kw)
    Membership.objects.create(person=person, organisation=organisation, role=role)
    return person


@pytest.fixture
def make_person():
    """make_person(Role.X, organisation) -> a person holding that role through that organisation."""
    return _person_with


@pytest.fixture
def commissioner(council):
    return _person_with(Role.COMMISSIONER, council, full_name="Priya Raman")


@pytest.fixture
def procurement_officer(council):
    return _person_with(Role.PROCUREMENT_OFFICER, council, full_name="Tom Whitaker")


@pytest.fixture
def platform_admin(council):
    return _person_with(Role.PLATFORM_ADMIN, council, full_name="Ada Okonjo")


@pytest.fixture
def resident(council):
    return _person_with(Role.RESIDENT, council, full_name="Joan Pickles")


@pytest.fixture
def provider_admin(charity):
    return _person_with(Role.PROVIDER_ADMIN, charity, full_name="Sandra Okafor")


@pytest.fixture
def provider_member(charity):
    return _person_with(Role.PROVIDER_MEMBER, charity, full_name="Dev Patel")


@pytest.fixture
def other_provider_admin(other_charity):
    return _person_with(Role.PROVIDER_ADMIN, other_charity, full_name="Gareth Lloyd")


@pytest.fixture(autouse=True)
def _audit_guards(request):
    """Keep the append-only triggers on SQLite in every test, yet let transactional tests
    (live server, browser journeys) flush their data afterwards, as Django's test runner must;
    and make sure the reference data loaded by migrations is there."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(
        {"live_server", "transactional_db"} & set(request.fixturenames) or (marker and marker.kwargs.get("transaction"))
    )
    if not marker and not transactional:
        yield
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.db import connection

    from trellis.core.audit_sql import SQLITE_DOWN, SQLITE_UP

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for sql in SQLITE_UP:
                cursor.execute(sql)
    ensure_reference_data()
    yield
    if transactional and connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for sql in SQLITE_DOWN:
                cursor.execute(sql)


#: TRELLIS_TEST_DEMO=reload loads the demo afresh for every test that needs it, as the suite once did: the
#: reference that benchmarks/suite.py measures the snapshots against.
RELOAD_DEMO = os.environ.get("TRELLIS_TEST_DEMO") == "reload"


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[DemoSnapshot | None]:
    """The Northbridge demo place, loaded once per test session (per xdist worker) through the same loader
    `make run` uses, and kept as a snapshot of the database and its uploads (tests/database.py).

    pytest sets session fixtures up before a test's own fixtures, so this runs between two tests, when the
    database holds only what the migrations put there, with the settings every test gets given here too."""
    if RELOAD_DEMO:
        yield None
        return
    from django.test.utils import override_settings

    from trellis.demo import loader
    from trellis.organisations.models import Organisation

    uploads = tmp_path_factory.mktemp("demo-uploads")
    with django_db_blocker.unblock():
        if Organisation.objects.exists():
            raise RuntimeError("The demo snapshot must be taken from an empty test database.")
        ensure_reference_data()
        with override_settings(MEDIA_ROOT=uploads, PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):
            loader.load()
        snapshot = DemoSnapshot(take_snapshot(suffix="demo"), uploads)
    yield snapshot
    with django_db_blocker.unblock():
        snapshot.drop()


@pytest.fixture
def demo_db(demo_snapshot, transactional_db, settings) -> None:
    """The Northbridge demo place, fresh for this test: restored from the session's snapshot (a fraction of a
    second) rather than loaded again (several seconds). The test's database is transactional, so a live server
    sees it too, and it is emptied afterwards like any transactional test's."""
    from django.db import connection

    from trellis.core.audit_sql import SQLITE_UP
    from trellis.demo import loader

    if demo_snapshot is None:
        loader.load()
        return
    demo_snapshot.restore(settings.MEDIA_ROOT)
    if connection.vendor == "sqlite":  # the append-only triggers `_audit_guards` keeps on in every test
        with connection.cursor() as cursor:
            for sql in SQLITE_UP:
                cursor.execute(sql)
