"""Saved decisions: the list for a place, one decision as it was made, its PDF and chart, and revising it."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST, require_safe

from trellis.core.errors import PermissionDenied
from trellis.core.web import require, signed_in
from trellis.routes import pdf, selectors
from trellis.routes import permissions as perms
from trellis.routes.views import presenters
from trellis.routes.views.access import advisor_required
from trellis.routes.views.flow import chart_response
from trellis.routes.views.steps import SESSION_KEY, answer_rows

PAGE_SIZE = 25


@require_safe
@advisor_required
def decisions(request: HttpRequest) -> HttpResponse:
    places = list(selectors.places())
    wanted = request.GET.get("place", "")
    place = next((p for p in places if p.slug == wanted), None) if wanted else (places[0] if places else None)
    if wanted and place is None:
        raise Http404("No such place")
    found = selectors.decisions_for_place(actor=request.user, place=place) if place else []
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    for item in page.object_list:
        item.chosen_title = presenters.route_titles(item.advice).get(item.chosen_route, item.chosen_route)
    return render(request, "routes/decisions.html", {"page": page, "place": place, "places": places})


def decision_context(decision) -> dict:
    answers = {
        **decision.facts,
        "need_title": decision.need_title,
        "need_description": decision.need_description,
        "place": decision.place.slug,
    }
    titles = presenters.route_titles(decision.advice)
    return {
        "decision": decision,
        "answers": answer_rows(answers, place_name=decision.place.name),
        "chosen_title": titles.get(decision.chosen_route, decision.chosen_route),
        **presenters.advice_context(decision.advice),
    }


@require_safe
@signed_in
def decision(request: HttpRequest, public_id) -> HttpResponse:
    found = selectors.route_decision_get_for(actor=request.user, public_id=public_id)
    return render(
        request,
        "routes/decision.html",
        {
            **decision_context(found),
            "superseded_by": selectors.superseding(found),
            "can_revise": bool(perms.can_save_decision(request.user, found.place)),
            "chart_url": reverse("routes:decision_chart", args=[found.public_id]),
        },
    )


@require_safe
@signed_in
def decision_chart(request: HttpRequest, public_id) -> HttpResponse:
    found = selectors.route_decision_get_for(actor=request.user, public_id=public_id)
    return chart_response(found.advice, private=False)


@require_safe
@signed_in
def decision_pdf(request: HttpRequest, public_id) -> HttpResponse:
    found = selectors.route_decision_get_for(actor=request.user, public_id=public_id)
    document = pdf.decision_pdf(decision_context(found), base_url=request.build_absolute_uri("/"))
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="route-decision-{found.public_id}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@advisor_required
def decision_revise(request: HttpRequest, public_id) -> HttpResponse:
    """Start the questions again from a saved decision's answers; saving makes a new record that replaces it."""
    found = selectors.route_decision_get_for(actor=request.user, public_id=public_id)
    decision = perms.can_save_decision(request.user, found.place)
    require(decision)
    if selectors.superseding(found) is not None:
        raise PermissionDenied("This decision has already been replaced: revise the newer one instead.")
    answers = {
        **found.facts,
        "need_title": found.need_title,
        "need_description": found.need_description,
        "place": found.place.slug,
    }
    request.session[SESSION_KEY] = {"answers": answers, "supersedes": str(found.public_id)}
    return redirect("routes:check")


urlpatterns = [
    path("decisions/", decisions, name="decisions"),
    path("decisions/<uuid:public_id>/", decision, name="decision"),
    path("decisions/<uuid:public_id>/decision.pdf", decision_pdf, name="decision_pdf"),
    path("decisions/<uuid:public_id>/cost-of-competing.svg", decision_chart, name="decision_chart"),
    path("decisions/<uuid:public_id>/revise/", decision_revise, name="decision_revise"),
]
