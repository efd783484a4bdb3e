"""The provider's bid pages: starting a bid from the opportunity's page, the task list, answers with word limits,
documents checked by content, the full cost budget and price, consortium roles, declarations, check and submit
with a receipt, withdrawing and submitting again, and the lock at the deadline. Bad input is refused naming the
field and changes nothing."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from trellis.bids import services
from trellis.bids.domain import bidding, receipts
from trellis.bids.models import Bid, BidAnswer, BidDocument, ConsortiumRole, Receipt
from trellis.bids.selectors import submitted_content
from trellis.bids.tests.fixtures_core import confirm_eligibility
from trellis.core.domain.roles import Role
from trellis.opportunities.models import Criterion, Opportunity
from trellis.opportunities.tests.fixtures_core import *  # noqa: F403
from trellis.organisations import services as org_services

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'").replace("&quot;", '"')


def error_messages(response) -> list[str]:
    html = response.content.decode()
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", m)).replace("Error:", "").strip()
        for m in re.findall(r'class="govuk-error-message">(.*?)</p>', html, re.S)
    ]


def summary(response) -> str:
    html = response.content.decode()
    found = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0))) if found else ""


def written(criteria) -> list[Criterion]:
    return [c for c in criteria if not c.is_price]


BUDGET_POST = {
    "centres": "1",
    "overheads": "2",
    "price": "£90,000",
    "centre-0-name": "Befriending scheme",
    "centre-0-direct_costs": "£70,000",
    "centre-0-headcount": "3",
    "overhead-0-name": "Rent",
    "overhead-0-amount": "12,000",
    "overhead-0-driver": "headcount",
    "overhead-1-driver": "headcount",
    "totals-headcount": "6",
    "action": "save",
}


@pytest.fixture
def opp(published) -> Opportunity:
    return published


@pytest.fixture
def bid(opp, provider_admin, charity) -> Bid:
    return services.bid_start(actor=provider_admin, opportunity=opp, organisation=charity)


def complete(bid: Bid, actor) -> Bid:
    """Everything a submission needs, through the services."""
    services.bid_answers_save(
        actor=actor, bid=bid, answers={c.pk: f"How we meet {c.name}." for c in written(bid.opportunity.criteria.all())}
    )
    services.bid_budget_save(
        actor=actor,
        bid=bid,
        budget={
            "cost_centres": [{"name": "Scheme", "direct_costs": "70000", "drivers": {"headcount": "3"}}],
            "overheads": [{"name": "Rent", "amount": "12000", "driver": "headcount"}],
            "driver_totals": {"headcount": "6"},
        },
        price="80000",
    )
    services.bid_declarations_sign(actor=actor, bid=bid, keys=list(bidding.DECLARATIONS))
    confirm_eligibility(bid, actor, now=None)
    return Bid.objects.get(pk=bid.pk)


def past_deadline(opp: Opportunity, *, close: bool = False) -> None:
    """The server's clock cannot move: put the deadline in the past instead."""
    Opportunity.objects.filter(pk=opp.pk).update(closes_at=timezone.now() - timedelta(minutes=5))
    opp.refresh_from_db()
    if close:
        Opportunity.objects.filter(pk=opp.pk).update(status="closed", closed_at=timezone.now())
        opp.refresh_from_db()


# Starting ----------------------------------------------------------------------------------------------------


def test_the_opportunity_page_offers_a_provider_a_bid_and_starting_one_opens_the_task_list(client, opp, provider_admin):
    client.force_login(provider_admin)
    page = client.get(f"/opportunities/{opp.public_id}/")
    assert "Start a bid" in text(page)
    form = client.get(f"/bids/opportunity/{opp.public_id}/start/")
    assert form.status_code == 200
    assert "You are bidding for Brookfield Community Pantry" in text(form)
    response = client.post(f"/bids/opportunity/{opp.public_id}/start/", {"organisation": provider_admin_org(opp)})
    bid = Bid.objects.get(opportunity=opp)
    assert response.status_code == 302 and response.url == f"/bids/{bid.public_id}/"
    tasks = text(client.get(response.url))
    for name in ("Answer the questions", "Upload documents", "Full cost budget", "Declarations", "Check and submit"):
        assert name in tasks
    assert "Consortium members" not in tasks
    assert "0 of 3 answered" in tasks
    # Starting again goes back to the same bid rather than making a second one.
    again = client.post(f"/bids/opportunity/{opp.public_id}/start/", {"organisation": provider_admin_org(opp)})
    assert again.url == f"/bids/{bid.public_id}/"
    assert Bid.objects.filter(opportunity=opp).count() == 1


def provider_admin_org(opp) -> str:
    from trellis.organisations.models import Organisation

    return str(Organisation.objects.get(slug="brookfield-community-pantry").pk)


def test_a_bid_cannot_be_started_for_an_organisation_the_person_is_not_in(client, opp, provider_admin, other_charity):
    client.force_login(provider_admin)
    response = client.post(f"/bids/opportunity/{opp.public_id}/start/", {"organisation": str(other_charity.pk)})
    assert response.status_code == 200
    assert "Select a valid choice" in " ".join(error_messages(response))
    assert not Bid.objects.exists()


def test_people_who_are_not_providers_cannot_start_a_bid(client, opp, commissioner, resident):
    for person in (commissioner, resident):
        client.force_login(person)
        assert client.get(f"/bids/opportunity/{opp.public_id}/start/").status_code == 403
    client.logout()
    assert client.get(f"/bids/opportunity/{opp.public_id}/start/").status_code == 302


def test_no_bid_can_be_started_after_the_deadline(client, opp, provider_admin):
    past_deadline(opp)
    client.force_login(provider_admin)
    response = client.get(f"/bids/opportunity/{opp.public_id}/start/")
    assert response.status_code == 403
    assert "The deadline for bids was" in response.content.decode()
    page = text(client.get(f"/opportunities/{opp.public_id}/"))
    assert "Start a bid" not in page and "The deadline for bids was" in page


# Answers -----------------------------------------------------------------------------------------------------


def test_answers_are_saved_with_each_question_weight_scale_limit_and_word_count(client, bid, provider_admin):
    client.force_login(provider_admin)
    criteria = written(bid.opportunity.criteria.all())
    page = text(client.get(f"/bids/{bid.public_id}/answers/"))
    assert "Meeting the outcomes" in page and "Weight: 50%" in page and "Up to 1000 words" in page
    assert "0 words of the 1000 allowed" in page
    data = {f"answer_{c.pk}": f"Our answer about {c.name.lower()}" for c in criteria}
    response = client.post(f"/bids/{bid.public_id}/answers/", {**data, "then": "stay"})
    assert response.status_code == 302
    assert BidAnswer.objects.filter(bid=bid).count() == len(criteria)
    again = text(client.get(f"/bids/{bid.public_id}/answers/"))
    assert "Your answers are saved." in again
    assert "6 words of the 1000 allowed" in again


def test_an_answer_over_its_word_limit_is_refused_naming_the_question_and_nothing_is_saved(client, bid, provider_admin):
    client.force_login(provider_admin)
    first = written(bid.opportunity.criteria.all())[0]
    Criterion.objects.filter(pk=first.pk).update(word_limit=5)
    response = client.post(
        f"/bids/{bid.public_id}/answers/", {f"answer_{first.pk}": "one two three four five six seven"}
    )
    assert response.status_code == 200
    assert "must be 5 words or fewer. It is 7 words: cut 2." in " ".join(error_messages(response))
    assert first.name in summary(response)
    assert "one two three four five six seven" in response.content.decode()  # what was typed is kept
    assert not BidAnswer.objects.filter(bid=bid).exists()


# Documents ---------------------------------------------------------------------------------------------------


def test_a_document_is_uploaded_downloaded_by_the_bidder_and_removed(client, bid, provider_admin, other_provider_admin):
    client.force_login(provider_admin)
    upload = SimpleUploadedFile("safeguarding.pdf", PDF, content_type="application/pdf")
    response = client.post(f"/bids/{bid.public_id}/documents/", {"title": "Safeguarding policy", "file": upload})
    assert response.status_code == 302
    document = BidDocument.objects.get(bid=bid)
    assert document.title == "Safeguarding policy" and document.content_type == "application/pdf"
    download = client.get(f"/bids/{bid.public_id}/documents/{document.public_id}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    client.force_login(other_provider_admin)
    assert client.get(f"/bids/{bid.public_id}/documents/{document.public_id}/").status_code == 404
    client.force_login(provider_admin)
    client.post(f"/bids/{bid.public_id}/documents/{document.public_id}/remove/")
    assert not BidDocument.objects.filter(bid=bid).exists()


def test_a_file_that_is_not_what_it_claims_is_refused_naming_the_field(client, bid, provider_admin):
    client.force_login(provider_admin)
    fake = SimpleUploadedFile("policy.pdf", b"MZ\x90\x00 this is a program", content_type="application/pdf")
    response = client.post(f"/bids/{bid.public_id}/documents/", {"title": "Policy", "file": fake})
    assert response.status_code == 200
    assert error_messages(response)
    assert "id_file" in summary(response) or "#id_file" in response.content.decode()
    assert not BidDocument.objects.exists()


def test_a_file_over_the_size_limit_is_refused(client, bid, provider_admin, settings):
    settings.TRELLIS_MAX_UPLOAD_BYTES = 100
    client.force_login(provider_admin)
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 200, content_type="application/pdf")
    response = client.post(f"/bids/{bid.public_id}/documents/", {"title": "Accounts", "file": big})
    assert "must be smaller than" in " ".join(error_messages(response))
    assert not BidDocument.objects.exists()


# Budget ------------------------------------------------------------------------------------------------------


def test_the_budget_is_worked_out_saved_and_a_price_below_full_cost_is_warned_about(client, bid, provider_admin):
    client.force_login(provider_admin)
    page = text(client.get(f"/bids/{bid.public_id}/budget/"))
    assert "Full cost budget" in page and "£90,000" in page  # the opportunity's value is shown
    response = client.post(f"/bids/{bid.public_id}/budget/", {**BUDGET_POST, "price": "£75,000"})
    assert response.status_code == 302
    bid.refresh_from_db()
    assert bid.price == Decimal("75000.00")
    assert bid.budget["cost_centres"][0]["name"] == "Befriending scheme"
    assert bid.budget_result["totals"]["full_cost"] == 76000.0  # £70,000 + half the rent (3 of 6 staff)
    shown = text(client.get(f"/bids/{bid.public_id}/budget/"))
    assert "The full cost" in shown and "£76,000.00" in shown
    assert "below the full cost" in shown
    assert 'value="Befriending scheme"' in client.get(f"/bids/{bid.public_id}/budget/").content.decode()


def test_a_budget_above_the_opportunity_value_is_flagged(client, bid, provider_admin):
    client.force_login(provider_admin)
    client.post(
        f"/bids/{bid.public_id}/budget/", {**BUDGET_POST, "centre-0-direct_costs": "£95,000", "price": "£100,000"}
    )
    page = text(client.get(f"/bids/{bid.public_id}/budget/"))
    assert "above the opportunity's value" in page


def test_bad_budget_input_is_refused_naming_the_field_and_nothing_is_saved(client, bid, provider_admin):
    client.force_login(provider_admin)
    response = client.post(
        f"/bids/{bid.public_id}/budget/", {**BUDGET_POST, "price": "lots", "centre-0-direct_costs": "seventy"}
    )
    assert response.status_code == 200
    messages = " ".join(error_messages(response))
    assert "Your bid price must be an amount of money" in messages
    assert "Project or service 1" in summary(response)
    bid.refresh_from_db()
    assert bid.price is None and bid.budget == {}


def test_more_budget_rows_come_without_javascript_keeping_what_was_typed(client, bid, provider_admin):
    client.force_login(provider_admin)
    response = client.post(f"/bids/{bid.public_id}/budget/", {**BUDGET_POST, "action": "add_centre"})
    html = response.content.decode()
    assert 'name="centre-1-name"' in html and 'value="Befriending scheme"' in html
    bid.refresh_from_db()
    assert bid.budget == {}


# Consortium --------------------------------------------------------------------------------------------------


@pytest.fixture
def consortium_bid(opp, provider_admin, charity, other_charity):
    Opportunity.objects.filter(pk=opp.pk).update(consortium_bids_invited=True)
    opp.refresh_from_db()
    consortium = org_services.consortium_create(
        actor=provider_admin,
        name="Northbridge Befriending Partnership",
        lead=charity,
        lead_model="member_lead",
        members=[(charity, "", None), (other_charity, "", None)],
    )
    return services.bid_start(actor=provider_admin, opportunity=opp, organisation=consortium.organisation)


def test_a_consortium_gives_each_member_a_role_and_a_share_totalling_100(
    client, consortium_bid, provider_admin, charity, other_charity
):
    client.force_login(provider_admin)
    assert "Consortium members" in text(client.get(f"/bids/{consortium_bid.public_id}/"))
    url = f"/bids/{consortium_bid.public_id}/consortium/"
    bad = {
        f"role_{charity.pk}": "Leads and runs the volunteers",
        f"share_{charity.pk}": "60",
        f"role_{other_charity.pk}": "Carers' support",
        f"share_{other_charity.pk}": "30",
    }
    response = client.post(url, bad)
    assert "must add up to 100%. They add up to 90%" in summary(response)
    assert not ConsortiumRole.objects.filter(bid=consortium_bid).exists()
    response = client.post(url, {**bad, f"share_{other_charity.pk}": "40"})
    assert response.status_code == 302
    shares = dict(ConsortiumRole.objects.filter(bid=consortium_bid).values_list("organisation_id", "share_percent"))
    assert shares == {charity.pk: Decimal("60"), other_charity.pk: Decimal("40")}


# Declarations ------------------------------------------------------------------------------------------------


def test_every_declaration_must_be_ticked_and_the_missing_ones_are_named(client, bid, provider_admin):
    client.force_login(provider_admin)
    url = f"/bids/{bid.public_id}/declarations/"
    response = client.post(url, {"declarations": ["no_collusion"]})
    messages = " ".join(error_messages(response))
    assert bidding.DECLARATIONS["full_cost"] in messages
    assert bidding.DECLARATIONS["no_collusion"] not in messages
    bid.refresh_from_db()
    assert bid.declarations == {}
    response = client.post(url, {"declarations": list(bidding.DECLARATIONS)})
    assert response.status_code == 302
    bid.refresh_from_db()
    assert not bidding.unsigned_declarations(bid.declarations)


# Check and submit --------------------------------------------------------------------------------------------


def test_check_and_submit_lists_what_is_missing_and_refuses_an_incomplete_bid(client, bid, provider_admin):
    client.force_login(provider_admin)
    page = text(client.get(f"/bids/{bid.public_id}/check/"))
    assert "Before you can submit" in page
    assert "Enter your price." in page and "Agree to every declaration." in page
    assert "Submit your bid" not in page
    response = client.post(f"/bids/{bid.public_id}/check/")
    assert response.status_code == 200
    assert "Enter your price." in summary(response)
    bid.refresh_from_db()
    assert bid.status == "draft" and not Receipt.objects.exists()


def test_a_complete_bid_is_submitted_with_a_receipt_whose_hash_matches_the_content(client, bid, provider_admin):
    complete(bid, provider_admin)
    client.force_login(provider_admin)
    page = text(client.get(f"/bids/{bid.public_id}/check/"))
    assert "Before you can submit" not in page and "Submit your bid" in page
    response = client.post(f"/bids/{bid.public_id}/check/")
    assert response.status_code == 302 and response.url == f"/bids/{bid.public_id}/receipt/"
    receipt = Receipt.objects.get(bid=bid)
    shown = text(client.get(response.url))
    assert "Bid submitted" in shown and receipt.number in shown and receipt.content_sha256 in shown
    bid.refresh_from_db()
    assert bid.status == "submitted"
    assert receipts.verify(submitted_content(Bid.objects.get(pk=bid.pk)), receipt.content_sha256)
    # A submitted bid is locked: the pages are read-only and say how to change it.
    answers = text(client.get(f"/bids/{bid.public_id}/answers/"))
    assert "withdraw it first" in answers and "Save your answers" not in answers


def test_withdraw_and_resubmit_gives_a_new_receipt_and_keeps_the_old_one_superseded(client, bid, provider_admin):
    complete(bid, provider_admin)
    client.force_login(provider_admin)
    client.post(f"/bids/{bid.public_id}/check/")
    first = Receipt.objects.get(bid=bid)
    assert "Withdraw your bid to change it" in text(client.get(f"/bids/{bid.public_id}/"))
    assert client.post(f"/bids/{bid.public_id}/withdraw/").status_code == 302
    bid.refresh_from_db()
    assert bid.status == "withdrawn"
    answers = {f"answer_{c.pk}": f"A better answer about {c.name}." for c in written(bid.opportunity.criteria.all())}
    assert client.post(f"/bids/{bid.public_id}/answers/", answers).status_code == 302
    client.post(f"/bids/{bid.public_id}/check/")
    bid.refresh_from_db()
    assert bid.status == "submitted"
    second = Receipt.objects.filter(bid=bid).exclude(pk=first.pk).get()
    first.refresh_from_db()
    assert first.superseded_at is not None and second.superseded_at is None
    assert first.content_sha256 != second.content_sha256


def test_a_late_submission_is_refused_with_the_deadline_shown_and_nothing_changes(client, bid, provider_admin):
    complete(bid, provider_admin)
    opp = bid.opportunity
    past_deadline(opp)
    client.force_login(provider_admin)
    response = client.post(f"/bids/{bid.public_id}/check/")
    deadline = bidding.format_deadline(Opportunity.objects.get(pk=opp.pk).closes_at)
    assert f"The deadline for bids was {deadline}" in summary(response)
    bid.refresh_from_db()
    assert bid.status == "draft" and not Receipt.objects.exists()


def test_after_the_deadline_the_bid_is_read_only_with_the_deadline_shown(client, bid, provider_admin):
    complete(bid, provider_admin)
    past_deadline(bid.opportunity)
    client.force_login(provider_admin)
    page = text(client.get(f"/bids/{bid.public_id}/"))
    assert "The deadline for bids was" in page and "Save your answers" not in page
    criterion = written(bid.opportunity.criteria.all())[0]
    response = client.post(f"/bids/{bid.public_id}/answers/", {f"answer_{criterion.pk}": "Too late"})
    assert "The deadline for bids was" in summary(response)
    assert BidAnswer.objects.get(bid=bid, criterion=criterion).text != "Too late"


def test_a_providers_list_shows_their_bids(client, bid, provider_admin, provider_member, other_provider_admin):
    client.force_login(provider_member)
    page = text(client.get("/bids/mine/"))
    assert bid.opportunity.title in page and "Draft" in page
    client.force_login(other_provider_admin)
    assert bid.opportunity.title not in text(client.get("/bids/mine/"))


def test_another_provider_cannot_reach_any_page_of_a_bid(client, bid, other_provider_admin):
    client.force_login(other_provider_admin)
    for suffix in ("", "answers/", "documents/", "budget/", "declarations/", "check/", "receipt/", "withdraw/"):
        assert client.get(f"/bids/{bid.public_id}/{suffix}").status_code == 404, suffix
    assert client.post(f"/bids/{bid.public_id}/check/").status_code == 404
    bid.refresh_from_db()
    assert bid.status == "draft"


def test_a_member_of_the_organisation_sees_the_task_list_too(client, bid, provider_member, make_person, charity):
    client.force_login(provider_member)
    assert "Answer the questions" in text(client.get(f"/bids/{bid.public_id}/"))
    evaluator = make_person(Role.EVALUATOR, charity)
    client.force_login(evaluator)
    assert client.get(f"/bids/{bid.public_id}/").status_code == 404
