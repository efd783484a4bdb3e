"""Scoring a bid: the panel member's conflict of interest declaration (before seeing the bid), then the bid
read-only with this member's marking form, and, once they have submitted, the panel's marks side by side.

Independent scoring: nothing of a colleague's marks is put in the page until the member has submitted their own
(``permissions.can_see_colleagues_marks``). With a price envelope, the price and full cost are left out of the
page for those who do not mark price until quality is moderated (``permissions.can_see_prices``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from trellis.bids import selectors as bid_selectors
from trellis.core.errors import PermissionDenied, TrellisError
from trellis.core.web import error_links, raise_refusal, require, show_service_errors, signed_in
from trellis.evaluation import permissions as perms
from trellis.evaluation import selectors, services
from trellis.evaluation.forms.scoring import DeclarationForm, MarksForm, mark_text
from trellis.evaluation.views.common import load_bid, load_evaluation
from trellis.organisations import selectors as directory


def _evaluated_bid(evaluation, bid_id):
    """One of the evaluation's bids, without asking whether this person may read it (the declaration page shows
    only who the bidder is); 404 when it is not one of them."""
    found = next((b for b in selectors.bids(evaluation) if str(b.public_id) == str(bid_id)), None)
    if found is None:
        raise Http404("No such bid in this evaluation.")
    return found


def _declaration(person, bid):
    return bid_selectors.conflict_declarations([bid.pk]).filter(person_id=person.pk).first()


# The declaration ---------------------------------------------------------------------------------------------


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def declare(request: HttpRequest, public_id, bid_id) -> HttpResponse:
    evaluation = load_evaluation(request, public_id)
    bid = _evaluated_bid(evaluation, bid_id)
    made = _declaration(request.user, bid)
    if made is not None and not made.conflict and perms.member_for(request.user, evaluation) is not None:
        return redirect("evaluation:bid", public_id=evaluation.public_id, bid_id=bid.public_id)
    require(perms.can_declare(request.user, evaluation, bid))
    form = DeclarationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        conflict, details = form.declaration()
        try:
            services.conflict_declare(
                actor=request.user, evaluation=evaluation, bid=bid, conflict=conflict, details=details
            )
        except TrellisError as exc:
            show_service_errors(form, exc)
        else:
            if conflict:
                messages.success(
                    request,
                    f"Your conflict of interest with {bid.organisation.name} is recorded. You are recused from "
                    "this bid, and the officers running the evaluation have been told.",
                )
                return redirect("evaluation:evaluation", public_id=evaluation.public_id)
            messages.success(request, "You have declared no conflict of interest. You can now read and mark the bid.")
            return redirect("evaluation:bid", public_id=evaluation.public_id, bid_id=bid.public_id)
    return render(
        request,
        "evaluation/declare.html",
        {
            "evaluation": evaluation,
            "opp": evaluation.opportunity,
            "bid": bid,
            "consortium": directory.consortium_for(organisation=bid.organisation),
            "form": form,
            "error_links": error_links(form),
        },
    )


# The bid and the marks ---------------------------------------------------------------------------------------


def answer_rows(bid, marked_ids: set[int]) -> list[dict[str, Any]]:
    """Each written question with the bid's answer, and whether this member marks it."""
    answers = {a.criterion_id: a.text for a in bid.answers.all()}
    return [
        {"criterion": c, "text": answers.get(c.pk, ""), "yours": c.pk in marked_ids}
        for c in bid.opportunity.criteria.all()
        if not c.is_price
    ]


def price_context(bid, visible: bool) -> dict[str, Any]:
    """The price and full cost, only when this person may see them."""
    if not visible:
        return {"prices_visible": False}
    totals = (bid.budget_result or {}).get("totals") or {}
    full_cost = totals.get("full_cost")
    return {
        "prices_visible": True,
        "price": bid.price,
        "full_cost": Decimal(str(full_cost)) if full_cost is not None else None,
        "flags": bid_selectors.budget_flags(bid),
    }


def colleagues_rows(request: HttpRequest, evaluation, bid) -> list[dict[str, Any]]:
    """The panel's submitted marks for the bid, criterion by criterion (only for those allowed to see them)."""
    by_criterion = selectors.marks_side_by_side(actor=request.user, evaluation=evaluation, bid=bid)
    rows = []
    for criterion in bid.opportunity.criteria.all():
        marks = by_criterion.get(criterion.pk, [])
        if not marks:
            continue
        rows.append(
            {
                "criterion": criterion,
                "marks": [
                    {
                        "name": m.sheet.member.person.get_full_name(),
                        "yours": m.sheet.member.person_id == request.user.pk,
                        "mark": mark_text(criterion, m.score),
                        "justification": m.justification,
                    }
                    for m in marks
                ],
            }
        )
    return rows


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def bid(request: HttpRequest, public_id, bid_id) -> HttpResponse:
    evaluation = load_evaluation(request, public_id)
    the_bid = load_bid(request, evaluation, bid_id)
    member = perms.member_for(request.user, evaluation)
    if member is None:  # load_bid lets only panel members through; this keeps it so
        raise PermissionDenied(perms.NOT_ON_PANEL)
    assigned = [c for c in member.criteria.all() if not c.is_price]
    sheet = selectors.own_sheet(member, the_bid)
    saved = {m.criterion_id: m for m in sheet.marks.all()} if sheet is not None else {}
    can_score = perms.can_score(request.user, evaluation, the_bid)
    form = (
        MarksForm(request.POST if request.method == "POST" else None, criteria=assigned, saved=saved)
        if assigned and can_score
        else None
    )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(can_score.reason or "You have no criteria to mark for this bid.")
        if form.is_valid():
            submit = request.POST.get("action") == "submit"
            try:
                services.marks_save(
                    actor=request.user, evaluation=evaluation, bid=the_bid, marks=form.marks(), submit=submit
                )
            except TrellisError as exc:
                raise_refusal(exc)
                form.show_service_errors(exc)
            else:
                messages.success(
                    request,
                    "Your marks are submitted. You can now see the rest of the panel’s marks for this bid."
                    if submit
                    else "Your marks are saved as a draft. Submit them when you have marked every criterion.",
                )
                return redirect("evaluation:bid", public_id=evaluation.public_id, bid_id=the_bid.public_id)
    services.bid_read(actor=request.user, evaluation=evaluation, bid=the_bid)
    see_colleagues = perms.can_see_colleagues_marks(request.user, evaluation, the_bid)
    prices = perms.can_see_prices(
        request.user,
        evaluation,
        quality_moderated=evaluation.price_envelope and selectors.quality_moderated(evaluation),
    )
    context = {
        "evaluation": evaluation,
        "opp": evaluation.opportunity,
        "bid": the_bid,
        "member": member,
        "answer_rows": answer_rows(the_bid, {c.pk for c in assigned}),
        "documents": bid_selectors.opened_bid_documents(the_bid),
        "consortium_roles": list(the_bid.consortium_roles.all()),
        "assigned": assigned,
        "marks_price": any(c.is_price for c in member.criteria.all()),
        "form": form,
        "rows": form.rows() if form is not None else [],
        "submitted": sheet is not None and sheet.submitted_at is not None,
        "sheet": sheet,
        "own_marks": [
            {"criterion": c, "mark": saved.get(c.pk), "text": mark_text(c, getattr(saved.get(c.pk), "score", None))}
            for c in assigned
        ],
        "scoring_refusal": "" if can_score else can_score.reason,
        "colleagues": colleagues_rows(request, evaluation, the_bid) if see_colleagues else None,
        "colleagues_refusal": "" if see_colleagues else see_colleagues.reason,
        "error_links": error_links(form) if form is not None else [],
        **price_context(the_bid, bool(prices)),
        "price_refusal": "" if prices else prices.reason,
    }
    return render(request, "evaluation/bid.html", context)


urlpatterns = [
    path("<uuid:public_id>/bids/<uuid:bid_id>/declare/", declare, name="declare"),
    path("<uuid:public_id>/bids/<uuid:bid_id>/", bid, name="bid"),
]
