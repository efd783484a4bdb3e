"""The recommendation, the award decision and the contract.

- **Recommend** (the moderator, or a commissioner or procurement officer, once scoring and moderation are done):
  the results summary, the choice between the top-ranked bid(s) and no award, and the reasons.
- **Decision** (officers and the panel): the recommendation — who wins each lot, why, who made it and when — and,
  for a commissioner who did not make it, approving it or sending it back with a reason. Once approved: the
  standstill (whether it applies and why, its last day, when the contract can be entered into) and, for officers,
  recording that the contract is entered into (never during the standstill).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST

from trellis.core.errors import InvalidTransition, TrellisError
from trellis.core.web import error_links, require, show_service_errors, signed_in
from trellis.evaluation import permissions as perms
from trellis.evaluation import selectors, services
from trellis.evaluation.domain.workflow import State
from trellis.evaluation.forms.decision import ContractForm, RecommendForm, SendBackForm
from trellis.evaluation.messages import evaluation_url
from trellis.evaluation.models import AwardDecision, Evaluation
from trellis.evaluation.views.common import load_evaluation
from trellis.evaluation.views.moderation import results_context

APPROVE = "approve"
SEND_BACK = "send_back"


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def recommend(request: HttpRequest, public_id) -> HttpResponse:
    evaluation = load_evaluation(request, public_id)
    require(perms.can_recommend(request.user, evaluation))
    form = RecommendForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.recommendation_make(
                actor=request.user,
                evaluation=evaluation,
                rationale=form.cleaned_data["rationale"],
                award=form.recommends_award,
                reason_for_bidders=form.cleaned_data.get("reason_for_bidders", ""),
            )
        except TrellisError as exc:
            show_service_errors(form, exc, refusal_on_form=True)
        else:
            messages.success(request, "The recommendation is made. A commissioner who did not make it must approve it.")
            return redirect("evaluation:decision", public_id=evaluation.public_id)
    context = {
        "evaluation": evaluation,
        "opp": evaluation.opportunity,
        "form": form,
        "error_links": error_links(form),
        **results_context(request.user, evaluation),
    }
    return render(request, "evaluation/recommend.html", context)


def _award(evaluation: Evaluation) -> AwardDecision | None:
    return AwardDecision.objects.filter(evaluation=evaluation).select_related("recommended_by", "approved_by").first()


def _winners(evaluation: Evaluation, award: AwardDecision) -> list[dict[str, Any]]:
    """Each lot's recommended bid (one row without lots), or none for no award."""
    winners = {(b.lot.number if b.lot else None): b for b in award.winning_bids.select_related("organisation", "lot")}
    lots = list(evaluation.opportunity.lots.all())
    if not lots:
        return [{"lot": None, "bid": winners.get(None)}]
    return [{"lot": lot, "bid": winners.get(lot.number)} for lot in lots]


def _ranking(evaluation: Evaluation, award: AwardDecision) -> list[dict[str, Any]]:
    """The ranking kept with the recommendation (the engine's result at the time), per lot, for display."""
    names = {selectors.bid_key(b): b.organisation.name for b in selectors.bids(evaluation)}
    lots = {lot.number: lot for lot in evaluation.opportunity.lots.all()}
    kept = []
    for part in (award.result or {}).get("lots", []):
        rows = [
            {
                "name": names.get(b["key"], b["key"]),
                "rank": b["rank"],
                "total": "" if b["total"] is None else f"{b['total']:.2f}",
                "excluded": b["excluded"],
            }
            for b in part["result"]["bids"]
        ]
        kept.append({"lot": lots.get(part["lot"]) if part["lot"] is not None else None, "rows": rows})
    return kept


def _contract_from(award: AwardDecision) -> datetime.date | None:
    """The first day the contract may be entered into, after the standstill's last day."""
    if award.standstill_last_day is None:
        return None
    return award.standstill_last_day + datetime.timedelta(days=1)


def _decision_page(
    request: HttpRequest,
    evaluation: Evaluation,
    *,
    send_back: SendBackForm | None = None,
    contract: ContractForm | None = None,
    page_errors: list[str] | None = None,
) -> HttpResponse:
    award = _award(evaluation)
    deciding = perms.can_decide(request.user, evaluation)
    entering = perms.can_enter_contract(request.user, evaluation)
    if award is not None and deciding and send_back is None:
        send_back = SendBackForm()
    if award is not None and award.approved_at and award.is_award and entering and contract is None:
        contract = ContractForm()
    context = {
        "evaluation": evaluation,
        "opp": evaluation.opportunity,
        "award": award,
        "winners": _winners(evaluation, award) if award else [],
        "ranking": _ranking(evaluation, award) if award else [],
        "contract_from": _contract_from(award) if award else None,
        "can_decide": deciding,
        "can_recommend": perms.can_recommend(request.user, evaluation),
        "can_enter_contract": entering,
        "is_officer": perms.is_officer(request.user),
        "send_back_form": send_back if deciding else None,
        "contract_form": contract if entering else None,
        "error_links": [("#decide", m) for m in page_errors or []] + error_links(send_back, contract),
        "concluded": evaluation.state == State.CONCLUDED,
        "approver_declaration": services.APPROVER_DECLARATION,
    }
    return render(request, "evaluation/decision.html", context)


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def decision(request: HttpRequest, public_id) -> HttpResponse:
    evaluation = load_evaluation(request, public_id)
    if request.method != "POST":
        return _decision_page(request, evaluation)
    require(perms.can_decide(request.user, evaluation))
    action = request.POST.get("action")
    if action == APPROVE:
        try:
            approved = services.decision_approve(
                actor=request.user,
                evaluation=evaluation,
                declares_no_conflict=request.POST.get("declare_no_conflict") == "yes",
            )
        except TrellisError as exc:
            named = [m for messages_ in (getattr(exc, "errors", None) or {}).values() for m in messages_]
            return _decision_page(request, evaluation, page_errors=named or [exc.message])
        done = "The decision is approved and every bidder has been told."
        if approved.standstill_last_day:
            done += f" The standstill runs until the end of {approved.standstill_last_day:%A %-d %B %Y}."
        messages.success(request, done)
        return redirect("evaluation:decision", public_id=evaluation.public_id)
    if action != SEND_BACK:
        return redirect("evaluation:decision", public_id=evaluation.public_id)
    form = SendBackForm(request.POST)
    if form.is_valid():
        try:
            services.decision_send_back(actor=request.user, evaluation=evaluation, reason=form.cleaned_data["reason"])
        except TrellisError as exc:
            show_service_errors(form, exc, refusal_on_form=True)
        else:
            messages.success(request, "The recommendation is sent back to the panel with your reason.")
            return redirect(evaluation_url(evaluation))
    return _decision_page(request, evaluation, send_back=form)


@signed_in
@require_POST
def contract(request: HttpRequest, public_id) -> HttpResponse:
    evaluation = load_evaluation(request, public_id)
    require(perms.can_enter_contract(request.user, evaluation))
    form = ContractForm(request.POST)
    if form.is_valid():
        try:
            services.contract_enter(actor=request.user, evaluation=evaluation, on=form.cleaned_data["on"])
        except InvalidTransition as exc:
            form.add_error("on" if exc.code == "standstill" else None, exc.message)
        except TrellisError as exc:
            show_service_errors(form, exc, refusal_on_form=True)
        else:
            messages.success(request, "The contract is recorded as entered into.")
            return redirect("evaluation:decision", public_id=evaluation.public_id)
    return _decision_page(request, evaluation, contract=form)


urlpatterns = [
    path("<uuid:public_id>/recommend/", recommend, name="recommend"),
    path("<uuid:public_id>/decision/", decision, name="decision"),
    path("<uuid:public_id>/contract/", contract, name="contract"),
]
