"""Pieces every evaluation page uses: signing in, the one door to an evaluation and to a bid in it, and turning a
service refusal into the 403 page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from trellis.bids.views.bid import show_errors, signed_in
from trellis.core.errors import PermissionDenied as ServiceDenied
from trellis.core.permissions import Decision
from trellis.evaluation import selectors
from trellis.evaluation.models import Evaluation
from trellis.opportunities.forms.common import error_links

__all__ = ["error_links", "load_bid", "load_evaluation", "require", "show_errors", "signed_in"]


def require(decision: Decision) -> None:
    """The 403 page, saying why, when ``decision`` refuses."""
    if not decision:
        raise PermissionDenied(decision.reason)


def load_evaluation(request: HttpRequest, public_id) -> Evaluation:
    """The evaluation if this person may see it (officers and its panel); 404 otherwise."""
    return selectors.evaluation_get_for(actor=request.user, public_id=public_id)


def load_bid(request: HttpRequest, evaluation: Evaluation, bid_id):
    """A bid of the evaluation that this panel member may read (declared, not recused); 404 if it is not one of
    the evaluation's bids, 403 saying why when it cannot be read yet."""
    try:
        return selectors.bid_for_member(actor=request.user, evaluation=evaluation, public_id=bid_id)
    except ServiceDenied as exc:
        raise PermissionDenied(exc.message) from exc
