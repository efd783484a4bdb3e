"""PDFs are made offline: the fetcher takes embedded data only, never the network or the file system."""

import re
import zlib

import pytest

from trellis.core import pdf


def pdf_text(document: bytes) -> bytes:
    """The PDF's bytes with its compressed streams (where the structure lives) decompressed."""
    parts = [document]
    for found in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", document, re.S):
        try:
            parts.append(zlib.decompress(found.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def test_the_fetcher_refuses_outside_resources_and_reads_embedded_data():
    fetcher = pdf.embedded_only()
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch("https://example.org/tracker.png")
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch("file:///etc/passwd")
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"


def test_every_pdf_is_tagged_for_screen_readers():
    html = (
        '<!doctype html><html lang="en-GB"><head><title>Feedback on your application</title></head>'
        "<body><h1>Feedback</h1><table><tr><th>Criterion</th><td>4 out of 5</td></tr></table></body></html>"
    )
    document = pdf.html_to_pdf(html)
    assert document.startswith(b"%PDF")
    text = pdf_text(document)
    for marker in (b"/StructTreeRoot", b"/MarkInfo", b"/Lang", b"/DisplayDocTitle", b"/H1", b"/Table"):
        assert marker in text, marker
