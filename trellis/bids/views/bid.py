"""A provider's bid: starting one, the task list, checking and submitting, the receipt, withdrawing, and the list
of an organisation's bids. The same address shows the authority's people a bid read-only once the bids are opened.

Every bid is reached through ``selectors.bid_get_for``, the one door to bid content: a bid nobody here may read
is a 404, for everyone, admins included. The sections of the task list are in ``bid_sections``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_safe

from trellis.bids import permissions as perms
from trellis.bids import selectors, services
from trellis.bids.domain import bidding
from trellis.bids.domain import eligibility as eligibility_rules
from trellis.bids.domain.fcr import CostInput, full_cost
from trellis.bids.forms.bid import StartBidForm, words_in
from trellis.bids.views.fcr import present
from trellis.core.errors import PermissionDenied, TrellisError
from trellis.core.web import error_links, require, show_service_errors, signed_in
from trellis.opportunities import selectors as opportunity_selectors
from trellis.organisations import selectors as directory


def load_bid(request: HttpRequest, public_id) -> Any:
    """The bid, if this person may read it; otherwise 404 (missing and sealed look the same)."""
    return selectors.bid_get_for(actor=request.user, public_id=public_id)


def is_member(request: HttpRequest, bid) -> bool:
    return perms.is_bidder_for(request.user, bid.organisation)


def lock_reason(request: HttpRequest, bid) -> str:
    """Why the bid cannot be changed now ('' when it can)."""
    decision = perms.can_edit_bid(request.user, bid)
    return "" if decision else decision.reason


def show_errors(form, exc: TrellisError, field_map: dict[str, str] | None = None) -> None:
    """A service's errors on the form. A refusal because the bid is locked (the deadline, or submitted) is shown on
    the page like any other error."""
    show_service_errors(form, exc, field_map, refusal_on_form=True)


def bid_context(request: HttpRequest, bid, **extra: Any) -> dict[str, Any]:
    context = {
        "bid": bid,
        "opp": bid.opportunity,
        "editable": bool(perms.can_edit_bid(request.user, bid)),
        "lock_reason": lock_reason(request, bid),
    }
    context.update(extra)
    return context


def budget_summary(bid) -> dict[str, Any] | None:
    """The saved budget worked out again by the engine (it is pure), as the result tables show it."""
    if not bid.budget:
        return None
    try:
        return present(full_cost(CostInput.from_dict(bid.budget)))
    except TrellisError:
        return None


def content_context(bid) -> dict[str, Any]:
    """Everything the read-only view of a bid shows."""
    answers = {a.criterion_id: a.text for a in bid.answers.all()}
    rows = []
    for criterion in selectors.stage_criteria(bid.opportunity):
        if criterion.is_price:
            continue
        text = answers.get(criterion.pk, "")
        rows.append({"criterion": criterion, "text": text, "words": words_in(text)})
    signed = bidding.unsigned_declarations(bid.declarations or {})
    return {
        "answer_rows": rows,
        "budget": budget_summary(bid),
        "flags": selectors.budget_flags(bid),
        "documents": list(bid.documents.all()),
        "consortium_roles": list(bid.consortium_roles.select_related("organisation")),
        "declarations_done": not signed,
        "declaration_count": len(bidding.DECLARATIONS),
    }


# Starting ----------------------------------------------------------------------------------------------------


def bidding_organisations(person) -> list:
    """The organisations a person may bid for: their provider organisations and the consortia those lead."""
    own = [o for o in opportunity_selectors.asking_organisations_for(person) if o.is_active]
    ids = {o.pk for o in own}
    led = [c.organisation for c in directory.consortia().filter(lead_id__in=ids)] if ids else []
    return own + [o for o in led if o.pk not in ids and o.is_active]


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def start(request: HttpRequest, opportunity_id) -> HttpResponse:
    opportunity = opportunity_selectors.opportunity_get_for(actor=request.user, public_id=opportunity_id)
    organisations = [o for o in bidding_organisations(request.user) if perms.is_bidder_for(request.user, o)]
    if not organisations:
        raise PermissionDenied("Only members of a provider organisation can bid. Ask your organisation to add you.")
    if not opportunity.consortium_bids_invited:
        organisations = [o for o in organisations if not o.is_consortium] or organisations
    members = [o for o in organisations if opportunity_selectors.is_framework_member(opportunity, o)]
    organisations = members or organisations  # a call-off: only the framework's providers (else say why not)
    decision = perms.can_start_bid(request.user, opportunity, organisations[0])
    require(decision)
    lots = list(opportunity.lots.all())
    form = StartBidForm(request.POST or None, organisations=organisations, lots=lots)
    if request.method == "POST" and form.is_valid():
        organisation, lot = form.chosen()
        existing = selectors.live_bid_for(
            actor=request.user, opportunity=opportunity, organisation=organisation, lot=lot
        )
        if existing is not None:
            messages.info(request, f"{organisation.name} already has a bid for this. Carry on with it here.")
            return redirect("bids:bid", public_id=existing.public_id)
        try:
            bid = services.bid_start(actor=request.user, opportunity=opportunity, organisation=organisation, lot=lot)
        except TrellisError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, "Your bid is started. Work through each part below.")
            return redirect("bids:bid", public_id=bid.public_id)
    return render(request, "bids/bid_start.html", {"opp": opportunity, "form": form, "error_links": error_links(form)})


# The task list, or the bid read-only -------------------------------------------------------------------------


def eligibility_task(bid) -> list[dict[str, Any]]:
    """The checklist comes first: an organisation that cannot apply should know before it writes anything."""
    results = selectors.eligibility_for(bid)
    if not results:
        return []
    blocked = eligibility_rules.blocking(results)
    answered = sum(1 for r in results if r.answer is not None or r.met)
    task = {
        "name": gettext("Eligibility"),
        "url": reverse("bids:eligibility", args=[bid.public_id]),
        "hint": gettext("%(done)s of %(count)s requirements answered or met by evidence")
        % {"done": answered, "count": len(results)},
        "done": not blocked and not eligibility_rules.still_to_do(results),
    }
    if blocked:
        task.update(hint=gettext("You answered no to an essential requirement"), todo_text=gettext("Cannot submit"))
        task["tag_class"] = "govuk-tag--red"
    return [task]


def tasks_for(bid) -> list[dict[str, Any]]:
    missing = {m.field.split("-")[0] for m in selectors.missing_before_submit(bid)}
    criteria = [c for c in selectors.stage_criteria(bid.opportunity) if not c.is_price]
    answered = sum(1 for a in bid.answers.all() if a.text.strip())
    count = bid.documents.count()
    tasks = [
        *eligibility_task(bid),
        {
            "name": "Answer the questions",
            "url": reverse("bids:answers", args=[bid.public_id]),
            "hint": f"{answered} of {len(criteria)} answered" if criteria else "No written questions",
            "done": "answers" not in missing,
        },
        {
            "name": "Upload documents",
            "url": reverse("bids:documents", args=[bid.public_id]),
            "hint": f"{count} document{'s' if count != 1 else ''}",
            "done": bool(count),
            "optional": True,
        },
    ]
    if selectors.budget_required(bid.opportunity):
        tasks.append(
            {
                "name": "Full cost budget and price",
                "url": reverse("bids:budget", args=[bid.public_id]),
                "hint": "",
                "done": not ({"price", "budget"} & missing),
            }
        )
    if bid.organisation.is_consortium:
        tasks.append(
            {
                "name": "Consortium members",
                "url": reverse("bids:consortium", args=[bid.public_id]),
                "hint": "Each member's role and share",
                "done": "roles" not in missing,
            }
        )
    tasks += [
        {
            "name": "Declarations",
            "url": reverse("bids:declarations", args=[bid.public_id]),
            "hint": "",
            "done": "declarations" not in missing,
        },
        {
            "name": "Check and submit",
            "url": reverse("bids:check", args=[bid.public_id]),
            "hint": "",
            "done": bid.status == bidding.BidStatus.SUBMITTED,
            "todo_text": "Not submitted",
        },
    ]
    documents_task = next(t for t in tasks if t["url"] == reverse("bids:documents", args=[bid.public_id]))
    if not count:
        documents_task["hint"] = "None yet (only if the opportunity asks for them)"
    return tasks


@signed_in
@require_safe
def overview(request: HttpRequest, public_id) -> HttpResponse:
    bid = load_bid(request, public_id)
    if not is_member(request, bid):
        return read(request, bid)
    tasks = tasks_for(bid)
    required = [t for t in tasks if not t.get("optional")]
    done = sum(1 for t in required if t["done"])
    receipt = selectors.receipt_for(request.user, bid)
    return render(
        request,
        "bids/bid_overview.html",
        bid_context(
            request,
            bid,
            tasks=tasks,
            done_count=done,
            required_count=len(required),
            missing_count=len(required) - done,
            receipt=receipt,
            can_withdraw=bool(perms.can_withdraw_bid(request.user, bid)),
        ),
    )


def read(request: HttpRequest, bid) -> HttpResponse:
    """The bid read-only, for the authority's people once the bids are opened (the bidder's own pages become
    read-only by themselves once the bid is locked)."""
    receipt = selectors.receipt_for(request.user, bid)
    valid = None
    if receipt is not None and bid.status == bidding.BidStatus.SUBMITTED:
        valid = selectors.receipt_verifies(receipt)
    context = bid_context(request, bid, receipt=receipt, receipt_valid=valid, staff_view=not is_member(request, bid))
    context.update(content_context(bid))
    if not is_member(request, bid):
        services.bid_read_record(actor=request.user, bid=bid, where="bids")
    return render(request, "bids/bid_read.html", context)


# Check and submit --------------------------------------------------------------------------------------------

#: Where each thing still missing is put right.
MISSING_PAGES = {
    "answers": "bids:answers",
    "price": "bids:budget",
    "budget": "bids:budget",
    "roles": "bids:consortium",
    "declarations": "bids:declarations",
    "eligibility": "bids:eligibility",
}


def missing_links(bid, items) -> list[dict[str, str]]:
    links = []
    for item in items:
        key = item.field.split("-")[0]
        name = MISSING_PAGES.get(key, "bids:bid")
        url = reverse(name, args=[bid.public_id])
        if key == "answers":
            url += f"#question-{item.field.split('-', 1)[1]}"
        if key == "eligibility":
            url += f"#item-{item.field.split('-', 1)[1]}"
        links.append({"url": url, "message": item.message})
    return links


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def check(request: HttpRequest, public_id) -> HttpResponse:
    bid = load_bid(request, public_id)
    if not is_member(request, bid):
        raise Http404("No bid here")
    refused: list[tuple[str, str]] = []
    if request.method == "POST":
        try:
            services.bid_submit(actor=request.user, bid=bid)
        except PermissionDenied as exc:
            refused.append(("#main-content", exc.message))
        except TrellisError as exc:
            errors = getattr(exc, "errors", None) or {}
            blocked_now = blocked_fields(bid)
            refused += [
                ("#not-eligible" if field in blocked_now else "#missing", m)
                for field, messages_ in errors.items()
                for m in messages_
            ] or [("#main-content", exc.message)]
        else:
            return redirect("bids:receipt", public_id=bid.public_id)
    blocked = blocked_fields(bid)
    everything = selectors.missing_before_submit(bid)
    context = bid_context(
        request,
        bid,
        missing=missing_links(bid, [m for m in everything if m.field not in blocked]),
        not_eligible=missing_links(bid, [m for m in everything if m.field in blocked]),
        can_submit=bool(perms.can_submit_bid(request.user, bid)) and not everything,
        error_links=refused,
    )
    context.update(content_context(bid))
    return render(request, "bids/bid_check.html", context)


def blocked_fields(bid) -> set[str]:
    """The fields of the essential eligibility items this bid answered "no" to."""
    return {r.field for r in eligibility_rules.blocking(selectors.eligibility_for(bid))}


@signed_in
@require_safe
def receipt(request: HttpRequest, public_id) -> HttpResponse:
    bid = load_bid(request, public_id)
    if not is_member(request, bid):
        raise Http404("No receipt here")
    found = selectors.receipt_for(request.user, bid)
    if found is None:
        return redirect("bids:bid", public_id=bid.public_id)
    return render(request, "bids/bid_receipt.html", {"bid": bid, "opp": bid.opportunity, "receipt": found})


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request: HttpRequest, public_id) -> HttpResponse:
    bid = load_bid(request, public_id)
    if not is_member(request, bid):
        raise Http404("No bid here")
    decision = perms.can_withdraw_bid(request.user, bid)
    if request.method == "POST":
        services.bid_withdraw(actor=request.user, bid=bid)
        messages.success(
            request, "Your bid is withdrawn. Change it, then submit it again before the deadline to be considered."
        )
        return redirect("bids:bid", public_id=bid.public_id)
    if not decision:
        return redirect("bids:bid", public_id=bid.public_id)
    return render(
        request,
        "bids/bid_withdraw.html",
        bid_context(request, bid, can_withdraw=True, receipt=selectors.receipt_for(request.user, bid)),
    )


@signed_in
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    bids = list(selectors.bids_for_person(request.user))
    groups = [
        {"organisation": org, "bids": [b for b in bids if b.organisation_id == org.pk]}
        for org in bidding_organisations(request.user)
    ]
    return render(request, "bids/bid_list.html", {"groups": groups, "now": timezone.now()})


urlpatterns = [
    path("mine/", mine, name="mine"),
    path("opportunity/<uuid:opportunity_id>/start/", start, name="start"),
    path("<uuid:public_id>/", overview, name="bid"),
    path("<uuid:public_id>/check/", check, name="check"),
    path("<uuid:public_id>/receipt/", receipt, name="receipt"),
    path("<uuid:public_id>/withdraw/", withdraw, name="withdraw"),
]
