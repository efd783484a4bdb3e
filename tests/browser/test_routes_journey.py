"""A commissioner describes a need, answers the questions one page at a time, checks the answers, reads the
advice, saves the decision and downloads it as a PDF; every page passes the accessibility check."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import check_a11y, sign_in, submit
from trellis.places.models import Ward
from trellis.routes import selectors
from trellis.routes.models import RouteDecision

pytestmark = pytest.mark.browser

SERVICE = "Befriending"


def _continue(page: Page) -> None:
    submit(page, page.get_by_role("button", name="Continue"))


def test_commissioner_chooses_a_route_and_saves_the_decision(page: Page, demo_place, demo_email, demo_password) -> None:
    email = demo_email("Commissioner")
    ward = Ward.objects.order_by("name").first()
    found = selectors.capable_providers(service_types=["befriending"], wards=[ward.gss_code])

    sign_in(page, email, demo_password)
    submit(page, page.get_by_role("link", name="Choose a route").first)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a route for a need")
    submit(page, page.get_by_role("button", name="Start now"))

    # The need: an empty title is explained on the page, then fixed.
    _continue(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a short title for the need.")
    page.get_by_label("What is the need called?").fill("Befriending for isolated older people")
    page.get_by_label("Describe the need").fill("Weekly visits and calls for people over 75 who live alone.")
    page.get_by_role("group", name="What kind of service would meet it?").get_by_label(SERVICE, exact=True).check()
    page.get_by_role("group", name="Where is it needed?").get_by_label(ward.name, exact=True).check()
    _continue(page)

    # One question per page, the question as the heading.
    expect(page.get_by_role("heading", level=1)).to_have_text("What is the money for?")
    page.get_by_label("The council is buying a service it needs").check()
    _continue(page)
    page.get_by_label("Social, health, education or community services for people").check()
    _continue(page)
    page.get_by_label("A local authority or another sub-central body").check()
    _continue(page)

    # Value: a negative number is refused with the reason, beside the field.
    page.get_by_label("Estimated whole-life value, including VAT").fill("-10")
    page.get_by_label("How long will it run, in months?").fill("36")
    _continue(page)
    expect(page.locator("#id_estimated_value_gbp_error")).to_contain_text("The value must be £0 or more.")
    page.get_by_label("Estimated whole-life value, including VAT").fill("950,000")
    _continue(page)

    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("4")
    page.get_by_label("Year").fill("2026")
    _continue(page)

    # The providers page is filled in from the directory, with its numbers shown.
    expect(page.locator(".govuk-inset-text")).to_contain_text(f"{found.total} provider")
    expect(page.get_by_label("How many providers could deliver it?")).to_have_value(str(found.total))
    expect(page.get_by_label("How many of them are small or local?")).to_have_value(str(found.small_or_local))
    if found.total == 0:
        page.get_by_label("How many providers could deliver it?").fill("5")
        page.get_by_label("How many of them are small or local?").fill("3")
    _continue(page)

    page.get_by_label("No: there is no current provider proposing a deal").check()
    _continue(page)
    page.get_by_role("group", name=re.compile("designed with providers")).get_by_label("Yes").check()
    page.get_by_role("group", name=re.compile("new or untested")).get_by_label("No").check()
    _continue(page)
    page.get_by_label("No, just this authority").check()
    page.get_by_role("group", name=re.compile("suitable framework")).get_by_label("No").check()
    _continue(page)
    page.get_by_label("No particular urgency").check()
    page.get_by_label("Medium").check()
    _continue(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("legal grounds for awarding directly")
    page.get_by_label("None of these").check()
    _continue(page)

    # Check your answers, change one, come back.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    submit(page, page.get_by_role("link", name="Change how long it will run"))
    page.get_by_label("How long will it run, in months?").fill("48")
    submit(page, page.get_by_role("button", name="Save and go back to your answers"))
    expect(page.locator(".govuk-summary-list")).to_contain_text("48 months (4 years)")

    # The advice.
    submit(page, page.get_by_role("button", name="See the advice"))
    expect(page.get_by_role("heading", level=1)).to_have_text("The advice")
    expect(page.locator(".govuk-panel__title")).to_contain_text("Recommended:")
    page.locator("details summary").first.click()
    expect(page.locator("details[open] .govuk-details__text").first).to_contain_text("Source:")
    expect(page.get_by_role("table", name="Cost of competing, by route")).to_be_visible()
    chart = page.locator("img[src$='cost-of-competing.svg']")
    chart.scroll_into_view_if_needed()
    expect(chart).to_be_visible()
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=chart.element_handle())
    check_a11y(page)
    # On a 320 px phone the wide tables scroll inside their own regions; the page itself never scrolls sideways.
    page.set_viewport_size({"width": 320, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    check_a11y(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    # Save the decision with the recommended route.
    submit(page, page.get_by_role("button", name="Save as a decision record"))
    expect(page.get_by_label(re.compile(r"\(recommended\)"))).to_be_checked()
    submit(page, page.get_by_role("button", name="Save decision"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("The decision is saved")

    saved = RouteDecision.objects.filter(decided_by__email=email).latest("decided_at")  # the demo has its own too
    assert saved.decided_by.email == email
    assert saved.facts["duration_months"] == 48
    assert saved.facts["service_types"] == ["befriending"]
    expect(page.get_by_role("heading", level=1)).to_have_text("Befriending for isolated older people")
    expect(page.locator("main")).to_contain_text(str(saved.public_id))

    # The PDF link gives a real PDF.
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"route-decision-{saved.public_id}.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    # The list of decisions shows it.
    submit(page, page.get_by_role("link", name="Back to the decisions"))
    expect(page.get_by_role("link", name="Befriending for isolated older people")).to_be_visible()
