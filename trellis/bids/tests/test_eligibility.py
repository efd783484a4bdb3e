"""The eligibility checklist in a bid: answering it (only the bid's organisation, only while the bid can change),
evidence from the organisation's accreditation, a no to an essential item refusing the submission with its reason
(and changing nothing), and the answers with the evidence relied on sealed into the receipt's hash.

The ``published`` opportunity's checklist has two essential items and one desirable item; ``linked`` makes the
first essential item one that a verified safeguarding policy meets."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from trellis.bids import selectors, services
from trellis.bids.domain import receipts
from trellis.bids.domain.eligibility import Outcome
from trellis.bids.models import Bid, BidEligibility, Receipt
from trellis.bids.tests.fixtures_core import *  # noqa: F403
from trellis.bids.tests.fixtures_core import NOW, answer_everything, closes
from trellis.core.errors import PermissionDenied, ValidationFailed
from trellis.core.models import AuditEvent
from trellis.opportunities.models import EligibilityItem
from trellis.organisations import services as org_services

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
POLICY = "Safeguarding adults policy 2026"


def items(opportunity) -> tuple[EligibilityItem, EligibilityItem, EligibilityItem]:
    group, local, safeguarding = opportunity.eligibility_items.all()
    assert (group.essential, local.essential, safeguarding.essential) == (True, True, False)
    return group, local, safeguarding


def yes_to_all(opportunity) -> dict[int, str]:
    return {item.pk: "yes" for item in opportunity.eligibility_items.all()}


def audit_count(verb: str) -> int:
    return AuditEvent.objects.filter(verb=verb).count()


@pytest.fixture
def linked(published):
    """The first essential item is met by a verified safeguarding policy (set by the council before publishing)."""
    group, _, _ = items(published)
    EligibilityItem.objects.filter(pk=group.pk).update(evidence_kind="safeguarding_policy")
    return published


def hold_policy(organisation, commissioner, provider_admin, *, verified=True, expires_on=None):
    document = org_services.evidence_upload(
        actor=provider_admin,
        organisation=organisation,
        kind="safeguarding_policy",
        title=POLICY,
        filename="policy.pdf",
        content=PDF,
        expires_on=expires_on,
    )
    if verified:
        org_services.evidence_review(actor=commissioner, document=document, verified=True)
    return document


# Saving answers ----------------------------------------------------------------------------------------------------


def test_answers_are_saved_and_audited_without_their_content(bid, provider_admin):
    group, local, safeguarding = items(bid.opportunity)
    before = audit_count("bid.eligibility_saved")
    results = services.bid_eligibility_save(
        actor=provider_admin, bid=bid, answers={group.pk: "yes", local.pk: "no"}, now=NOW
    )
    assert [r.outcome for r in results] == [Outcome.CONFIRMED, Outcome.NOT_MET, Outcome.UNANSWERED]
    rows = {r.item_id: r for r in BidEligibility.objects.filter(bid=bid)}
    assert {k: r.answer for k, r in rows.items()} == {group.pk: "yes", local.pk: "no"}
    assert rows[group.pk].answered_by == provider_admin and rows[group.pk].answered_at == NOW
    assert audit_count("bid.eligibility_saved") == before + 1
    event = AuditEvent.objects.filter(verb="bid.eligibility_saved").last()
    assert event.data["items"] == sorted([group.pk, local.pk]) and "yes" not in str(event.data)

    # Saving the same answers again changes nothing; a blank clears one.
    services.bid_eligibility_save(actor=provider_admin, bid=bid, answers={group.pk: "yes"}, now=NOW)
    assert audit_count("bid.eligibility_saved") == before + 1
    services.bid_eligibility_save(actor=provider_admin, bid=bid, answers={group.pk: ""}, now=NOW)
    assert BidEligibility.objects.get(bid=bid, item=group).answer == ""
    assert safeguarding.pk not in rows


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ({"first": "maybe"}, "first", "Answer yes or no."),
        ({"first": "yes", 999999: "yes"}, "eligibility-999999", "not one of the eligibility requirements"),
    ],
)
def test_bad_answers_are_named_and_nothing_is_saved(bid, provider_admin, answers, field, message):
    group, _, _ = items(bid.opportunity)
    answers = {(group.pk if k == "first" else k): v for k, v in answers.items()}
    field = f"eligibility-{group.pk}" if field == "first" else field
    before = audit_count("bid.eligibility_saved")
    with pytest.raises(ValidationFailed) as refused:
        services.bid_eligibility_save(actor=provider_admin, bid=bid, answers=answers, now=NOW)
    assert message in refused.value.errors[field][0]
    assert not BidEligibility.objects.filter(bid=bid).exists()
    assert audit_count("bid.eligibility_saved") == before


@pytest.mark.parametrize("who", ["other_provider_admin", "commissioner", "procurement_officer", "platform_admin"])
def test_only_the_bids_organisation_answers_the_checklist(request, bid, who):
    person = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.bid_eligibility_save(actor=person, bid=bid, answers=yes_to_all(bid.opportunity), now=NOW)
    assert not BidEligibility.objects.filter(bid=bid).exists()


def test_answers_cannot_change_after_the_deadline(bid, provider_admin):
    with pytest.raises(PermissionDenied, match="The deadline for bids was"):
        services.bid_eligibility_save(
            actor=provider_admin, bid=bid, answers=yes_to_all(bid.opportunity), now=closes(40)
        )
    assert not BidEligibility.objects.filter(bid=bid).exists()


def test_a_submitted_bid_is_withdrawn_before_its_answers_change(submitted_bid, provider_admin):
    group, _, _ = items(submitted_bid.opportunity)
    with pytest.raises(PermissionDenied, match="withdraw it first"):
        services.bid_eligibility_save(actor=provider_admin, bid=submitted_bid, answers={group.pk: "no"}, now=NOW)
    assert BidEligibility.objects.get(bid=submitted_bid, item=group).answer == "yes"
    services.bid_withdraw(actor=provider_admin, bid=submitted_bid, now=NOW)
    services.bid_eligibility_save(actor=provider_admin, bid=submitted_bid, answers={group.pk: "no"}, now=NOW)
    assert BidEligibility.objects.get(bid=submitted_bid, item=group).answer == "no"


# Submitting --------------------------------------------------------------------------------------------------------


def ready_but_unanswered(bid, actor):
    from decimal import Decimal

    from trellis.bids.domain.bidding import DECLARATIONS
    from trellis.bids.tests.fixtures_core import BUDGET

    answer_everything(bid, actor)
    services.bid_budget_save(actor=actor, bid=bid, budget=BUDGET, price=Decimal("66000"), now=NOW)
    services.bid_declarations_sign(actor=actor, bid=bid, keys=list(DECLARATIONS), now=NOW)


def test_a_no_to_an_essential_item_refuses_the_submission_with_its_reason_and_changes_nothing(bid, provider_admin):
    ready_but_unanswered(bid, provider_admin)
    group, local, _ = items(bid.opportunity)
    services.bid_eligibility_save(actor=provider_admin, bid=bid, answers={group.pk: "yes", local.pk: "no"}, now=NOW)
    rows_before = list(BidEligibility.objects.filter(bid=bid).values())
    submitted_before = audit_count("bid.submitted")
    with pytest.raises(ValidationFailed) as refused:
        services.bid_submit(actor=provider_admin, bid=bid, now=NOW)
    assert refused.value.code == "not_eligible"
    assert refused.value.message == (
        f"Your bid cannot be submitted: you answered no to “{local.text}”, and this opportunity only accepts bids "
        "from organisations that meet it."
    )
    assert refused.value.errors == {f"eligibility-{local.pk}": [refused.value.message]}
    stored = Bid.objects.get(pk=bid.pk)
    assert stored.status == "draft" and stored.submitted_at is None
    assert not Receipt.objects.filter(bid=bid).exists()
    assert audit_count("bid.submitted") == submitted_before
    assert list(BidEligibility.objects.filter(bid=bid).values()) == rows_before


def test_an_essential_item_left_unanswered_is_still_to_do(bid, provider_admin):
    ready_but_unanswered(bid, provider_admin)
    group, local, _ = items(bid.opportunity)
    services.bid_eligibility_save(actor=provider_admin, bid=bid, answers={group.pk: "yes"}, now=NOW)
    with pytest.raises(ValidationFailed) as refused:
        services.bid_submit(actor=provider_admin, bid=bid, now=NOW)
    assert refused.value.code == "validation_failed"
    assert refused.value.errors == {f"eligibility-{local.pk}": [f"Answer “{local.text}” on the eligibility checklist."]}
    assert Bid.objects.get(pk=bid.pk).status == "draft"


def test_a_no_to_a_desirable_item_does_not_stop_the_bid(bid, provider_admin):
    ready_but_unanswered(bid, provider_admin)
    group, local, safeguarding = items(bid.opportunity)
    answers = {group.pk: "yes", local.pk: "yes", safeguarding.pk: "no"}
    services.bid_eligibility_save(actor=provider_admin, bid=bid, answers=answers, now=NOW)
    receipt = services.bid_submit(actor=provider_admin, bid=bid, now=NOW)
    assert Bid.objects.get(pk=bid.pk).status == "submitted"
    sealed = selectors.submitted_content(Bid.objects.get(pk=bid.pk))
    assert sealed["format"] == "2"
    assert [(row["item"], row["answer"], row["must_have"]) for row in sealed["eligibility"]] == [
        (str(group.pk), "yes", True),
        (str(local.pk), "yes", True),
        (str(safeguarding.pk), "no", False),
    ]
    assert receipts.verify(sealed, receipt.content_sha256)


def test_the_answers_are_hashed_into_the_receipt(submitted_bid):
    receipt = Receipt.objects.get(bid=submitted_bid)
    assert selectors.receipt_verifies(receipt)
    group, _, _ = items(submitted_bid.opportunity)
    BidEligibility.objects.filter(bid=submitted_bid, item=group).update(answer="no")
    assert not selectors.receipt_verifies(Receipt.objects.get(pk=receipt.pk))


def test_verified_evidence_meets_an_item_and_is_sealed_as_it_was(linked, charity, provider_admin, commissioner, bid):
    document = hold_policy(charity, commissioner, provider_admin, expires_on=(NOW + timedelta(days=200)).date())
    ready_but_unanswered(bid, provider_admin)
    group, local, _ = items(linked)
    [first, *_] = selectors.eligibility_for(bid)
    assert first.outcome == Outcome.EVIDENCED and first.evidence.document.title == POLICY
    services.bid_eligibility_save(actor=provider_admin, bid=bid, answers={local.pk: "yes"}, now=NOW)
    receipt = services.bid_submit(actor=provider_admin, bid=bid, now=NOW)
    kept = BidEligibility.objects.get(bid=bid, item=group)
    assert kept.answer == "" and kept.evidence == {
        "kind": "safeguarding_policy",
        "title": POLICY,
        "expires_on": document.expires_on.isoformat(),
        "sha256": document.sha256,
    }
    # The document lapses later: the bid is still read, and its receipt still verifies, as it was submitted.
    type(document).objects.filter(pk=document.pk).update(expires_on=(NOW - timedelta(days=1)).date())
    stored = Bid.objects.get(pk=bid.pk)
    assert selectors.eligibility_for(stored)[0].outcome == Outcome.EVIDENCED
    assert selectors.receipt_verifies(Receipt.objects.get(pk=receipt.pk))


@pytest.mark.parametrize(
    ("verified", "read_days_later", "shown"),
    [(False, 0, "is waiting to be verified, so it does not count yet"), (True, 11, "ran out on")],
)
def test_evidence_that_does_not_count_leaves_the_item_to_answer(
    linked, charity, provider_admin, commissioner, bid, verified, read_days_later, shown
):
    from trellis.bids import eligibility_text

    today = NOW.date()
    hold_policy(charity, commissioner, provider_admin, verified=verified, expires_on=today + timedelta(days=10))
    [first, *_] = selectors.eligibility_for(bid, today=today + timedelta(days=read_days_later))
    assert first.outcome == Outcome.UNANSWERED and first.to_do
    assert shown in eligibility_text.evidence_text(first.evidence)


def test_a_bid_with_no_checklist_answers_hashes_as_before(submitted_bid):
    content = selectors.submitted_content(submitted_bid)
    BidEligibility.objects.filter(bid=submitted_bid).delete()
    without = selectors.submitted_content(Bid.objects.get(pk=submitted_bid.pk))
    assert "eligibility" not in without and without["format"] == "1"
    assert {k: v for k, v in content.items() if k not in {"eligibility", "format"}} == {
        k: v for k, v in without.items() if k != "format"
    }


# Pages -------------------------------------------------------------------------------------------------------------


def page_text(response) -> str:
    body = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).replace("&#x27;", "'").replace("&quot;", '"')


def url(bid, page="eligibility") -> str:
    return f"/bids/{bid.public_id}/{page}/"


def test_the_task_list_starts_with_eligibility(client, bid, provider_admin):
    client.force_login(provider_admin)
    body = page_text(client.get(url(bid, "").rstrip("/") + "/"))
    assert body.index("Eligibility") < body.index("Answer the questions")
    assert "0 of 3 requirements answered or met by evidence" in body


def test_the_page_shows_each_item_with_yes_and_no_and_the_evidence_found(
    client, linked, charity, provider_admin, commissioner, bid
):
    hold_policy(charity, commissioner, provider_admin)
    client.force_login(provider_admin)
    response = client.get(url(bid))
    assert response.status_code == 200
    html = response.content.decode()
    group, local, safeguarding = items(linked)
    for item in (group, local, safeguarding):
        assert f'name="item_{item.pk}" value="yes"' in html and f'name="item_{item.pk}" value="no"' in html
    body = page_text(response)
    assert f"Verified evidence held: Safeguarding policy, “{POLICY}”." in body
    assert "You do not need to answer: the evidence meets it." in body
    assert "Desirable: you may leave it unanswered" in body


def test_a_missing_answer_is_shown_in_the_error_summary_and_what_was_chosen_is_kept(client, bid, provider_admin):
    client.force_login(provider_admin)
    group, local, _ = items(bid.opportunity)
    response = client.post(url(bid), {f"item_{local.pk}": "no"})
    assert response.status_code == 200
    html = response.content.decode()
    message = f"Select yes if your organisation meets “{group.text}”, or no if it does not."
    assert f'<a href="#id_item_{group.pk}_0">{message}</a>' in html
    assert "<title>Error:" in html
    assert re.search(rf'name="item_{local.pk}" value="no"[^>]*checked', html)
    assert not BidEligibility.objects.filter(bid=bid).exists()


def test_a_no_to_an_essential_item_is_saved_and_the_page_says_the_bid_cannot_be_submitted(client, bid, provider_admin):
    client.force_login(provider_admin)
    group, local, _ = items(bid.opportunity)
    response = client.post(url(bid), {f"item_{group.pk}": "no", f"item_{local.pk}": "yes"})
    assert response.status_code == 302 and response["Location"] == url(bid)
    page = page_text(client.get(url(bid)))
    assert "Your answers are saved, but your bid cannot be submitted." in page
    assert f"Your bid cannot be submitted: you answered no to “{group.text}”" in page

    check = page_text(client.get(url(bid, "check")))
    assert (
        "Your organisation does not meet an essential requirement "
        f"Your bid cannot be submitted: you answered no to “{group.text}”"
    ) in check
    assert "Submit your bid" not in check
    overview = page_text(client.get(f"/bids/{bid.public_id}/"))
    assert "You answered no to an essential requirement Cannot submit" in overview


def test_the_check_page_refuses_a_submission_with_the_reason_in_the_error_summary(client, bid, provider_admin):
    ready_but_unanswered(bid, provider_admin)
    group, local, _ = items(bid.opportunity)
    services.bid_eligibility_save(actor=provider_admin, bid=bid, answers={group.pk: "no", local.pk: "yes"}, now=NOW)
    client.force_login(provider_admin)
    response = client.post(url(bid, "check"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<a href="#not-eligible">Your bid cannot be submitted: you answered no to “{group.text}”' in html
    assert Bid.objects.get(pk=bid.pk).status == "draft" and not Receipt.objects.filter(bid=bid).exists()


@pytest.mark.parametrize("who", ["other_provider_admin", "commissioner", "platform_admin"])
def test_nobody_else_sees_or_answers_the_checklist(client, request, bid, who):
    client.force_login(request.getfixturevalue(who))
    group, _, _ = items(bid.opportunity)
    assert client.get(url(bid)).status_code == 404
    assert client.post(url(bid), {f"item_{group.pk}": "yes"}).status_code == 404
    assert not BidEligibility.objects.filter(bid=bid).exists()


def test_a_locked_bid_shows_its_answers_read_only(client, submitted_bid, provider_admin):
    client.force_login(provider_admin)
    response = client.get(url(submitted_bid))
    html = response.content.decode()
    assert response.status_code == 200 and "<form" not in html.split('id="main-content"')[1]
    group, _, _ = items(submitted_bid.opportunity)
    assert f"{group.text} (essential) Yes: confirmed by the bidder" in page_text(response)


def test_the_authority_reads_the_answers_only_after_the_opening(client, submitted_bid, commissioner, closed):
    client.force_login(commissioner)
    assert client.get(f"/bids/{submitted_bid.public_id}/").status_code == 404
    services.opening_request(actor=commissioner, opportunity=closed, now=closes(41), two_openers=False)
    body = page_text(client.get(f"/bids/{submitted_bid.public_id}/"))
    group, _, safeguarding = items(submitted_bid.opportunity)
    assert f"{group.text} (essential) Yes: confirmed by the bidder" in body
    assert f"{safeguarding.text} (desirable) Yes: confirmed by the bidder" in body


def test_an_opportunity_without_a_checklist_has_no_eligibility_page(client, bid, provider_admin):
    bid.opportunity.eligibility_items.all().delete()
    client.force_login(provider_admin)
    assert client.get(url(bid)).status_code == 404
    assert "Eligibility" not in page_text(client.get(f"/bids/{bid.public_id}/"))


def render_tag(bid, person) -> str:
    from django.template import Context, Template
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = person
    return Template("{% load bid_eligibility %}{% bid_eligibility bid %}").render(
        Context({"request": request, "bid": bid})
    )


def test_the_answers_stay_sealed_wherever_they_are_drawn(submitted_bid, provider_admin, commissioner, closed):
    group, _, _ = items(submitted_bid.opportunity)
    assert group.text in render_tag(submitted_bid, provider_admin)
    assert group.text not in render_tag(submitted_bid, commissioner)  # before the opening
    services.opening_request(actor=commissioner, opportunity=closed, now=closes(41), two_openers=False)
    assert group.text in render_tag(Bid.objects.get(pk=submitted_bid.pk), commissioner)
    services.conflict_declare(actor=commissioner, bid=submitted_bid, conflict=True, details="My sister runs it.")
    assert group.text not in render_tag(Bid.objects.get(pk=submitted_bid.pk), commissioner)
