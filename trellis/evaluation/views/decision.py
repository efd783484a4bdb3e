"""The recommendation, the award decision and the contract.

- **Recommend** (the moderator, or a commissioner or procurement officer, once scoring and moderation are done):
  the results summary, the choice between the top-ranked bid(s) and no award, and the reasons.
- **Decision** (officers and the panel): the recommendation — who wins each lot, why, who made it and when — and,
  for a commissioner who did not make it, approving it or sending it back with a reason. Once approved: the award
  steps in order (``workflow.LIFECYCLE``), each with its date and source, and for officers the form for the next
  one: the award notice, a challenge and the end of its suspension, the exclusion checks, the contract.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from trellis.core.errors import InvalidTransition, TrellisError
from trellis.core.forms import Form
from trellis.core.web import error_links, require, show_service_errors, signed_in
from trellis.evaluation import permissions as perms
from trellis.evaluation import selectors, services
from trellis.evaluation.domain import award as award_rules
from trellis.evaluation.domain.summary import WITHHOLDING_GROUNDS
from trellis.evaluation.domain.workflow import State
from trellis.evaluation.forms.decision import (
    AwardNoticeForm,
    ChallengeForm,
    ContractForm,
    ExclusionsForm,
    RecommendForm,
    SendBackForm,
    SuspensionEndForm,
)
from trellis.evaluation.messages import evaluation_url
from trellis.evaluation.models import AwardDecision, Evaluation
from trellis.evaluation.views.common import load_evaluation
from trellis.evaluation.views.moderation import results_context
from trellis.opportunities import selectors as opportunity_selectors
from trellis.routes.domain import notice_name

APPROVE = "approve"
SEND_BACK = "send_back"


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def recommend(request: HttpRequest, public_id) -> HttpResponse:
    evaluation = load_evaluation(request, public_id)
    require(perms.can_recommend(request.user, evaluation))
    quality = [c for c in evaluation.opportunity.criteria.all() if not c.is_price and c.weight]
    form = RecommendForm(request.POST if request.method == "POST" else None, criteria=quality)
    if form.is_bound and form.is_valid():
        try:
            services.recommendation_make(
                actor=request.user,
                evaluation=evaluation,
                rationale=form.cleaned_data["rationale"],
                award=form.recommends_award,
                reason_for_bidders=form.cleaned_data.get("reason_for_bidders", ""),
                withheld=form.withheld,
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


def _withheld(evaluation: Evaluation, award: AwardDecision) -> list[tuple[str, str]]:
    """(criterion, why) for each successful reason withheld from the other bidders (s.94)."""
    names = {str(c.pk): c.name for c in evaluation.opportunity.criteria.all()}
    return [(names.get(k, k), WITHHOLDING_GROUNDS.get(g, g)) for k, g in (award.withheld or {}).items()]


def _contract_from(award: AwardDecision) -> datetime.date | None:
    """The first day the contract may be entered into, after the standstill's last day."""
    if award.standstill_last_day is None:
        return None
    return award.standstill_last_day + datetime.timedelta(days=1)


#: The award steps' forms, by the name in their URL.
STEP_FORMS: dict[str, type] = {
    "award_notice": AwardNoticeForm,
    "challenge": ChallengeForm,
    "suspension_end": SuspensionEndForm,
    "exclusions": ExclusionsForm,
    "contract": ContractForm,
}


def _step_form(name: str, evaluation: Evaluation, data=None) -> Form:
    """A step's form; the award notice asks for a voluntary standstill only where the route allows one."""
    form = STEP_FORMS[name](data)
    if (
        name == "award_notice"
        and not opportunity_selectors.award_standstill(evaluation.opportunity).voluntary_working_days
    ):
        del form.fields["voluntary_days"]
    return form


def _next_steps(evaluation: Evaluation, award: AwardDecision) -> list[str]:
    """The award steps an officer can record now (their forms are shown): ``award.next_steps``."""
    if not award.approved_at:
        return []
    return award_rules.next_steps(
        state=evaluation.state,
        is_award=award.is_award,
        procurement=opportunity_selectors.is_procurement(evaluation.opportunity),
        has_notice=bool(opportunity_selectors.award_standstill(evaluation.opportunity).notice),
        has_standstill=award.standstill_last_day is not None,
    )


def _decision_page(
    request: HttpRequest,
    evaluation: Evaluation,
    *,
    send_back: SendBackForm | None = None,
    bound: tuple[str, Form] | None = None,
    page_errors: list[str] | None = None,
) -> HttpResponse:
    award = _award(evaluation)
    deciding = perms.can_decide(request.user, evaluation)
    recording = perms.can_record_award_steps(request.user, evaluation)
    if award is not None and deciding and send_back is None:
        send_back = SendBackForm()
    step_forms: dict[str, Form] = {}
    if award is not None and recording:
        step_forms = {name: _step_form(name, evaluation) for name in _next_steps(evaluation, award)}
        if bound is not None:
            step_forms[bound[0]] = bound[1]
    rule = opportunity_selectors.award_standstill(evaluation.opportunity)
    context = {
        "evaluation": evaluation,
        "opp": evaluation.opportunity,
        "award": award,
        "winners": _winners(evaluation, award) if award else [],
        "ranking": _ranking(evaluation, award) if award else [],
        "contract_from": _contract_from(award) if award else None,
        "challenges": list(award.challenges.select_related("recorded_by", "ended_by")) if award else [],
        "withheld": _withheld(evaluation, award) if award else [],
        "notice_name": notice_name(rule.notice),
        "procurement": opportunity_selectors.is_procurement(evaluation.opportunity),
        "step_forms": step_forms,
        "can_decide": deciding,
        "can_recommend": perms.can_recommend(request.user, evaluation),
        "can_record_steps": recording,
        "is_officer": perms.is_officer(request.user),
        "send_back_form": send_back if deciding else None,
        "error_links": [("#decide", m) for m in page_errors or []]
        + error_links(send_back, bound[1] if bound else None),
        "concluded": evaluation.state == State.CONCLUDED,
        "today": timezone.localdate(),
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
        done = gettext("The decision is approved and every bidder has been sent its assessment summary.")
        if approved.is_award and approved.standstill_applies:
            done += " " + gettext("Record the award notice when it is published: the standstill starts from it.")
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


def _record(request: HttpRequest, evaluation: Evaluation, step: str, data: dict[str, Any]) -> str:
    """Record one award step through its service; the success message."""
    actor = request.user
    if step == "award_notice":
        done = services.award_notice_publish(
            actor=actor,
            evaluation=evaluation,
            published_on=data["published_on"],
            voluntary_days=data.get("voluntary_days"),
        )
        if done.standstill_last_day:
            return gettext("The award notice is recorded. The standstill runs until the end of %(day)s.") % {
                "day": f"{done.standstill_last_day:%A %-d %B %Y}"
            }
        return gettext("The award notice is recorded. No standstill applies.")
    if step == "challenge":
        services.challenge_record(
            actor=actor,
            evaluation=evaluation,
            claimant=data["claimant"],
            notified_on=data["notified_on"],
            summary=data["summary"],
        )
        return gettext("The challenge is recorded: the contract cannot be entered into while it stands.")
    if step == "suspension_end":
        services.suspension_end(
            actor=actor, evaluation=evaluation, how=data["how"], ended_on=data["ended_on"], note=data["note"]
        )
        return gettext("The end of the suspension is recorded. Record the exclusion checks again before the contract.")
    if step == "exclusions":
        services.exclusions_check(
            actor=actor,
            evaluation=evaluation,
            grounds_checked=data["grounds_checked"],
            debarment_checked=data["debarment_checked"],
            checked_on=data["checked_on"],
            note=data["note"],
        )
        return gettext("The exclusion and debarment checks are recorded.")
    done = services.contract_enter(actor=actor, evaluation=evaluation, on=data["on"])
    if done.contract_notice_due:
        return gettext("The contract is recorded as entered into. The %(notice)s is due by %(day)s.") % {
            "notice": done.contract_notice_name.lower(),
            "day": f"{done.contract_notice_due:%A %-d %B %Y}",
        }
    return gettext("The contract is recorded as entered into.")


@signed_in
@require_POST
def award_step(request: HttpRequest, public_id, step: str) -> HttpResponse:
    """Record one award step (the lifecycle's guards are checked by its service)."""
    evaluation = load_evaluation(request, public_id)
    if step not in STEP_FORMS:
        raise Http404("No such award step.")
    require(perms.can_record_award_steps(request.user, evaluation))
    form = _step_form(step, evaluation, request.POST)
    if form.is_valid():
        try:
            done = _record(request, evaluation, step, form.cleaned_data)
        except InvalidTransition as exc:
            form.add_error(FIELD_OF_REFUSAL.get((step, exc.code)), exc.message)
        except TrellisError as exc:
            show_service_errors(form, exc, refusal_on_form=True)
        else:
            messages.success(request, done)
            return redirect("evaluation:decision", public_id=evaluation.public_id)
    return _decision_page(request, evaluation, bound=(step, form))


#: Which field a step's refusal is shown beside (the rest go above the form).
FIELD_OF_REFUSAL = {("contract", "standstill"): "on"}


urlpatterns = [
    path("<uuid:public_id>/recommend/", recommend, name="recommend"),
    path("<uuid:public_id>/decision/", decision, name="decision"),
    path("<uuid:public_id>/award/<slug:step>/", award_step, name="award_step"),
]
