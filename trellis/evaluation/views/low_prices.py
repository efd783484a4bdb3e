"""Abnormally low prices: each flagged tender with why it is flagged, and the steps recorded for it — the supplier
asked to explain by a day, its explanation, the decision — with the form for the next step (Procurement Act 2023
s.19(4)–(5)). For the authority's commissioners and procurement officers, while the panel is scoring."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from trellis.core.errors import TrellisError
from trellis.core.forms import Form
from trellis.core.web import error_links, require, show_service_errors, signed_in
from trellis.evaluation import permissions as perms
from trellis.evaluation import selectors, services
from trellis.evaluation.domain.low_price import MIN_DAYS, SOURCE
from trellis.evaluation.forms.low_prices import AskForm, DecisionForm, ExplanationForm
from trellis.evaluation.views.common import load_evaluation

FORMS: dict[str, type[Form]] = {"ask": AskForm, "explanation": ExplanationForm, "decision": DecisionForm}


def _next_step(item: selectors.LowPrice) -> str | None:
    if item.review is None:
        return "ask"
    if item.review.outcome:
        return None
    return "decision" if item.review.received_on else "explanation"


def _page(request: HttpRequest, evaluation, bound: tuple[str, str, Form] | None = None) -> HttpResponse:
    reviewing = perms.can_review_low_prices(request.user, evaluation)
    rows = []
    for item in selectors.low_prices(evaluation):
        step = _next_step(item) if reviewing else None
        forms = {}
        if step == "explanation":  # the decision may also be made once the day due has passed without an answer
            forms = {"explanation": ExplanationForm(), "decision": DecisionForm()}
        elif step:
            forms = {step: FORMS[step]()}
        if bound and bound[0] == str(item.bid.public_id):
            forms[bound[1]] = bound[2]
        rows.append({"item": item, "forms": forms})
    context = {
        "evaluation": evaluation,
        "opp": evaluation.opportunity,
        "rows": rows,
        "reviewing": reviewing,
        "source": SOURCE,
        "min_days": MIN_DAYS,
        "error_links": error_links(bound[2]) if bound else [],
    }
    return render(request, "evaluation/low_prices.html", context)


def _record(request: HttpRequest, evaluation, bid, step: str, data: dict) -> str:
    actor = request.user
    if step == "ask":
        services.low_price_ask(actor=actor, evaluation=evaluation, bid=bid, due_on=data["due_on"])
        return gettext("The supplier has been asked to explain its price.")
    if step == "explanation":
        services.low_price_explanation_record(
            actor=actor,
            evaluation=evaluation,
            bid=bid,
            explanation=data["explanation"],
            received_on=data["received_on"],
        )
        return gettext("The explanation is recorded.")
    services.low_price_decide(
        actor=actor, evaluation=evaluation, bid=bid, outcome=data["outcome"], reason=data["reason"]
    )
    return gettext("The decision is recorded.")


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def low_prices(request: HttpRequest, public_id) -> HttpResponse:
    evaluation = load_evaluation(request, public_id)
    require(perms.can_see_low_prices(request.user, evaluation))
    if request.method != "POST":
        return _page(request, evaluation)
    require(perms.can_review_low_prices(request.user, evaluation))
    step, bid_id = request.POST.get("step", ""), request.POST.get("bid", "")
    bid = next((b for b in selectors.bids(evaluation) if str(b.public_id) == bid_id), None)
    if step not in FORMS or bid is None:
        raise Http404("No such tender or step.")
    form = FORMS[step](request.POST)
    if form.is_valid():
        try:
            done = _record(request, evaluation, bid, step, form.cleaned_data)
        except TrellisError as exc:
            show_service_errors(form, exc, refusal_on_form=True)
        else:
            messages.success(request, done)
            return redirect("evaluation:low_prices", public_id=evaluation.public_id)
    return _page(request, evaluation, bound=(bid_id, step, form))


urlpatterns = [path("<uuid:public_id>/low-prices/", low_prices, name="low_prices")]
