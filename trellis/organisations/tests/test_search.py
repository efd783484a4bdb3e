"""The one search function: full text over name and description, every filter, and combinations."""

import pytest
from django.http import QueryDict

from trellis.organisations import selectors
from trellis.organisations.forms.directory import DirectoryForm
from trellis.organisations.selectors import DirectoryFilters, search
from trellis.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def names(qs) -> list[str]:
    return sorted(o.name for o in qs)


@pytest.fixture
def orgs(wards):
    castlegate, mill_hill, riverside = wards
    carers = OrganisationFactory(
        name="Hollin Bank Carers' Centre",
        description="Breaks, advice and peer support for unpaid carers.",
        income_band="medium",
        accreditation_tier=2,
        active_locally_since=2004,
    )
    carers.wards.set([castlegate])
    carers.service_types.set(["carers_support", "advice_guidance"])
    carers.client_groups.set(["carers"])

    pantry = OrganisationFactory(
        name="Brookfield Community Pantry",
        description="A food bank and pantry run by volunteers, with welfare advice on Tuesdays.",
        income_band="micro",
        accreditation_tier=1,
        active_locally_since=2015,
    )
    pantry.wards.set([mill_hill])
    pantry.service_types.set(["food_support"])
    pantry.client_groups.set(["families", "people_on_low_income"])

    national = OrganisationFactory(
        name="Careline National Services Ltd",
        description="National provider of home care and reablement.",
        legal_form="private_company",
        sector="private",
        income_band="major",
        registered_office_in_place=False,
        borough_wide=True,
        accreditation_tier=3,
    )
    national.service_types.set(["social_care_home_support"])
    national.client_groups.set(["older_people", "disabled_people"])

    youth = OrganisationFactory(
        name="Riverside Youth Club",
        description="Evening youth work and sport in Riverside.",
        income_band="small",
    )
    youth.wards.set([riverside])
    youth.service_types.set(["youth_work", "sport_physical_activity"])
    youth.client_groups.set(["young_people"])

    OrganisationFactory(name="Closed Carers Group", description="Used to support carers.", is_active=False)
    return {"carers": carers, "pantry": pantry, "national": national, "youth": youth}


class TestFullText:
    def test_a_word_is_a_prefix_so_carer_finds_carers_centre(self, orgs):
        assert names(search(DirectoryFilters(q="carer"))) == ["Hollin Bank Carers' Centre"]

    def test_short_prefixes_match_the_start_of_a_word(self, orgs):
        assert "Careline National Services Ltd" in names(search(DirectoryFilters(q="care")))
        assert "Hollin Bank Carers' Centre" in names(search(DirectoryFilters(q="care")))

    def test_description_matches_as_well_as_name(self, orgs):
        assert names(search(DirectoryFilters(q="food bank"))) == ["Brookfield Community Pantry"]
        assert names(search(DirectoryFilters(q="reablement"))) == ["Careline National Services Ltd"]

    def test_every_word_must_match(self, orgs):
        assert names(search(DirectoryFilters(q="advice"))) == [
            "Brookfield Community Pantry",
            "Hollin Bank Carers' Centre",
        ]
        assert names(search(DirectoryFilters(q="advice pantry"))) == ["Brookfield Community Pantry"]
        assert names(search(DirectoryFilters(q="advice reablement"))) == []

    def test_case_does_not_matter(self, orgs):
        assert names(search(DirectoryFilters(q="BROOKFIELD"))) == ["Brookfield Community Pantry"]

    def test_inactive_organisations_are_never_found(self, orgs):
        assert "Closed Carers Group" not in names(search(DirectoryFilters(q="carers")))
        assert "Closed Carers Group" not in names(search(DirectoryFilters()))

    def test_search_follows_a_renamed_organisation(self, orgs):
        orgs["youth"].name = "Riverside Young People's Hub"
        orgs["youth"].save()
        assert names(search(DirectoryFilters(q="hub"))) == ["Riverside Young People's Hub"]
        assert names(search(DirectoryFilters(q="club"))) == []

    @pytest.mark.parametrize(
        "text",
        [
            '"',
            "'",
            "carers'",
            '"unbalanced quote',
            "AND",
            "OR carers",
            "NOT",
            "carers AND",
            "*",
            "car*",
            "(carers",
            "carers)",
            "NEAR(carers pantry)",
            "name:carers",
            "^carers",
            "-carers",
            "+carers",
            "carers & pantry | !",
            "carers:*",
            "\\",
            "%_%",
            "; DROP TABLE organisations_organisation; --",
            "Ünïcödé café 日本語 🙂",
            "   ",
            "!!!",
        ],
    )
    def test_nothing_typed_breaks_the_query(self, orgs, text):
        found = list(search(DirectoryFilters(q=text)))  # evaluates the SQL
        assert all(org.is_active for org in found)

    def test_punctuation_is_ignored_around_words(self, orgs):
        assert names(search(DirectoryFilters(q='"carers"!'))) == ["Hollin Bank Carers' Centre"]
        assert names(search(DirectoryFilters(q="(food)-bank"))) == ["Brookfield Community Pantry"]

    def test_query_words_that_are_operators_are_searched_as_words(self, orgs):
        # As operators these would find both; as words, nothing says "or…" as well as "carers" and "pantry".
        assert names(search(DirectoryFilters(q="carers OR pantry"))) == []
        OrganisationFactory(name="Orchard Carers and Pantry", description="")
        assert names(search(DirectoryFilters(q="carers OR pantry"))) == ["Orchard Carers and Pantry"]

    def test_accented_letters_match_plain_ones_in_names(self, orgs):
        OrganisationFactory(name="Café Connect", description="Community café and befriending.")
        assert "Café Connect" in names(search(DirectoryFilters(q="café")))

    def test_no_words_means_no_text_filter(self, orgs):
        assert len(search(DirectoryFilters(q="!!!"))) == 4


class TestFilters:
    def test_ward_filter_includes_borough_wide_organisations(self, orgs, wards):
        found = names(search(DirectoryFilters(wards=[wards[0].gss_code])))
        assert found == ["Careline National Services Ltd", "Hollin Bank Carers' Centre"]

    def test_several_wards_mean_any_of_them(self, orgs, wards):
        found = names(search(DirectoryFilters(wards=[wards[0].gss_code, wards[2].gss_code])))
        assert found == ["Careline National Services Ltd", "Hollin Bank Carers' Centre", "Riverside Youth Club"]

    def test_service_type(self, orgs):
        assert names(search(DirectoryFilters(service_types=["food_support"]))) == ["Brookfield Community Pantry"]
        assert names(search(DirectoryFilters(service_types=["food_support", "youth_work"]))) == [
            "Brookfield Community Pantry",
            "Riverside Youth Club",
        ]

    def test_client_group(self, orgs):
        assert names(search(DirectoryFilters(client_groups=["older_people"]))) == ["Careline National Services Ltd"]

    def test_organisation_in_two_matching_groups_is_listed_once(self, orgs):
        found = list(search(DirectoryFilters(client_groups=["families", "people_on_low_income"])))
        assert [o.name for o in found] == ["Brookfield Community Pantry"]

    def test_size_band(self, orgs):
        assert names(search(DirectoryFilters(bands=["micro", "small"]))) == [
            "Brookfield Community Pantry",
            "Riverside Youth Club",
        ]

    def test_tier(self, orgs):
        assert names(search(DirectoryFilters(tiers=[2, 3]))) == [
            "Careline National Services Ltd",
            "Hollin Bank Carers' Centre",
        ]

    def test_sector(self, orgs):
        assert names(search(DirectoryFilters(sectors=["private"]))) == ["Careline National Services Ltd"]

    def test_local_only(self, orgs):
        assert "Careline National Services Ltd" not in names(search(DirectoryFilters(local_only=True)))
        assert len(search(DirectoryFilters(local_only=True))) == 3

    def test_filters_combine_with_and(self, orgs, wards):
        filters = DirectoryFilters(q="advice", wards=[wards[1].gss_code], bands=["micro"])
        assert names(search(filters)) == ["Brookfield Community Pantry"]
        filters = DirectoryFilters(q="advice", wards=[wards[1].gss_code], bands=["medium"])
        assert names(search(filters)) == []
        filters = DirectoryFilters(wards=[wards[0].gss_code], local_only=True, tiers=[2])
        assert names(search(filters)) == ["Hollin Bank Carers' Centre"]

    def test_sorts(self, orgs):
        assert next(o.name for o in search(DirectoryFilters(), sort="-size")) == "Careline National Services Ltd"
        assert next(o.name for o in search(DirectoryFilters(), sort="size")) == "Brookfield Community Pantry"
        with_year = [o.name for o in search(DirectoryFilters(), sort="local") if o.active_locally_since]
        assert with_year == ["Hollin Bank Carers' Centre", "Brookfield Community Pantry"]
        assert next(o.name for o in search(DirectoryFilters(), sort="-name")) == "Riverside Youth Club"


class TestDirectoryForm:
    def form(self, query: str) -> DirectoryForm:
        form = DirectoryForm(QueryDict(query))
        form.is_valid()
        return form

    def test_query_string_becomes_filters(self, orgs, wards):
        form = self.form(
            f"q=food+bank&ward={wards[1].gss_code}&band=micro&band=small&tier=1&sector=vcse"
            "&service_type=food_support&client_group=families&local=1&sort=-size"
        )
        assert form.is_valid()
        assert form.filters() == DirectoryFilters(
            q="food bank",
            wards=[wards[1].gss_code],
            client_groups=["families"],
            service_types=["food_support"],
            bands=["micro", "small"],
            tiers=[1],
            sectors=["vcse"],
            local_only=True,
        )
        assert form.sort_key == "-size"
        assert names(search(form.filters(), sort=form.sort_key)) == ["Brookfield Community Pantry"]

    def test_unknown_codes_are_dropped_and_the_rest_still_applies(self, orgs, wards):
        form = self.form(f"ward=E99999999&ward={wards[2].gss_code}&band=gigantic&tier=7&tier=x&sector=alien&sort=zzz")
        assert form.is_valid()
        filters = form.filters()
        assert filters.wards == [wards[2].gss_code]
        assert filters.bands == [] and filters.tiers == [] and filters.sectors == []
        assert form.sort_key == ""

    def test_overlong_search_is_a_clear_error_and_other_filters_still_apply(self, orgs):
        form = self.form("q=" + "carers+" * 60 + "&band=micro")
        assert not form.is_valid()
        assert "200 characters or fewer" in form.errors["q"][0]
        assert form.filters() == DirectoryFilters(bands=["micro"])

    def test_local_zero_means_not_local(self, orgs):
        assert self.form("local=0").filters().local_only is False

    def test_each_chosen_filter_removes_only_itself(self, orgs, wards):
        form = self.form(f"q=advice&band=micro&band=small&ward={wards[0].gss_code}&page=3")
        chosen = {c.label: c.remove_query for c in form.chosen()}
        assert set(chosen) == {"“advice”", "Micro (under £10,000)", "Small (£10,000 to £100,000)", "Castlegate"}
        micro_removed = QueryDict(chosen["Micro (under £10,000)"].lstrip("?"))
        assert micro_removed.getlist("band") == ["small"]
        assert micro_removed["q"] == "advice" and micro_removed["ward"] == wards[0].gss_code
        assert "page" not in micro_removed
        assert "q" not in QueryDict(chosen["“advice”"].lstrip("?"))

    def test_choices_come_from_the_vocabularies_wards_bands_and_tiers(self, orgs, wards):
        form = DirectoryForm(QueryDict(""))
        assert dict(form.fields["service_type"].choices)["food_support"] == "Food support"
        assert len(form.fields["client_group"].choices) == selectors.client_groups().count()
        assert [c for c, _ in form.fields["ward"].choices] == [w.gss_code for w in wards]
        assert [c for c, _ in form.fields["band"].choices] == ["micro", "small", "medium", "large", "major"]
        assert dict(form.fields["tier"].choices)["3"] == "Tier 3: Commissioning-ready"
