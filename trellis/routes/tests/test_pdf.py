"""A saved decision as a PDF: a real PDF, with the decision, facts, reasons and tables, fetching nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from trellis.routes import pdf
from trellis.routes.views.decisions import decision_context

pytestmark = pytest.mark.django_db


def test_the_pdf_download_is_a_pdf(client, commissioner, decision):
    client.force_login(commissioner)
    response = client.get(reverse("routes:decision_pdf", args=[decision.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="route-decision-{decision.public_id}.pdf"'
    assert "no-store" in response["Cache-Control"]
    body = response.content
    assert body.startswith(b"%PDF-")
    assert body.rstrip().endswith(b"%%EOF")
    assert len(body) > 10_000  # pages of text, tables and the chart, not an empty document


def test_the_document_holds_the_decision_the_facts_the_reasons_and_the_tables(decision):
    html = pdf.decision_html(decision_context(decision))
    assert f'content: "Route decision {decision.public_id}"' in html  # every page's footer names the record
    assert "<h1>Befriending for isolated older people</h1>" in html
    assert "Priya Raman" in html
    assert str(decision.public_id) in html
    assert "£950,000" in html  # a fact
    for option in decision.advice["options"]:
        assert option["title"] in html
    first_reason = decision.advice["options"][0]["reasons"][0]["text"]
    assert first_reason.replace("'", "&#x27;") in html
    assert "Cost of competing" in html or "cost of competing" in html
    assert "Cost assumptions used" in html and "chargeable days" in html
    assert 'src="data:image/svg+xml;base64,' in html


def test_signed_out_people_are_asked_to_sign_in_for_the_pdf(client, decision):
    response = client.get(reverse("routes:decision_pdf", args=[decision.public_id]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
