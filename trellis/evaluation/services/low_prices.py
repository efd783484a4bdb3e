"""Abnormally low prices: ask the supplier to explain, record the explanation, decide (Procurement Act 2023
s.19(4)–(5); the rules are in ``domain.low_price``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from trellis.core.errors import InvalidTransition, ValidationFailed
from trellis.core.models import Person
from trellis.core.permissions import require
from trellis.core.services import notify
from trellis.evaluation import messages, selectors
from trellis.evaluation import permissions as perms
from trellis.evaluation.domain import low_price
from trellis.evaluation.models import (
    Evaluation,
    LowPriceReview,
)
from trellis.evaluation.services.common import audit, cleaned_text, lock
from trellis.opportunities import selectors as opportunity_selectors

if TYPE_CHECKING:
    from trellis.bids.models import Bid


# Abnormally low prices (s.19(4)–(5); the rules are in ``domain.low_price``) ----------------------------------------


def _flagged(evaluation: Evaluation, bid: Bid) -> selectors.LowPrice:
    found = next((item for item in selectors.low_prices(evaluation) if item.bid.pk == bid.pk), None)
    if found is None:
        raise ValidationFailed.of({"bid": ["This tender's price is not flagged as possibly abnormally low."]})
    return found


def low_price_ask(
    *, actor: Person, evaluation: Evaluation, bid: Bid, due_on: date | None, now: datetime | None = None
) -> LowPriceReview:
    """Ask the supplier to explain its flagged price by ``due_on``; its people are told at once."""
    now = now or timezone.now()
    require(perms.can_review_low_prices(actor, evaluation))
    with transaction.atomic():
        locked = lock(evaluation)
        item = _flagged(locked, bid)
        if item.review is not None:
            raise InvalidTransition("The supplier has already been asked to explain this price.")
        asked_on = timezone.localdate(now)
        problems = low_price.request_problems(flagged=True, asked_on=asked_on, due_on=due_on, today=asked_on)
        if problems:
            raise ValidationFailed.of(problems, "The request has not been recorded.")
        assert due_on is not None
        review = LowPriceReview.objects.create(
            evaluation=locked, bid=bid, asked_on=asked_on, due_on=due_on, asked_by=actor
        )
        audit(
            actor,
            "evaluation.low_price_explanation_requested",
            locked,
            {"bid": bid.organisation.org_id, "due_on": due_on.isoformat(), "why": list(item.reasons)},
        )
        people = list(opportunity_selectors.provider_people([bid.organisation_id]))
        if people:
            notify(recipients=people, message=messages.low_price_explanation_requested(bid, due_on=due_on), email=True)
    return review


def low_price_explanation_record(
    *,
    actor: Person,
    evaluation: Evaluation,
    bid: Bid,
    explanation: str,
    received_on: date | None,
    today: date | None = None,
) -> LowPriceReview:
    """Record the supplier's explanation of its price and the day it came."""
    today = today or timezone.localdate()
    require(perms.can_review_low_prices(actor, evaluation))
    with transaction.atomic():
        locked = lock(evaluation)
        review = LowPriceReview.objects.select_for_update().filter(evaluation=locked, bid=bid).first()
        text = cleaned_text(explanation)
        problems = low_price.explanation_problems(
            asked_on=review.asked_on if review else None, explanation=text, received_on=received_on, today=today
        )
        if not problems and review is not None and review.outcome:
            raise InvalidTransition("The decision on this price is already recorded.")
        if problems:
            raise ValidationFailed.of(problems, "The explanation has not been recorded.")
        assert review is not None and received_on is not None
        review.explanation, review.received_on = text, received_on
        review.save(update_fields=["explanation", "received_on"])
        audit(
            actor,
            "evaluation.low_price_explained",
            locked,
            {"bid": bid.organisation.org_id, "received_on": received_on.isoformat(), "explanation": text},
        )
    return review


def low_price_decide(
    *,
    actor: Person,
    evaluation: Evaluation,
    bid: Bid,
    outcome: str,
    reason: str,
    now: datetime | None = None,
) -> LowPriceReview:
    """Accept the tender, or disregard it for its abnormally low price with the reason (then the engine excludes
    it, and its assessment summary says why)."""
    now = now or timezone.now()
    require(perms.can_review_low_prices(actor, evaluation))
    with transaction.atomic():
        locked = lock(evaluation)
        review = LowPriceReview.objects.select_for_update().filter(evaluation=locked, bid=bid).first()
        text = cleaned_text(reason)
        problems = low_price.decision_problems(
            asked_on=review.asked_on if review else None,
            due_on=review.due_on if review else None,
            explained=bool(review and review.received_on),
            outcome=outcome,
            reason=text,
            today=timezone.localdate(now),
        )
        if problems:
            raise ValidationFailed.of(problems, "The decision has not been recorded.")
        assert review is not None
        if review.outcome:
            raise InvalidTransition("The decision on this price is already recorded.")
        review.outcome, review.reason, review.decided_by, review.decided_at = outcome, text, actor, now
        review.save(update_fields=["outcome", "reason", "decided_by", "decided_at"])
        audit(
            actor,
            "evaluation.low_price_decided",
            locked,
            {"bid": bid.organisation.org_id, "outcome": outcome, "reason": text},
        )
    return review
