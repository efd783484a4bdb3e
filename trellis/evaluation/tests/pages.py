"""Reading what a page says in tests: its text, its error summary, the error beside a field."""

from __future__ import annotations

import html
import re


def text(response) -> str:
    """The page's text, tags removed and spaces collapsed."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def summary(response) -> str:
    """The error summary's text, with each link's target before its message."""
    found = re.search(r'<div class="govuk-error-summary".*?</ul>', response.content.decode(), re.S)
    if not found:
        return ""
    linked = re.sub(r'<a href="([^"]*)">', r" \1 ", found.group(0))
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", linked)))


def field_error(response, field_id: str) -> str:
    """The error message shown beside one field (by its id), or ""."""
    found = re.search(
        rf'<p id="{re.escape(field_id)}_error" class="govuk-error-message">(.*?)</p>', response.content.decode(), re.S
    )
    if not found:
        return ""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found.group(1)))).replace("Error:", "").strip()
