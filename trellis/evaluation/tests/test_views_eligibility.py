"""The evaluators' bid page shows the bid's answers to the eligibility checklist, once the member has declared no
conflict of interest (a bid they may not read shows nothing of it)."""

from __future__ import annotations

import pytest

from trellis.evaluation import services
from trellis.evaluation.tests.fixtures import *  # noqa: F403
from trellis.evaluation.tests.fixtures import AFTER
from trellis.evaluation.tests.pages import text

pytestmark = pytest.mark.django_db


def bid_url(evaluation, bid) -> str:
    return f"/evaluation/{evaluation.public_id}/bids/{bid.public_id}/"


def test_evaluators_see_the_eligibility_answers_with_the_bid(client, scoring, two_bids, evaluator_a):
    mine, _ = two_bids
    group, local, safeguarding = mine.opportunity.eligibility_items.all()
    client.force_login(evaluator_a)
    refused = client.get(bid_url(scoring, mine))
    assert refused.status_code == 403 and group.text not in text(refused)

    services.conflict_declare(actor=evaluator_a, evaluation=scoring, bid=mine, conflict=False, now=AFTER)
    body = text(client.get(bid_url(scoring, mine)))
    assert "Eligibility The answers as submitted on" in body
    for item, kind in ((group, "essential"), (local, "essential"), (safeguarding, "desirable")):
        assert f"{item.text} ({kind}) Yes: confirmed by the bidder" in body
    assert body.index("Eligibility") < body.index("Answers")
