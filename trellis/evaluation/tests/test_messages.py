"""Each notification evaluation sends, rendered once with sample values: its subject, body and link."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from trellis.bids.models import Bid
from trellis.evaluation import messages
from trellis.evaluation.models import Evaluation
from trellis.opportunities.models import Opportunity
from trellis.organisations.models import Organisation

EVALUATION_ID = uuid.UUID("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d")
BID_ID = uuid.UUID("0b6a8f3e-1d2c-4e5f-8a9b-0c1d2e3f4a5b")
LINK = f"/evaluation/{EVALUATION_ID}/"


@pytest.fixture
def opportunity() -> Opportunity:
    return Opportunity(title="Befriending for older people", reference="NBR-2026-0007")


@pytest.fixture
def evaluation(opportunity) -> Evaluation:
    return Evaluation(public_id=EVALUATION_ID, opportunity=opportunity)


@pytest.fixture
def bid(opportunity) -> Bid:
    return Bid(public_id=BID_ID, opportunity=opportunity, organisation=Organisation(name="Northbridge Age Concern"))


def test_scoring_started(evaluation):
    message = messages.scoring_started(evaluation)
    assert message.subject == "Evaluation open: Befriending for older people"
    assert message.body == (
        "You are on the panel for Befriending for older people (NBR-2026-0007). For each bid, declare any conflict "
        "of interest first; then mark your criteria, with a reason for each mark."
    )
    assert message.url == LINK


def test_conflict_declared(evaluation):
    message = messages.conflict_declared(evaluation)
    assert message.subject == "Conflict of interest declared: Befriending for older people"
    assert message.body == (
        "A member of the panel for NBR-2026-0007 declared a conflict of interest with one bidder and is recused "
        "from that bid. Check that its criteria are still marked by enough people."
    )
    assert message.url == LINK


def test_recommendation_to_approve(evaluation):
    message = messages.recommendation_to_approve(evaluation)
    assert message.subject == "Award recommendation to approve: Befriending for older people"
    assert message.body == "A recommendation for NBR-2026-0007 is waiting for a commissioner's approval."
    assert message.url == LINK


def test_recommendation_sent_back(evaluation):
    message = messages.recommendation_sent_back(evaluation, reason="Check the local marks again.")
    assert message.subject == "Recommendation sent back: Befriending for older people"
    assert message.body == (
        "The recommendation for NBR-2026-0007 was sent back to the panel.\n\nWhy: Check the local marks again."
    )
    assert message.url == LINK


def test_outcome_for_the_winner_with_a_standstill(bid):
    message = messages.outcome(bid, successful=True, standstill_follows=True)
    assert message.subject == "Successful: Befriending for older people"
    assert message.body == (
        "Northbridge Age Concern's bid for Befriending for older people (NBR-2026-0007) is successful. "
        "A standstill period will start when the award notice is published: we will tell you its dates. No "
        "contract is entered into before it ends."
        "\n\nYour assessment summary, with your scores and the reasons for them, is on your bid's page."
    )
    assert message.url == f"/bids/{BID_ID}/"


def test_outcome_for_the_others_without_a_standstill(bid):
    message = messages.outcome(bid, successful=False, standstill_follows=False)
    assert message.subject == "Outcome: Befriending for older people"
    assert message.body == (
        "Northbridge Age Concern's bid for Befriending for older people (NBR-2026-0007) has not been successful."
        "\n\nYour assessment summary, with your scores and the reasons for them, is on your bid's page."
    )
    assert message.url == f"/bids/{BID_ID}/"


class _Decision:
    def __init__(self, published, last_day):
        self.award_notice_published_on, self.standstill_last_day = published, last_day


def test_award_notice_published_with_its_standstill(bid):
    message = messages.award_notice_published(bid, _Decision(date(2026, 5, 19), date(2026, 5, 29)))
    assert message.subject == "Award notice published: Befriending for older people"
    assert message.body == (
        "The award notice for Befriending for older people (NBR-2026-0007) was published on Tuesday 19 May 2026. "
        "The standstill runs until the end of Friday 29 May 2026: no contract is entered into before then. A "
        "supplier who starts a claim and notifies us during the standstill suspends the award."
    )
    assert message.url == f"/bids/{BID_ID}/"


def test_award_notice_published_without_a_standstill(bid):
    message = messages.award_notice_published(bid, _Decision(date(2026, 5, 19), None))
    assert message.body.endswith("No standstill applies to this contract.")
