"""The Northbridge demo place: realistic, complete, loaded through the services, idempotent."""

from collections import Counter

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from trellis.core.domain.roles import Role
from trellis.core.models import AuditEvent, Membership, Notification, Person
from trellis.core.services import audit_verify
from trellis.demo import loader
from trellis.organisations.models import Consortium, EvidenceDocument, Organisation, PartnerRequest
from trellis.places.models import Place, Ward


@pytest.mark.django_db
def test_demo_loads_a_realistic_place_once(capsys):
    call_command("demo", "load")
    data = loader.demo_data()
    place = Place.objects.get()
    assert place.name == "Northbridge" and place.gss_code.startswith("E08")
    assert Ward.objects.filter(place=place).count() >= 8
    assert all(w.gss_code.startswith("E05") for w in Ward.objects.all())

    orgs = Organisation.objects.filter(is_consortium=False)
    assert orgs.count() == len(data["organisations"]) >= 60
    forms = Counter(orgs.values_list("legal_form", flat=True))
    for form in (
        "unincorporated_association",
        "cio",
        "charitable_company",
        "cic",
        "registered_society_housing",
        "private_company",
        "local_authority",
    ):
        assert forms[form] >= 1, form
    bands = Counter(orgs.values_list("income_band", flat=True))
    assert {"micro", "small", "medium", "large", "major"} <= set(bands)
    assert orgs.filter(name__icontains="Voluntary Action").exists()  # the CVS
    assert orgs.filter(works_outside_place=True, income_band="major").count() >= 2  # national providers
    assert not orgs.filter(name__iregex=r"test|example org|lorem").exists()

    # Tiers are computed from the evidence by the accreditation rules, and agree with the data file.
    expected = {o["org_id"]: o["accreditation_tier"] for o in data["organisations"]}
    assert {o.org_id: o.accreditation_tier for o in orgs} == expected
    assert EvidenceDocument.objects.filter(status="pending").exists()

    held = set(Membership.objects.values_list("role", flat=True))
    assert held == {r.value for r in Role}
    assert Consortium.objects.count() == len(data["consortia"])
    assert PartnerRequest.objects.count() == len(data["partner_requests"])
    assert audit_verify()[1] is None
    assert not mail.outbox and not Notification.objects.exists()  # loading the demo messages nobody

    counts = (
        Organisation.objects.count(),
        Person.objects.count(),
        EvidenceDocument.objects.count(),
        AuditEvent.objects.count(),
    )
    call_command("demo", "load")
    assert "nothing new" in capsys.readouterr().out
    assert counts == (
        Organisation.objects.count(),
        Person.objects.count(),
        EvidenceDocument.objects.count(),
        AuditEvent.objects.count(),
    )


def test_demo_people_can_sign_in_with_the_demo_password(demo_db, client, settings):
    for _role, _name, email, _org in loader.accounts():
        assert client.login(username=email, password=settings.TRELLIS_DEMO_PASSWORD), email
        client.logout()
    everyone = {item["email"].lower() for item in loader.demo_data()["people"]}
    assert len(everyone) > len(loader.accounts())
    for email in everyone:  # one password, hashed once, for every demo person
        assert Person.objects.get(email=email).check_password(settings.TRELLIS_DEMO_PASSWORD), email
        assert not Person.objects.get(email=email).check_password("not-the-password"), email


def test_accounts_lists_one_person_per_role():
    accounts = loader.accounts()
    assert len(accounts) == len(Role)
    assert len({a[0] for a in accounts}) == len(Role)


def test_demo_accounts_prints_a_sign_in_for_every_role(capsys, settings):
    call_command("demo", "accounts")
    out = capsys.readouterr().out
    assert f"(password for all: {settings.TRELLIS_DEMO_PASSWORD})" in out
    for role, name, email, org in loader.accounts():
        assert f"{role:<22} {email:<48} {name} — {org}" in out


def test_a_person_whose_organisation_is_missing_is_loaded_without_the_role_and_said(demo_db, monkeypatch, capsys):
    data = loader.demo_data()
    data["people"].append(
        {
            "name": "Morag Lindsay",
            "email": "morag.lindsay@example.org",
            "roles": [{"organisation": "GB-CHC-0000000", "role": "provider_admin"}],
        }
    )
    monkeypatch.setattr(loader, "demo_data", lambda: data)
    call_command("demo", "load")  # onto the loaded demo: only the new person is missing
    captured = capsys.readouterr()
    assert "skipped: morag.lindsay@example.org: no organisation GB-CHC-0000000" in captured.err
    person = Person.objects.get(email="morag.lindsay@example.org")
    assert not Membership.objects.filter(person=person).exists()


@pytest.mark.django_db
def test_demo_data_the_services_refuse_stops_the_load_with_its_reason(monkeypatch):
    data = loader.demo_data()
    data["place"] = {**data["place"], "gss_code": "not-a-code"}
    monkeypatch.setattr(loader, "demo_data", lambda: data)
    with pytest.raises(CommandError, match="The demo data is not valid: A GSS code is a letter"):
        call_command("demo", "load")
    assert not Place.objects.exists() and not Organisation.objects.exists() and not AuditEvent.objects.exists()
