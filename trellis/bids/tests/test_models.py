"""Single-row invariants held by the database."""

import pytest
from django.db import IntegrityError, transaction

from trellis.bids.models import Bid, BidAnswer, Receipt
from trellis.bids.tests.fixtures_core import *  # noqa: F403
from trellis.bids.tests.fixtures_core import SECRET

pytestmark = pytest.mark.django_db


def test_one_live_bid_per_organisation_and_lot(bid):
    with pytest.raises(IntegrityError), transaction.atomic():
        Bid.objects.create(opportunity=bid.opportunity, organisation=bid.organisation)
    Bid.objects.filter(pk=bid.pk).update(status="withdrawn")
    again = Bid.objects.create(opportunity=bid.opportunity, organisation=bid.organisation)
    assert again.status == "draft"


def test_one_answer_per_criterion(bid):
    criterion = bid.opportunity.criteria.first()
    BidAnswer.objects.create(bid=bid, criterion=criterion, text="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        BidAnswer.objects.create(bid=bid, criterion=criterion, text="b")


def test_receipt_numbers_are_unique(submitted_bid, provider_admin):
    receipt = Receipt.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Receipt.objects.create(
            bid=submitted_bid,
            number=receipt.number,
            submitted_at=receipt.submitted_at,
            submitted_by=provider_admin,
            content_sha256="0" * 64,
        )


def test_strings_never_show_content(submitted_bid):
    answer = submitted_bid.answers.first()
    for obj in (submitted_bid, answer, submitted_bid.receipts.get()):
        assert SECRET not in str(obj)
    assert str(submitted_bid) == f"Bid {submitted_bid.public_id}"
