"""Importing organisations from a spreadsheet: upload, check, preview, confirm, watch progress.

Only those who maintain the directory (commissioners, procurement officers, platform admins)."""

from __future__ import annotations

from importlib import resources
from io import BytesIO
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from trellis.core.errors import TrellisError
from trellis.core.web import page_message, require, show_service_errors, signed_in
from trellis.organisations import importing, selectors, tasks
from trellis.organisations import permissions as perms
from trellis.organisations.domain.import_columns import COLUMNS, ORG_ID_SOURCES
from trellis.organisations.domain.importing import MAX_BYTES, MAX_ROWS
from trellis.organisations.forms.imports import ImportUploadForm
from trellis.organisations.models import ImportJob, ImportStatus, LegalForm, Sector
from trellis.places import selectors as places

PROBLEMS_PER_PAGE = 200
SUMMARY_PROBLEMS = 10


def _require_manager(request: HttpRequest) -> None:
    require(perms.can_manage_directory(request.user))


@signed_in
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = ImportUploadForm(request.POST, request.FILES) if request.method == "POST" else ImportUploadForm()
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = importing.organisations_import_preview(
                actor=request.user,
                file_name=upload.name,
                content=upload.read(),
                update_existing=form.cleaned_data["update_existing"],
            )
        except TrellisError as exc:
            show_service_errors(form, exc)
        else:
            return redirect("organisations:import_job", public_id=job.public_id)
    context = {
        "form": form,
        "columns": COLUMNS,
        "org_id_sources": ORG_ID_SOURCES,
        "legal_forms": LegalForm.choices,
        "sectors": Sector.choices,
        "service_types": selectors.service_types(),
        "client_groups": selectors.client_groups(),
        "wards": places.wards().order_by("place__name", "name"),
        "recent": importing.import_jobs_recent(actor=request.user),
        "max_rows": MAX_ROWS,
        "max_mb": MAX_BYTES // (1024 * 1024),
    }
    return render(request, "organisations/import.html", context)


@signed_in
@require_GET
def import_template(request: HttpRequest) -> FileResponse:
    _require_manager(request)
    content = resources.files("trellis.organisations").joinpath("data/import_template.csv").read_bytes()
    return FileResponse(
        BytesIO(content), as_attachment=True, filename="organisations-import-template.csv", content_type="text/csv"
    )


def _job_context(request: HttpRequest, job: ImportJob) -> dict:
    done, total = importing.import_job_progress(job)
    context: dict = {
        "job": job,
        "done": done,
        "total": total,
        "percent": done * 100 // total if total else 0,
        "statuses": ImportStatus,
    }
    if job.status == ImportStatus.FAILED:
        page = Paginator(job.problems, PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
        context.update(
            page=page,
            problem_count=len(job.problems),
            summary=job.problems[:SUMMARY_PROBLEMS] if page.number == 1 else [],
        )
    return context


@signed_in
@require_http_methods(["GET", "POST"])
def import_job(request: HttpRequest, public_id: UUID) -> HttpResponse:
    _require_manager(request)
    job = importing.import_job_get_for(actor=request.user, public_id=public_id)
    if request.method == "POST":
        try:
            importing.organisations_import_confirm(actor=request.user, job=job, start=tasks.organisations_import_task)
        except TrellisError as exc:
            messages.error(request, page_message(exc))
        return redirect("organisations:import_job", public_id=job.public_id)
    return render(request, "organisations/import_job.html", _job_context(request, job))


@signed_in
@require_GET
def import_progress(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The progress fragment that htmx polls; without htmx, the whole page."""
    _require_manager(request)
    job = importing.import_job_get_for(actor=request.user, public_id=public_id)
    if not getattr(request, "htmx", False):
        return redirect("organisations:import_job", public_id=job.public_id)
    return render(request, "organisations/import_progress.html", _job_context(request, job))


urlpatterns = [
    path("import/", import_start, name="import"),
    path("import/template.csv", import_template, name="import_template"),
    path("import/<uuid:public_id>/", import_job, name="import_job"),
    path("import/<uuid:public_id>/progress/", import_progress, name="import_progress"),
]
