"""The local sector profile: a place's organisations by size, service, ward, sector, legal form,
locality and accreditation — each as a chart (a separate SVG image) with its table beside it.

It counts the directory's organisations, so it lives with them; its pages keep the place's addresses
(``/places/<place>/profile/``): the project's URLs mount ``sector_profile_urls`` under ``/places/``."""

from __future__ import annotations

import hashlib
import json

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from trellis.organisations import selectors as directory
from trellis.organisations.domain import sector_profile as domain
from trellis.places import charts
from trellis.places import selectors as places

#: Browsers may reuse a chart for this long; the ETag lets them check cheaply after that.
CHART_MAX_AGE = 300
#: Drawn charts are kept by content, so the same figures are drawn once.
CHART_CACHE_SECONDS = 3600
#: Only the chart itself: no scripts, and the inline styles matplotlib writes.
CHART_CSP = "default-src 'none'; style-src 'unsafe-inline'"


def _page(request: HttpRequest, place) -> HttpResponse:
    counts = directory.sector_profile(place=place)
    base = reverse("organisations:directory")
    sections = [
        {
            "section": s,
            "chart_url": reverse("sector_profile:chart", args=[place.slug, s.key]),
            "rows": [{"row": r, "url": f"{base}?{urlencode(r.filters)}" if r.filters else ""} for r in s.rows],
        }
        for s in domain.sections(counts, place.name)
    ]
    return render(
        request,
        "organisations/sector_profile.html",
        {"place": place, "counts": counts, "sections": sections, "directory_url": base},
    )


@require_safe
def profile_default(request: HttpRequest) -> HttpResponse:
    place = places.default_place()
    if place is None:
        return render(request, "organisations/sector_profile_empty.html")
    return _page(request, place)


@require_safe
def profile(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, places.place_get(slug=slug))


@require_safe
def profile_chart(request: HttpRequest, slug: str, chart: str) -> HttpResponse:
    if chart not in domain.CHARTS:
        raise Http404("No such chart")
    place = places.place_get(slug=slug)
    section = domain.section(directory.sector_profile(place=place), place.name, chart)
    if section is None:
        raise Http404("No such chart")
    fingerprint = json.dumps([chart, section.labels, section.values, section.parts], ensure_ascii=False)
    etag = '"' + hashlib.sha256(fingerprint.encode()).hexdigest()[:32] + '"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        not_modified["Cache-Control"] = f"public, max-age={CHART_MAX_AGE}"
        return not_modified
    key = f"trellis:profile-chart:{etag.strip(chr(34))}"
    svg = cache.get(key)
    if svg is None:
        svg = charts.bar_chart_svg(section.labels, section.values, parts=section.parts)
        cache.set(key, svg, CHART_CACHE_SECONDS)
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["ETag"] = etag
    response["Content-Security-Policy"] = CHART_CSP
    patch_cache_control(response, public=True, max_age=CHART_MAX_AGE)
    return response


urlpatterns = [
    path("profile/", profile_default, name="default"),
    path("<slug:slug>/profile/", profile, name="place"),
    path("<slug:slug>/profile/<str:chart>.svg", profile_chart, name="chart"),
]
