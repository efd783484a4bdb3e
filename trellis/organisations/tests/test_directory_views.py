"""The public directory pages: search, filters, results, pagination and an organisation's page."""

import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from trellis.organisations import services
from trellis.organisations.models import OtherIdentifier
from trellis.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

DIRECTORY = "/directory/"


def text(response) -> str:
    """The page as a person reads it: tags removed, entities decoded, white space collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def result_names(response) -> list[str]:
    return [org.name for org in response.context["page"].object_list]


@pytest.fixture
def listing(wards):
    castlegate, mill_hill, _ = wards
    pantry = OrganisationFactory(
        name="Brookfield Community Pantry",
        slug="brookfield-community-pantry",
        description="A food bank and pantry run by volunteers. " + "More about what we do. " * 30,
        income_band="micro",
        active_locally_since=2014,
        accreditation_tier=1,
    )
    pantry.wards.set([mill_hill])
    pantry.service_types.set(["food_support", "advice_guidance"])
    national = OrganisationFactory(
        name="Careline National Services Ltd",
        slug="careline",
        description="National provider of home care.",
        legal_form="private_company",
        sector="private",
        income_band="major",
        registered_office_in_place=False,
        borough_wide=True,
    )
    carers = OrganisationFactory(
        name="Hollin Bank Carers' Centre",
        slug="hollin-bank",
        description="Breaks and peer support for unpaid carers.",
        income_band="medium",
    )
    carers.wards.set([castlegate])
    return {"pantry": pantry, "national": national, "carers": carers}


class TestDirectoryPage:
    def test_anyone_can_search_the_directory(self, client, listing):
        response = client.get(DIRECTORY)
        assert response.status_code == 200
        body = response.content.decode()
        assert body.count("<h1") == 1
        assert "<title>Provider directory – Trellis</title>" in body
        assert "3 organisations" in text(response)
        assert result_names(response) == [
            "Brookfield Community Pantry",
            "Careline National Services Ltd",
            "Hollin Bank Carers' Centre",
        ]

    def test_results_show_local_roots_size_tags_and_where(self, client, listing):
        page = text(client.get(DIRECTORY))
        years = listing["pantry"].years_active_locally()
        assert f"Local Registered office in Northbridge. Active locally for {years} years" in page
        assert "Charitable incorporated organisation (CIO) · Micro (under £10,000 a year)" in page
        assert "Tier 1: Foundation" in page
        assert "What they do: Advice and guidance, Food support" in page
        assert "Where: Mill Hill" in page
        assert "Where: Across Northbridge" in page
        assert "Private limited company · Major (£10,000,000 or more a year)" in page

    def test_long_descriptions_are_shortened_in_the_list(self, client, listing):
        page = text(client.get(DIRECTORY))
        assert "A food bank and pantry run by volunteers." in page
        assert page.count("More about what we do.") < 30

    def test_consortium_tag(self, client, listing):
        services.consortium_create(
            actor=None,
            name="Northbridge Food Alliance",
            lead_model="member_lead",
            lead=listing["pantry"],
            members=[(listing["pantry"], "Lead", None), (listing["carers"], "Outreach", None)],
            check_permission=False,
        )
        page = text(client.get(DIRECTORY, {"q": "alliance"}))
        assert "Northbridge Food Alliance" in page and "Consortium" in page

    def test_full_text_search_from_the_page(self, client, listing):
        response = client.get(DIRECTORY, {"q": "carer"})
        assert result_names(response) == ["Hollin Bank Carers' Centre"]
        assert "1 organisation found" in text(response)
        response = client.get(DIRECTORY, {"q": "food bank"})
        assert result_names(response) == ["Brookfield Community Pantry"]

    def test_ward_filter_keeps_borough_wide_organisations_and_ticks_the_box(self, client, listing, wards):
        response = client.get(DIRECTORY, {"ward": wards[1].gss_code})
        assert result_names(response) == ["Brookfield Community Pantry", "Careline National Services Ltd"]
        body = response.content.decode()
        assert re.search(rf'<input[^>]*value="{wards[1].gss_code}"[^>]*checked', body)
        assert not re.search(rf'<input[^>]*value="{wards[0].gss_code}"[^>]*checked', body)

    def test_long_filter_lists_fold_away_unless_in_use(self, client, listing, wards):
        body = client.get(DIRECTORY).content.decode()
        assert body.count('<details class="govuk-details govuk-!-margin-bottom-4">') == 3
        body = client.get(DIRECTORY, {"ward": [wards[0].gss_code, wards[1].gss_code, "E99999999"]}).content.decode()
        assert body.count('<details class="govuk-details govuk-!-margin-bottom-4" open>') == 1
        assert "Ward (2 selected)" in body

    def test_every_filter_through_the_page(self, client, listing, wards):
        def found(**params):
            return result_names(client.get(DIRECTORY, params))

        assert found(band=["micro", "medium"]) == ["Brookfield Community Pantry", "Hollin Bank Carers' Centre"]
        assert found(service_type="food_support") == ["Brookfield Community Pantry"]
        assert found(tier="1") == ["Brookfield Community Pantry"]
        assert found(sector="private") == ["Careline National Services Ltd"]
        assert found(local="1") == ["Brookfield Community Pantry", "Hollin Bank Carers' Centre"]
        listing["carers"].client_groups.set(["carers"])
        assert found(client_group="carers") == ["Hollin Bank Carers' Centre"]
        assert found(q="pantry", ward=wards[0].gss_code) == []

    def test_sort(self, client, listing):
        assert result_names(client.get(DIRECTORY, {"sort": "-size"}))[0] == "Careline National Services Ltd"
        assert result_names(client.get(DIRECTORY, {"sort": "-name"}))[0] == "Hollin Bank Carers' Centre"
        body = client.get(DIRECTORY, {"sort": "-size"}).content.decode()
        assert '<option value="-size" selected>' in body

    def test_selected_filters_show_as_tags_that_remove_one_each(self, client, listing, wards):
        response = client.get(DIRECTORY, {"q": "pantry", "band": ["micro", "small"], "page": "1"})
        body = response.content.decode()
        tags = dict(
            (unescape(re.sub(r"<[^>]+>", "", label)).strip(), unescape(href))
            for href, label in re.findall(r'<a class="govuk-link trellis-chosen__tag" href="([^"]+)">(.*?)</a>', body)
        )
        assert tags["Remove filter Size (yearly income): Micro (under £10,000)×"] == "?q=pantry&band=small"
        assert tags["Remove filter Search: “pantry”×"] == "?band=micro&band=small"
        assert "Clear all filters" in text(response)

    def test_download_links_carry_the_same_filters(self, client, listing, wards):
        body = client.get(DIRECTORY, {"q": "pantry", "ward": wards[1].gss_code, "page": "1"}).content.decode()
        query = f"q=pantry&amp;ward={wards[1].gss_code}"
        assert f'href="/directory/export.csv?{query}"' in body
        assert f'href="/directory/export.xlsx?{query}"' in body

    def test_no_results_explains_what_to_try(self, client, listing):
        response = client.get(DIRECTORY, {"q": "zzzzzz"})
        assert response.status_code == 200
        page = text(response)
        assert "0 organisations found" in page
        assert "No organisations match your search." in page
        assert "export.csv" not in response.content.decode()

    def test_commissioner_is_told_the_download_holds_contact_details(self, client, listing, commissioner):
        assert "includes each organisation's contact details" not in text(client.get(DIRECTORY))
        client.force_login(commissioner)
        assert "includes each organisation's contact details" in text(client.get(DIRECTORY))

    def test_inactive_organisations_are_not_listed(self, client, listing):
        OrganisationFactory(name="Wound Up Trust", is_active=False)
        assert "Wound Up Trust" not in result_names(client.get(DIRECTORY))

    def test_post_is_refused(self, client, listing):
        assert client.post(DIRECTORY).status_code == 405


class TestPaginationAndBadInput:
    @pytest.fixture
    def many(self, db):
        return [OrganisationFactory(name=f"Group {i:02d}") for i in range(45)]

    def test_twenty_a_page(self, client, many):
        first = client.get(DIRECTORY)
        assert len(first.context["page"].object_list) == 20
        assert "45 organisations" in text(first)
        assert 'href="?page=2"' in first.content.decode()
        third = client.get(DIRECTORY, {"page": "3"})
        assert result_names(third) == [f"Group {i:02d}" for i in range(40, 45)]
        assert "(page 3 of 3)" in third.content.decode()

    def test_pagination_keeps_the_filters(self, client, many):
        body = client.get(DIRECTORY, {"q": "group", "sort": "-name"}).content.decode()
        assert 'href="?q=group&amp;sort=-name&amp;page=2"' in body

    @pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "", "%00", "1e9"])
    def test_page_that_is_not_a_number_gives_the_first_page(self, client, many, page):
        response = client.get(DIRECTORY, {"page": page})
        assert response.status_code == 200
        assert response.context["page"].number in {1, 3}
        assert len(response.context["page"].object_list) > 0

    def test_page_past_the_end_gives_the_last_page(self, client, many):
        response = client.get(DIRECTORY, {"page": "9999"})
        assert response.status_code == 200
        assert response.context["page"].number == 3

    @pytest.mark.parametrize(
        "params",
        [
            {"ward": "E99999999"},
            {"ward": "<script>"},
            {"tier": "abc"},
            {"tier": "99"},
            {"band": "enormous"},
            {"sector": "alien"},
            {"service_type": "nope", "client_group": "nope"},
            {"sort": "drop table"},
            {"local": "maybe"},
            {"q": "' OR 1=1 --"},
        ],
    )
    def test_unknown_filter_values_are_ignored(self, client, many, params):
        response = client.get(DIRECTORY, params)
        assert response.status_code == 200
        assert response.context["page"].paginator.count in {0, 45}
        assert "There is a problem" not in text(response)

    def test_unknown_values_drop_out_and_known_ones_still_filter(self, client, many, wards):
        many[0].wards.set([wards[0]])
        response = client.get(DIRECTORY, {"ward": ["E99999999", wards[0].gss_code], "tier": "banana"})
        assert result_names(response) == ["Group 00"]

    def test_null_character_in_search_is_a_clear_error(self, client, many):
        response = client.get(DIRECTORY, {"q": "food\x00bank"})
        assert response.status_code == 200
        assert "Null characters are not allowed." in text(response)
        assert response.context["page"].paginator.count == 45

    def test_overlong_search_shows_a_clear_error(self, client, many):
        response = client.get(DIRECTORY, {"q": "group " * 50})
        assert response.status_code == 200
        page = text(response)
        assert "There is a problem" in page
        assert "Search words must be 200 characters or fewer" in page
        assert response.content.decode().count("<title>Error: Provider directory")
        # The rest of the page still works: every organisation is listed.
        assert response.context["page"].paginator.count == 45


class TestProgressiveEnhancement:
    def test_the_form_refreshes_only_the_results_with_htmx(self, client, listing):
        response = client.get(DIRECTORY, {"q": "pantry"}, headers={"HX-Request": "true"})
        assert response.status_code == 200
        body = response.content.decode()
        assert "<html" not in body and "<h1" not in body
        assert 'id="directory-count" hx-swap-oob="innerHTML"' in body
        assert "1 organisation found" in text(response)
        assert "Brookfield Community Pantry" in body
        assert "HX-Request" in response["Vary"]

    def test_the_refreshed_results_bring_the_new_page_title(self, client, listing):
        body = client.get(DIRECTORY, {"q": "pantry"}, headers={"HX-Request": "true"}).content.decode()
        assert "<title>Provider directory – Trellis</title>" in body

    def test_a_search_error_loads_the_whole_page_so_the_error_summary_shows(self, client, listing):
        response = client.get(DIRECTORY, {"q": "x" * 201}, headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert response["HX-Redirect"] == f"/directory/?q={'x' * 201}"
        assert response.content == b""

    def test_full_page_carries_the_htmx_attributes_and_no_inline_script(self, client, listing):
        body = client.get(DIRECTORY).content.decode()
        assert 'hx-target="#directory-results"' in body
        assert 'aria-live="polite"' in body
        assert "<script>" not in body and "style=" not in body


class TestOrganisationPage:
    @pytest.fixture
    def org(self, charity, wards):
        charity.description = "Food parcels and a weekly community meal."
        charity.org_id = "GB-CHC-1164883"
        charity.active_locally_since = 2015
        charity.staff_count = 3
        charity.volunteer_count = 40
        charity.staff_local_pct = 100
        charity.trustees_local_pct = 80
        charity.website = "https://brookfieldpantry.example.org"
        charity.email = "hello@brookfieldpantry.example.org"
        charity.phone = "01632 960 123"
        charity.postcode = "NB1 2AB"
        charity.contact_name = "Sandra Okafor"
        charity.contact_email = "sandra.private@example.org"
        charity.contact_phone = "07700 900 123"
        charity.works_outside_place = True
        charity.save()
        charity.wards.set(wards[:2])
        charity.client_groups.set(["families"])
        charity.service_types.set(["food_support"])
        OtherIdentifier.objects.create(organisation=charity, identifier="GB-COH-09876543")
        return charity

    def url(self, org):
        return reverse("organisations:detail", args=[org.slug])

    def test_public_page(self, client, org):
        response = client.get(self.url(org))
        assert response.status_code == 200
        body = response.content.decode()
        assert body.count("<h1") == 1
        assert "<title>Brookfield Community Pantry – Trellis</title>" in body
        page = text(response)
        years = org.years_active_locally()
        for expected in [
            "GB-CHC-1164883 Charity Commission for England and Wales",
            "GB-COH-09876543 (Companies House)",
            "Charitable incorporated organisation (CIO)",
            "Voluntary, community or social enterprise",
            "Small: yearly income £10,000 to £100,000",
            "3 staff, 40 volunteers",
            "Registered office In Northbridge",
            f"For {years} years (since 2015)",
            "Staff who live locally 100%",
            "Trustees or directors who live locally 80%",
            "Castlegate Mill Hill",
            "Also works outside Northbridge",
            "Families and parents",
            "Food support",
            "Food parcels and a weekly community meal.",
            "https://brookfieldpantry.example.org",
            "hello@brookfieldpantry.example.org",
            "01632 960 123",
            "NB1 2AB",
            "Not yet accredited",
        ]:
            assert expected in page, expected
        assert "Riverside" not in page

    @pytest.mark.parametrize("who", ["anonymous", "resident", "other_provider_admin"])
    def test_contact_details_are_private_to_the_public(self, client, org, request, who):
        if who != "anonymous":
            client.force_login(request.getfixturevalue(who))
        body = client.get(self.url(org)).content.decode()
        assert "sandra.private@example.org" not in body
        assert "07700 900 123" not in body
        assert "Private details" not in body
        assert "Accreditation evidence" not in body
        assert "Edit this profile" not in body

    @pytest.mark.parametrize(
        ("who", "can_edit"),
        [("provider_admin", True), ("provider_member", False), ("commissioner", False), ("platform_admin", True)],
    )
    def test_the_organisation_and_commissioners_see_private_details(self, client, org, request, who, can_edit):
        client.force_login(request.getfixturevalue(who))
        response = client.get(self.url(org))
        body = response.content.decode()
        assert "sandra.private@example.org" in body
        assert "07700 900 123" in body
        assert f'href="{reverse("organisations:evidence", args=[org.slug])}"' in body
        assert (f'href="{reverse("organisations:edit", args=[org.slug])}"' in body) is can_edit

    def test_unknown_slug_is_404(self, client, db):
        assert client.get("/directory/no-such-organisation/").status_code == 404

    @pytest.mark.parametrize("who", ["anonymous", "resident", "other_provider_admin"])
    def test_inactive_organisation_is_404_for_the_public(self, client, org, request, who):
        org.is_active = False
        org.save()
        if who != "anonymous":
            client.force_login(request.getfixturevalue(who))
        assert client.get(self.url(org)).status_code == 404

    def test_inactive_organisation_is_shown_to_staff_with_a_warning(self, client, org, commissioner):
        org.is_active = False
        org.save()
        client.force_login(commissioner)
        response = client.get(self.url(org))
        assert response.status_code == 200
        assert "no longer listed in the public directory" in text(response)

    def test_borough_wide_and_missing_facts(self, client, db):
        org = OrganisationFactory(
            borough_wide=True, registered_office_in_place=False, income_band="unknown", annual_income=None
        )
        page = text(client.get(self.url(org)))
        assert "Across Northbridge (every ward)" in page
        assert "Registered office Outside Northbridge" in page
        assert "Active locally Not given" in page
        assert "Size Not known" in page
        assert "This organisation has not published contact details." in page

    def test_consortium_page_shows_lead_and_members(self, client, org, other_charity):
        consortium = services.consortium_create(
            actor=None,
            name="Northbridge Food Alliance",
            lead_model="member_lead",
            lead=org,
            members=[(org, "Lead and food parcels", Decimal("60")), (other_charity, "Carers' outreach", Decimal("40"))],
            check_permission=False,
        )
        page = text(client.get(self.url(consortium.organisation)))
        assert "One member leads and holds the contract" in page
        assert "Lead organisation Brookfield Community Pantry" in page
        assert "Brookfield Community Pantry Lead and food parcels 60%" in page
        assert "Hollin Bank Carers' Centre Carers' outreach 40%" in page

        member_page = text(client.get(self.url(other_charity)))
        assert "Consortia it belongs to" in member_page
        assert "Northbridge Food Alliance – Carers' outreach, 40% of the work" in member_page
        lead_page = text(client.get(self.url(org)))
        assert "Northbridge Food Alliance – Lead and food parcels (lead organisation), 60% of the work" in lead_page

    def test_open_partner_requests_are_linked(self, client, org, provider_admin):
        req = services.partner_request_create(
            actor=provider_admin,
            organisation=org,
            title="Partner wanted for a holiday hunger scheme",
            description="We need a partner with a kitchen.",
        )
        closed = services.partner_request_create(
            actor=provider_admin, organisation=org, title="An old request", description="Done."
        )
        services.partner_request_close(actor=provider_admin, partner_request=closed)
        body = client.get(self.url(org)).content.decode()
        assert "Looking for partners" in body
        assert f'href="{reverse("organisations:partner_request", args=[req.public_id])}"' in body
        assert "An old request" not in body
