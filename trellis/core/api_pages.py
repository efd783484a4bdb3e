"""One way to page a list in the JSON API: the page asked for, with the total count and the links to the pages
either side (absolute URLs keeping every other query parameter)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext

from trellis.core.errors import NotFound

T = TypeVar("T")


def page_url(request: HttpRequest, page: int) -> str:
    """This request's URL with ``page`` set to ``page``."""
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def page_of(
    request: HttpRequest,
    items: QuerySet[Any] | Sequence[T],
    *,
    page: int,
    page_size: int,
    render: Callable[[Any], dict[str, Any]],
    past_the_end: str = "",
) -> dict[str, Any]:
    """``{"count", "page", "page_size", "next", "previous", "results"}`` for page ``page`` of ``items``, each
    drawn by ``render``. A page past the last one raises ``NotFound`` on the ``page`` parameter with
    ``past_the_end`` (``%(page)s`` and ``%(pages)s`` filled in); an empty list has one, empty, page."""
    paginator = Paginator(items, page_size)
    if page > max(paginator.num_pages, 1):
        message = past_the_end or gettext("There is no page %(page)s: there are %(pages)s pages.")
        raise NotFound(message % {"page": page, "pages": paginator.num_pages}, field="page")
    current = paginator.page(page)
    return {
        "count": paginator.count,
        "page": current.number,
        "page_size": page_size,
        "next": page_url(request, current.next_page_number()) if current.has_next() else None,
        "previous": page_url(request, current.previous_page_number()) if current.has_previous() else None,
        "results": [render(item) for item in current.object_list],
    }
