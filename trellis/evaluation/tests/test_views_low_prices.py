# ruff: noqa: F811 (the decision pages' fixtures are imported by name and used as parameters)
"""The abnormally low prices page: who sees it, a bad date refused by name with nothing written, and the steps
recorded in order from the page (the rules' own tables are in test_domain_low_price)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from html import escape

import pytest
from django.urls import reverse
from django.utils import timezone

from trellis.evaluation.models import LowPriceReview
from trellis.evaluation.tests.fixtures import *  # noqa: F403
from trellis.evaluation.tests.test_views_decision import date_post, marked, moderated  # noqa: F401

pytestmark = pytest.mark.django_db


def _url(evaluation) -> str:
    return reverse("evaluation:low_prices", args=[evaluation.public_id])


def test_an_officer_asks_records_and_decides_from_the_page(client, moderated, two_bids, procurement_officer):
    _, theirs = two_bids
    type(theirs).objects.filter(pk=theirs.pk).update(price=Decimal("50000"))  # below its full cost of £60,000
    client.force_login(procurement_officer)
    html = client.get(_url(moderated)).content.decode()
    assert escape(theirs.organisation.name) in html and escape("below the bid's own full cost") in html
    assert f'id="ask-{theirs.public_id}"' in html

    today = timezone.localdate()
    post = {"bid": str(theirs.public_id), "step": "ask"}
    response = client.post(_url(moderated), {**post, **date_post(today + timedelta(days=2), "due_on")})
    assert response.status_code == 200 and "at least 7 days" in response.content.decode()
    assert not LowPriceReview.objects.exists()
    response = client.post(_url(moderated), {**post, **date_post(today + timedelta(days=7), "due_on")})
    assert response.status_code == 302

    explained = {"bid": str(theirs.public_id), "step": "explanation", "explanation": "Volunteers deliver a third."}
    assert client.post(_url(moderated), {**explained, **date_post(today, "received_on")}).status_code == 302
    decided = {"bid": str(theirs.public_id), "step": "decision", "outcome": "accepted", "reason": "The plan is sound."}
    assert client.post(_url(moderated), decided).status_code == 302
    review = LowPriceReview.objects.get()
    assert review.outcome == "accepted" and review.explanation == "Volunteers deliver a third."
    assert "Accepted: the tender stays in the evaluation" in client.get(_url(moderated)).content.decode()


def test_only_officers_see_it_and_an_unknown_step_is_not_found(
    client, moderated, two_bids, evaluator_a, procurement_officer
):
    client.force_login(evaluator_a)
    assert client.get(_url(moderated)).status_code == 403
    client.force_login(procurement_officer)
    assert client.post(_url(moderated), {"bid": str(two_bids[1].public_id), "step": "shred"}).status_code == 404
