"""Turning what a person types into a safe full-text query."""

from hypothesis import given
from hypothesis import strategies as st

from trellis.organisations.domain.search import MAX_TERMS, fts5_query, terms, tsquery


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
