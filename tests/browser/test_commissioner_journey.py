"""A council commissioner searches the provider directory, narrows it to a ward, downloads the
list, reads an organisation's private contact details and verifies a document."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import check_a11y, sign_in, submit
from trellis.organisations import selectors
from trellis.organisations.models import EvidenceDocument, EvidenceStatus
from trellis.places.models import Ward

pytestmark = pytest.mark.browser

SEARCH_WORD = "food"


def _names(q: str, wards: list[str] | None = None) -> list[str]:
    filters = selectors.DirectoryFilters(q=q, wards=wards or [])
    return list(selectors.search(filters).values_list("name", flat=True))


def _a_narrowing_ward(word: str) -> tuple[Ward, list[str]]:
    """A ward that narrows the search to a short list (one page of results), so the test can
    compare every row; chosen from the data rather than fixed, so demo edits do not break it."""
    everything = _names(word)
    for ward in Ward.objects.order_by("name"):
        names = _names(word, [ward.gss_code])
        if 2 <= len(names) <= 10 and len(names) < len(everything):
            return ward, names
    raise AssertionError(f"No ward narrows a search for {word!r} to between 2 and 10 organisations")


def _result_names(page: Page) -> list[str]:
    return page.locator(".trellis-results__item h3").all_inner_texts()


def _wait_for_results(page: Page) -> None:
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)


def test_commissioner_searches_filters_exports_and_verifies(page: Page, demo_place, demo_email, demo_password) -> None:
    email = demo_email("Commissioner")
    ward, expected = _a_narrowing_ward(SEARCH_WORD)
    everything = _names(SEARCH_WORD)

    sign_in(page, email, demo_password)
    submit(page, page.get_by_role("link", name="Provider directory").first)
    expect(page.get_by_role("heading", level=1)).to_have_text("Provider directory")

    # Search for a word.
    page.get_by_label("Search by name or what they do").fill(SEARCH_WORD)
    with page.expect_response(lambda r: f"q={SEARCH_WORD}" in r.url):
        page.get_by_role("button", name="Search", exact=True).click()
    count_heading = page.locator("#directory-count h2")
    expect(count_heading).to_have_text(f"{len(everything)} organisations found")
    _wait_for_results(page)
    check_a11y(page)

    # Narrow it to one ward: open the ward list, tick the box, apply.
    page.locator("summary").filter(has_text=re.compile(r"^\s*Ward\s*$")).click()
    page.get_by_role("group", name="Ward").get_by_label(ward.name, exact=True).check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("link", name=f"Remove filter Ward: {ward.name}")).to_be_visible()
    expect(count_heading).to_have_text(f"{len(expected)} organisations found")
    _wait_for_results(page)
    expect(page).to_have_url(re.compile(rf"[?&]ward={ward.gss_code}(&|$)"))
    check_a11y(page)
    assert _result_names(page) == expected

    # Download this list as CSV: the same organisations, with the private contact columns.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV file").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read())))
    assert [row["Name"] for row in rows] == expected
    for column in ("Contact name", "Contact email", "Contact phone"):
        assert column in rows[0], f"a commissioner's download should include {column!r}"
    assert any(row["Contact email"] for row in rows)

    # An organisation's page shows a commissioner its private contact panel.
    first = selectors.search(selectors.DirectoryFilters(q=SEARCH_WORD, wards=[ward.gss_code])).first()
    submit(page, page.get_by_role("link", name=first.name, exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(first.name)
    private = page.get_by_role("complementary", name="Private details")
    expect(private).to_be_visible()
    if first.contact_email:
        expect(private).to_contain_text(first.contact_email)

    # Verify the oldest document waiting in the queue.
    submit(page, page.get_by_role("link", name="Evidence to verify"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Evidence to verify")
    waiting = selectors.evidence_awaiting_verification().first()
    assert waiting is not None, "the demo place should have evidence awaiting verification"
    submit(page, page.get_by_role("link", name=f"Check {waiting.kind_label.lower()} from {waiting.organisation.name}"))
    page.get_by_label("Verify", exact=True).check()
    submit(page, page.get_by_role("button", name="Save decision"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("has been verified")

    waiting.refresh_from_db()
    assert waiting.status == EvidenceStatus.VERIFIED
    assert waiting.reviewed_by.email == email
    assert not EvidenceDocument.objects.filter(pk=waiting.pk, status=EvidenceStatus.PENDING).exists()
