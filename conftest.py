"""Fixtures shared by every app's tests: people in each role, a place, organisations."""

import pytest

from trellis.core.domain.roles import Role
from trellis.core.models import Membership
from trellis.core.tests.factories import PASSWORD, PersonFactory
from trellis.organisations.tests.factories import OrganisationFactory, PlaceFactory, WardFactory


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    """Every test stores uploads in its own temporary folder, and hashes passwords quickly."""
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


def _ensure_reference_data():
    """Data that migrations load (the vocabularies) is gone after a transactional test's flush:
    put it back, so tests do not depend on which ran before them in the same worker."""
    from django.apps import apps

    from trellis.organisations.models import ServiceType
    from trellis.organisations.vocabularies import load_vocabularies

    if not ServiceType.objects.exists():
        load_vocabularies(lambda name: apps.get_model("organisations", name))


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
    _ensure_reference_data()
    yield
    if transactional and connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for sql in SQLITE_DOWN:
                cursor.execute(sql)
