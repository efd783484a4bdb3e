"""The assessment summaries and the evaluation report: a bidder's summary as a page and as a PDF letter, and the
evaluation report as a PDF for the decision-maker and the audit file.

Who sees what is decided in ``trellis.evaluation.reports`` (and its permissions): a bid this person may not read is a
404; a summary or report they may not have yet is the 403 page saying why.
"""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from trellis.core.web import signed_in
from trellis.evaluation import pdf, reports
from trellis.evaluation.views.common import load_evaluation


def _summary(request: HttpRequest, bid_id) -> reports.SummaryPage:
    return reports.summary_for(request.user, bid_id)


def _safe(text: str) -> str:
    """A file name part: letters, digits and hyphens only."""
    return re.sub(r"[^A-Za-z0-9-]+", "-", text).strip("-") or "evaluation"


def _pdf_response(document: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@signed_in
@require_safe
def summary(request: HttpRequest, bid_id) -> HttpResponse:
    page = _summary(request, bid_id)
    return render(
        request,
        "evaluation/summary.html",
        {"page": page, "summary": page.summary, "opp": page.opportunity, "bid": page.bid},
    )


@signed_in
@require_safe
def summary_pdf(request: HttpRequest, bid_id) -> HttpResponse:
    page = _summary(request, bid_id)
    what = "feedback" if page.summary.plain else "assessment-summary"
    name = f"{what}-{_safe(page.opportunity.reference)}-{_safe(page.bid.organisation.org_id)}.pdf"
    return _pdf_response(pdf.summary_pdf(page), name)


@signed_in
@require_safe
def report_pdf(request: HttpRequest, public_id) -> HttpResponse:
    evaluation = load_evaluation(request, public_id)
    report = reports.report_for(request.user, evaluation)
    name = f"evaluation-report-{_safe(evaluation.opportunity.reference)}.pdf"
    return _pdf_response(pdf.report_pdf(report), name)


urlpatterns = [
    path("summary/<uuid:bid_id>/", summary, name="summary"),
    path("summary/<uuid:bid_id>/pdf/", summary_pdf, name="summary_pdf"),
    path("<uuid:public_id>/report/pdf/", report_pdf, name="report_pdf"),
]
