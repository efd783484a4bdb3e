"""A saved decision as a printable PDF (WeasyPrint): the decision, the facts, the reasons and the tables.

The document is drawn from a template with its own print styles; it never fetches anything over the
network (images are embedded, other URLs are refused), so it renders the same offline.
"""

from __future__ import annotations

import base64
from typing import Any

from django.template.loader import render_to_string

from trellis.routes import charts


def embedded_only():
    """A fetcher for embedded data only: a PDF is never made by fetching from the network or the file system."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=["data"])


def decision_html(context: dict[str, Any]) -> str:
    svg = charts.cost_of_competing_svg(charts.rows_from(context["costs"]))
    chart = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    return render_to_string("routes/decision_pdf.html", {**context, "chart_data_uri": chart})


def decision_pdf(context: dict[str, Any], *, base_url: str = "") -> bytes:
    """``context``: what the decision page shows (``views.decisions.decision_context``)."""
    from weasyprint import HTML

    html = decision_html(context)
    return HTML(string=html, base_url=base_url or None, url_fetcher=embedded_only()).write_pdf()
