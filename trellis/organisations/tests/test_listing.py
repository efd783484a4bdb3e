"""What lists show with each organisation: service types, wards and client groups, read in one query per page."""

import pytest

from trellis.organisations.models import Organisation
from trellis.organisations.selectors import DirectoryFilters, search, with_listing_data
from trellis.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs(wards):
    made = []
    for i in range(6):
        org = OrganisationFactory(name=f"Carers Group {i}")
        org.wards.set(wards[: 1 + i % 3])
        org.service_types.set(["carers_support", "advice_guidance"][: 1 + i % 2])
        org.client_groups.set(["carers"] if i % 2 else [])
        made.append(org)
    return made


def test_a_page_reads_every_label_in_one_query(orgs, django_assert_num_queries):
    page = list(with_listing_data(search(DirectoryFilters(q="carers")))[:20])
    with django_assert_num_queries(0):
        listed = {o.name: ([s.code for s in o.listed_service_types], [w.name for w in o.listed_wards]) for o in page}
    assert len(listed) == 6
    with django_assert_num_queries(2):  # the page, and the labels of every organisation on it
        list(with_listing_data(Organisation.objects.filter(name__startswith="Carers")))


def test_labels_are_the_organisations_own_in_vocabulary_and_name_order(orgs, wards):
    org = next(o for o in with_listing_data(Organisation.objects.filter(pk=orgs[5].pk)))
    fresh = Organisation.objects.get(pk=orgs[5].pk)
    assert [w.gss_code for w in org.listed_wards] == [w.gss_code for w in fresh.wards.all()]
    assert [s.code for s in org.listed_service_types] == [s.code for s in fresh.service_types.all()]
    assert [c.code for c in org.listed_client_groups] == [c.code for c in fresh.client_groups.all()] == ["carers"]
    assert [str(w) for w in org.listed_wards] == [w.name for w in fresh.wards.all()]


def test_an_organisation_with_none_lists_nothing(orgs):
    bare = OrganisationFactory(name="Carers Without Labels")
    org = with_listing_data(Organisation.objects.filter(pk=bare.pk)).get()
    assert org.listed_wards == [] and org.listed_service_types == [] and org.listed_client_groups == []


def test_without_prefetching_the_labels_are_read_on_demand(orgs, django_assert_num_queries):
    org = Organisation.objects.get(pk=orgs[2].pk)
    with django_assert_num_queries(1):
        assert len(org.listed_wards) == 3
        assert len(org.listed_service_types) == 1
