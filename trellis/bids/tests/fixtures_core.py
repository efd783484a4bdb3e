"""Fixtures for the bids core tests (domain, services, selectors, permissions, the sealed guarantee).

Import them into a test module with ``from trellis.bids.tests.fixtures_core import *``. They build on the
opportunities fixtures: ``published`` is an open grant round (deadline ``closes(40)``) with four criteria, one of
them scored on price. Every moment is relative to ``NOW`` and passed explicitly; the ``clock`` fixture sets the
server's clock to ``NOW`` for the pages.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from trellis.bids import selectors, services
from trellis.bids.domain.bidding import DECLARATIONS
from trellis.core.domain.roles import Role
from trellis.core.tests.factories import PersonFactory
from trellis.opportunities import services as opportunity_services
from trellis.opportunities.tests.fixtures_core import NOW, approved, clock, closes, draft, published

__all__ = [
    "AFTER",
    "BUDGET",
    "NOW",
    "SECRET",
    "approved",
    "bid",
    "clock",
    "closed",
    "closes",
    "confirm_eligibility",
    "draft",
    "evaluator",
    "opened",
    "published",
    "ready_bid",
    "submitted_bid",
    "superuser",
]

#: A moment after the deadline of ``published``.
AFTER = closes(41)
#: A phrase that appears only in the bid's answer: if any page shows it, the seal is broken.
SECRET = "Our befriending volunteers meet each person weekly at the Mill Hill library"
#: The befriending project's full cost budget: £60,000 direct, 3 of the organisation's 4 staff, so £6,000 of the
#: £8,000 premises cost; full cost £66,000.
BUDGET = {
    "cost_centres": [{"name": "Befriending", "direct_costs": "60000", "drivers": {"headcount": 3}}],
    "overheads": [{"name": "Premises", "amount": "8000", "driver": "headcount"}],
    "driver_totals": {"headcount": 4},
}


@pytest.fixture
def evaluator(make_person, council):
    return make_person(Role.EVALUATOR, council, full_name="Evie Lund")


@pytest.fixture
def superuser(db):
    return PersonFactory(full_name="Root User", is_staff=True, is_superuser=True)


@pytest.fixture
def bid(published, charity, provider_admin):
    return services.bid_start(actor=provider_admin, opportunity=published, organisation=charity, now=NOW)


def answer_everything(bid, actor, *, text: str = SECRET) -> None:
    answers = {c.pk: text for c in bid.opportunity.criteria.all() if not c.is_price}
    services.bid_answers_save(actor=actor, bid=bid, answers=answers, now=NOW)


def confirm_eligibility(bid, actor, *, now=NOW) -> None:
    """Answer yes to every item of the opportunity's eligibility checklist."""
    items = selectors.eligibility_items(bid.opportunity)
    services.bid_eligibility_save(actor=actor, bid=bid, answers={i.id: "yes" for i in items}, now=now)


@pytest.fixture
def ready_bid(bid, provider_admin):
    """A draft bid with everything a submission needs."""
    answer_everything(bid, provider_admin)
    confirm_eligibility(bid, provider_admin)
    services.bid_budget_save(actor=provider_admin, bid=bid, budget=BUDGET, price=Decimal("66000"), now=NOW)
    services.bid_declarations_sign(actor=provider_admin, bid=bid, keys=list(DECLARATIONS), now=NOW)
    return bid


@pytest.fixture
def submitted_bid(ready_bid, provider_admin):
    services.bid_submit(actor=provider_admin, bid=ready_bid, now=NOW)
    return ready_bid


@pytest.fixture
def closed(published, procurement_officer):
    """The opportunity, closed after its deadline."""
    return opportunity_services.opportunity_transition(
        actor=procurement_officer, opportunity=published, action="close", now=AFTER
    )


@pytest.fixture
def opened(submitted_bid, closed, commissioner):
    """The submitted bid, after a one-person opening."""
    services.opening_request(actor=commissioner, opportunity=closed, now=AFTER, two_openers=False)
    return submitted_bid
