"""The search index stays in step with the directory, counts what search() lists, and both page plans agree."""

import pytest
from django.db import DatabaseError, connection

from trellis.organisations import search_index
from trellis.organisations.models import Organisation
from trellis.organisations.selectors import DirectoryFilters, search, with_listing_data
from trellis.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def names(filters: DirectoryFilters, sort: str = "") -> list[str]:
    return [o.name for o in search(filters, sort=sort)]


def assert_index_matches_the_directory() -> None:
    """The index holds exactly what the organisations, their wards, services and groups say, and nothing else."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            # FTS5 compares every entry with the content it was built from, and fails on any difference.
            try:
                cur.execute("INSERT INTO organisations_fts(organisations_fts, rank) VALUES ('integrity-check', 1)")
            except DatabaseError as error:
                raise AssertionError(f"the full-text index does not match the directory: {error}") from error
        else:
            cur.execute(
                """SELECT count(*) FROM organisations_organisation o
                   FULL JOIN organisations_search s ON s.organisation_id = o.id
                   WHERE s.document IS DISTINCT FROM organisations_search_document(o)"""
            )
            assert cur.fetchone()[0] == 0


@pytest.fixture
def org(wards):
    org = OrganisationFactory(name="Hollin Bank Carers' Centre", description="Support for unpaid carers.")
    org.wards.set([wards[0]])
    org.service_types.set(["carers_support"])
    org.client_groups.set(["carers"])
    return org


class TestTheIndexFollowsEveryChange:
    def test_a_new_organisation_is_found_by_each_of_its_filters(self, org, wards):
        assert names(DirectoryFilters(q="carers", wards=[wards[0].gss_code])) == [org.name]
        assert names(DirectoryFilters(service_types=["carers_support"], client_groups=["carers"])) == [org.name]
        assert names(DirectoryFilters(bands=["small"], tiers=[0], sectors=["vcse"], local_only=True)) == [org.name]
        assert_index_matches_the_directory()

    def test_wards_services_and_groups_added_and_removed(self, org, wards):
        org.wards.set([wards[1]])
        org.service_types.add("advice_guidance")
        org.client_groups.remove("carers")
        assert names(DirectoryFilters(wards=[wards[0].gss_code])) == []
        assert names(DirectoryFilters(wards=[wards[1].gss_code])) == [org.name]
        assert names(DirectoryFilters(service_types=["advice_guidance"])) == [org.name]
        assert names(DirectoryFilters(client_groups=["carers"])) == []
        org.service_types.clear()
        assert names(DirectoryFilters(service_types=["carers_support"])) == []
        assert_index_matches_the_directory()

    def test_changed_fields_move_it_between_filters(self, org):
        org.income_band, org.accreditation_tier, org.sector = "medium", 2, "private"
        org.borough_wide, org.registered_office_in_place, org.name = True, False, "Hollin Bank Care Ltd"
        org.save()
        assert names(DirectoryFilters(bands=["small"])) == []
        assert names(DirectoryFilters(bands=["medium"], tiers=[2], sectors=["private"])) == ["Hollin Bank Care Ltd"]
        assert names(DirectoryFilters(q="hollin", local_only=True)) == []
        assert names(DirectoryFilters(q="centre")) == []
        assert_index_matches_the_directory()

    def test_bulk_updates_and_deletes(self, org):
        other = OrganisationFactory(name="Brookfield Pantry")
        Organisation.objects.filter(pk__in=[org.pk, other.pk]).update(income_band="large")
        assert names(DirectoryFilters(bands=["large"])) == ["Brookfield Pantry", org.name]
        org.delete()
        assert names(DirectoryFilters(bands=["large"])) == ["Brookfield Pantry"]
        assert_index_matches_the_directory()

    def test_inactive_and_consortium_organisations(self, org):
        consortium = OrganisationFactory(name="Northbridge Carers Consortium", is_consortium=True)
        assert names(DirectoryFilters(q="carers")) == [org.name, consortium.name]
        assert names(DirectoryFilters(q="carers", include_consortia=False)) == [org.name]
        org.is_active = False
        org.save()
        assert names(DirectoryFilters(q="carers")) == [consortium.name]
        assert_index_matches_the_directory()

    def test_a_typed_word_never_matches_a_filter_term(self, org, wards):
        # The facet terms for this organisation's ward, tier and flags, typed as words, find nothing.
        for typed in (f"w{wards[0].pk}", "t0", "active", "local"):
            assert names(DirectoryFilters(q=typed)) == [], typed


class TestCounting:
    @pytest.fixture
    def many(self, wards):
        for i in range(12):
            o = OrganisationFactory(name=f"Carers Group {i:02d}", income_band="micro" if i % 2 else "small")
            o.wards.set([wards[i % 3]])
        OrganisationFactory(name="Carers Group (closed)", is_active=False)

    @pytest.mark.parametrize(
        "filters",
        [
            DirectoryFilters(q="carers"),
            DirectoryFilters(q="carers", bands=["micro"]),
            DirectoryFilters(bands=["small"]),
            DirectoryFilters(q="nothing-like-this"),
            DirectoryFilters(),
        ],
        ids=["words", "words and band", "band", "no match", "everything"],
    )
    def test_the_count_is_the_number_of_results(self, many, filters):
        qs = with_listing_data(search(filters))
        assert qs.count() == len(list(search(filters)))

    def test_counting_a_search_asks_the_database_nothing_more(self, many, django_assert_num_queries):
        for filters in (DirectoryFilters(q="carers"), DirectoryFilters(bands=["micro"])):
            qs = with_listing_data(search(filters, sort="size"))
            listed = len(list(search(filters)))
            with django_assert_num_queries(0):
                assert qs.count() == listed

    def test_a_further_filter_is_counted_again(self, many):
        qs = search(DirectoryFilters(q="carers"))
        assert qs.count() == 12
        assert qs.filter(income_band="micro").count() == 6
        assert qs.exclude(name__endswith="1").count() == 10  # not 01 or 11
        assert qs[:5].count() == 5
        assert qs.none().count() == 0


class TestBothPagePlansGiveTheSamePage:
    @pytest.fixture
    def directory(self, wards):
        for i in range(30):
            OrganisationFactory(name=f"{'ABCDEFGHIJ'[i % 10]} Carers Group {i:02d}", income_band="micro")

    @pytest.mark.parametrize("sort", ["", "name", "-name", "size", "-size", "local"])
    def test_walking_names_and_sorting_matches_agree(self, directory, monkeypatch, sort):
        filters = DirectoryFilters(q="carers", bands=["micro"])
        monkeypatch.setattr(search_index, "WALK_FROM", 10**9)
        sorted_matches = [o.pk for o in search(filters, sort=sort)]
        monkeypatch.setattr(search_index, "WALK_FROM", 0)
        walked = [o.pk for o in search(filters, sort=sort)]
        assert walked == sorted_matches
        assert len(walked) == 30


def test_the_consistency_check_itself_notices_a_stale_index(org):
    """Without the triggers the index goes stale, and the check above says so (so its passing means something)."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("DROP TRIGGER organisations_fts_bu")
            cur.execute("DROP TRIGGER organisations_fts_au")
            Organisation.objects.filter(pk=org.pk).update(name="Renamed Without The Index Knowing")
        else:
            cur.execute(
                "UPDATE organisations_search SET document = to_tsvector('simple', 'stale') WHERE organisation_id = %s",
                [org.pk],
            )
    with pytest.raises(AssertionError):
        assert_index_matches_the_directory()
