"""A commissioner creates a grant round with criteria from templates; a colleague approves and publishes it; a
provider finds it on the forward plan and asks a question; the commissioner answers and publishes the answer; the
provider sees it. Every page on the way passes the accessibility check."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.helpers import check_a11y, sign_in, submit, visit
from trellis.opportunities.models import Clarification, Opportunity

pytestmark = pytest.mark.browser

TITLE = "Warm spaces for older people this winter"
QUESTION = "Can a group of churches apply together as a consortium?"
ANSWER = "Yes. Name a lead organisation, and say what each member will do."


def _fill_date(page: Page, group: str, day) -> None:
    box = page.get_by_role("group", name=group)
    box.get_by_label("Day").fill(str(day.day))
    box.get_by_label("Month").fill(str(day.month))
    box.get_by_label("Year").fill(str(day.year))


def _switch_to(page: Page, email: str, password: str) -> None:
    page.context.clear_cookies()
    sign_in(page, email, password)


def _heading(page: Page):
    return page.get_by_role("heading", level=1)


def test_a_grant_round_from_creation_to_a_published_answer(page: Page, demo_place, demo_email, demo_password) -> None:
    commissioner = demo_email("Commissioner")
    officer = demo_email("Procurement officer")
    provider = demo_email("Provider admin")
    today = timezone.localdate()

    # The commissioner creates a draft grant round from scratch.
    sign_in(page, commissioner, demo_password)
    submit(page, page.get_by_role("link", name="Forward plan").first)
    expect(_heading(page)).to_have_text("Forward plan")
    submit(page, page.get_by_role("link", name="Create an opportunity"))
    submit(page, page.get_by_role("button", name="Create the draft"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a title.")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Grant round").check()
    submit(page, page.get_by_role("button", name="Create the draft"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("is saved as a draft")

    # Details and key dates: a deadline too soon is refused by name when publishing, so give six weeks.
    expect(_heading(page)).to_have_text("Details and key dates")
    page.get_by_label("Summary").fill("Small grants for warm, welcoming spaces where older people can meet.")
    page.get_by_label("Estimated value").fill("£60,000")
    page.get_by_label("How long will it run, in months?").fill("36")
    page.get_by_role("group", name=re.compile("^Services")).get_by_label("Befriending", exact=True).check()
    page.get_by_label("Consortium bids are welcome").check()
    _fill_date(page, "Questions close on", today + timedelta(days=30))
    _fill_date(page, "Deadline for bids", today + timedelta(days=45))
    page.get_by_label("Time of the deadline").fill("5pm")
    submit(page, page.get_by_role("button", name="Save the details"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("details and key dates are saved")

    # Specification and outcomes.
    submit(page, page.get_by_role("link", name="Change specification and outcomes"))
    page.get_by_label("Specification").fill("We want fewer older people to spend winter days cold and alone.")
    page.get_by_label("Outcomes").fill("Fewer older people say they feel lonely\nMore people stay warm at home")
    submit(page, page.get_by_role("button", name="Save the specification"))

    # The eligibility checklist.
    submit(page, page.get_by_role("link", name="Change eligibility checklist"))
    page.get_by_label("Requirement", exact=True).fill("A constituted voluntary or community group in Northbridge")
    submit(page, page.get_by_role("button", name="Save the checklist"))

    # Criteria: two from templates, one of their own, the running total, then save.
    submit(page, page.get_by_role("link", name="Change evaluation criteria"))
    expect(_heading(page)).to_have_text("Evaluation criteria")
    page.get_by_label(re.compile("^Local knowledge and connections")).check()
    submit(page, page.get_by_role("button", name="Add the template"))
    expect(page.get_by_role("status").first).to_contain_text("is added below")
    page.get_by_label(re.compile("^Involving the people who use the service")).check()
    submit(page, page.get_by_role("button", name="Add the template"))
    expect(page.locator("#weight-total")).to_contain_text("Total weight: 20%.")
    submit(page, page.get_by_role("button", name="Add your own criterion"))
    own = page.get_by_role("group", name="Criterion 3")
    own.get_by_label("Criterion", exact=True).fill("Meeting the outcomes")
    own.get_by_label("Weight (%)").fill("70")
    submit(page, page.get_by_role("button", name="Save the criteria"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("evaluation criteria are saved")

    # The status panel says what publishing still needs: the weights add up to 90.
    expect(page.locator(".trellis-aside")).to_contain_text("The weights must add up to 100. They add up to 90.")
    expect(page.locator(".trellis-aside")).to_contain_text("Someone other than the person who created")
    submit(page, page.get_by_role("link", name="Change evaluation criteria"))
    page.get_by_role("group", name="Criterion 3").get_by_label("Weight (%)").fill("80")
    page.get_by_role("group", name="Criterion 3").get_by_label("Weight (%)").blur()
    expect(page.locator("#weight-total")).to_contain_text("Total weight: 100%.")  # recalculated as typed
    submit(page, page.get_by_role("button", name="Save the criteria"))
    expect(page.locator(".trellis-aside")).to_contain_text("Everything needed to publish is in place.")
    opportunity = Opportunity.objects.get(title=TITLE)
    assert opportunity.status == "draft"
    assert sorted(opportunity.criteria.values_list("template", flat=True)) == [
        "",
        "local_connectedness",
        "user_involvement",
    ]

    # A colleague approves and publishes it.
    _switch_to(page, officer, demo_password)
    visit(page, "/opportunities/manage/")
    submit(page, page.get_by_role("link", name=TITLE))
    submit(page, page.get_by_role("button", name="Approve"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("is approved")
    submit(page, page.get_by_role("button", name="Publish"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("is published")
    opportunity.refresh_from_db()
    assert opportunity.status == "published"

    # A provider finds it on the forward plan and asks a question.
    _switch_to(page, provider, demo_password)
    submit(page, page.get_by_role("link", name="Forward plan").first)
    page.get_by_label("Search by words").fill("warm spaces")
    with page.expect_response(lambda r: "q=warm" in r.url):  # the results refresh in place (htmx)
        page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#plan-count h2")).to_have_text("1 opportunity found")
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)
    check_a11y(page)
    result = page.locator(".trellis-results__item", has_text=TITLE)
    expect(result).to_contain_text("Consortium bids welcome")
    expect(result).to_contain_text("£60,000 over 36 months")
    expect(result).to_contain_text("closes in 45 days")
    submit(page, page.get_by_role("link", name=TITLE))
    expect(_heading(page)).to_have_text(TITLE)
    expect(page.get_by_role("table")).to_contain_text("Meeting the outcomes")
    expect(page.get_by_role("table")).to_contain_text("80%")
    submit(page, page.get_by_role("button", name="Send your question"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your question.")
    page.get_by_label("Your question").fill(QUESTION)
    submit(page, page.get_by_role("button", name="Send your question"))
    expect(page.locator("#your-questions")).to_be_visible()
    expect(page.locator("main")).to_contain_text(QUESTION)
    assert Clarification.objects.get(question=QUESTION).status == "asked"

    # The commissioner answers and publishes the answer.
    _switch_to(page, commissioner, demo_password)
    visit(page, f"/opportunities/{opportunity.public_id}/manage/")
    submit(page, page.get_by_role("link", name=re.compile(r"Questions \(1 waiting\)")))
    expect(page.locator("main")).to_contain_text(QUESTION)
    submit(page, page.get_by_role("link", name=re.compile("^Answer")))
    page.get_by_label("Answer", exact=True).fill(ANSWER)
    page.get_by_label("Publish the question and answer now").check()
    submit(page, page.get_by_role("button", name="Save the answer"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("The answer is published")

    # The provider sees the answer; the public page never says who asked.
    _switch_to(page, provider, demo_password)
    visit(page, f"/opportunities/{opportunity.public_id}/")
    questions = page.locator("main")
    expect(questions).to_contain_text(ANSWER)
    expect(page.locator("#your-questions")).to_be_visible()
    page.context.clear_cookies()
    visit(page, f"/opportunities/{opportunity.public_id}/")
    expect(page.locator("main")).to_contain_text(QUESTION)
    expect(page.locator("main")).not_to_contain_text("Brookfield")
    check_a11y(page)


def _problems(page: Page, paths: list[str]) -> list[str]:
    found = []
    for path in paths:
        response = page.goto(path, wait_until="load")
        if response is None or response.status != 200:
            found.append(f"{path}: HTTP {response.status if response else 'nothing'}")
            continue
        try:
            check_a11y(page)
        except AssertionError as exc:
            found.append(str(exc))
    return found


def test_every_opportunities_page_is_accessible(page: Page, demo_place, demo_email, demo_password) -> None:
    """The pages the journey does not pass through, in each role, including pages showing errors."""
    open_one = Opportunity.objects.filter(status="published").order_by("reference").first()
    draft = Opportunity.objects.filter(status="draft").order_by("reference").first()
    decided = Opportunity.objects.exclude(status__in=["draft", "approved", "published"]).first()
    assert open_one and draft and decided, "the demo place should have open, draft and decided opportunities"
    question = Clarification.objects.filter(opportunity=open_one).first()

    public = [
        "/opportunities/",
        "/opportunities/?status=planned&kind=framework",
        "/opportunities/?q=zzzz-nothing",
        f"/opportunities/{open_one.public_id}/",
        f"/opportunities/{decided.public_id}/",
    ]
    problems = _problems(page, public)

    sign_in(page, demo_email("Provider admin"), demo_password)
    problems += _problems(page, ["/opportunities/alerts/", f"/opportunities/{open_one.public_id}/"])
    submit(page, page.get_by_role("button", name="Send your question"))  # empty: the error summary
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your question.")

    _switch_to(page, demo_email("Commissioner"), demo_password)
    staff = [
        "/opportunities/manage/",
        "/opportunities/new/",
        f"/opportunities/{draft.public_id}/manage/",
        f"/opportunities/{draft.public_id}/",
        f"/opportunities/{open_one.public_id}/manage/",
        f"/opportunities/{open_one.public_id}/questions/",
    ]
    staff += [
        f"/opportunities/{draft.public_id}/edit/{section}/"
        for section in ("details", "specification", "lots", "eligibility", "criteria", "documents")
    ]
    if question is not None:
        staff.append(f"/opportunities/{open_one.public_id}/questions/{question.public_id}/answer/")
    problems += _problems(page, staff)

    # Pages with errors: a lot with no value, and a deadline that is not a date.
    visit(page, f"/opportunities/{draft.public_id}/edit/lots/")
    page.get_by_role("group", name="Lot 1").get_by_label("Lot title").fill("Everything")
    submit(page, page.get_by_role("button", name="Save the lots"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the value of the lot")
    visit(page, f"/opportunities/{draft.public_id}/edit/details/")
    page.get_by_role("group", name="Deadline for bids").get_by_label("Day").fill("31")
    page.get_by_role("group", name="Deadline for bids").get_by_label("Month").fill("2")
    page.get_by_role("group", name="Deadline for bids").get_by_label("Year").fill("2027")
    submit(page, page.get_by_role("button", name="Save the details"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("must be a real date")
    assert not problems, "\n\n".join(problems)
