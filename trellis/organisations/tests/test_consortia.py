"""Consortia: the public list, and setting one up through the form."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from trellis.core.models import AuditEvent
from trellis.organisations import services
from trellis.organisations.models import Consortium, ConsortiumMember, Organisation
from trellis.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

LIST = "/directory/consortia/"
NEW = "/directory/consortia/new/"


def text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def youth_club(place):
    return OrganisationFactory(name="Castlegate Youth Club", org_id="GB-CHC-1200001")


def form_data(lead, rows, **overrides) -> dict:
    data = {
        "name": "Northbridge Carers Partnership",
        "description": "Carers' support across the borough.",
        "lead_model": "member_lead",
        "lead": lead.pk,
        "org_id": "",
    }
    for i, (org, role, share) in enumerate(rows, start=1):
        data[f"member_{i}"] = org.org_id if org else ""
        data[f"role_{i}"] = role
        data[f"share_{i}"] = share
    return data | overrides


def organisation_count() -> int:
    return Organisation.objects.count()


# The list -----------------------------------------------------------------------------------------


def test_anyone_sees_every_consortium_with_its_lead_and_members(client, charity, other_charity, platform_admin):
    services.consortium_create(
        actor=platform_admin,
        name="Northbridge Carers Partnership",
        lead_model="member_lead",
        lead=charity,
        members=[(charity, "Leads and runs the pantry", Decimal(60)), (other_charity, "Carers' support", Decimal(40))],
    )
    response = client.get(LIST)
    assert response.status_code == 200
    page = text(response)
    assert "Northbridge Carers Partnership" in page
    assert "One member leads and holds the contract" in page
    assert "Brookfield Community Pantry (lead) Leads and runs the pantry 60%" in page
    assert "Hollin Bank Carers' Centre Carers' support 40%" in page
    consortium = Consortium.objects.get()
    assert reverse("organisations:detail", args=[consortium.organisation.slug]) in response.content.decode()
    assert "Set up a consortium" not in page


def test_the_list_says_when_there_are_none(client):
    assert "No consortia are listed yet." in text(client.get(LIST))


def test_a_provider_admin_is_offered_the_set_up_button(client, provider_admin):
    client.force_login(provider_admin)
    assert "Set up a consortium" in text(client.get(LIST))


# Setting one up -----------------------------------------------------------------------------------


def test_setting_up_needs_sign_in(client):
    response = client.get(NEW)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["provider_member", "commissioner", "resident"])
def test_only_a_provider_admin_may_set_one_up(client, request, who, charity, other_charity):
    client.force_login(request.getfixturevalue(who))
    response = client.get(NEW)
    assert response.status_code == 403
    assert "Only an admin of an organisation in the directory can set up a consortium." in text(response)
    before = organisation_count()
    response = client.post(NEW, form_data(charity, [(charity, "Lead", "50"), (other_charity, "Partner", "50")]))
    assert response.status_code == 403
    assert organisation_count() == before and not Consortium.objects.exists()


def test_a_provider_admin_sets_up_a_consortium(client, provider_admin, charity, other_charity, youth_club):
    client.force_login(provider_admin)
    form_page = text(client.get(NEW))
    assert "A new legal entity formed by the members" in form_page
    assert "An external lead body (e.g. the CVS) holds the contract" in form_page
    assert "The lead organisation holds the contract and subcontracts to the other members." in form_page
    assert "Castlegate Youth Club (GB-CHC-1200001)" in form_page
    rows = [(charity, "Leads; runs the pantry", "50"), (other_charity, "Carers' support", "30"), (None, "", "")]
    rows.append((youth_club, "Young carers' group", "20%"))
    response = client.post(NEW, form_data(charity, rows))
    consortium = Consortium.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:detail", args=[consortium.organisation.slug])
    assert consortium.organisation.name == "Northbridge Carers Partnership"
    assert consortium.organisation.is_consortium
    assert consortium.lead == charity and consortium.lead_model == "member_lead"
    assert consortium.created_by == provider_admin
    members = {m.organisation.name: (m.role, m.share_pct) for m in consortium.members.select_related("organisation")}
    assert members == {
        "Brookfield Community Pantry": ("Leads; runs the pantry", Decimal(50)),
        "Hollin Bank Carers' Centre": ("Carers' support", Decimal(30)),
        "Castlegate Youth Club": ("Young carers' group", Decimal(20)),
    }
    assert AuditEvent.objects.filter(verb="consortium.created").count() == 1
    # It is listed in the directory, so it can be found (and bid) as one.
    assert client.get(reverse("organisations:detail", args=[consortium.organisation.slug])).status_code == 200
    assert "Northbridge Carers Partnership" in text(client.get(LIST))


def test_shares_may_be_left_out_and_a_registered_identifier_given(client, provider_admin, charity, other_charity):
    client.force_login(provider_admin)
    data = form_data(
        charity,
        [(charity, "Lead", ""), (other_charity, "Partner", "")],
        lead_model="new_entity",
        org_id="GB-COH-01234567",
    )
    assert client.post(NEW, data).status_code == 302
    consortium = Consortium.objects.get()
    assert consortium.organisation.org_id == "GB-COH-01234567"
    assert list(consortium.members.values_list("share_pct", flat=True)) == [None, None]


def test_an_external_lead_need_not_be_a_member(client, provider_admin, charity, other_charity, youth_club):
    client.force_login(provider_admin)
    data = form_data(
        charity, [(other_charity, "Carers", "50"), (youth_club, "Young carers", "50")], lead_model="external_lead"
    )
    assert client.post(NEW, data).status_code == 302
    consortium = Consortium.objects.get()
    assert consortium.lead == charity
    assert not consortium.members.filter(organisation=charity).exists()


@pytest.mark.parametrize(
    ("rows", "overrides", "message"),
    [
        (
            [("charity", "Lead", "60"), ("other", "Partner", "30")],
            {},
            "Members' shares must add up to 100%; they add up to 90%.",
        ),
        ([("charity", "Lead", "100")], {}, "A consortium needs at least two member organisations."),
        ([("charity", "Lead", "50"), ("charity", "Again", "50")], {}, "Each organisation can be a member only once."),
        (
            [("other", "Partner", "50"), ("youth", "Partner", "50")],
            {},
            "The lead organisation must also be a member (or choose an external lead body).",
        ),
        (
            [("charity", "Lead", "50"), ("other", "", "50")],
            {},
            "Enter what Hollin Bank Carers' Centre will do in the consortium.",
        ),
        (
            [("charity", "Lead", "50"), (None, "Partner", "50")],
            {},
            "Choose the organisation for member 2, or clear its role and share.",
        ),
        (
            [("charity", "Lead", "fifty"), ("other", "Partner", "50")],
            {},
            "Member 1: share of the work (%) must be a number",
        ),
        ([("charity", "Lead", "150"), ("other", "Partner", "50")], {}, "less than or equal to 100"),
        ([("charity", "Lead", "50"), ("other", "Partner", "50")], {"name": " "}, "Enter the consortium's name."),
        (
            [("charity", "Lead", "50"), ("other", "Partner", "50")],
            {"lead_model": ""},
            "Choose who will hold the contract.",
        ),
        ([("charity", "Lead", "50"), ("other", "Partner", "50")], {"org_id": "GB-XYZ-1"}, "GB-XYZ"),
        (
            [("charity", "Lead", "50"), ("other", "Partner", "50")],
            {"org_id": "GB-CHC-1200001"},
            "is already used by Castlegate Youth Club",
        ),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(
    client, provider_admin, charity, other_charity, youth_club, rows, overrides, message
):
    orgs = {"charity": charity, "other": other_charity, "youth": youth_club, None: None}
    client.force_login(provider_admin)
    before = organisation_count()
    response = client.post(NEW, form_data(charity, [(orgs[o], r, s) for o, r, s in rows], **overrides))
    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page
    assert message in page
    assert organisation_count() == before
    assert not Consortium.objects.exists() and not ConsortiumMember.objects.exists()


def test_after_an_error_the_form_keeps_what_was_entered(client, provider_admin, charity, other_charity):
    client.force_login(provider_admin)
    data = form_data(charity, [(charity, "Lead", "70"), (other_charity, "Partner", "20")], lead_model="external_lead")
    html = client.post(NEW, data).content.decode()
    assert re.search(r'value="external_lead"[^>]*checked', html)
    assert f'<option value="{other_charity.org_id}" selected>' in html
    assert 'value="Partner"' in html and 'value="70"' in html


def test_a_name_already_taken_is_refused(client, provider_admin, charity, other_charity, platform_admin):
    services.consortium_create(
        actor=platform_admin,
        name="Northbridge Carers Partnership",
        lead_model="member_lead",
        lead=charity,
        members=[(charity, "Lead", None), (other_charity, "Partner", None)],
    )
    client.force_login(provider_admin)
    response = client.post(NEW, form_data(charity, [(charity, "Lead", ""), (other_charity, "Partner", "")]))
    assert response.status_code == 200
    assert "A consortium called Northbridge Carers Partnership is already listed." in text(response)
    assert Consortium.objects.count() == 1


def test_leading_through_an_organisation_you_do_not_administer_is_refused(
    client, provider_admin, charity, other_charity
):
    client.force_login(provider_admin)
    form_page = client.get(NEW)
    lead_choices = [label for _, label in form_page.context["form"].fields["lead"].widget.choices]
    assert lead_choices == ["Brookfield Community Pantry"]
    before = organisation_count()
    response = client.post(NEW, form_data(other_charity, [(charity, "A", "50"), (other_charity, "B", "50")]))
    assert response.status_code == 403
    assert "Only an admin of the lead organisation can set up a consortium." in text(response)
    assert organisation_count() == before and not Consortium.objects.exists()


def test_a_platform_admin_may_lead_through_any_organisation(client, platform_admin, charity, other_charity):
    client.force_login(platform_admin)
    response = client.post(NEW, form_data(other_charity, [(charity, "A", "50"), (other_charity, "B", "50")]))
    assert response.status_code == 302
    assert Consortium.objects.get().lead == other_charity


def test_member_rows_offer_listed_organisations_but_not_consortia_or_delisted_ones(
    client, provider_admin, charity, other_charity, platform_admin
):
    services.consortium_create(
        actor=platform_admin,
        name="Existing Partnership",
        lead_model="member_lead",
        lead=charity,
        members=[(charity, "Lead", None), (other_charity, "Partner", None)],
    )
    OrganisationFactory(name="Closed Down Charity", is_active=False)
    client.force_login(provider_admin)
    choices = [label for _, label in client.get(NEW).context["form"].fields["member_1"].choices]
    names = [label.rsplit(" (", 1)[0] for label in choices[1:]]
    assert choices[0] == "Choose an organisation"
    assert "Brookfield Community Pantry" in names and "Hollin Bank Carers' Centre" in names
    assert "Existing Partnership" not in names and "Closed Down Charity" not in names
