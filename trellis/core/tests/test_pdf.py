"""PDFs are made offline: the fetcher takes embedded data only, never the network or the file system."""

import pytest

from trellis.core import pdf


def test_the_fetcher_refuses_outside_resources_and_reads_embedded_data():
    fetcher = pdf.embedded_only()
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch("https://example.org/tracker.png")
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch("file:///etc/passwd")
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
