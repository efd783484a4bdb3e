"""The evaluation's documents as PDFs (WeasyPrint): each bidder's assessment summary, and the evaluation report for
the decision-maker and the audit file.

Each is drawn from its own print template. A PDF never fetches anything over the network or from the file system
(only embedded ``data:`` URLs are allowed), so it renders the same offline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.template.loader import render_to_string

from trellis.core.pdf import html_to_pdf

if TYPE_CHECKING:
    from trellis.evaluation.reports import Report, SummaryPage

__all__ = ["report_html", "report_pdf", "summary_html", "summary_pdf"]


def _pdf(html: str) -> bytes:
    return html_to_pdf(html)


def summary_html(summary: SummaryPage) -> str:
    return render_to_string("evaluation/summary_pdf.html", {"page": summary, "summary": summary.summary})


def summary_pdf(summary: SummaryPage) -> bytes:
    """``summary``: what ``reports.summary_for`` gives."""
    return _pdf(summary_html(summary))


def report_html(report: Report) -> str:
    return render_to_string("evaluation/report_pdf.html", {"report": report})


def report_pdf(report: Report) -> bytes:
    """``report``: what ``reports.report_for`` gives."""
    return _pdf(report_html(report))
