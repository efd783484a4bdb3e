"""The council's queue of clarification questions for an opportunity, and answering (and publishing) one."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_safe

from trellis.core.errors import TrellisError
from trellis.core.web import error_links, require, show_service_errors, signed_in
from trellis.opportunities import permissions as perms
from trellis.opportunities import selectors, services
from trellis.opportunities.forms.questions import AnswerForm
from trellis.opportunities.models import ClarificationStatus


@require_safe
@signed_in
def queue(request: HttpRequest, public_id) -> HttpResponse:
    opportunity = selectors.opportunity_get_for(actor=request.user, public_id=public_id)
    require(perms.can_view_staff_side(request.user, opportunity))
    questions = list(selectors.clarifications_for_staff(opportunity))
    return render(
        request,
        "opportunities/questions.html",
        {
            "opp": opportunity,
            "waiting": [q for q in questions if q.status == ClarificationStatus.ASKED],
            "answered": [q for q in questions if q.status == ClarificationStatus.ANSWERED],
            "published": [q for q in questions if q.status == ClarificationStatus.PUBLISHED],
            "withdrawn": [q for q in questions if q.status == ClarificationStatus.WITHDRAWN],
            "can_answer": bool(perms.can_answer_question(request.user)),
        },
    )


@require_http_methods(["GET", "POST"])
@signed_in
def answer(request: HttpRequest, public_id, question_id) -> HttpResponse:
    opportunity = selectors.opportunity_get_for(actor=request.user, public_id=public_id)
    require(perms.can_view_staff_side(request.user, opportunity))
    question = selectors.clarification_get_for(actor=request.user, public_id=question_id)
    if question.opportunity_id != opportunity.pk:
        raise Http404("No question here")
    require(perms.can_answer_question(request.user, question))
    initial = {"answer": question.answer, "publish": "publish"}
    form = AnswerForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.clarification_answer(
                actor=request.user,
                clarification=question,
                answer=form.cleaned_data["answer"],
                publish=form.publishing,
            )
        except TrellisError as exc:
            show_service_errors(form, exc)
        else:
            if question.status == ClarificationStatus.PUBLISHED:
                messages.success(request, "The answer is published. Interested providers have been told.")
            else:
                messages.success(request, "The answer is saved. It is not published yet.")
            return redirect("opportunities:questions", opportunity.public_id)
    return render(
        request,
        "opportunities/answer.html",
        {"opp": opportunity, "question": question, "form": form, "error_links": error_links(form)},
    )


urlpatterns = [
    path("<uuid:public_id>/questions/", queue, name="questions"),
    path("<uuid:public_id>/questions/<uuid:question_id>/answer/", answer, name="answer"),
]
