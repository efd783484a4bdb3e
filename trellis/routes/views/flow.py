"""The guided flow: one question per page, check your answers, the advice, and saving it as a decision.

Answers are kept in the session between pages, so the flow works without JavaScript. Every page is for
the authority's people only (see ``trellis.routes.permissions``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from trellis.core.errors import ValidationFailed
from trellis.core.forms import show_service_errors
from trellis.routes import charts, selectors, services
from trellis.routes.domain import FactsInvalid
from trellis.routes.forms import DecisionForm, NeedForm
from trellis.routes.views import presenters
from trellis.routes.views.access import advisor_required
from trellis.routes.views.steps import (
    SESSION_KEY,
    STEP_BY_SLUG,
    STEPS,
    Step,
    answer_rows,
    facts_from,
    first_unanswered,
    next_step,
    previous_step,
    step_for_field,
)

# The session ------------------------------------------------------------------------------------


def _state(request: HttpRequest) -> dict[str, Any]:
    state = request.session.get(SESSION_KEY)
    if not isinstance(state, dict) or not isinstance(state.get("answers"), dict):
        state = {"answers": {}, "supersedes": ""}
    return state


def _keep(request: HttpRequest, state: dict[str, Any]) -> None:
    request.session[SESSION_KEY] = state
    request.session.modified = True


def _step_url(step: Step, *, change: bool = False) -> str:
    url = reverse("routes:question", args=[step.slug])
    return f"{url}?{urlencode({'change': '1'})}" if change else url


def _place_for(answers: dict[str, Any]):
    return selectors.places().filter(slug=answers.get("place", "")).first()


# Pages ------------------------------------------------------------------------------------------


@require_safe
@advisor_required
def start(request: HttpRequest) -> HttpResponse:
    state = _state(request)
    return render(
        request,
        "routes/start.html",
        {
            "in_progress": bool(state["answers"]),
            "resume_url": _resume_url(state["answers"]),
            "has_place": selectors.places().exists(),
        },
    )


def _resume_url(answers: dict[str, Any]) -> str:
    missing = first_unanswered(answers)
    return _step_url(missing) if missing else reverse("routes:check")


@require_POST
@advisor_required
def start_again(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    return redirect("routes:question", STEPS[0].slug)


def _providers_context(answers: dict[str, Any]) -> dict[str, Any]:
    found = selectors.capable_providers(service_types=answers.get("service_types", []), wards=answers.get("wards", []))
    query = urlencode(found.directory_query())
    return {"directory_count": found, "directory_url": f"{reverse('organisations:directory')}?{query}"}


@require_http_methods(["GET", "POST"])
@advisor_required
def question(request: HttpRequest, slug: str) -> HttpResponse:
    step = STEP_BY_SLUG.get(slug)
    if step is None:
        raise Http404("No such question")
    places = list(selectors.places())
    if not places:
        return redirect("routes:start")
    state = _state(request)
    answers = state["answers"]
    missing = first_unanswered(answers)
    if missing is not None and STEPS.index(missing) < STEPS.index(step):
        return redirect(_step_url(missing))
    if not step.relevant(answers):
        return redirect(_resume_url(answers))
    changing = request.GET.get("change") == "1"

    extra: dict[str, Any] = {"places": places} if step.form is NeedForm else {}
    initial = step.form.initial_from(answers)
    context: dict[str, Any] = {}
    if step.slug == "providers":
        context = _providers_context(answers)
        if not step.answered(answers) and context["directory_count"].searched:
            found = context["directory_count"]
            initial = {"capable_providers": found.total, "capable_small_or_local": found.small_or_local}
    form = step.form(request.POST if request.method == "POST" else None, initial=initial, **extra)
    if request.method == "POST" and form.is_valid():
        answers.update(form.answers())
        _keep(request, state)
        following = None if changing else next_step(step, answers)
        return redirect(_step_url(following) if following else reverse("routes:check"))

    before = previous_step(step, answers)
    if changing:
        back_url = reverse("routes:check")
    elif before is not None:
        back_url = _step_url(before)
    else:
        back_url = reverse("routes:start")
    return render(
        request,
        "routes/question.html",
        {
            "step": step,
            "form": form,
            "back_url": back_url,
            "changing": changing,
            "supersedes": state.get("supersedes", ""),
            **context,
        },
    )


def _problems(answers: dict[str, Any]) -> tuple[dict[str, Any] | None, list[dict[str, str]]]:
    """The advice for the answers, or the engine's objections, each with a link to the question to change."""
    try:
        return services.advice_for(facts_from(answers)), []
    except FactsInvalid as exc:
        problems = []
        for name, texts in exc.errors.items():
            step = step_for_field(name)
            url = _step_url(step, change=True) if step else reverse("routes:question", args=[STEPS[0].slug])
            problems += [{"text": text, "url": url} for text in texts]
        return None, problems


@require_safe
@advisor_required
def check(request: HttpRequest) -> HttpResponse:
    state = _state(request)
    answers = state["answers"]
    missing = first_unanswered(answers)
    if missing is not None:
        return redirect(_step_url(missing))
    place = _place_for(answers)
    _, problems = _problems(answers)
    rows = [
        {"row": row, "change_url": _step_url(STEP_BY_SLUG[row.step], change=True)}
        for row in answer_rows(answers, place_name=place.name if place else "")
    ]
    last = [s for s in STEPS if s.relevant(answers)][-1]
    return render(
        request,
        "routes/check.html",
        {"rows": rows, "problems": problems, "back_url": _step_url(last), "supersedes": state.get("supersedes", "")},
    )


def _advice_or_redirect(request: HttpRequest) -> tuple[dict[str, Any], dict[str, Any]] | HttpResponse:
    state = _state(request)
    answers = state["answers"]
    if first_unanswered(answers) is not None:
        return redirect("routes:check")
    advice, _ = _problems(answers)
    if advice is None:
        return redirect("routes:check")
    return state, advice


@require_safe
@advisor_required
def result(request: HttpRequest) -> HttpResponse:
    found = _advice_or_redirect(request)
    if isinstance(found, HttpResponse):
        return found
    state, advice = found
    return render(
        request,
        "routes/result.html",
        {
            **presenters.advice_context(advice),
            "need_title": state["answers"].get("need_title", ""),
            "chart_url": reverse("routes:result_chart"),
        },
    )


@require_safe
@advisor_required
def result_chart(request: HttpRequest) -> HttpResponse:
    found = _advice_or_redirect(request)
    if isinstance(found, HttpResponse):
        raise Http404("Answer the questions first")
    _, advice = found
    return chart_response(advice, private=True)


def chart_response(advice: dict[str, Any], *, private: bool) -> HttpResponse:
    svg = charts.cost_of_competing_svg(charts.rows_from(presenters.cost_rows(advice)))
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["Cache-Control"] = "private, no-cache" if private else "private, max-age=300"
    return response


def _route_choices(advice: dict[str, Any]) -> list[tuple[str, str, str]]:
    offered = []
    for option in presenters.options(advice):
        if option.suitable:
            label = f"{option.title} (recommended)" if option.recommended else option.title
            offered.append((option.route, label, option.summary))
    return offered


@require_http_methods(["GET", "POST"])
@advisor_required
def save(request: HttpRequest) -> HttpResponse:
    found = _advice_or_redirect(request)
    if isinstance(found, HttpResponse):
        return found
    state, advice = found
    answers = state["answers"]
    supersedes = None
    if state.get("supersedes"):
        supersedes = selectors.route_decision_get_for(actor=request.user, public_id=state["supersedes"])
    form = DecisionForm(
        request.POST if request.method == "POST" else None,
        initial={"chosen_route": advice["recommended"]},
        routes=_route_choices(advice),
        every_route=[o["route"] for o in advice["options"]],
    )
    if request.method == "POST" and form.is_valid():
        place = _place_for(answers)
        if place is None:
            form.add_error(None, "The place this need is for no longer exists. Start again and choose a place.")
        else:
            try:
                decision = services.route_decision_save(
                    actor=request.user,
                    place=place,
                    need_title=answers.get("need_title", ""),
                    need_description=answers.get("need_description", ""),
                    facts=facts_from(answers),
                    chosen_route=form.cleaned_data["chosen_route"],
                    rationale=form.cleaned_data["rationale"],
                    supersedes=supersedes,
                )
            except ValidationFailed as exc:
                show_service_errors(form, exc)
            else:
                request.session.pop(SESSION_KEY, None)
                messages.success(request, "The decision is saved. You can download it as a PDF.")
                return redirect("routes:decision", decision.public_id)
    return render(
        request,
        "routes/save.html",
        {
            "form": form,
            "need_title": answers.get("need_title", ""),
            "recommended_title": presenters.route_titles(advice).get(advice["recommended"], ""),
            "supersedes": supersedes,
        },
    )


urlpatterns = [
    path("", start, name="start"),
    path("start-again/", start_again, name="start_again"),
    path("questions/<slug:slug>/", question, name="question"),
    path("check/", check, name="check"),
    path("result/", result, name="result"),
    path("result/cost-of-competing.svg", result_chart, name="result_chart"),
    path("save/", save, name="save"),
]
