"""HTML to PDF with WeasyPrint, offline by construction: only embedded ``data:`` URLs may be fetched, never the
network or the file system, so a document renders the same anywhere and cannot be made to leak a request.

Every PDF is a tagged PDF/UA-1 document (its headings, paragraphs and tables marked up, its language and title
set), so that screen readers can read it: public sector bodies' documents are covered by the accessibility
regulations as well as their web pages."""

from __future__ import annotations


def embedded_only():
    """A fetcher for embedded data only: a PDF is never made by fetching from the network or the file system."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=["data"])


def html_to_pdf(html: str, *, base_url: str = "") -> bytes:
    """The tagged PDF of ``html`` (drawn with its own print styles; give it ``<html lang>`` and a ``<title>``)."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=base_url or None, url_fetcher=embedded_only())
    return document.write_pdf(pdf_variant="pdf/ua-1")
