"""Each notification bids send, rendered once with sample values: its subject, body and link."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from trellis.bids import messages
from trellis.bids.models import Bid, Receipt
from trellis.opportunities.models import Opportunity
from trellis.organisations.models import Organisation

BID_ID = uuid.UUID("0b6a8f3e-1d2c-4e5f-8a9b-0c1d2e3f4a5b")
OPPORTUNITY_ID = uuid.UUID("6f1c0b9e-3c8a-4d55-9b7e-2a1d4c5e6f70")


@pytest.fixture
def opportunity() -> Opportunity:
    return Opportunity(
        public_id=OPPORTUNITY_ID,
        title="Befriending for older people",
        reference="NBR-2026-0007",
        closes_at=datetime(2026, 3, 6, 12, 0, tzinfo=UTC),
    )


@pytest.fixture
def organisation() -> Organisation:
    return Organisation(name="Northbridge Age Concern")


@pytest.fixture
def bid(opportunity, organisation) -> Bid:
    return Bid(public_id=BID_ID, opportunity=opportunity, organisation=organisation)


def test_bid_submitted(bid):
    receipt = Receipt(
        number="NBR-2026-0007-R003", submitted_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC), content_sha256="ab" * 32
    )
    message = messages.bid_submitted(bid, receipt)
    assert message.subject == "Bid submitted: receipt NBR-2026-0007-R003"
    assert message.body == (
        "Northbridge Age Concern's bid for Befriending for older people (NBR-2026-0007) was submitted at "
        "9:30am on Monday 2 March 2026.\n\n"
        "Receipt number: NBR-2026-0007-R003\n"
        f"Fingerprint of what you submitted (SHA-256): {'ab' * 32}\n\n"
        "You can withdraw it and submit again until the deadline, 12:00pm on Friday 6 March 2026. After that it "
        "is sealed until the council opens all the bids together."
    )
    assert message.url == f"/bids/{BID_ID}/"


def test_bid_withdrawn(bid):
    message = messages.bid_withdrawn(bid)
    assert message.subject == "Bid withdrawn: Befriending for older people"
    assert message.body == (
        "Northbridge Age Concern's bid for Befriending for older people (NBR-2026-0007) has been withdrawn. "
        "To be considered, submit it again before 12:00pm on Friday 6 March 2026."
    )
    assert message.url == f"/bids/{BID_ID}/"


def test_bid_withdrawn_without_a_deadline_names_the_deadline(bid):
    bid.opportunity.closes_at = None
    assert messages.bid_withdrawn(bid).body.endswith("To be considered, submit it again before the deadline.")


def test_chosen_to_go_on(opportunity, organisation):
    message = messages.chosen_to_go_on(opportunity, organisation, step="shortlist")
    assert message.subject == "Chosen to go on: Befriending for older people"
    assert message.body == (
        "Northbridge Age Concern has been chosen for the shortlist of Befriending for older people "
        "(NBR-2026-0007). You will be invited to the next stage's submissions with their deadline."
    )
    assert message.url == f"/opportunities/{OPPORTUNITY_ID}/"


def test_not_going_on(opportunity, organisation):
    message = messages.not_going_on(opportunity, organisation, step=None, reason="Others scored higher.")
    assert message.subject == "Not going on: Befriending for older people"
    assert message.body == (
        "Northbridge Age Concern will not go on to the next stage of Befriending for older people "
        "(NBR-2026-0007).\n\nOthers scored higher."
    )
    assert message.url == f"/opportunities/{OPPORTUNITY_ID}/"
