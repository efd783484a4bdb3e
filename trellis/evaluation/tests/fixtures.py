"""Fixtures for the evaluation workflow tests (services, permissions, selectors, pages).

Import them with ``from trellis.evaluation.tests.fixtures import *``. They build on the bids fixtures: the grant
round ``published`` (four criteria: "Meeting the outcomes" 50% 0–5, local connectedness 15%, user involvement 15%,
price 20%) gets two submitted bids — the charity's at £66,000 and the other charity's at £60,000 — and is closed,
opened and put under evaluation. The panel: two evaluators marking every quality criterion, a citizen
commissioner marking user involvement only, and the procurement officer moderating (marking nothing).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from trellis.bids import services as bid_services
from trellis.bids.domain.bidding import DECLARATIONS
from trellis.bids.tests import fixtures_core
from trellis.bids.tests.fixtures_core import *  # noqa: F403
from trellis.bids.tests.fixtures_core import AFTER, BUDGET, NOW, confirm_eligibility
from trellis.core.domain.roles import Role
from trellis.evaluation import services
from trellis.opportunities import services as opportunity_services
from trellis.opportunities.tests.fixtures_core import *  # noqa: F403

__all__ = [  # the bids fixtures come along
    *fixtures_core.__all__,
    "citizen",
    "evaluation",
    "evaluator_a",
    "evaluator_b",
    "outsider",
    "quality",
    "scoring",
    "setting_up",
    "two_bids",
    "user_involvement",
]


#: The other charity's budget: £54,000 direct and the same £6,000 share of premises, so its full cost is £60,000,
#: its price: not below its own full cost, so not flagged as possibly abnormally low (the flag has its own tests).
THEIR_BUDGET = {**BUDGET, "cost_centres": [{**BUDGET["cost_centres"][0], "direct_costs": "54000"}]}


def _bid(opportunity, organisation, actor, price: str, budget=BUDGET):
    bid = bid_services.bid_start(actor=actor, opportunity=opportunity, organisation=organisation, now=NOW)
    answers = {c.pk: f"{organisation.name} would do this well." for c in opportunity.criteria.all() if not c.is_price}
    bid_services.bid_answers_save(actor=actor, bid=bid, answers=answers, now=NOW)
    bid_services.bid_budget_save(actor=actor, bid=bid, budget=budget, price=Decimal(price), now=NOW)
    bid_services.bid_declarations_sign(actor=actor, bid=bid, keys=list(DECLARATIONS), now=NOW)
    confirm_eligibility(bid, actor)
    bid_services.bid_submit(actor=actor, bid=bid, now=NOW)
    return bid


@pytest.fixture
def two_bids(
    published, charity, provider_admin, other_charity, other_provider_admin, commissioner, procurement_officer
):
    """The charity's bid and the other charity's, opened, with the opportunity under evaluation."""
    mine = _bid(published, charity, provider_admin, "66000")
    theirs = _bid(published, other_charity, other_provider_admin, "60000", THEIR_BUDGET)
    for action in ("close",):
        opportunity_services.opportunity_transition(
            actor=procurement_officer, opportunity=published, action=action, now=AFTER
        )
    bid_services.opening_request(actor=commissioner, opportunity=published, now=AFTER, two_openers=False)
    opportunity_services.opportunity_transition(
        actor=procurement_officer, opportunity=published, action="start_evaluation", now=AFTER
    )
    return mine, theirs


@pytest.fixture
def evaluator_a(make_person, council):
    return make_person(Role.EVALUATOR, council, full_name="Ada Marsh")


@pytest.fixture
def evaluator_b(make_person, council):
    return make_person(Role.EVALUATOR, council, full_name="Ben Okafor")


@pytest.fixture
def citizen(make_person, council):
    return make_person(Role.CITIZEN_COMMISSIONER, council, full_name="Cath Doyle")


@pytest.fixture
def outsider(make_person, council):
    """An evaluator who is not on this panel."""
    return make_person(Role.EVALUATOR, council, full_name="Olu Stone")


@pytest.fixture
def quality(published):
    return [c for c in published.criteria.all() if not c.is_price]


@pytest.fixture
def user_involvement(quality):
    return next(c for c in quality if c.template == "user_involvement")


@pytest.fixture
def setting_up(two_bids, published, procurement_officer):
    return services.evaluation_start(actor=procurement_officer, opportunity=published, now=AFTER)


@pytest.fixture
def evaluation(setting_up, procurement_officer, evaluator_a, evaluator_b, citizen, quality, user_involvement):
    """The panel formed, scoring not yet started."""
    for person in (evaluator_a, evaluator_b):
        services.panel_member_set(
            actor=procurement_officer,
            evaluation=setting_up,
            person=person,
            role="external_expert",
            criteria=[c.pk for c in quality],
            now=AFTER,
        )
    services.panel_member_set(
        actor=procurement_officer,
        evaluation=setting_up,
        person=citizen,
        role="citizen_commissioner",
        criteria=[user_involvement.pk],
        now=AFTER,
    )
    services.panel_member_set(
        actor=procurement_officer,
        evaluation=setting_up,
        person=procurement_officer,
        role="officer",
        is_moderator=True,
        now=AFTER,
    )
    return setting_up


@pytest.fixture
def scoring(evaluation, procurement_officer):
    """Scoring started."""
    return services.evaluation_move(actor=procurement_officer, evaluation=evaluation, move="start_scoring", now=AFTER)
