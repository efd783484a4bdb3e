"""A saved decision as a printable PDF (WeasyPrint): the decision, the facts, the reasons and the tables.

The document is drawn from a template with its own print styles; it never fetches anything over the
network (images are embedded, other URLs are refused), so it renders the same offline.
"""

from __future__ import annotations

import base64
from typing import Any

from django.template.loader import render_to_string

from trellis.core.pdf import html_to_pdf
from trellis.routes import charts


def decision_html(context: dict[str, Any]) -> str:
    svg = charts.cost_of_competing_svg(charts.rows_from(context["costs"]))
    chart = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    footer = f"Route decision {context['decision'].public_id}"
    return render_to_string("routes/decision_pdf.html", {**context, "chart_data_uri": chart, "footer": footer})


def decision_pdf(context: dict[str, Any], *, base_url: str = "") -> bytes:
    """``context``: what the decision page shows (``views.decisions.decision_context``)."""
    return html_to_pdf(decision_html(context), base_url=base_url)
