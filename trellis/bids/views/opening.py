"""The authority's side of an opportunity's bids: before the opening, at most how many there are (when the
opportunity is set up to show it); after the deadline, opening them (with a second person confirming when two
are required); then the list of opened bids, each read on its own page.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from trellis.bids import permissions as perms
from trellis.bids import selectors, services
from trellis.bids.forms.stages import CHOICE_FIELD_MAP, StageChoiceForm
from trellis.core.errors import PermissionDenied, TrellisError
from trellis.core.web import error_links, require, show_service_errors, signed_in
from trellis.opportunities import permissions as opportunity_perms
from trellis.opportunities import selectors as opportunity_selectors
from trellis.opportunities.domain import stages as stage_rules
from trellis.opportunities.domain.lifecycle import Action


def _current_receipt_number(bid) -> str:
    current = [r for r in bid.receipts.all() if r.superseded_at is None]
    return current[0].number if current else ""


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def opening(request: HttpRequest, opportunity_id) -> HttpResponse:
    opportunity = opportunity_selectors.opportunity_get_for(actor=request.user, public_id=opportunity_id)
    decision = opportunity_perms.can_view_staff_side(request.user, opportunity)
    require(decision)
    refusal = ""
    choose = _choice_form(request, opportunity)
    if request.method == "POST" and request.POST.get("action") == "choose":
        if choose is None:
            raise PermissionDenied(
                opportunity_perms.can_transition(request.user, opportunity, Action.ADVANCE_STAGE).reason
            )
        if choose.is_valid():
            try:
                chosen = services.stage_participants_choose(
                    actor=request.user,
                    opportunity=opportunity,
                    organisation_ids=choose.cleaned_data["participants"],
                    message=choose.cleaned_data["message"],
                )
            except TrellisError as exc:
                show_service_errors(choose, exc, CHOICE_FIELD_MAP)
            else:
                messages.success(
                    request,
                    f"{len(chosen)} provider{'s' if len(chosen) != 1 else ''} going on. Everyone who took part has "
                    "been told. Now invite the next stage's submissions.",
                )
                return redirect("opportunities:manage", opportunity.public_id)
    elif request.method == "POST":
        action = request.POST.get("action", "open")
        try:
            if action == "confirm":
                services.opening_confirm(actor=request.user, opportunity=opportunity)
            else:
                services.opening_request(actor=request.user, opportunity=opportunity)
        except TrellisError as exc:
            refusal = exc.message
        else:
            done = perms.is_opened(opportunity)
            messages.success(
                request,
                "The bids are opened." if done else "Your request is recorded. A second person must now confirm it.",
            )
            return redirect("bids:opening", opportunity_id=opportunity.public_id)
    opened = perms.is_opened(opportunity)
    bids = []
    if opened:
        bids = list(selectors.bids_for_opportunity(actor=request.user, opportunity=opportunity))
        for bid in bids:
            bid.receipt_number = _current_receipt_number(bid)
    opening_row = selectors.opening_for(opportunity)
    return render(
        request,
        "bids/opening.html",
        {
            "opp": opportunity,
            "opened": opened,
            "opening": opening_row,
            "bids": bids,
            "count": len(bids) if opened else selectors.bid_count_before_opening(opportunity),
            "can_open": perms.can_open_bids(request.user, opportunity),
            "can_confirm": bool(opening_row and perms.can_confirm_opening(request.user, opportunity)),
            "two_openers": services.two_openers_required(opportunity),
            "refusal": refusal,
            "stage": opportunity_selectors.bidding_stage(opportunity),
            "choose_form": choose,
            "choose_links": error_links(choose) if choose is not None and choose.is_bound else [],
        },
    )


def _choice_form(request: HttpRequest, opportunity) -> StageChoiceForm | None:
    """The form choosing who goes on to the next step, when that is the next thing to do."""
    if not opportunity_perms.can_transition(request.user, opportunity, Action.ADVANCE_STAGE):
        return None
    upcoming = stage_rules.following(opportunity.stages or [], opportunity.stage_index)
    return StageChoiceForm(
        request.POST if request.method == "POST" and request.POST.get("action") == "choose" else None,
        bidders=selectors.stage_bidders(opportunity),
        next_label=upcoming.label.lower() if upcoming else "next stage",
    )


urlpatterns = [
    path("opportunity/<uuid:opportunity_id>/opening/", opening, name="opening"),
]
