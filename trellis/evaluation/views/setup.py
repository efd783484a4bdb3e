"""Setting up an evaluation: starting it from the opportunity, its overview (state, rules, panel, each bid with
this person's own progress, and what can be done next), the published rules, the panel, and starting scoring.

The pages call ``trellis.evaluation.selectors``, ``permissions`` and ``services``; a refusal is the 403 page with
its reason, and a service's errors go beside the fields they name with nothing saved.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from trellis.bids import selectors as bid_selectors
from trellis.core.errors import PermissionDenied, TrellisError, ValidationFailed
from trellis.core.web import error_links, page_message, require, show_service_errors, signed_in
from trellis.evaluation import permissions as perms
from trellis.evaluation import selectors, services
from trellis.evaluation.domain.price import PriceMethod
from trellis.evaluation.domain.workflow import State
from trellis.evaluation.forms.scoring import plain_score
from trellis.evaluation.forms.setup import RULES_FIELD_MAP, PanelMemberForm, RulesForm, panel_candidates
from trellis.evaluation.views.common import load_evaluation
from trellis.opportunities import selectors as opportunity_selectors
from trellis.opportunities.domain.lifecycle import Status

#: What each state of an evaluation lets its people do next, said on the start page.
STEPS = (
    "Set the published rules: how prices are scored, what happens to a bid that fails a minimum, the tie-break, "
    "and whether prices stay in a sealed envelope until quality is moderated.",
    "Form the panel: officers, external experts and citizen commissioners, the criteria each marks, and a moderator.",
    "Start scoring. Each member declares any conflict of interest with each bidder before seeing the bid, then "
    "marks their criteria independently, giving a reason for every mark.",
    "Moderate: the moderator brings the marks together and records the agreed mark and its reason for each criterion.",
    "Recommend, approve and award, with a standstill where the law needs one, and feedback for every bidder.",
)


# Starting ----------------------------------------------------------------------------------------------------


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def for_opportunity(request: HttpRequest, opportunity_id) -> HttpResponse:
    """The evaluation of an opportunity: its overview once started; until then, for officers, what it involves
    and the button that starts it."""
    opportunity = opportunity_selectors.opportunity_get_for(actor=request.user, public_id=opportunity_id)
    evaluation = selectors.evaluation_of(opportunity)
    if evaluation is not None and perms.can_view_evaluation(request.user, evaluation):
        return redirect("evaluation:evaluation", public_id=evaluation.public_id)
    if not perms.is_officer(request.user):
        raise PermissionDenied(perms.OFFICERS_ONLY)
    problem = ""
    if request.method == "POST":
        try:
            evaluation = services.evaluation_start(actor=request.user, opportunity=opportunity)
        except TrellisError as exc:
            problem = page_message(exc)
        else:
            messages.success(request, "The evaluation is started. Set its rules and form the panel.")
            return redirect("evaluation:evaluation", public_id=evaluation.public_id)
    ready = opportunity.status == Status.UNDER_EVALUATION
    return render(
        request,
        "evaluation/start.html",
        {
            "opp": opportunity,
            "steps": STEPS,
            "ready": ready,
            "error_links": [("#start", problem)] if problem else [],
        },
    )


# The overview ------------------------------------------------------------------------------------------------


def rules_in_words(evaluation) -> list[tuple[str, str]]:
    """The rules as the overview and the rules page show them: the methodology the opportunity published, then the
    panel's own settings."""
    published = opportunity_selectors.methodology_of(evaluation.opportunity)
    method = published["price_method"]
    minimum = published["min_quality_percent"]
    return [
        ("How prices are scored", f"{method.label}: {method.formula}."),
        ("A bid that fails a minimum", published["exclusion_rule"].label + "."),
        ("Tie-break", published["tie_break"].label + "."),
        (
            "Minimum overall quality score",
            "None." if minimum is None else f"{plain_score(minimum)}% of the available quality marks.",
        ),
        (
            "Divergence threshold",
            f"Marks for a criterion more than {plain_score(evaluation.divergence_threshold * 100)}% of the scale "
            "apart are flagged for moderation.",
        ),
        (
            "Price envelope",
            "Sealed: evaluators who do not mark price see the prices once quality is moderated."
            if evaluation.price_envelope
            else "None: evaluators see the prices with the bids.",
        ),
    ]


def panel_rows(evaluation) -> list[dict[str, Any]]:
    return [
        {
            "member": m,
            "name": m.person.get_full_name(),
            "criteria": [c.name for c in m.criteria.all()],
        }
        for m in selectors.panel(evaluation)
    ]


def _own_status(request: HttpRequest, evaluation, member, bid, declaration) -> tuple[str, str, str]:
    """(this member's status for the bid, the next step's words, its address)."""
    bid_url = reverse("evaluation:bid", kwargs={"public_id": evaluation.public_id, "bid_id": bid.public_id})
    if declaration is None and request.user.pk in perms.lot_conflicted_people(bid):
        return "Recused: a conflict with a bidder in this lot", "", ""
    if declaration is None:
        if perms.can_declare(request.user, evaluation, bid):
            declare_url = reverse(
                "evaluation:declare", kwargs={"public_id": evaluation.public_id, "bid_id": bid.public_id}
            )
            return "Not declared", "Declare any conflict of interest", declare_url
        return "Not declared", "", ""
    if declaration.conflict:
        return "Conflict declared: recused", "", ""
    if request.user.pk in perms.lot_conflicted_people(bid):
        return "Recused: a conflict with a bidder in this lot", "", ""
    marks_something = any(not c.is_price for c in member.criteria.all())
    if not marks_something:
        return "No conflict declared", "Read the bid", bid_url
    sheet = selectors.own_sheet(member, bid)
    if sheet is not None and sheet.submitted_at is not None:
        return "Marks submitted", "See the panel’s marks", bid_url
    if sheet is not None and sheet.marks.all():
        return "Marks in draft", "Carry on marking", bid_url
    if evaluation.state != State.SCORING:
        return "Not marked", "Read the bid", bid_url
    return "Not marked yet", "Read and mark the bid", bid_url


def bid_rows(request: HttpRequest, evaluation, member) -> list[dict[str, Any]]:
    """Each bid: its name (or “Bid 1” until this person may read it), this member's own status and next step,
    the moderation link for a moderator, and for officers how many score sheets are in."""
    officer = perms.is_officer(request.user)
    bids = selectors.bids(evaluation)
    declared = {}
    if member is not None:
        found = bid_selectors.conflict_declarations([b.pk for b in bids]).filter(person_id=request.user.pk)
        declared = {d.bid_id: d for d in found}
    rows = []
    for number, bid in enumerate(bids, start=1):
        row: dict[str, Any] = {"bid": bid, "number": number}
        readable = member is not None and bool(perms.can_read_bid(request.user, evaluation, bid))
        row["name"] = bid.organisation.name if (officer or readable) else f"Bid {number}"
        if member is not None:
            row["status"], row["next_text"], row["next_url"] = _own_status(
                request, evaluation, member, bid, declared.get(bid.pk)
            )
            if (
                member.is_moderator
                and evaluation.state == State.SCORING
                and perms.can_moderate(request.user, evaluation, bid)
            ):
                row["moderate_url"] = reverse(
                    "evaluation:moderate", kwargs={"public_id": evaluation.public_id, "bid_id": bid.public_id}
                )
        if officer:
            duties = [a for a in selectors.assignments(evaluation, bid) if a.criteria]
            row["expected"] = sum(1 for a in duties if not a.conflicted)
            row["submitted"] = sum(1 for a in duties if a.submitted and not a.conflicted)
            row["recused"] = sum(1 for a in duties if a.conflicted)
        rows.append(row)
    return rows


def next_links(request: HttpRequest, evaluation, member) -> list[tuple[str, str]]:
    """(words, address) of the later steps' pages this person can use now."""
    user = request.user
    state = State(evaluation.state)
    officer = perms.is_officer(user)
    moderator = member is not None and member.is_moderator
    ids = {"public_id": evaluation.public_id}
    links: list[tuple[str, str]] = []
    if state != State.SETTING_UP and (officer or moderator):
        links.append(("See the results and ranking", reverse("evaluation:results", kwargs=ids)))
    if state != State.SETTING_UP and officer:
        links.append(
            (gettext("Abnormally low prices: ask, record, decide"), reverse("evaluation:low_prices", kwargs=ids))
        )
    if perms.can_recommend(user, evaluation):
        links.append(("Make the recommendation", reverse("evaluation:recommend", kwargs=ids)))
    if perms.can_decide(user, evaluation):
        links.append(("Approve the recommendation or send it back", reverse("evaluation:decision", kwargs=ids)))
    elif state in perms.REPORT_STATES and (officer or moderator):
        links.append(("See the decision", reverse("evaluation:decision", kwargs=ids)))
    return [(text, url) for text, url in links if url]


def start_links(evaluation, errors: dict[str, list[str]]) -> list[tuple[str, str]]:
    """The error summary's links for a refused start: each problem links to the page that fixes it."""
    panel_url = reverse("evaluation:panel", kwargs={"public_id": evaluation.public_id})
    rules_url = reverse("evaluation:rules", kwargs={"public_id": evaluation.public_id})
    where = {"moderator": panel_url, "criteria": panel_url, "rules": rules_url, "bids": "#bids"}
    return [(where.get(key, "#actions"), message) for key, items in errors.items() for message in items]


def overview_context(request: HttpRequest, evaluation, **extra: Any) -> dict[str, Any]:
    member = perms.member_for(request.user, evaluation)
    officer = perms.is_officer(request.user)
    context = {
        "evaluation": evaluation,
        "opp": evaluation.opportunity,
        "member": member,
        "officer": officer,
        "rules": rules_in_words(evaluation),
        "panel": panel_rows(evaluation),
        "rows": bid_rows(request, evaluation, member),
        "can_set_up": bool(perms.can_set_up_panel(request.user, evaluation)),
        "setting_up": evaluation.state == State.SETTING_UP,
        "links": next_links(request, evaluation, member),
        "error_links": [],
    }
    context.update(extra)
    return context


@signed_in
@require_http_methods(["GET", "HEAD"])
def evaluation(request: HttpRequest, public_id) -> HttpResponse:
    found = load_evaluation(request, public_id)
    return render(request, "evaluation/overview.html", overview_context(request, found))


@signed_in
@require_POST
def start_scoring(request: HttpRequest, public_id) -> HttpResponse:
    found = load_evaluation(request, public_id)
    require(perms.can_set_up_panel(request.user, found))
    try:
        services.evaluation_move(actor=request.user, evaluation=found, move="start_scoring")
    except ValidationFailed as exc:
        found.refresh_from_db()
        context = overview_context(request, found, error_links=start_links(found, exc.errors))
        return render(request, "evaluation/overview.html", context)
    except TrellisError as exc:
        message = page_message(exc)
        found.refresh_from_db()
        return render(
            request,
            "evaluation/overview.html",
            overview_context(request, found, error_links=[("#actions", message)]),
        )
    messages.success(request, "Scoring has started. The panel has been told.")
    return redirect("evaluation:evaluation", public_id=found.public_id)


# The rules ---------------------------------------------------------------------------------------------------


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def rules(request: HttpRequest, public_id) -> HttpResponse:
    found = load_evaluation(request, public_id)
    allowed = perms.can_set_up_panel(request.user, found)
    if request.method == "POST":
        require(allowed)
    form = None
    if allowed:
        form = RulesForm(request.POST if request.method == "POST" else None, initial=RulesForm.initial_for(found))
        if request.method == "POST" and form.is_valid():
            try:
                services.evaluation_rules_set(actor=request.user, evaluation=found, rules=form.rules())
            except TrellisError as exc:
                show_service_errors(form, exc, RULES_FIELD_MAP)
            else:
                messages.success(request, "The panel’s settings are saved.")
                return redirect("evaluation:evaluation", public_id=found.public_id)
    return render(
        request,
        "evaluation/rules.html",
        {
            "evaluation": found,
            "opp": found.opportunity,
            "form": form,
            "locked_reason": "" if allowed else allowed.reason,
            "rules": rules_in_words(found),
            "methods": list(PriceMethod),
            "error_links": error_links(form) if form is not None else [],
        },
    )


# The panel ---------------------------------------------------------------------------------------------------


def _member_or_404(evaluation, member_id):
    member = next((m for m in selectors.panel(evaluation) if m.pk == member_id), None)
    if member is None:
        raise Http404("No such member of this panel.")
    return member


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def panel(request: HttpRequest, public_id) -> HttpResponse:
    found = load_evaluation(request, public_id)
    allowed = perms.can_set_up_panel(request.user, found)
    if request.method == "POST":
        require(allowed)
    form = None
    if allowed:
        initial = {}
        changing = request.GET.get("change", "")
        if request.method != "POST" and changing.isdigit():
            initial = PanelMemberForm.initial_for(_member_or_404(found, int(changing)))
        form = PanelMemberForm(
            request.POST if request.method == "POST" else None,
            initial=initial,
            people=panel_candidates(),
            criteria=list(found.opportunity.criteria.all()),
        )
        if request.method == "POST" and form.is_valid():
            try:
                member = services.panel_member_set(actor=request.user, evaluation=found, **form.choice())
            except TrellisError as exc:
                show_service_errors(form, exc)
            else:
                messages.success(request, f"{member.person.get_full_name()} is on the panel.")
                return redirect("evaluation:panel", public_id=found.public_id)
    return render(
        request,
        "evaluation/panel.html",
        {
            "evaluation": found,
            "opp": found.opportunity,
            "panel": panel_rows(found),
            "form": form,
            "locked_reason": "" if allowed else allowed.reason,
            "error_links": error_links(form) if form is not None else [],
        },
    )


@signed_in
@require_POST
def panel_remove(request: HttpRequest, public_id, member_id: int) -> HttpResponse:
    found = load_evaluation(request, public_id)
    require(perms.can_set_up_panel(request.user, found))
    member = _member_or_404(found, member_id)
    name = member.person.get_full_name()
    services.panel_member_remove(actor=request.user, member=member)
    messages.success(request, f"{name} is no longer on the panel.")
    return redirect("evaluation:panel", public_id=found.public_id)


urlpatterns = [
    path("opportunity/<uuid:opportunity_id>/", for_opportunity, name="for_opportunity"),
    path("<uuid:public_id>/", evaluation, name="evaluation"),
    path("<uuid:public_id>/rules/", rules, name="rules"),
    path("<uuid:public_id>/panel/", panel, name="panel"),
    path("<uuid:public_id>/panel/<int:member_id>/remove/", panel_remove, name="panel_remove"),
    path("<uuid:public_id>/start-scoring/", start_scoring, name="start_scoring"),
]
