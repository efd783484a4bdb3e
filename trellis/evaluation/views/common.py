"""Pieces every evaluation page uses: the one door to an evaluation and to a bid in it. Signing in, refusals and
the error summary are the web edge's (``trellis.core.web``)."""

from __future__ import annotations

from django.http import HttpRequest

from trellis.evaluation import selectors
from trellis.evaluation.models import Evaluation


def load_evaluation(request: HttpRequest, public_id) -> Evaluation:
    """The evaluation if this person may see it (officers and its panel); 404 otherwise."""
    return selectors.evaluation_get_for(actor=request.user, public_id=public_id)


def load_bid(request: HttpRequest, evaluation: Evaluation, bid_id):
    """A bid of the evaluation that this panel member may read (declared, not recused); 404 if it is not one of
    the evaluation's bids, the 403 page saying why when it cannot be read yet."""
    return selectors.bid_for_member(actor=request.user, evaluation=evaluation, public_id=bid_id)
