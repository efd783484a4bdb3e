"""A volunteer treasurer works out the full cost of a bid in a real browser, without signing in: a mistake is
explained, more rows are added, the result shows the warning, and the costs download as JSON. Every page passes
the accessibility check."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import submit, visit

pytestmark = pytest.mark.browser


def test_a_treasurer_works_out_the_full_cost_of_a_bid(page: Page) -> None:
    visit(page, "/")
    submit(page, page.get_by_role("link", name="Full cost calculator").first)
    expect(page.get_by_role("heading", level=1)).to_have_text("Full cost calculator")

    first = page.get_by_role("group", name="Project or service 1")
    first.get_by_label("Name of the project or service").fill("Youth club")
    first.get_by_label("Direct costs (£)").fill("-3,267")
    first.get_by_label("Headcount").fill("0.35")
    first.get_by_label("Units delivered").fill("40")
    first.get_by_label("Price (£)").fill("3,000")
    overhead = page.get_by_role("group", name="Overhead 1")
    overhead.get_by_label("Name of the overhead").fill("Premises and office costs")
    overhead.get_by_label("Amount for the year (£)").fill("1520")
    overhead.get_by_label("Share it out by").select_option("headcount")

    submit(page, page.get_by_role("button", name="Work out the full cost"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Project or service 1: Direct costs cannot be negative.")
    summary.get_by_role("link", name="Project or service 1: Direct costs cannot be negative.").click()
    expect(first.get_by_label("Direct costs (£)")).to_be_focused()
    first.get_by_label("Direct costs (£)").fill("3,267")

    # Two more rows for the rest of the organisation's staff, kept with what was typed.
    submit(page, page.get_by_role("button", name="Add another project or service"))
    expect(page.get_by_role("group", name="Project or service 3")).to_be_visible()
    expect(page.get_by_role("group", name="Project or service 1").get_by_label("Direct costs (£)")).to_have_value(
        "3,267"
    )
    for n, (name, headcount) in enumerate([("Director", "1.45"), ("Support services", "0.95")], start=2):
        group = page.get_by_role("group", name=f"Project or service {n}")
        group.get_by_label("Name of the project or service").fill(name)
        group.get_by_label("Direct costs (£)").fill("0")
        group.get_by_label("Headcount").fill(headcount)
    page.get_by_text("Your organisation does other work not listed here").click()
    page.get_by_label("Headcount of the whole organisation").fill("5")

    submit(page, page.get_by_role("button", name="Work out the full cost"))
    expect(page.get_by_role("heading", level=2, name="The full cost")).to_be_visible()
    expect(page.locator(".govuk-warning-text")).to_contain_text(
        "Youth club: the price of £3,000.00 is £373.40 below the full cost of £3,373.40."
    )
    youth = page.get_by_role("table", name="Youth club")
    expect(youth.get_by_role("row", name=re.compile("^Full cost £"))).to_contain_text("£3,373.40")
    expect(youth.get_by_role("row", name="Premises and office costs")).to_contain_text("£106.40")
    expect(
        page.get_by_role("table", name="Director").get_by_role("row", name=re.compile("^Full cost £"))
    ).to_contain_text("£440.80")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download your costs as JSON").click()
    saved = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert [c["name"] for c in saved["cost_centres"]] == ["Youth club", "Director", "Support services"]
    assert saved["driver_totals"] == {"headcount": 5}
