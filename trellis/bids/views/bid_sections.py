"""The parts of a bid on its task list: the eligibility checklist, the answers, documents, the full cost budget and
price, consortium members' roles and shares, and the declarations. Each page saves through its service and shows
the service's errors beside the fields they name. Once the bid is locked (submitted, or past the deadline) each
page is read-only.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from trellis.bids import eligibility_text, selectors, services
from trellis.bids.domain import bidding
from trellis.bids.domain import eligibility as eligibility_rules
from trellis.bids.domain.fcr import METHOD, SOURCES
from trellis.bids.forms.bid import (
    AnswersForm,
    ConsortiumForm,
    DeclarationsForm,
    DocumentForm,
    PriceForm,
    budget_initial,
)
from trellis.bids.forms.eligibility import EligibilityForm
from trellis.bids.forms.fcr import DEFAULT_CENTRES, DEFAULT_OVERHEADS, MAX_CENTRES, MAX_OVERHEADS, FullCostForms
from trellis.bids.views.bid import bid_context, budget_summary, is_member, load_bid, show_errors
from trellis.core.errors import TrellisError
from trellis.core.web import error_links, signed_in
from trellis.organisations import selectors as directory


def _own_bid(request: HttpRequest, public_id):
    """The bid, for a member of the bidding organisation; the authority's people read it on its own page."""
    bid = load_bid(request, public_id)
    if not is_member(request, bid):
        raise Http404("No bid here")
    return bid


def _saved(request: HttpRequest, bid, message: str) -> HttpResponse:
    messages.success(request, message)
    if request.POST.get("then") == "stay":
        return redirect(request.path)
    return redirect("bids:bid", public_id=bid.public_id)


# Eligibility -------------------------------------------------------------------------------------------------


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def eligibility(request: HttpRequest, public_id) -> HttpResponse:
    bid = _own_bid(request, public_id)
    results = selectors.eligibility_for(bid)
    if not results:
        raise Http404("This opportunity has no eligibility checklist")
    form = EligibilityForm(request.POST or None, results=results)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.bid_eligibility_save(actor=request.user, bid=bid, answers=form.answers())
        except TrellisError as exc:
            show_errors(form, exc, form.field_map())
        else:
            if eligibility_rules.blocking(saved):
                messages.warning(request, gettext("Your answers are saved, but your bid cannot be submitted."))
                return redirect("bids:eligibility", public_id=bid.public_id)
            return _saved(request, bid, gettext("Your eligibility answers are saved."))
    return render(
        request,
        "bids/bid_eligibility.html",
        bid_context(
            request,
            bid,
            form=form,
            rows=form.rows(),
            summary=eligibility_text.summary_rows(results),
            blocked=[eligibility_text.blocked_reason(r) for r in eligibility_rules.blocking(results)],
            error_links=error_links(form),
        ),
    )


# Answers -----------------------------------------------------------------------------------------------------


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def answers(request: HttpRequest, public_id) -> HttpResponse:
    bid = _own_bid(request, public_id)
    criteria = selectors.stage_criteria(bid.opportunity)
    saved = {a.criterion_id: a.text for a in bid.answers.all()}
    form = AnswersForm(request.POST or None, criteria=criteria, answers=saved)
    if request.method == "POST" and form.is_valid():
        try:
            services.bid_answers_save(actor=request.user, bid=bid, answers=form.answers())
        except TrellisError as exc:
            show_errors(form, exc, form.field_map())
        else:
            return _saved(request, bid, "Your answers are saved.")
    return render(
        request,
        "bids/bid_answers.html",
        bid_context(request, bid, form=form, rows=form.rows(), error_links=error_links(form)),
    )


# Documents ---------------------------------------------------------------------------------------------------


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def documents(request: HttpRequest, public_id) -> HttpResponse:
    bid = _own_bid(request, public_id)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.bid_document_add(
                actor=request.user, bid=bid, upload=form.cleaned_data["file"], title=form.cleaned_data["title"]
            )
        except TrellisError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"“{document.title}” is uploaded.")
            return redirect("bids:documents", public_id=bid.public_id)
    return render(
        request,
        "bids/bid_documents.html",
        bid_context(request, bid, form=form, documents=list(bid.documents.all()), error_links=error_links(form)),
    )


def _document(request: HttpRequest, bid, document_id):
    found = selectors.bid_document_get_for(actor=request.user, public_id=document_id)
    if found.bid_id != bid.pk:
        raise Http404("No document here")
    return found


@signed_in
@require_safe
def document(request: HttpRequest, public_id, document_id) -> FileResponse:
    """A bid's document, to whoever may read the bid (its bidder; the authority's people after the opening)."""
    bid = load_bid(request, public_id)
    found = _document(request, bid, document_id)
    try:
        handle = found.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("The file is missing") from exc
    return FileResponse(
        handle, as_attachment=True, filename=found.original_filename or "document", content_type=found.content_type
    )


@signed_in
@require_POST
def document_remove(request: HttpRequest, public_id, document_id) -> HttpResponse:
    bid = _own_bid(request, public_id)
    found = _document(request, bid, document_id)
    try:
        services.bid_document_remove(actor=request.user, document=found)
    except TrellisError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"“{found.title}” is removed.")
    return redirect("bids:documents", public_id=bid.public_id)


# Budget and price --------------------------------------------------------------------------------------------


def _rows(count: int, default: int, maximum: int) -> int:
    return min(max(count, default), maximum)


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def budget(request: HttpRequest, public_id) -> HttpResponse:
    bid = _own_bid(request, public_id)
    saved = bid.budget or {}
    price_form = PriceForm(request.POST or None, initial={"price": "" if bid.price is None else f"{bid.price:f}"})
    if request.method != "POST":
        forms = FullCostForms(
            centres=_rows(len(saved.get("cost_centres") or []), DEFAULT_CENTRES - 1, MAX_CENTRES),
            overheads=_rows(len(saved.get("overheads") or []), DEFAULT_OVERHEADS, MAX_OVERHEADS),
            initial=budget_initial(saved),
        )
    else:
        forms = FullCostForms.from_post(request.POST)
        action = request.POST.get("action", "save")
        if action in {"add_centre", "add_overhead"}:
            forms = forms.with_more_rows(centres=int(action == "add_centre"), overheads=int(action == "add_overhead"))
            price_form = PriceForm(initial={"price": request.POST.get("price", "")})
        else:
            price_ok = price_form.is_valid()
            costs_ok = forms.is_valid() or _blank(forms)
            if price_ok and costs_ok:
                data = forms.costs.to_dict() if forms.costs is not None else {}
                try:
                    services.bid_budget_save(
                        actor=request.user, bid=bid, budget=data, price=price_form.cleaned_data["price"]
                    )
                except TrellisError as exc:
                    show_errors(price_form, exc, {"budget": "__all__"})
                else:
                    messages.success(request, "Your budget and price are saved.")
                    return redirect("bids:budget", public_id=bid.public_id)
    _for_the_whole_period(forms, bid.opportunity.duration_months)
    links = error_links(price_form) + (forms.error_links() if forms.has_errors else [])
    return render(
        request,
        "bids/bid_budget.html",
        bid_context(
            request,
            bid,
            forms=forms,
            price_form=price_form,
            centre_rows=list(enumerate(forms.centres, start=1)),
            overhead_rows=list(enumerate(forms.overheads, start=1)),
            result=budget_summary(bid),
            saved_price=bid.price,
            flags=selectors.budget_flags(bid),
            method=METHOD,
            sources=SOURCES,
            error_links=links,
        ),
    )


def _for_the_whole_period(forms: FullCostForms, months: int | None) -> None:
    """The calculator asks for a year's costs; a bid's price covers the whole grant or contract, so its budget
    does too (the price is compared with the full cost)."""
    period = f"the whole {months} months" if months else "the whole grant or contract"
    for form in forms.centres:
        form.fields["direct_costs"].help_text = f"What this work alone costs over {period}, such as its staff."
    for form in forms.overheads:
        form.fields["amount"].label = "Amount over the same period (£)"


def _blank(forms: FullCostForms) -> bool:
    """Nothing typed in any cost row: the budget is cleared (only the price is saved)."""
    if not all(f.is_blank() for f in forms.centres):
        return False
    if not all(f.is_blank(ignore=("driver",)) for f in forms.overheads):
        return False
    if not forms.totals.is_blank():
        return False
    forms.non_field_errors.clear()
    forms.costs = None
    return True


# Consortium --------------------------------------------------------------------------------------------------


def _members(bid) -> tuple[list, object | None]:
    consortium = directory.consortium_for(organisation=bid.organisation)
    if consortium is None:
        return [], None
    members = [m.organisation for m in consortium.members.all()]
    if consortium.lead not in members:
        members.insert(0, consortium.lead)
    return members, consortium.lead


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def consortium(request: HttpRequest, public_id) -> HttpResponse:
    bid = _own_bid(request, public_id)
    if not bid.organisation.is_consortium:
        raise Http404("Only a consortium's bid has members")
    members, lead = _members(bid)
    saved = {r.organisation_id: {"role": r.role, "share_percent": r.share_percent} for r in bid.consortium_roles.all()}
    form = ConsortiumForm(request.POST or None, members=members, roles=saved)
    if request.method == "POST" and form.is_valid():
        try:
            services.bid_consortium_set(actor=request.user, bid=bid, roles=form.roles())
        except TrellisError as exc:
            show_errors(form, exc, form.field_map())
        else:
            return _saved(request, bid, "The members' roles and shares are saved.")
    return render(
        request,
        "bids/bid_consortium.html",
        bid_context(
            request,
            bid,
            form=form,
            lead=lead,
            consortium_roles=list(bid.consortium_roles.select_related("organisation")),
            error_links=error_links(form),
        ),
    )


# Declarations ------------------------------------------------------------------------------------------------


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def declarations(request: HttpRequest, public_id) -> HttpResponse:
    bid = _own_bid(request, public_id)
    signed = {k: v for k, v in (bid.declarations or {}).items() if isinstance(v, dict) and v.get("agreed")}
    form = DeclarationsForm(request.POST or None, initial={"declarations": list(signed)})
    if request.method == "POST" and form.is_valid():
        try:
            services.bid_declarations_sign(actor=request.user, bid=bid, keys=form.cleaned_data["declarations"])
        except TrellisError as exc:
            show_errors(form, exc)
        else:
            return _saved(request, bid, "The declarations are confirmed.")
    all_signed = not bidding.unsigned_declarations(bid.declarations or {})
    return render(
        request,
        "bids/bid_declarations.html",
        bid_context(
            request,
            bid,
            form=form,
            signed=all_signed,
            declaration_texts=list(bidding.DECLARATIONS.items()),
            error_links=error_links(form),
        ),
    )


urlpatterns = [
    path("<uuid:public_id>/eligibility/", eligibility, name="eligibility"),
    path("<uuid:public_id>/answers/", answers, name="answers"),
    path("<uuid:public_id>/documents/", documents, name="documents"),
    path("<uuid:public_id>/documents/<uuid:document_id>/", document, name="document"),
    path("<uuid:public_id>/documents/<uuid:document_id>/remove/", document_remove, name="document_remove"),
    path("<uuid:public_id>/budget/", budget, name="budget"),
    path("<uuid:public_id>/consortium/", consortium, name="consortium"),
    path("<uuid:public_id>/declarations/", declarations, name="declarations"),
]
