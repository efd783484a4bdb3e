"""The one API paging helper: the page asked for, its count and neighbours, and a clear 404 past the end."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from trellis.core.api_pages import page_of
from trellis.core.errors import NotFound

ITEMS = list(range(1, 8))  # seven items: pages of three are [1-3], [4-6], [7]


def request(query: str = ""):
    return RequestFactory().get(f"/api/v1/things?{query}")


def render(item: int) -> dict:
    return {"n": item}


def test_a_middle_page_links_both_ways_keeping_the_other_parameters():
    page = page_of(request("q=care&ward=A&ward=B&page=2"), ITEMS, page=2, page_size=3, render=render)
    assert page == {
        "count": 7,
        "page": 2,
        "page_size": 3,
        "next": "http://testserver/api/v1/things?q=care&ward=A&ward=B&page=3",
        "previous": "http://testserver/api/v1/things?q=care&ward=A&ward=B&page=1",
        "results": [{"n": 4}, {"n": 5}, {"n": 6}],
    }


def test_the_first_and_last_pages_have_no_link_beyond_them():
    first = page_of(request(), ITEMS, page=1, page_size=3, render=render)
    last = page_of(request("page=3"), ITEMS, page=3, page_size=3, render=render)
    assert (first["previous"], first["next"]) == (None, "http://testserver/api/v1/things?page=2")
    assert (last["previous"], last["next"], last["results"]) == (
        "http://testserver/api/v1/things?page=2",
        None,
        [{"n": 7}],
    )


def test_an_empty_list_has_one_empty_page():
    assert page_of(request(), [], page=1, page_size=20, render=render) == {
        "count": 0,
        "page": 1,
        "page_size": 20,
        "next": None,
        "previous": None,
        "results": [],
    }


@pytest.mark.parametrize(
    ("past_the_end", "message"),
    [
        ("", "There is no page 4: there are 3 pages."),
        ("Page %(page)s of %(pages)s does not exist.", "Page 4 of 3 does not exist."),
    ],
)
def test_a_page_past_the_last_is_not_found_naming_the_parameter(past_the_end, message):
    with pytest.raises(NotFound) as exc:
        page_of(request(), ITEMS, page=4, page_size=3, render=render, past_the_end=past_the_end)
    assert (exc.value.message, exc.value.field) == (message, "page")
