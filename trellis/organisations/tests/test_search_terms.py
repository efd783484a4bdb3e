"""Turning what a person types into a safe full-text query."""

from hypothesis import given
from hypothesis import strategies as st

from trellis.organisations.domain.search import (
    MAX_TERMS,
    fts5_match,
    fts5_query,
    index_query,
    pg_tsqueries,
    terms,
    tsquery,
)


def test_words_become_prefix_terms_all_required():
    assert fts5_query("Food bank") == '"food"* AND "bank"*'
    assert tsquery("Food bank") == "food:* & bank:*"


def test_punctuation_and_operators_are_dropped():
    assert terms('carers" OR (NEAR) -*') == ["carers", "or", "near"]
    assert fts5_query("***") == ""
    assert tsquery("&|!():*") == ""


def test_duplicates_dropped_and_terms_capped():
    assert terms("age age UK") == ["age", "uk"]
    assert len(terms(" ".join(f"w{i}" for i in range(20)))) == MAX_TERMS


def test_accented_and_non_latin_words_kept():
    assert terms("Café São Paulo") == ["café", "são", "paulo"]
    assert terms("مسجد") == ["مسجد"]


@given(st.text())
def test_any_input_gives_well_formed_queries(text):
    q = fts5_query(text)
    for part in filter(None, q.split(" AND ")):
        assert part.startswith('"') and part.endswith('"*') and part.count('"') == 2
    for part in filter(None, tsquery(text).split(" & ")):
        assert part.endswith(":*") and not set(part[:-2]) & set("&|!():*'\\ ")


def test_words_and_filters_become_one_index_query():
    query = index_query(
        "Food bank!",
        ward_ids=[3],
        wards_chosen=True,
        tiers=[1, 2],
        service_types=["food_support"],
        include_consortia=False,
    )
    assert fts5_match(query) == (
        '{name description}: ("food"* AND "bank"*) AND facets: ("w3" OR "boroughwide") '
        'AND facets: ("s666f6f645f737570706f7274") AND facets: ("t1" OR "t2") '
        'NOT facets: ("inactive") NOT facets: ("consortium")'
    )
    assert pg_tsqueries(query) == (
        "food:* & bank:*",
        "('_w3' | '_boroughwide') & ('_s666f6f645f737570706f7274') & ('_t1' | '_t2') & !'_inactive' & !'_consortium'",
    )


def test_chosen_wards_that_do_not_exist_still_find_borough_wide_organisations():
    assert index_query("", ward_ids=[], wards_chosen=True).all_of == (("boroughwide",),)


def test_nothing_chosen_is_every_active_organisation():
    query = index_query("")
    assert not query.has_filters
    assert fts5_match(query) == 'facets: ("active") NOT facets: ("inactive")'
    assert index_query("", include_consortia=False).has_filters


@given(
    st.text(max_size=40),
    st.lists(st.text(min_size=1, max_size=30), max_size=3),
    st.lists(st.integers(min_value=0, max_value=10**9), max_size=3),
)
def test_any_codes_become_single_index_terms(text, codes, ids):
    query = index_query(text, ward_ids=ids, wards_chosen=True, service_types=codes, client_groups=codes, sectors=codes)
    for group in query.all_of:
        assert all(term.isascii() and term.isalnum() and term == term.lower() for term in group)
    assert fts5_match(query).count('"') % 2 == 0


def test_a_single_letter_beside_longer_words_is_dropped():
    assert terms("food b") == ["food"]
    assert terms("Flat 2 advice") == ["flat", "advice"]
    assert terms("b") == ["b"]  # alone, it is still searched
    assert terms("中 文化") == ["中", "文化"]  # one character can be a whole word in other scripts
