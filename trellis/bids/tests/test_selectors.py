"""Reads: the doors, what is missing, counts, receipts."""

import pytest

from trellis.bids import selectors, services
from trellis.bids.tests.fixtures_core import *  # noqa: F403
from trellis.bids.tests.fixtures_core import AFTER, NOW
from trellis.core.errors import NotFound

pytestmark = pytest.mark.django_db


def test_bid_get_for_rejects_nonsense_ids(provider_admin, bid):
    for bad in ("not-a-uuid", None, "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(NotFound):
            selectors.bid_get_for(actor=provider_admin, public_id=bad)


def test_a_ready_bid_has_nothing_missing(ready_bid):
    assert selectors.missing_before_submit(ready_bid) == []


def test_missing_before_submit_names_each_question(bid):
    fields = [m.field for m in selectors.missing_before_submit(bid)]
    questions = [c for c in bid.opportunity.criteria.all() if not c.is_price]
    essential = [f"eligibility-{i.pk}" for i in bid.opportunity.eligibility_items.all() if i.essential]
    assert len(essential) == 2
    assert fields == [*essential, *(f"answers-{c.pk}" for c in questions), "price", "budget", "declarations"]
    assert selectors.budget_required(bid.opportunity)


def test_live_bid_for(bid, provider_member, other_provider_admin):
    assert (
        selectors.live_bid_for(actor=provider_member, opportunity=bid.opportunity, organisation=bid.organisation) == bid
    )
    assert (
        selectors.live_bid_for(actor=other_provider_admin, opportunity=bid.opportunity, organisation=bid.organisation)
        is None
    )


def test_count_before_opening_counts_only_submitted(submitted_bid, other_charity, other_provider_admin):
    opportunity = submitted_bid.opportunity
    services.bid_start(actor=other_provider_admin, opportunity=opportunity, organisation=other_charity, now=NOW)
    opportunity.show_bid_count_before_opening = True
    assert selectors.bid_count_before_opening(opportunity) == 1


def test_receipts_for_lists_the_history(submitted_bid, provider_admin):
    services.bid_withdraw(actor=provider_admin, bid=submitted_bid, now=NOW)
    services.bid_submit(actor=provider_admin, bid=submitted_bid, now=NOW)
    history = list(selectors.receipts_for(provider_admin, submitted_bid))
    assert len(history) == 2 and sum(r.is_current for r in history) == 1
    assert selectors.receipt_for(provider_admin, submitted_bid).is_current


def test_opening_for(closed, commissioner):
    assert selectors.opening_for(closed) is None
    services.opening_request(actor=commissioner, opportunity=closed, now=AFTER, two_openers=False)
    assert selectors.opening_for(closed).opened_by == commissioner


@pytest.fixture
def document(ready_bid, provider_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%delivery plan\n")
    return services.bid_document_add(actor=provider_admin, bid=ready_bid, upload=upload, title="Delivery plan", now=NOW)


def test_a_bids_documents_are_read_only_once_it_is_opened(document, submitted_bid, closed, commissioner):
    from trellis.core.errors import PermissionDenied

    submitted_bid.refresh_from_db()
    with pytest.raises(PermissionDenied):  # submitted, but sealed until the opening
        selectors.opened_bid_documents(submitted_bid)
    services.opening_request(actor=commissioner, opportunity=closed, now=AFTER, two_openers=False)
    assert selectors.opened_bid_documents(submitted_bid) == [document]


@pytest.fixture
def other_draft(published, other_charity, other_provider_admin):
    """Another organisation's bid, still a draft when the deadline passes."""
    return services.bid_start(actor=other_provider_admin, opportunity=published, organisation=other_charity, now=NOW)


def test_a_draft_is_never_read_as_opened(other_draft, submitted_bid, closed, commissioner):
    from trellis.core.errors import PermissionDenied

    services.opening_request(actor=commissioner, opportunity=closed, now=AFTER, two_openers=False)
    assert selectors.opened_bid_documents(submitted_bid) == []
    with pytest.raises(PermissionDenied):
        selectors.opened_bid_documents(other_draft)
