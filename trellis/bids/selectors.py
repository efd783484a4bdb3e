"""Reads of bids. These are THE ONLY doors to bid content: each applies the sealed rule
(``permissions.can_view_bid_content``). Before the opening, the authority's people — platform admins and
superusers included — get a 404 for a bid and a PermissionDenied for a list; at most a count, and only when
the opportunity is set up to show it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from trellis.bids import eligibility_text
from trellis.bids import permissions as perms
from trellis.bids.domain import bidding, receipts
from trellis.bids.domain import eligibility as eligibility_rules
from trellis.bids.domain.bidding import BidStatus
from trellis.bids.models import (
    Bid,
    BidAnswer,
    BidDocument,
    BidEligibility,
    ConflictDeclaration,
    ConsortiumRole,
    Opening,
    Receipt,
)
from trellis.core import roles
from trellis.core.domain.roles import PROVIDER_ROLES
from trellis.core.errors import NotFound, PermissionDenied
from trellis.opportunities import selectors as opportunity_selectors
from trellis.opportunities.domain.kinds import Stage
from trellis.organisations import selectors as directory
from trellis.organisations.domain.accreditation import EvidenceKind

if TYPE_CHECKING:
    from trellis.core.models import Person
    from trellis.opportunities.models import Lot, Opportunity
    from trellis.organisations.models import Organisation

__all__ = [
    "BidSummary",
    "bid_count_before_opening",
    "bid_document_get_for",
    "bid_get_for",
    "bids_for_opportunity",
    "bids_for_organisation",
    "bids_for_person",
    "budget_flags",
    "budget_required",
    "conflict_declarations",
    "criterion_rules",
    "eligibility_for",
    "eligibility_items",
    "framework_bidders",
    "live_bid_for",
    "missing_before_submit",
    "opened_bid_documents",
    "opened_bids",
    "opening_for",
    "receipt_for",
    "receipt_verifies",
    "receipts_for",
    "share_rows",
    "stage_bidders",
    "stage_criteria",
    "submitted_content",
]


def _with_content(qs: QuerySet[Bid]) -> QuerySet[Bid]:
    return qs.select_related(
        "opportunity", "organisation", "lot", "created_by", "submitted_by", "organisation__consortium"
    ).prefetch_related(
        Prefetch("answers", queryset=BidAnswer.objects.select_related("criterion")),
        "documents",
        Prefetch("consortium_roles", queryset=ConsortiumRole.objects.select_related("organisation")),
        Prefetch("eligibility_answers", queryset=BidEligibility.objects.select_related("item")),
        "receipts",
        "opportunity__criteria",
        "opportunity__eligibility_items",
        "opportunity__lots",
    )


def bid_get_for(*, actor: Person, public_id) -> Bid:
    """The one door to a bid with its content. Its own organisation's people always; the authority's people only
    after the opening (and only submitted bids); to anyone else it looks the same as a missing bid (404)."""
    try:
        bid = _with_content(Bid.objects.filter(public_id=public_id)).first()
    except (ValueError, TypeError, ValidationError):
        bid = None
    if bid is None or not perms.can_view_bid_content(actor, bid):
        raise NotFound("No bid here")
    return bid


def bid_document_get_for(*, actor: Person, public_id) -> BidDocument:
    """A bid's document, for download: the same sealed rule as its bid."""
    try:
        document = BidDocument.objects.select_related("bid__opportunity", "bid__organisation").filter(
            public_id=public_id
        )
        found = document.first()
    except (ValueError, TypeError, ValidationError):
        found = None
    if found is None or not perms.can_view_bid_content(actor, found.bid):
        raise NotFound("No document here")
    return found


def bids_for_organisation(actor: Person, organisation: Organisation) -> QuerySet[Bid]:
    """An organisation's own bids, newest first, for its own people. Nobody else may list them."""
    if not perms.is_bidder_for(actor, organisation):
        raise PermissionDenied("You can only see your own organisation's bids.")
    return _with_content(Bid.objects.filter(organisation=organisation))


def bids_for_person(actor: Person) -> QuerySet[Bid]:
    """Every bid of every organisation ``actor`` bids for (their own organisations and consortia they lead)."""
    org_ids = roles.organisation_ids_with(actor, PROVIDER_ROLES)
    if not org_ids:
        return Bid.objects.none()
    led = Bid.objects.filter(organisation__consortium__lead_id__in=org_ids)
    own = Bid.objects.filter(organisation_id__in=org_ids)
    return (
        (own | led)
        .distinct()
        .select_related("opportunity", "organisation", "lot")
        .order_by("opportunity__closes_at", "-created_at")
    )


def live_bid_for(
    *, actor: Person, opportunity: Opportunity, organisation: Organisation, lot: Lot | None = None
) -> Bid | None:
    """The organisation's bid that is not withdrawn for this opportunity (and lot), if ``actor`` bids for it."""
    if not perms.is_bidder_for(actor, organisation):
        return None
    return (
        Bid.objects.filter(
            opportunity=opportunity,
            stage=opportunity_selectors.bidding_stage(opportunity),
            organisation=organisation,
            lot=lot,
        )
        .exclude(status=BidStatus.WITHDRAWN)
        .first()
    )


def opening_for(opportunity: Opportunity) -> Opening | None:
    """The opening of the current bids (for a procedure run in stages, the current submission stage's)."""
    return (
        Opening.objects.select_related("requested_by", "opened_by", "second_opener")
        .filter(opportunity_id=opportunity.pk, stage=opportunity_selectors.bidding_stage(opportunity))
        .first()
    )


def _current_bids(opportunity) -> QuerySet[Bid]:
    """The opportunity's bids for its current submission stage (all of them when it is not run in stages)."""
    return Bid.objects.filter(opportunity=opportunity, stage=opportunity_selectors.bidding_stage(opportunity))


def bids_for_opportunity(*, actor: Person, opportunity: Opportunity) -> QuerySet[Bid]:
    """After the opening: the submitted bids, with their content, for the authority's people.
    Before it — or for anyone else — PermissionDenied saying why (``bid_count_before_opening`` gives a count)."""
    if not roles.is_staff_member(actor):
        raise PermissionDenied("Only the council's people see the bids for an opportunity.")
    if not perms.is_opened(opportunity):
        raise PermissionDenied(perms.SEALED)
    return _with_content(_current_bids(opportunity).filter(status=BidStatus.SUBMITTED)).order_by(
        "lot__number", "submitted_at", "id"
    )


def framework_bidders(actor: Person, framework: Opportunity) -> list:
    """The organisations whose submitted bids for ``framework`` this person may read (the authority's people, once
    the bids are opened); nobody otherwise. Offered on the framework's panel (``BidsConfig.ready``)."""
    try:
        return [bid.organisation for bid in bids_for_opportunity(actor=actor, opportunity=framework)]
    except PermissionDenied:
        return []


def stage_bidders(opportunity: Opportunity) -> list:
    """The organisations that submitted bids to the current submission stage, by name — known only once those
    bids are opened (before then, an empty list)."""
    if not perms.is_opened(opportunity):
        return []
    submitted = _current_bids(opportunity).filter(status=BidStatus.SUBMITTED).select_related("organisation")
    by_id = {bid.organisation_id: bid.organisation for bid in submitted}
    return sorted(by_id.values(), key=lambda org: (org.name.lower(), org.pk))


def opened_bids(opportunity: Opportunity) -> QuerySet[Bid]:
    """The submitted bids of the opportunity's current stage with their content — for the evaluation app, which
    decides who on the panel may read which (``trellis.evaluation.permissions``). Raises PermissionDenied until
    the bids are opened: the seal holds for every route into the data."""
    if not perms.is_opened(opportunity):
        raise PermissionDenied(perms.SEALED)
    return _with_content(_current_bids(opportunity).filter(status=BidStatus.SUBMITTED)).order_by(
        "lot__number", "organisation__name", "id"
    )


def opened_bid_documents(bid: Bid) -> list[BidDocument]:
    """The documents of one of ``opened_bids`` — for the evaluation app, which decides who on the panel may read
    them. Raises PermissionDenied while the bid is sealed (not submitted, or its stage's bids not yet opened)."""
    if bid.status != BidStatus.SUBMITTED or not perms.is_opened(bid.opportunity, bid.stage):
        raise PermissionDenied(perms.SEALED)
    return list(bid.documents.all())


def conflict_declarations(bid_ids) -> QuerySet[ConflictDeclaration]:
    """The conflict declarations made for these bids (who, whether, when), never the bids' content."""
    return ConflictDeclaration.objects.filter(bid_id__in=bid_ids).select_related("person")


def bid_count_before_opening(opportunity: Opportunity) -> int | None:
    """How many bids are submitted, when the opportunity is set up to show that before the opening; else None.
    Never anything about who or what."""
    if not opportunity.show_bid_count_before_opening:
        return None
    return _current_bids(opportunity).filter(status=BidStatus.SUBMITTED).count()


@dataclass(frozen=True)
class BidSummary:
    """What the authority may know before the opening, when the opportunity shows it: a number."""

    submitted: int


def receipts_for(actor: Person, bid: Bid) -> QuerySet[Receipt]:
    """Every receipt of a bid, newest first (earlier ones superseded), for those who may see the bid."""
    if not perms.can_view_bid_content(actor, bid):
        raise NotFound("No bid here")
    return Receipt.objects.filter(bid=bid).select_related("submitted_by").order_by("-submitted_at", "-id")


def receipt_for(actor: Person, bid: Bid) -> Receipt | None:
    """The current receipt (or, for a withdrawn bid, the latest), for those who may see the bid."""
    return receipts_for(actor, bid).first()


def receipt_verifies(receipt: Receipt) -> bool:
    """Does the bid, as stored now, still hash to what its receipt says? (The caller may already see the bid.)"""
    return receipts.verify(submitted_content(receipt.bid), receipt.content_sha256)


def budget_flags(bid: Bid) -> list[bidding.BudgetFlag]:
    """Warnings about the bid's price and budget (price below full cost; above the opportunity's or lot's value)."""
    full_cost = None
    totals = (bid.budget_result or {}).get("totals") or {}
    if totals.get("full_cost") is not None:
        full_cost = Decimal(str(totals["full_cost"]))
    value = bid.lot.value if bid.lot is not None else bid.opportunity.estimated_value
    return bidding.budget_flags(price=bid.price, full_cost=full_cost, value=value)


# Content helpers for those already allowed to see the bid -------------------------------------------------


def _expression_of_interest(opportunity) -> bool:
    """An expression of interest stage asks no written questions and no budget: those come with the tender."""
    return opportunity_selectors.bidding_stage(opportunity) == Stage.EXPRESSION_OF_INTEREST


def stage_criteria(opportunity: Opportunity) -> list:
    """The criteria a bid answers now (none at an expression of interest stage)."""
    if _expression_of_interest(opportunity):
        return []
    return list(opportunity.criteria.all())


def criterion_rules(opportunity: Opportunity) -> list[bidding.CriterionRule]:
    return [
        bidding.CriterionRule(id=c.pk, name=c.name, word_limit=c.word_limit, is_price=c.is_price)
        for c in stage_criteria(opportunity)
    ]


def budget_required(opportunity: Opportunity) -> bool:
    """A full cost budget is asked for when the opportunity has a value or a price criterion (and not at an
    expression of interest stage)."""
    if _expression_of_interest(opportunity):
        return False
    return opportunity.estimated_value is not None or any(c.is_price for c in opportunity.criteria.all())


def share_rows(bid: Bid) -> list[bidding.ShareRow]:
    return [
        bidding.ShareRow(organisation=r.organisation_id, role=r.role, share_percent=r.share_percent)
        for r in bid.consortium_roles.all()
    ]


def eligibility_items(opportunity) -> list[eligibility_rules.Item]:
    """The opportunity's eligibility checklist, as the rule reads it."""
    return [
        eligibility_rules.Item(
            id=item.pk,
            text=item.text,
            must_have=item.essential,
            evidence_kind=EvidenceKind(item.evidence_kind) if item.evidence_kind else None,
        )
        for item in opportunity.eligibility_items.all()
    ]


def _snapshot_evidence(record: Any) -> eligibility_rules.HeldEvidence | None:
    """Evidence kept with a submitted bid, read back as the verified document it was."""
    if not isinstance(record, dict) or record.get("kind") not in {k.value for k in EvidenceKind}:
        return None
    expires = record.get("expires_on")
    return eligibility_rules.HeldEvidence(
        kind=EvidenceKind(record["kind"]),
        title=str(record.get("title") or ""),
        status="verified",
        expires_on=date.fromisoformat(expires) if expires else None,
        sha256=str(record.get("sha256") or ""),
    )


def held_evidence(organisation) -> list[eligibility_rules.HeldEvidence]:
    """The organisation's current (not superseded) accreditation documents, whatever their review status."""
    return [
        eligibility_rules.HeldEvidence(
            kind=EvidenceKind(doc.kind),
            title=doc.title,
            status=doc.status,
            expires_on=doc.expires_on,
            sha256=doc.sha256,
        )
        for doc in directory.current_evidence(organisation=organisation)
        if doc.kind in {k.value for k in EvidenceKind}
    ]


def eligibility_for(bid: Bid, *, today: date | None = None) -> list[eligibility_rules.ItemResult]:
    """Each checklist item with the bid's answer and the evidence that bears on it (the caller may already see the
    bid). A submitted bid is read as it was submitted: its answers and the evidence kept with it then, on the day it
    was submitted; a bid being written is read against the organisation's evidence today."""
    items = eligibility_items(bid.opportunity)
    if not items:
        return []
    rows = list(bid.eligibility_answers.all())
    answers = {row.item_id: eligibility_rules.Answer(row.answer) for row in rows if row.answer}
    if bid.status == BidStatus.SUBMITTED and bid.submitted_at is not None:
        kept = [_snapshot_evidence(row.evidence) for row in rows]
        held = [doc for doc in kept if doc is not None]
        day = timezone.localdate(bid.submitted_at)
    else:
        held = held_evidence(bid.organisation)
        day = today or timezone.localdate()
    return eligibility_rules.assess(items, answers, held, day)


def eligibility_missing(results: list[eligibility_rules.ItemResult]) -> list[bidding.Missing]:
    """Essential items answered "no" (each stops the bid, with its reason), then essential items still to answer."""
    return [
        bidding.Missing(r.field, eligibility_text.blocked_reason(r)) for r in eligibility_rules.blocking(results)
    ] + [bidding.Missing(r.field, eligibility_text.to_do_message(r)) for r in eligibility_rules.still_to_do(results)]


def missing_before_submit(bid: Bid, *, today: date | None = None) -> list[bidding.Missing]:
    """What is still to do before ``bid`` can be submitted (the caller has already been allowed to see it)."""
    return eligibility_missing(eligibility_for(bid, today=today)) + bidding.missing_before_submit(
        criteria=criterion_rules(bid.opportunity),
        answers={a.criterion_id: a.text for a in bid.answers.all()},
        declarations=bid.declarations or {},
        price=bid.price,
        budget_required=budget_required(bid.opportunity),
        has_budget=bool(bid.budget),
        consortium=bool(bid.organisation.is_consortium),
        share_rows=share_rows(bid),
        price_required=not _expression_of_interest(bid.opportunity),
    )


def submitted_content(bid: Bid) -> dict[str, Any]:
    """The canonical content of ``bid`` as it stands: what a receipt's hash covers. The checklist is covered as
    kept at submission (every item then has a row, with the evidence relied on)."""
    rows = list(BidEligibility.objects.filter(bid=bid))
    answers = {row.item_id: eligibility_rules.Answer(row.answer) for row in rows if row.answer}
    kept = {row.item_id: row.evidence for row in rows}
    return receipts.submitted_content(
        bid=str(bid.public_id),
        opportunity=bid.opportunity.reference,
        organisation=bid.organisation.org_id,
        lot=bid.lot.number if bid.lot is not None else None,
        answers={str(a.criterion_id): a.text for a in bid.answers.all()},
        documents=[{"sha256": d.sha256, "title": d.title} for d in bid.documents.all()],
        budget=bid.budget,
        price=bid.price,
        declarations=bid.declarations or {},
        consortium=[
            {"organisation": r.organisation.org_id, "role": r.role, "share_percent": r.share_percent}
            for r in bid.consortium_roles.select_related("organisation")
        ],
        eligibility=[
            eligibility_rules.receipt_row(item, answers.get(item.id), kept[item.id])
            for item in eligibility_items(bid.opportunity)
            if item.id in kept
        ],
    )
