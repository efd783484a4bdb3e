"""Sealed bids, end to end in the browser: a commissioner publishes a grant round with criteria (a colleague
approves and publishes it); a provider asks a question and the answer is published; the provider writes and
submits a bid with a full cost budget and gets a receipt; a commissioner's attempt to open the bids before the
deadline is refused; the deadline passes; the opportunity is closed, the bids are opened and the commissioner reads
the bid. Every page on the way passes the accessibility check."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.helpers import fill_date, sign_in, submit, visit
from trellis.bids.domain import receipts
from trellis.bids.models import Bid, Opening, Receipt
from trellis.bids.selectors import submitted_content
from trellis.opportunities.models import Opportunity

pytestmark = pytest.mark.browser

TITLE = "Men's sheds and shared workshops"
QUESTION = "Can we include the cost of workshop insurance in the budget?"
ANSWER = "Yes. Insurance is a direct cost of the project; show it in your full cost budget."
OUR_ANSWER = "We run two sheds in Eastfield with forty regular members, most referred by their GP."
GROUP = "A constituted community group in Northbridge"
SAFEGUARDING = "Has a safeguarding policy"


def _switch_to(page: Page, email: str, password: str) -> None:
    page.context.clear_cookies()
    sign_in(page, email, password)


def _heading(page: Page):
    return page.get_by_role("heading", level=1)


def _publish_a_grant_round(page: Page, commissioner: str, officer: str, password: str) -> Opportunity:
    today = timezone.localdate()
    sign_in(page, commissioner, password)
    visit(page, "/opportunities/manage/")
    submit(page, page.get_by_role("link", name="Create an opportunity"))
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Grant round").check()
    submit(page, page.get_by_role("button", name="Create the draft"))
    page.get_by_label("Summary").fill("Grants for sheds where older men meet, make and mend together.")
    page.get_by_label("Estimated value").fill("£40,000")
    page.get_by_label("How long will it run, in months?").fill("36")
    fill_date(page, "Questions close on", today + timedelta(days=30))
    fill_date(page, "Deadline for bids", today + timedelta(days=45))
    page.get_by_label("Time of the deadline").fill("5pm")
    submit(page, page.get_by_role("button", name="Save the details"))
    submit(page, page.get_by_role("link", name="Change specification and outcomes"))
    page.get_by_label("Specification").fill("Fewer older men isolated at home; more making and mending together.")
    submit(page, page.get_by_role("button", name="Save the specification"))
    submit(page, page.get_by_role("link", name="Change eligibility checklist"))
    first = page.get_by_role("group", name="Requirement 1")
    first.get_by_label("Requirement", exact=True).fill(GROUP)
    first.get_by_label(re.compile("^Essential")).check()
    submit(page, page.get_by_role("button", name="Add another requirement"))
    second = page.get_by_role("group", name="Requirement 2")
    second.get_by_label("Requirement", exact=True).fill(SAFEGUARDING)
    second.get_by_label(re.compile("^Essential")).check()
    second.get_by_label("Accreditation evidence that shows it").select_option(label="Safeguarding policy")
    submit(page, page.get_by_role("button", name="Save the checklist"))
    submit(page, page.get_by_role("link", name="Change evaluation criteria"))
    page.get_by_label(re.compile("^Local knowledge and connections")).check()
    submit(page, page.get_by_role("button", name="Add the template"))
    submit(page, page.get_by_role("button", name="Add your own criterion"))
    own = page.get_by_role("group", name="Criterion 2")
    own.get_by_label("Criterion", exact=True).fill("How the shed will run")
    own.get_by_label("Weight (%)").fill("90")
    own.get_by_label("Word limit").fill("300")
    submit(page, page.get_by_role("button", name="Save the criteria"))
    expect(page.locator(".trellis-aside")).to_contain_text("Everything needed to publish is in place.")

    _switch_to(page, officer, password)
    visit(page, "/opportunities/manage/")
    submit(page, page.get_by_role("link", name=TITLE))
    submit(page, page.get_by_role("button", name="Approve"))
    submit(page, page.get_by_role("button", name="Publish"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("is published")
    opportunity = Opportunity.objects.get(title=TITLE)
    assert opportunity.status == "published"
    return opportunity


def test_a_sealed_bid_from_publication_to_opening(page: Page, demo_place, demo_email, demo_password) -> None:
    commissioner = demo_email("Commissioner")
    officer = demo_email("Procurement officer")
    provider = demo_email("Provider admin")
    opportunity = _publish_a_grant_round(page, commissioner, officer, demo_password)
    opp_url = f"/opportunities/{opportunity.public_id}/"

    # A provider asks a question; the commissioner publishes the answer.
    _switch_to(page, provider, demo_password)
    visit(page, opp_url)
    page.get_by_label("Your question").fill(QUESTION)
    submit(page, page.get_by_role("button", name="Send your question"))
    _switch_to(page, commissioner, demo_password)
    visit(page, f"/opportunities/{opportunity.public_id}/manage/")
    submit(page, page.get_by_role("link", name=re.compile(r"Questions \(1 waiting\)")))
    submit(page, page.get_by_role("link", name=re.compile("^Answer")))
    page.get_by_label("Answer", exact=True).fill(ANSWER)
    page.get_by_label("Publish the question and answer now").check()
    submit(page, page.get_by_role("button", name="Save the answer"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("The answer is published")

    # The provider reads the answer and starts a bid from the opportunity's page.
    _switch_to(page, provider, demo_password)
    visit(page, opp_url)
    expect(page.locator("main")).to_contain_text(ANSWER)
    submit(page, page.get_by_role("link", name="Start a bid"))
    expect(_heading(page)).to_have_text("Start a bid")
    submit(page, page.get_by_role("button", name="Start your bid"))
    expect(_heading(page)).to_have_text("Your bid")
    tasks = page.locator("#tasks")
    expect(tasks).to_contain_text("Answer the questions")
    expect(tasks).to_contain_text("Full cost budget")

    # Eligibility first: the safeguarding item is met by the verified policy the organisation already holds; the
    # other must be answered, and a no to it stops the bid, saying why.
    submit(page, page.get_by_role("link", name="Eligibility", exact=True))
    expect(_heading(page)).to_have_text("Can your organisation apply?")
    safeguarding = page.get_by_role("group", name=SAFEGUARDING)
    expect(safeguarding).to_contain_text("Verified evidence held: Safeguarding policy")
    expect(safeguarding).to_contain_text("You do not need to answer")
    submit(page, page.get_by_role("button", name="Save your answers"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(f"Select yes if your organisation meets “{GROUP}”, or no if it does not.")
    summary.get_by_role("link").click()
    expect(page.get_by_role("group", name=GROUP).get_by_label("Yes")).to_be_focused()
    page.get_by_role("group", name=GROUP).get_by_label("No").check()
    submit(page, page.get_by_role("button", name="Save your answers"))
    expect(page.locator("#not-eligible")).to_contain_text("Your bid cannot be submitted")
    expect(page.locator("#not-eligible")).to_contain_text(f"you answered no to “{GROUP}”")
    expect(page.get_by_role("group", name=GROUP).get_by_label("No")).to_be_checked()
    submit(page, page.get_by_role("link", name="Back to your bid", exact=True))
    expect(page.locator("#tasks")).to_contain_text("Cannot submit")

    # Answers: each question with its weight and word limit; the count is shown after saving.
    submit(page, page.get_by_role("link", name="Answer the questions"))
    expect(page.locator("main")).to_contain_text("Weight: 90%")
    expect(page.locator("main")).to_contain_text("Up to 300 words.")
    page.get_by_label("How the shed will run").fill(OUR_ANSWER)
    page.get_by_label("Local knowledge and connections").fill("We are part of the Eastfield older people's forum.")
    submit(page, page.get_by_role("button", name="Save your answers", exact=True))
    expect(page.locator("main")).to_contain_text("15 words of the 300 allowed.")
    submit(page, page.get_by_role("link", name="Back to your bid", exact=True))

    # Check and submit, too early: the eligibility answer that stops the bid, and what is missing, are listed.
    submit(page, page.get_by_role("link", name="Check and submit"))
    expect(page.locator("#not-eligible")).to_contain_text(f"you answered no to “{GROUP}”")
    expect(page.get_by_role("button", name="Submit your bid")).to_have_count(0)
    expect(page.locator("#missing")).to_contain_text("Enter your price.")
    expect(page.locator("#missing")).to_contain_text("Complete your full cost budget.")
    submit(page, page.locator("#missing").get_by_role("link", name="Enter your price."))

    # The full cost budget, with a price below full cost: warned, not refused.
    expect(_heading(page)).to_have_text("Full cost budget")
    page.get_by_label("Your bid price (£)").fill("£36,000")
    centre = page.get_by_role("group", name="Project or service 1")
    centre.get_by_label("Name of the project or service").fill("Men's sheds")
    centre.get_by_label("Direct costs (£)").fill("£30,000")
    centre.get_by_label("Headcount").fill("2")
    rent = page.get_by_role("group", name="Overhead 1")
    rent.get_by_label("Name of the overhead").fill("Rent and insurance")
    rent.get_by_label("Amount over the same period (£)").fill("£16,000")
    page.locator("#totals summary").click()
    page.get_by_label("Headcount of the whole organisation").fill("4")
    submit(page, page.get_by_role("button", name="Save your budget"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("budget and price are saved")
    expect(page.locator("#result")).to_contain_text("The full cost")
    expect(page.locator("#budget-warnings")).to_contain_text("below the full cost")
    submit(page, page.get_by_role("link", name="Back to your bid", exact=True))

    # Declarations: all of them, or the missing ones are named.
    submit(page, page.get_by_role("link", name="Declarations"))
    page.get_by_label(re.compile("^The information in this bid is true")).check()
    submit(page, page.get_by_role("button", name="Confirm the declarations"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Tick to confirm")
    for box in page.get_by_role("checkbox").all():
        box.check()
    submit(page, page.get_by_role("button", name="Confirm the declarations"))

    # The treasurer checks the constitution: the group is constituted after all. The answer is changed to yes.
    submit(page, page.get_by_role("link", name="Eligibility", exact=True))
    page.get_by_role("group", name=GROUP).get_by_label("Yes").check()
    submit(page, page.get_by_role("button", name="Save your answers"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("eligibility answers are saved")

    # Submit: the confirmation panel with the receipt number, time and fingerprint.
    submit(page, page.get_by_role("link", name="Check and submit"))
    expect(page.locator("#missing")).to_have_count(0)
    expect(page.locator("#not-eligible")).to_have_count(0)
    expect(
        page.locator("#eligibility-answer-" + str(opportunity.eligibility_items.get(text=GROUP).pk))
    ).to_contain_text("Yes: confirmed by the bidder")
    submit(page, page.get_by_role("button", name="Submit your bid"))
    expect(page.locator(".govuk-panel")).to_contain_text("Bid submitted")
    bid = Bid.objects.get(opportunity=opportunity)
    receipt = Receipt.objects.get(bid=bid)
    expect(page.locator("#receipt-number")).to_have_text(receipt.number)
    expect(page.locator("#receipt-hash")).to_have_text(receipt.content_sha256)
    assert receipts.verify(submitted_content(Bid.objects.get(pk=bid.pk)), receipt.content_sha256)

    # A commissioner cannot read it, and cannot open the bids before the deadline.
    _switch_to(page, commissioner, demo_password)
    response = page.goto(f"/bids/{bid.public_id}/")
    assert response is not None and response.status == 404
    visit(page, f"/bids/opportunity/{opportunity.public_id}/opening/")
    expect(page.locator("main")).not_to_contain_text("Eastfield")
    submit(page, page.get_by_role("button", name="Open the bids"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Bids cannot be opened before the deadline")
    assert not Opening.objects.filter(opportunity=opportunity).exists()

    # The deadline passes (the server's clock cannot move: the deadline does), and the opportunity is closed.
    Opportunity.objects.filter(pk=opportunity.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    visit(page, f"/opportunities/{opportunity.public_id}/manage/")
    submit(page, page.get_by_role("button", name="Close", exact=True))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("closed")

    # Opening, then reading the bid.
    visit(page, opp_url)
    submit(page, page.get_by_role("link", name="Open the bids"))
    submit(page, page.get_by_role("button", name="Open the bids"))
    expect(_heading(page)).to_have_text("Bids received")
    expect(page.locator("#bids")).to_contain_text(receipt.number)
    submit(page, page.locator("#bids").get_by_role("link", name=re.compile("Brookfield")))
    expect(page.locator("main")).to_contain_text(OUR_ANSWER)
    expect(page.locator("main")).to_contain_text("Matches the content below")
    eligibility = page.locator("#eligibility + p + dl")
    expect(eligibility).to_contain_text(f"{GROUP} (essential) Yes: confirmed by the bidder")
    expect(eligibility).to_contain_text("Met by verified evidence")
    expect(eligibility).to_contain_text("Safeguarding children and adults at risk policy 2026")
    sealed = submitted_content(bid)["eligibility"]
    assert [(row["requirement"], row["answer"]) for row in sealed] == [(GROUP, "yes"), (SAFEGUARDING, None)]
    assert sealed[1]["evidence"]["title"] == "Safeguarding children and adults at risk policy 2026"
    assert Opening.objects.get(opportunity=opportunity).is_complete


def test_every_bid_page_passes_the_accessibility_check_with_and_without_errors(
    page: Page, demo_place, demo_email, demo_password
) -> None:
    """The pages the journey does not pass through: a consortium's bid (choosing who bids, members' shares),
    documents, errors on each form, the list of bids, withdrawing, and the read-only bid after the deadline."""
    from decimal import Decimal

    from trellis.bids import services as bids
    from trellis.core.domain.roles import Role
    from trellis.core.models import Membership, Person
    from trellis.opportunities import services as opportunities
    from trellis.organisations.models import Consortium

    commissioner = Person.objects.get(email=demo_email("Commissioner"))
    officer = Person.objects.get(email=demo_email("Procurement officer"))
    now = timezone.now()
    opportunity = opportunities.opportunity_create(
        actor=commissioner,
        place=commissioner.memberships.first().organisation.place,
        title="Early help for families",
        kind="grant_round",
        summary="Grants for early help.",
        specification="Families get help before problems grow.",
        estimated_value=Decimal("120000"),
        consortium_bids_invited=True,  # which needs longer to bid
        questions_close_at=now + timedelta(days=50),
        closes_at=now + timedelta(days=70),
    )
    opportunities.eligibility_set(actor=commissioner, opportunity=opportunity, items=[{"text": "A local group"}])
    opportunities.criteria_set(
        actor=commissioner,
        opportunity=opportunity,
        criteria=[{"name": "Reaching families", "weight": "100", "scale": "0-5", "word_limit": 5}],
    )
    for action in ("approve", "publish"):
        opportunity = opportunities.opportunity_transition(
            actor=officer, opportunity=opportunity, action=action, now=now
        )
    alliance = Consortium.objects.select_related("lead", "organisation").get(
        organisation__name="Northbridge Early Help Alliance"
    )
    lead_person = Person.objects.create(email="lead@early-help.example", full_name="Mary Lead")
    lead_person.set_password(demo_password)
    lead_person.save()
    Membership.objects.create(person=lead_person, organisation=alliance.lead, role=Role.PROVIDER_ADMIN)

    sign_in(page, lead_person.email, demo_password)
    visit(page, f"/bids/opportunity/{opportunity.public_id}/start/")
    submit(page, page.get_by_role("button", name="Start your bid"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the organisation that is bidding.")
    page.get_by_label(alliance.organisation.name).check()
    submit(page, page.get_by_role("button", name="Start your bid"))
    bid = Bid.objects.get(opportunity=opportunity)
    expect(page.locator("#tasks")).to_contain_text("Consortium members")

    submit(page, page.get_by_role("link", name="Consortium members"))
    boxes = page.get_by_label(re.compile("share of the work"))
    for i in range(boxes.count()):
        boxes.nth(i).fill("1")
    submit(page, page.get_by_role("button", name="Save the members' roles"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("must add up to 100%")

    visit(page, f"/bids/{bid.public_id}/answers/")
    page.get_by_label("Reaching families").fill("one two three four five six")
    submit(page, page.get_by_role("button", name="Save your answers", exact=True))
    expect(page.locator(".govuk-error-summary")).to_contain_text("must be 5 words or fewer")

    visit(page, f"/bids/{bid.public_id}/documents/")
    submit(page, page.get_by_role("button", name="Upload the document"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what the document is.")
    page.get_by_label("What is this document?").fill("Safeguarding policy")
    page.get_by_label("Choose a file").set_input_files(
        files=[{"name": "policy.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}]
    )
    submit(page, page.get_by_role("button", name="Upload the document"))
    expect(page.locator("#documents")).to_contain_text("Safeguarding policy")

    visit(page, f"/bids/{bid.public_id}/budget/")
    page.get_by_label("Your bid price (£)").fill("a lot")
    submit(page, page.get_by_role("button", name="Save your budget"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("must be an amount of money")
    visit(page, f"/bids/{bid.public_id}/eligibility/")
    page.get_by_label("No").check()
    submit(page, page.get_by_role("button", name="Save your answers"))
    expect(page.locator("#not-eligible")).to_contain_text("“A local group”")
    visit(page, f"/bids/{bid.public_id}/check/")
    expect(page.locator("#not-eligible")).to_contain_text("Your bid cannot be submitted")
    visit(page, "/bids/mine/")
    expect(page.locator("main")).to_contain_text("Early help for families")

    # Complete it, submit, and see the withdraw page, then the locked bid after the deadline.
    bids.bid_answers_save(
        actor=lead_person, bid=bid, answers={c.pk: "We visit families." for c in opportunity.criteria.all()}
    )
    budget = {"cost_centres": [{"name": "Early help", "direct_costs": "90000"}], "overheads": []}
    bids.bid_budget_save(actor=lead_person, bid=bid, budget=budget, price="100000")
    members = [m.organisation for m in alliance.members.all()]
    share = Decimal(100) / len(members)
    roles = [{"organisation": o, "role": "Home visiting", "share_percent": round(share, 2)} for o in members]
    roles[0]["share_percent"] += Decimal(100) - sum(r["share_percent"] for r in roles)
    bids.bid_consortium_set(actor=lead_person, bid=bid, roles=roles)
    from trellis.bids.domain import bidding

    bids.bid_declarations_sign(actor=lead_person, bid=bid, keys=list(bidding.DECLARATIONS))
    [item] = opportunity.eligibility_items.all()
    bids.bid_eligibility_save(actor=lead_person, bid=bid, answers={item.pk: "yes"})
    bids.bid_submit(actor=lead_person, bid=bid)
    visit(page, f"/bids/{bid.public_id}/")
    expect(page.locator("#bid-status")).to_have_text("Submitted")
    visit(page, f"/bids/{bid.public_id}/withdraw/")
    visit(page, f"/bids/{bid.public_id}/receipt/")
    Opportunity.objects.filter(pk=opportunity.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    visit(page, f"/bids/{bid.public_id}/")
    expect(page.locator("#locked")).to_contain_text("The deadline for bids was")
    visit(page, f"/bids/{bid.public_id}/consortium/")
    visit(page, f"/opportunities/{opportunity.public_id}/")
