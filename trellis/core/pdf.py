"""HTML to PDF with WeasyPrint, offline by construction: only embedded ``data:`` URLs may be fetched, never the
network or the file system, so a document renders the same anywhere and cannot be made to leak a request."""

from __future__ import annotations


def embedded_only():
    """A fetcher for embedded data only: a PDF is never made by fetching from the network or the file system."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=["data"])


def html_to_pdf(html: str, *, base_url: str = "") -> bytes:
    """The PDF of ``html`` (drawn with its own print styles)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url or None, url_fetcher=embedded_only()).write_pdf()
