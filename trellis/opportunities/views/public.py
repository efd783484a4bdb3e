"""The public side: the forward plan, an opportunity's page (with the provider's question form), its documents,
and alerts."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_safe

from trellis.core.errors import TrellisError
from trellis.core.web import error_links, require, show_service_errors, signed_in
from trellis.opportunities import permissions as perms
from trellis.opportunities import selectors, services
from trellis.opportunities.domain.criteria import Scale
from trellis.opportunities.domain.lifecycle import Status
from trellis.opportunities.forms.plan import AlertForm, ForwardPlanForm
from trellis.opportunities.forms.questions import AskForm
from trellis.opportunities.messages import opportunity_url

PAGE_SIZE = 20


@require_safe
def forward_plan(request: HttpRequest) -> HttpResponse:
    form = ForwardPlanForm(request.GET)
    form.is_valid()  # invalid parts are dropped and shown as errors; the rest still applies
    partial = bool(request.htmx) and not request.htmx.boosted
    if partial and form.errors:
        # The error summary sits above the refreshed region: load the whole page so it is seen.
        response = HttpResponse()
        response["HX-Redirect"] = request.get_full_path()
    else:
        found = selectors.forward_plan(selectors.ForwardPlanFilters(**form.terms))
        context = {
            "form": form,
            "error_links": error_links(form),
            "page": Paginator(found, PAGE_SIZE).get_page(request.GET.get("page")),
            "filters_used": form.in_use,
            "partial": partial,
            "can_manage": bool(perms.can_create_opportunity(request.user)),
            "can_see_drafts": bool(perms.can_view_staff_side(request.user)),
        }
        template = "opportunities/includes/_plan_results.html" if partial else "opportunities/forward_plan.html"
        response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def acting_organisations(person) -> list:
    """The listed provider organisations a person may ask questions for."""
    if not person.is_authenticated:
        return []
    return [o for o in selectors.asking_organisations_for(person) if o.is_active]


def _readiness(request: HttpRequest, opportunity, pq) -> list[dict]:
    """For a signed-in provider: how far each of their organisations' verified evidence covers what is asked."""
    if pq is None or not pq.required:
        return []
    return [
        {"organisation": org, "readiness": selectors.readiness_for(opportunity=opportunity, organisation=org)}
        for org in acting_organisations(request.user)
    ]


def detail_context(request: HttpRequest, opportunity, ask_form: AskForm | None = None) -> dict:
    user = request.user
    is_staff = bool(perms.can_view_staff_side(user, opportunity))
    criteria = list(opportunity.criteria.all())
    lots = list(opportunity.lots.all())
    checks = selectors.aggregation_warning(opportunity) if is_staff else {}
    for lot in lots:
        lot.check = checks.get(lot.pk)
    pq = selectors.prequalification_for(opportunity)
    organisations = acting_organisations(user)
    may_ask = perms.can_ask_question(user, opportunity)
    if ask_form is None and may_ask and organisations:
        ask_form = AskForm(organisations=organisations)
    ask_note = ""
    if ask_form is None and opportunity.status == Status.PUBLISHED and user.is_authenticated and not is_staff:
        ask_note = may_ask.reason if not may_ask else ""
    return {
        "opp": opportunity,
        "is_staff": is_staff,
        "not_staff": not is_staff,
        "lots": lots,
        "whole_check": checks.get(None),
        "eligibility": list(opportunity.eligibility_items.all()),
        "criteria": criteria,
        "weight_total": sum((c.weight for c in criteria), 0),
        "scales": [Scale(s).info for s in dict.fromkeys(c.scale for c in criteria)],
        "stage_steps": selectors.stage_progress(opportunity),
        "methodology": selectors.methodology_of(opportunity),
        "pq": pq,
        "readiness": _readiness(request, opportunity, pq),
        "documents": list(opportunity.documents.all()),
        "clarifications": list(selectors.clarifications_published(opportunity)),
        "my_questions": list(selectors.my_clarifications(user, opportunity)) if user.is_authenticated else [],
        "ask_form": ask_form,
        "ask_note": ask_note,
        "error_links": error_links(ask_form),
    }


@require_safe
def detail(request: HttpRequest, public_id) -> HttpResponse:
    opportunity = selectors.opportunity_get_for(actor=request.user, public_id=public_id)
    return render(request, "opportunities/detail.html", detail_context(request, opportunity))


@require_http_methods(["GET", "POST"])
@signed_in
def ask(request: HttpRequest, public_id) -> HttpResponse:
    opportunity = selectors.opportunity_get_for(actor=request.user, public_id=public_id)
    if request.method == "GET":  # back from signing in: the question form is on the opportunity's page
        return redirect(f"{opportunity_path(opportunity)}#ask")
    require(perms.can_ask_question(request.user, opportunity))
    organisations = acting_organisations(request.user)
    if not organisations:
        require(perms.can_ask_question(request.user, opportunity, organisation=None))
    form = AskForm(request.POST, organisations=organisations)
    if form.is_valid():
        try:
            services.clarification_ask(
                actor=request.user,
                opportunity=opportunity,
                organisation=form.cleaned_data["organisation"],
                question=form.cleaned_data["question"],
            )
        except TrellisError as exc:
            show_service_errors(form, exc)
        else:
            messages.success(
                request,
                "Your question has been sent. You will get a message when the answer is published.",
            )
            return redirect(f"{opportunity_path(opportunity)}#your-questions")
    return render(request, "opportunities/detail.html", detail_context(request, opportunity, ask_form=form))


def opportunity_path(opportunity) -> str:
    return opportunity_url(opportunity)


@require_safe
def document(request: HttpRequest, public_id, document_id) -> FileResponse:
    opportunity = selectors.opportunity_get_for(actor=request.user, public_id=public_id)
    doc = selectors.document_get_for(opportunity=opportunity, public_id=document_id)
    try:
        handle = doc.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404("The file is missing") from exc
    response = FileResponse(
        handle, as_attachment=True, filename=doc.original_filename or "document", content_type=doc.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store" if not opportunity.is_public else "public, max-age=300"
    return response


@require_http_methods(["GET", "POST"])
@signed_in
def alerts(request: HttpRequest) -> HttpResponse:
    require(perms.can_subscribe(request.user))
    current = selectors.alert_subscription_for(request.user)
    initial = (
        {"service_types": list(current.service_types.all()), "wards": list(current.wards.all()), "email": current.email}
        if current
        else {"email": True}
    )
    form = AlertForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and request.POST.get("action") == "stop":
        services.alert_subscription_remove(actor=request.user)
        messages.success(request, "Your alerts are turned off. You will not hear about new opportunities.")
        return redirect("opportunities:alerts")
    if request.method == "POST" and form.is_valid():
        try:
            services.alert_subscription_set(
                actor=request.user,
                service_types=form.cleaned_data["service_types"],
                wards=form.cleaned_data["wards"],
                email=form.cleaned_data["email"],
            )
        except TrellisError as exc:
            show_service_errors(form, exc)
        else:
            messages.success(
                request, "Your alerts are saved. We will tell you when a matching opportunity is published."
            )
            return redirect("opportunities:alerts")
    return render(
        request,
        "opportunities/alerts.html",
        {"form": form, "current": current, "error_links": error_links(form)},
    )


urlpatterns = [
    path("", forward_plan, name="forward_plan"),
    path("alerts/", alerts, name="alerts"),
    path("<uuid:public_id>/", detail, name="detail"),
    path("<uuid:public_id>/questions/ask/", ask, name="ask"),
    path("<uuid:public_id>/documents/<uuid:document_id>/", document, name="document"),
]
