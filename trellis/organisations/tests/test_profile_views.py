"""Editing an organisation's profile and managing its people, through the web pages."""

from __future__ import annotations

import pytest
from django.core import mail

from trellis.core.domain.roles import Role
from trellis.core.models import AuditEvent, Membership, Notification, Person
from trellis.organisations.models import ClientGroup, Organisation, OtherIdentifier, ServiceType

pytestmark = pytest.mark.django_db

VALID_VAT = "GB 980 7806 84"


def edit_url(org):
    return f"/directory/{org.slug}/edit/"


def members_url(org):
    return f"/directory/{org.slug}/members/"


@pytest.fixture
def vocab(db):
    """The controlled vocabularies are loaded by a migration."""
    return {
        "services": list(ServiceType.objects.order_by("code")[:2]),
        "groups": list(ClientGroup.objects.filter(code="families")),
    }


def profile_post(org, **overrides):
    """Everything the edit form sends, as a browser would send it, with some values changed."""
    data = {
        "name": org.name,
        "legal_form": org.legal_form,
        "sector": org.sector,
        "description": org.description,
        "founded_year": "",
        "vat_number": "",
        "other_identifiers": "",
        "annual_income": str(org.annual_income or ""),
        "staff_count": "",
        "volunteer_count": "",
        "active_locally_since": "",
        "staff_local_pct": "",
        "trustees_local_pct": "",
        "website": "",
        "email": "",
        "phone": "",
        "address": "",
        "postcode": "",
        "contact_name": "",
        "contact_email": "",
        "contact_phone": "",
    }
    if org.registered_office_in_place:
        data["registered_office_in_place"] = "on"
    data.update(overrides)
    return data


def snapshot(org):
    org = Organisation.objects.get(pk=org.pk)
    return (
        {f.name: getattr(org, f.name) for f in Organisation._meta.concrete_fields if f.name != "updated_at"},
        sorted(org.wards.values_list("pk", flat=True)),
        sorted(org.other_identifiers.values_list("identifier", flat=True)),
    )


# --- Editing the profile -------------------------------------------------------------------------


def test_the_edit_page_shows_every_section_and_the_org_id_read_only(client, provider_admin, charity, wards, vocab):
    client.force_login(provider_admin)
    response = client.get(edit_url(charity))
    assert response.status_code == 200
    html = response.content.decode()
    for heading in (
        "About",
        "Size",
        "Where you work and who you serve",
        "Local roots",
        "Public contact details",
        "Private contact (only you and commissioners see this)",
    ):
        assert f'<h2 class="govuk-fieldset__heading">{heading}</h2>' in html
    assert charity.org_id in html
    assert 'name="org_id"' not in html
    for ward in wards:
        assert f">{ward.name}</label>" in html
    assert 'type="checkbox" name="service_types"' in html
    assert html.count("<h1") == 1


def test_a_provider_admin_saves_changes_and_an_audit_event_is_written(client, provider_admin, charity, wards, vocab):
    client.force_login(provider_admin)
    before = AuditEvent.objects.count()
    response = client.post(
        edit_url(charity),
        profile_post(
            charity,
            name="Brookfield Community Pantry and Advice",
            description="Food, advice and a warm space for families in Mill Hill.",
            vat_number=VALID_VAT,
            annual_income="£125,000",
            staff_count="4",
            volunteer_count="35",
            wards=[str(wards[1].pk)],
            service_types=[s.code for s in vocab["services"]],
            client_groups=["families"],
            other_identifiers="GB-COH-01234567\n\n",
            staff_local_pct="75",
            contact_name="Sandra Okafor",
            contact_email="sandra@brookfield.example.org",
            website="www.brookfield.example.org",
        ),
    )
    assert response.status_code == 302
    assert response.url == f"/directory/{charity.slug}/"
    org = Organisation.objects.get(pk=charity.pk)
    assert org.name == "Brookfield Community Pantry and Advice"
    assert org.vat_number == "GB980780684"
    assert org.annual_income == 125000
    assert org.income_band == "medium"
    assert (org.staff_count, org.volunteer_count, org.staff_local_pct) == (4, 35, 75)
    assert list(org.wards.all()) == [wards[1]]
    assert sorted(org.service_types.values_list("code", flat=True)) == [s.code for s in vocab["services"]]
    assert list(org.client_groups.values_list("code", flat=True)) == ["families"]
    assert list(org.other_identifiers.values_list("identifier", flat=True)) == ["GB-COH-01234567"]
    assert org.contact_email == "sandra@brookfield.example.org"
    assert org.website == "https://www.brookfield.example.org"
    assert org.org_id == charity.org_id
    event = AuditEvent.objects.filter(verb="organisation.updated", target_id=str(charity.pk)).get()
    assert AuditEvent.objects.count() == before + 1
    assert event.actor == provider_admin
    assert event.data["changes"]["name"] == ["Brookfield Community Pantry", "Brookfield Community Pantry and Advice"]
    assert "vat_number" in event.data["changes"]
    page = client.get(response.url)
    assert "profile has been updated" in page.content.decode()


def test_an_invalid_vat_number_is_a_field_error_and_nothing_is_saved(client, provider_admin, charity):
    client.force_login(provider_admin)
    before = snapshot(charity)
    events = AuditEvent.objects.count()
    response = client.post(edit_url(charity), profile_post(charity, name="A new name", vat_number="GB 123 4567 89"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "is not a valid VAT registration number: its check digits do not match" in html
    assert 'id="id_vat_number_error"' in html
    assert "<title>Error: " in html
    assert snapshot(charity) == before
    assert AuditEvent.objects.count() == events


def test_an_invalid_other_identifier_names_the_schemes_format(client, provider_admin, charity):
    client.force_login(provider_admin)
    before = snapshot(charity)
    response = client.post(edit_url(charity), profile_post(charity, other_identifiers="GB-COH-AB12"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_other_identifiers_error"' in html
    assert "is not a valid" in html and "GB-COH needs" in html
    assert snapshot(charity) == before


def test_an_identifier_another_organisation_holds_is_refused(client, provider_admin, charity, other_charity):
    client.force_login(provider_admin)
    before = snapshot(charity)
    response = client.post(edit_url(charity), profile_post(charity, other_identifiers=other_charity.org_id))
    html = response.content.decode()
    assert f"is already used by {other_charity.name}".replace("'", "&#x27;") in html
    assert 'id="id_other_identifiers_error"' in html
    assert snapshot(charity) == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("annual_income", "about 40k", "Annual income must be a number of pounds, like 45000."),
        ("annual_income", "-5", "Ensure this value is greater than or equal to 0."),
        ("staff_local_pct", "120", "cannot be more than 100."),
        ("founded_year", "3020", "Year founded must be a year between 1800 and"),
        ("volunteer_count", "lots", "Volunteers must be a whole number, like 12."),
        ("contact_email", "sandra-at-brookfield", "Enter a valid email address."),
        ("name", "", "This field is required."),
    ],
)
def test_bad_input_gets_a_clear_error_and_changes_nothing(client, provider_admin, charity, field, value, message):
    client.force_login(provider_admin)
    before = snapshot(charity)
    response = client.post(edit_url(charity), profile_post(charity, **{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert f'id="id_{field}_error"' in response.content.decode()
    assert snapshot(charity) == before


def test_the_org_id_cannot_be_changed_through_the_form(client, provider_admin, charity):
    client.force_login(provider_admin)
    response = client.post(edit_url(charity), profile_post(charity, org_id="GB-CHC-9999999", description="New"))
    assert response.status_code == 302
    org = Organisation.objects.get(pk=charity.pk)
    assert org.org_id == charity.org_id
    assert org.description == "New"


def test_a_platform_admin_may_correct_any_profile(client, platform_admin, charity):
    client.force_login(platform_admin)
    response = client.post(edit_url(charity), profile_post(charity, postcode="NB1 2AB"))
    assert response.status_code == 302
    assert Organisation.objects.get(pk=charity.pk).postcode == "NB1 2AB"


@pytest.mark.parametrize("who", ["provider_member", "other_provider_admin", "commissioner", "resident"])
def test_people_who_are_not_its_admins_are_refused_and_nothing_changes(client, request, charity, who):
    person = request.getfixturevalue(who)
    client.force_login(person)
    before = snapshot(charity)
    events = AuditEvent.objects.count()
    get = client.get(edit_url(charity))
    assert get.status_code == 403
    assert "Only the organisation&#x27;s own admins can edit its profile." in get.content.decode()
    post = client.post(edit_url(charity), profile_post(charity, name="Taken over"))
    assert post.status_code == 403
    assert snapshot(charity) == before
    assert AuditEvent.objects.count() == events


def test_someone_signed_out_is_asked_to_sign_in(client, charity):
    before = snapshot(charity)
    response = client.post(edit_url(charity), profile_post(charity, name="Taken over"))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert snapshot(charity) == before


def test_editing_an_organisation_that_does_not_exist_is_not_found(client, provider_admin):
    client.force_login(provider_admin)
    assert client.get("/directory/no-such-organisation/edit/").status_code == 404


# --- People --------------------------------------------------------------------------------------


def test_a_provider_admin_sees_the_people_of_the_organisation(client, provider_admin, provider_member, charity):
    client.force_login(provider_admin)
    response = client.get(members_url(charity))
    assert response.status_code == 200
    html = response.content.decode()
    assert provider_admin.email in html and "Provider admin" in html
    assert provider_member.email in html and "Provider member" in html


def test_adding_someone_new_creates_their_account_without_a_password_and_tells_them(
    client, provider_admin, charity, django_capture_on_commit_callbacks
):
    client.force_login(provider_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            members_url(charity),
            {"email": "Volunteer.Treasurer@Example.org", "full_name": "Mo Treasurer", "role": "provider_admin"},
        )
    assert response.status_code == 302
    person = Person.objects.get(email="volunteer.treasurer@example.org")
    assert person.full_name == "Mo Treasurer"
    assert not person.has_usable_password()
    assert Membership.objects.filter(person=person, organisation=charity, role=Role.PROVIDER_ADMIN).exists()
    note = Notification.objects.get(recipient=person)
    assert note.subject == f"You have been added to {charity.name}"
    assert "one-time code" in note.body
    assert mail.outbox[-1].to == ["volunteer.treasurer@example.org"]
    assert AuditEvent.objects.filter(verb="membership.granted", target_id=str(charity.pk)).exists()
    assert AuditEvent.objects.filter(verb="person.invited", target_id=str(person.pk)).exists()


def test_adding_someone_who_already_uses_trellis_keeps_their_account(
    client, provider_admin, charity, other_provider_admin
):
    client.force_login(provider_admin)
    password_hash = other_provider_admin.password
    response = client.post(
        members_url(charity), {"email": other_provider_admin.email.upper(), "role": "provider_member"}
    )
    assert response.status_code == 302
    other_provider_admin.refresh_from_db()
    assert other_provider_admin.password == password_hash
    assert Membership.objects.filter(
        person=other_provider_admin, organisation=charity, role=Role.PROVIDER_MEMBER
    ).exists()
    assert Person.objects.filter(email__iexact=other_provider_admin.email).count() == 1


def test_adding_someone_twice_is_a_clear_error(client, provider_admin, provider_member, charity):
    client.force_login(provider_admin)
    response = client.post(members_url(charity), {"email": provider_member.email, "role": "provider_member"})
    assert response.status_code == 200
    assert "is already a provider member of" in response.content.decode()
    assert Membership.objects.filter(person=provider_member, organisation=charity).count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not-an-address", "role": "provider_member"}, "Enter an e-mail address in the correct format"),
        ({"email": "new@example.org", "role": "commissioner"}, "Select a valid choice."),
        ({"email": "new@example.org"}, "Choose what they can do."),
    ],
)
def test_bad_input_when_adding_a_person_changes_nothing(client, provider_admin, charity, data, message):
    client.force_login(provider_admin)
    people, memberships = Person.objects.count(), Membership.objects.count()
    response = client.post(members_url(charity), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (Person.objects.count(), Membership.objects.count()) == (people, memberships)


@pytest.mark.parametrize("who", ["provider_member", "other_provider_admin", "commissioner"])
def test_only_its_admins_may_see_or_add_people(client, request, charity, who):
    client.force_login(request.getfixturevalue(who))
    people, memberships = Person.objects.count(), Membership.objects.count()
    assert client.get(members_url(charity)).status_code == 403
    response = client.post(members_url(charity), {"email": "sneaky@example.org", "role": "provider_admin"})
    assert response.status_code == 403
    assert (Person.objects.count(), Membership.objects.count()) == (people, memberships)
    assert not OtherIdentifier.objects.exists()
