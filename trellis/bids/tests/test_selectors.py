"""Reads: the doors, what is missing, counts, receipts."""

import pytest
from django.http import Http404

from trellis.bids import selectors, services
from trellis.bids.tests.fixtures_core import *  # noqa: F403
from trellis.bids.tests.fixtures_core import AFTER, NOW

pytestmark = pytest.mark.django_db


def test_bid_get_for_rejects_nonsense_ids(provider_admin, bid):
    for bad in ("not-a-uuid", None, "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(Http404):
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
