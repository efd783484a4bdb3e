"""The public provider directory: search and filters, downloads of any list, organisation pages."""

from __future__ import annotations

import dataclasses
import io

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from trellis.organisations import exports, selectors, services
from trellis.organisations import permissions as perms
from trellis.organisations.domain.identifiers import InvalidIdentifier, parse_org_id
from trellis.organisations.forms.directory import DirectoryForm

PAGE_SIZE = 20


def _search(request: HttpRequest) -> tuple[DirectoryForm, selectors.DirectoryFilters, str]:
    form = DirectoryForm(request.GET, place_name=settings.TRELLIS_PLACE_NAME)
    form.is_valid()  # invalid parts are dropped from cleaned_data and shown as errors; the rest still applies
    return form, form.filters(), form.sort_key


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    form, filters, sort = _search(request)
    partial = bool(request.htmx) and not request.htmx.boosted
    if partial and form.errors:
        # The error summary sits above the refreshed region: load the whole page so it is seen.
        response = HttpResponse()
        response["HX-Redirect"] = request.get_full_path()
    else:
        results = selectors.with_listing_data(selectors.search(filters, sort=sort))
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "form": form,
            "page": Paginator(results, PAGE_SIZE).get_page(request.GET.get("page")),
            "chosen": form.chosen(),
            "download_query": query.urlencode(),
            "filters_used": not filters.is_empty,
            "private_export": bool(perms.can_export_private_columns(request.user)),
            "partial": partial,
        }
        template = "organisations/includes/_directory_results.html" if partial else "organisations/directory.html"
        response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _export_rows(request: HttpRequest, file_format: str):
    _form, filters, sort = _search(request)
    include_private = bool(perms.can_export_private_columns(request.user))
    results = selectors.with_listing_data(selectors.search(filters, sort=sort))
    services.directory_export_record(
        actor=request.user if request.user.is_authenticated else None,
        file_format=file_format,
        filters=dataclasses.asdict(filters) | {"sort": sort},
        row_count=results.count() if include_private else 0,
        include_private=include_private,
    )
    return results.iterator(chunk_size=500), include_private


def _attachment(response: HttpResponse | StreamingHttpResponse, extension: str) -> None:
    name = exports.filename(extension, timezone.localdate())
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"


@require_GET
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    orgs, include_private = _export_rows(request, "csv")
    response = StreamingHttpResponse(exports.csv_chunks(orgs, include_private), content_type=exports.CSV_CONTENT_TYPE)
    _attachment(response, "csv")
    return response


@require_GET
def export_xlsx(request: HttpRequest) -> HttpResponse:
    orgs, include_private = _export_rows(request, "xlsx")
    stream = io.BytesIO()
    exports.write_xlsx(orgs, include_private, stream)
    response = HttpResponse(stream.getvalue(), content_type=exports.XLSX_CONTENT_TYPE)
    _attachment(response, "xlsx")
    return response


def _scheme_name(org_id: str) -> str:
    try:
        return parse_org_id(org_id).scheme_name
    except (InvalidIdentifier, KeyError):
        return ""


@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    org = selectors.organisation_get_for(actor=request.user, slug=slug)
    context = {
        "org": org,
        "scheme_name": _scheme_name(org.org_id),
        "other_identifiers": [(i.identifier, _scheme_name(i.identifier)) for i in org.other_identifiers.all()],
        "consortium": selectors.consortium_for(organisation=org),
        "memberships": selectors.consortium_memberships_of(organisation=org),
        "partner_requests": selectors.open_partner_requests_of(organisation=org),
        "can_view_private": perms.can_view_private_details(request.user, org),
        "can_edit": perms.can_edit_organisation(request.user, org),
        "years_local": org.years_active_locally(),
        "website_is_link": org.website.lower().startswith(("https://", "http://")),
    }
    return render(request, "organisations/detail.html", context)


# The organisation slug is a catch-all, so it comes last (and urls.py puts this list last).
urlpatterns = [
    path("", directory, name="directory"),
    path("export.csv", export_csv, name="export_csv"),
    path("export.xlsx", export_xlsx, name="export_xlsx"),
    path("<slug:slug>/", detail, name="detail"),
]
