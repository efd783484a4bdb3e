"""Bid use cases. Keyword-only arguments, the acting person first; each checks permission (again, whatever the
view did), validates (naming every field that is wrong and writing nothing), runs in a transaction, records an
audit event and sends its notifications once the transaction commits.

Audit events about a bid never hold its content (answers, prices, budgets): the audit log is read by the
authority's people, and bids are sealed until they are opened.

Every service that depends on the deadline takes ``now`` (default: the server's clock).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from trellis.bids import eligibility_text, messages, selectors
from trellis.bids import permissions as perms
from trellis.bids.domain import bidding, fcr, receipts
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
from trellis.core.errors import InvalidTransition, ValidationFailed
from trellis.core.messages import Message
from trellis.core.models import Person
from trellis.core.permissions import require
from trellis.core.services import audit_record, notify
from trellis.opportunities import selectors as opportunity_selectors
from trellis.opportunities import services as opportunity_services
from trellis.opportunities.domain import stages as stage_rules
from trellis.organisations import selectors as directory
from trellis.organisations import services as directory_services

if TYPE_CHECKING:
    from trellis.opportunities.models import Lot, Opportunity
    from trellis.organisations.models import Organisation

MAX_DOCUMENTS = 20
RECEIPT_ATTEMPTS = 5


def _lock(bid: Bid) -> Bid:
    """The bid's row, locked for the rest of the transaction, with its opportunity read afresh."""
    # of=("self",): PostgreSQL cannot lock the empty side of an outer join (a bid without a lot).
    return (
        Bid.objects.select_for_update(of=("self",)).select_related("opportunity", "organisation", "lot").get(pk=bid.pk)
    )


def _refresh_from(target: Bid, source: Bid) -> None:
    for field in ("status", "submitted_at", "submitted_by_id", "withdrawn_at", "price", "budget", "budget_result"):
        setattr(target, field, getattr(source, field))
    target.declarations = source.declarations
    target.updated_at = source.updated_at


def _editable(actor: Person, bid: Bid, now: datetime) -> Bid:
    """Check, lock, check again (the bid may have been submitted meanwhile), raising a clear error."""
    require(perms.can_edit_bid(actor, bid, now=now))
    locked = _lock(bid)
    bidding.check(locked.status, locked.opportunity.closes_at, now, action="edit")
    require(perms.can_edit_bid(actor, locked, now=now))
    return locked


def _audit(actor: Person | None, verb: str, bid: Bid, data: dict[str, Any] | None = None) -> None:
    audit_record(
        actor=actor,
        verb=verb,
        target=bid,
        data={
            "opportunity": bid.opportunity.reference,
            "organisation": bid.organisation.org_id,
            "lot": bid.lot.number if bid.lot is not None else None,
            **(data or {}),
        },
    )


# Starting --------------------------------------------------------------------------------------------------------


@transaction.atomic
def bid_start(
    *,
    actor: Person,
    opportunity: Opportunity,
    organisation: Organisation,
    lot: Lot | None = None,
    now: datetime | None = None,
) -> Bid:
    """Start a draft bid for ``organisation`` (a consortium bids as its own record; its lead's people act for it).

    An opportunity with lots needs a lot; one without lots takes none. One live bid per organisation per lot."""
    now = now or timezone.now()
    require(perms.can_start_bid(actor, opportunity, organisation, now=now))
    errors: dict[str, list[str]] = {}
    lots = list(opportunity.lots.all())
    if lots and lot is None:
        errors["lot"] = ["Choose the lot you are bidding for."]
    elif lot is not None and lot.opportunity_id != opportunity.pk:
        errors["lot"] = ["Choose one of this opportunity's lots."]
    if not errors and _live_bid_exists(opportunity, organisation, lot):
        errors["organisation"] = [
            f"{organisation.name} already has a bid for this {'lot' if lot else 'opportunity'}. Carry on with that one."
        ]
    if errors:
        raise ValidationFailed.of(errors, "The bid has not been started.")
    bid = Bid(
        opportunity=opportunity,
        stage=opportunity_selectors.bidding_stage(opportunity),
        organisation=organisation,
        lot=lot,
        created_by=actor,
        created_at=now,
    )
    try:
        with transaction.atomic():
            bid.save()
    except IntegrityError as exc:
        raise ValidationFailed.of({"organisation": [f"{organisation.name} already has a bid for this."]}) from exc
    consortium = directory.consortium_for(organisation=organisation)
    if consortium is not None:
        # Start from the roles and shares the consortium already agreed; the bid may change them.
        ConsortiumRole.objects.bulk_create(
            [
                ConsortiumRole(bid=bid, organisation=m.organisation, role=m.role, share_percent=m.share_pct)
                for m in consortium.members.all()
                if m.share_pct is not None and m.role
            ]
        )
    _audit(actor, "bid.started", bid)
    return bid


def _live_bid_exists(opportunity, organisation, lot, *, exclude: int | None = None) -> bool:
    qs = Bid.objects.filter(
        opportunity=opportunity,
        stage=opportunity_selectors.bidding_stage(opportunity),
        organisation=organisation,
        lot=lot,
    ).exclude(status=BidStatus.WITHDRAWN)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.exists()


# Answers ---------------------------------------------------------------------------------------------------------


@transaction.atomic
def bid_answers_save(*, actor: Person, bid: Bid, answers: Mapping[Any, str], now: datetime | None = None) -> Bid:
    """Save answers to the opportunity's criteria (``{criterion id: text}``). Over-long answers are refused, naming
    each (``answers-<criterion id>``), and nothing is saved."""
    now = now or timezone.now()
    locked = _editable(actor, bid, now)
    errors = bidding.answer_errors(answers, selectors.criterion_rules(locked.opportunity))
    if errors:
        raise ValidationFailed.of(errors, "Your answers have not been saved.")
    changed = []
    for raw_id, text in answers.items():
        criterion_id = int(raw_id)
        answer, created = BidAnswer.objects.get_or_create(
            bid=locked, criterion_id=criterion_id, defaults={"text": text}
        )
        if not created and answer.text != text:
            answer.text = text
            answer.save(update_fields=["text", "updated_at"])
        elif not created:
            continue
        changed.append(criterion_id)
    if changed:
        locked.save(update_fields=["updated_at"])
        _audit(actor, "bid.answers_saved", locked, {"criteria": sorted(changed)})
    _refresh_from(bid, locked)
    return bid


# Documents -------------------------------------------------------------------------------------------------------


@transaction.atomic
def bid_document_add(*, actor: Person, bid: Bid, upload, title: str = "", now: datetime | None = None) -> BidDocument:
    """Attach a document, checked by its content (type and size) before anything is stored."""
    now = now or timezone.now()
    locked = _editable(actor, bid, now)
    problems: dict[str, list[str]] = {}
    if locked.documents.count() >= MAX_DOCUMENTS:
        problems["file"] = [f"A bid can have up to {MAX_DOCUMENTS} documents. Remove one to add another."]

    def record(document: Any) -> None:
        locked.save(update_fields=["updated_at"])
        _audit(actor, "bid.document_added", locked, {"document": str(document.public_id), "sha256": document.sha256})

    document = BidDocument(bid=locked, uploaded_at=now)
    directory_services.uploaded_document_store(
        document=document, upload=upload, title=title, actor=actor, problems=problems, then=record
    )
    return document


@transaction.atomic
def bid_document_remove(*, actor: Person, document: BidDocument, now: datetime | None = None) -> None:
    now = now or timezone.now()
    locked = _editable(actor, document.bid, now)
    data = {"document": str(document.public_id), "sha256": document.sha256}
    directory_services.uploaded_document_discard(document=document)
    locked.save(update_fields=["updated_at"])
    _audit(actor, "bid.document_removed", locked, data)


# Declarations ----------------------------------------------------------------------------------------------------


@transaction.atomic
def bid_declarations_sign(*, actor: Person, bid: Bid, keys: Sequence[str], now: datetime | None = None) -> Bid:
    """Record the declarations agreed (``keys`` from ``bidding.DECLARATIONS``); any not in ``keys`` are unsigned.
    A declaration already agreed keeps who agreed it and when."""
    now = now or timezone.now()
    locked = _editable(actor, bid, now)
    keys = [str(k) for k in keys]
    errors = bidding.declaration_errors(keys)
    if errors:
        raise ValidationFailed.of(errors, "The declarations have not been saved.")
    before = locked.declarations or {}
    signed: dict[str, Any] = {}
    for key in bidding.DECLARATIONS:
        if key not in keys:
            continue
        earlier = before.get(key)
        if isinstance(earlier, dict) and earlier.get("agreed") is True:
            signed[key] = earlier
        else:
            signed[key] = {"agreed": True, "by": actor.pk, "at": now.isoformat()}
    locked.declarations = signed
    locked.save(update_fields=["declarations", "updated_at"])
    _audit(actor, "bid.declarations_signed", locked, {"keys": sorted(signed)})
    _refresh_from(bid, locked)
    return bid


# Eligibility -----------------------------------------------------------------------------------------------------


@transaction.atomic
def bid_eligibility_save(
    *, actor: Person, bid: Bid, answers: Mapping[Any, Any], now: datetime | None = None
) -> list[eligibility_rules.ItemResult]:
    """Save the bid's answers to the opportunity's eligibility checklist: ``{item id: "yes" | "no"}`` (blank
    clears an answer; items not given are left as they were). An answer to something that is not one of its items,
    or that is not yes or no, is refused, naming it (``eligibility-<item id>``), and nothing is saved.

    Returns each item's outcome. Answering "no" to an essential item is saved (it is the bidder's honest answer);
    it is ``bid_submit`` that refuses the bid, with the reason."""
    now = now or timezone.now()
    locked = _editable(actor, bid, now)
    items = selectors.eligibility_items(locked.opportunity)
    parsed, problems = eligibility_rules.parse_answers(answers, items)
    if problems:
        raise ValidationFailed.of(
            {
                p.field: [
                    gettext("This is not one of the eligibility requirements for this opportunity.")
                    if p.problem == "unknown_item"
                    else gettext("Answer yes or no.")
                ]
                for p in problems
            },
            gettext("Your eligibility answers have not been saved."),
        )
    saved = {row.item_id: row for row in BidEligibility.objects.filter(bid=locked)}
    changed = []
    for item_id, answer in parsed.items():
        value = answer.value if answer is not None else ""
        row = saved.get(item_id)
        if row is None and not value:
            continue
        if row is None:
            row = BidEligibility(bid=locked, item_id=item_id)
        elif row.answer == value:
            continue
        row.answer, row.answered_by, row.answered_at = value, actor, now
        row.save()
        changed.append(item_id)
    if changed:
        locked.save(update_fields=["updated_at"])
        _audit(actor, "bid.eligibility_saved", locked, {"items": sorted(changed)})
    _refresh_from(bid, locked)
    return selectors.eligibility_for(locked, today=timezone.localdate(now))


def _keep_eligibility_evidence(bid: Bid, results: Sequence[eligibility_rules.ItemResult]) -> None:
    """On submission, every checklist item gets a row holding the evidence that met it then: the receipt covers
    exactly what the bid relied on, and evaluators read it as it was, whatever happens to the documents later."""
    saved = {row.item_id: row for row in BidEligibility.objects.filter(bid=bid)}
    for result in results:
        row = saved.get(result.item.id) or BidEligibility(bid=bid, item_id=result.item.id)
        row.evidence = eligibility_rules.evidence_record(result)
        row.save()


# Price and budget ------------------------------------------------------------------------------------------------


@transaction.atomic
def bid_budget_save(
    *, actor: Person, bid: Bid, budget: Mapping[str, Any] | None, price: Any, now: datetime | None = None
) -> Bid:
    """Save the full cost recovery budget (the ``trellis fcr`` input; empty or None clears it) and the price.

    The budget is worked out by the full cost engine and its result kept with it. Errors name the field: ``price``,
    or the budget's own path (``cost_centres[0].direct_costs``…). A price below full cost, or above the
    opportunity's value, is not an error: ``selectors.budget_flags`` shows it."""
    now = now or timezone.now()
    locked = _editable(actor, bid, now)
    value, errors = bidding.price_errors(price)
    result: dict[str, Any] = {}
    data: dict[str, Any] = dict(budget or {})
    if data:
        try:
            result = fcr.calculate(data).to_dict()
        except ValidationFailed as exc:
            errors.update(exc.errors or {"budget": [exc.message]})
    if errors:
        raise ValidationFailed.of(errors, "Your budget and price have not been saved.")
    locked.budget = data
    locked.budget_result = result
    locked.price = value
    locked.save(update_fields=["budget", "budget_result", "price", "updated_at"])
    _audit(actor, "bid.budget_saved", locked, {"has_budget": bool(data), "has_price": value is not None})
    _refresh_from(bid, locked)
    return bid


# Consortium ------------------------------------------------------------------------------------------------------


def _consortium_org_ids(organisation) -> dict[int, Any]:
    consortium = directory.consortium_for(organisation=organisation)
    if consortium is None:
        return {}
    members = {m.organisation_id: m.organisation for m in consortium.members.all()}
    members.setdefault(consortium.lead_id, consortium.lead)
    return members


def _org_id_of(value: Any) -> int | None:
    if value is None or value == "":
        return None
    pk = getattr(value, "pk", value)
    try:
        return int(pk)
    except (TypeError, ValueError):
        return None


@transaction.atomic
def bid_consortium_set(
    *, actor: Person, bid: Bid, roles: Sequence[Mapping[str, Any]], now: datetime | None = None
) -> list[ConsortiumRole]:
    """Set each consortium member's role and share in this bid: ``[{"organisation": Organisation or id, "role",
    "share_percent"}]``; the shares must total 100. Errors are named ``roles-<index>-<field>`` and ``roles``."""
    now = now or timezone.now()
    locked = _editable(actor, bid, now)
    members = _consortium_org_ids(locked.organisation)
    if not members:
        raise ValidationFailed.of({"roles": ["Only a consortium's bid has members' roles and shares."]})
    rows = []
    for row in roles:
        org_id = _org_id_of(row.get("organisation"))
        rows.append(
            bidding.ShareRow(
                organisation=org_id if org_id in members else None,
                role=str(row.get("role") or ""),
                share_percent=row.get("share_percent"),
            )
        )
    errors = bidding.share_errors(rows)
    if errors:
        raise ValidationFailed.of(errors, "The consortium roles have not been saved.")
    locked.consortium_roles.all().delete()
    created = ConsortiumRole.objects.bulk_create(
        [
            ConsortiumRole(
                bid=locked,
                organisation=members[r.organisation],
                role=r.role.strip(),
                share_percent=bidding.parse_decimal(r.share_percent) or Decimal(0),
            )
            for r in rows
            if r.organisation is not None
        ]
    )
    locked.save(update_fields=["updated_at"])
    _audit(actor, "bid.consortium_set", locked, {"members": len(created)})
    return created


# Submitting ------------------------------------------------------------------------------------------------------


def _new_receipt(bid: Bid, *, actor: Person, now: datetime, digest: str) -> Receipt:
    reference = bid.opportunity.reference
    # Submissions to one opportunity are numbered one at a time: without the lock, bids submitted in the same
    # instant all count the same receipts and collide on the number (measured: 12 of 50 in benchmarks/bid_rush.py).
    opportunity_selectors.opportunity_lock(bid.opportunity_id)
    sequence = Receipt.objects.filter(bid__opportunity_id=bid.opportunity_id).count() + 1
    for attempt in range(RECEIPT_ATTEMPTS):
        try:
            with transaction.atomic():
                return Receipt.objects.create(
                    bid=bid,
                    number=receipts.receipt_number(reference, sequence + attempt),
                    submitted_at=now,
                    submitted_by=actor,
                    content_sha256=digest,
                )
        except IntegrityError:
            continue
    raise InvalidTransition("The bid could not be given a receipt number. Please submit it again.")


def bid_submit(*, actor: Person, bid: Bid, now: datetime | None = None) -> Receipt:
    """Submit (or, after withdrawing, submit again) before the deadline. Refused after the deadline, naming it.
    Anything missing is named, field by field. All or nothing: a failure leaves the bid as it was."""
    now = now or timezone.now()
    require(perms.can_submit_bid(actor, bid, now=now))
    with transaction.atomic():
        locked = _lock(bid)
        bidding.check(locked.status, locked.opportunity.closes_at, now, action="submit")
        require(perms.can_submit_bid(actor, locked, now=now))
        today = timezone.localdate(now)
        eligibility = selectors.eligibility_for(locked, today=today)
        missing = selectors.missing_before_submit(locked, today=today)
        if missing:
            errors: dict[str, list[str]] = {}
            for m in missing:
                errors.setdefault(m.field, []).append(m.message)
            if eligibility_rules.blocking(eligibility):
                raise ValidationFailed(
                    eligibility_text.blocked_reason(eligibility_rules.blocking(eligibility)[0]),
                    errors=errors,
                    code="not_eligible",
                )
            raise ValidationFailed.of(errors, "Your bid has not been submitted: there are things still to do.")
        if _live_bid_exists(locked.opportunity, locked.organisation, locked.lot, exclude=locked.pk):
            raise ValidationFailed.of(
                {"organisation": [f"{locked.organisation.name} already has another bid for this. Withdraw it first."]}
            )
        resubmission = locked.receipts.exists()
        locked.receipts.filter(superseded_at__isnull=True).update(superseded_at=now)
        locked.status = BidStatus.SUBMITTED
        locked.submitted_at = now
        locked.submitted_by = actor
        locked.withdrawn_at = None
        locked.save(update_fields=["status", "submitted_at", "submitted_by", "withdrawn_at", "updated_at"])
        _keep_eligibility_evidence(locked, eligibility)
        digest = receipts.content_hash(selectors.submitted_content(locked))
        receipt = _new_receipt(locked, actor=actor, now=now, digest=digest)
        _audit(
            actor,
            "bid.resubmitted" if resubmission else "bid.submitted",
            locked,
            {"receipt": receipt.number, "content_sha256": digest, "at": now.isoformat()},
        )
        notify(recipients=[actor], message=messages.bid_submitted(locked, receipt), email=True)
    _refresh_from(bid, locked)
    return receipt


@transaction.atomic
def bid_withdraw(*, actor: Person, bid: Bid, now: datetime | None = None) -> Bid:
    """Withdraw a submitted bid before the deadline. It can be changed and submitted again until then; its
    receipt is kept, marked superseded."""
    now = now or timezone.now()
    require(perms.can_withdraw_bid(actor, bid, now=now))
    locked = _lock(bid)
    bidding.check(locked.status, locked.opportunity.closes_at, now, action="withdraw")
    locked.status = BidStatus.WITHDRAWN
    locked.withdrawn_at = now
    locked.save(update_fields=["status", "withdrawn_at", "updated_at"])
    locked.receipts.filter(superseded_at__isnull=True).update(superseded_at=now)
    _audit(actor, "bid.withdrawn", locked, {"at": now.isoformat()})
    notify(recipients=[actor], message=messages.bid_withdrawn(locked), email=False)
    _refresh_from(bid, locked)
    return bid


# Stages: who goes on -----------------------------------------------------------------------------------------------


def stage_participants_choose(
    *,
    actor: Person,
    opportunity: Opportunity,
    organisation_ids: Iterable[Any],
    message: str = "",
    now: datetime | None = None,
) -> list:
    """After a stage's bids are opened, choose the providers who go on to the shortlist, dialogue or negotiation
    step that follows (and so to the next stage's submissions). Those not chosen are told, with ``message``, which
    is required when anyone is left out. Returns the organisations chosen."""
    now = now or timezone.now()
    submitted = {org.pk: org for org in selectors.stage_bidders(opportunity)}
    choice = stage_rules.check_choice(
        submitted=set(submitted), wanted=organisation_ids, message=message, opened=perms.is_opened(opportunity)
    )
    problems, text = choice.problems, choice.message
    chosen = [org for pk, org in submitted.items() if pk in choice.going_on]
    left_out = [org for pk, org in submitted.items() if pk not in choice.going_on]
    with transaction.atomic():
        opportunity_services.opportunity_stage_advance(
            actor=actor, opportunity=opportunity, participants=chosen, problems=problems, now=now
        )
        step = opportunity_selectors.current_stage(opportunity)
        audit_record(
            actor=actor,
            verb="bids.stage_decided",
            target=opportunity,
            data={
                "step": step,
                "going_on": sorted(org.org_id for org in chosen),
                "not_going_on": sorted(org.org_id for org in left_out),
                "message": text,
            },
        )
        for org in chosen:
            _notify_organisation(org, messages.chosen_to_go_on(opportunity, org, step=step))
        for org in left_out:
            _notify_organisation(org, messages.not_going_on(opportunity, org, step=step, reason=text))
    return chosen


def _notify_organisation(organisation, message: Message) -> None:
    """Tell an organisation's people, by e-mail too."""
    people = list(opportunity_selectors.provider_people([organisation.pk]))
    if people:
        notify(recipients=people, message=message, email=True)


# Reading --------------------------------------------------------------------------------------------------------


def bid_read_record(*, actor: Person, bid: Bid, where: str) -> None:
    """Record that someone other than the bidder read a bid's content (``where``: which page). The caller has
    already been allowed to read it; the bidder's own reading is not recorded."""
    if perms.is_bidder_for(actor, bid.organisation):
        return
    require(perms.can_view_bid_content(actor, bid))
    _audit(actor, "bid.read", bid, {"where": where})


# Conflicts of interest ------------------------------------------------------------------------------------------


@transaction.atomic
def conflict_declare(
    *, actor: Person, bid: Bid, conflict: bool, details: str = "", now: datetime | None = None
) -> ConflictDeclaration:
    """Record ``actor``'s own declaration for ``bid``, once. A conflict needs details and recuses them from the bid
    everywhere (``permissions.can_view_bid_content``)."""
    now = now or timezone.now()
    require(perms.can_declare_conflict(actor, bid))
    text = (details or "").strip()
    if conflict and not text:
        raise ValidationFailed.of({"details": ["Say what the conflict of interest is."]})
    if len(text) > 5000:
        raise ValidationFailed.of({"details": ["Keep the details to 5,000 characters or fewer."]})
    try:
        with transaction.atomic():
            declaration = ConflictDeclaration.objects.create(
                bid=bid, person=actor, conflict=bool(conflict), details=text, declared_at=now
            )
    except IntegrityError as exc:
        raise InvalidTransition("You have already made your declaration for this bid.") from exc
    _audit(actor, "bid.conflict_declared", bid, {"conflict": bool(conflict), "details": text})
    return declaration


# Opening ---------------------------------------------------------------------------------------------------------


def two_openers_required(opportunity: Opportunity) -> bool:
    """Two people open the bids when the platform's settings ask for it."""
    return bool(getattr(settings, "TRELLIS_BIDS_TWO_PERSON_OPENING", False))


def _complete(opening: Opening, *, actor: Person, now: datetime) -> None:
    opening.opened_by = opening.requested_by
    opening.opened_at = now
    if opening.requires_two_openers:
        opening.second_opener = actor
    opening.save()
    submitted = Bid.objects.filter(
        opportunity_id=opening.opportunity_id, stage=opening.stage, status=BidStatus.SUBMITTED
    )
    audit_record(
        actor=actor,
        verb="bids.opened",
        target=opening.opportunity,
        data={
            "stage": opening.stage,
            "opened_by": opening.requested_by_id,
            "second_opener": opening.second_opener_id,
            "at": now.isoformat(),
            "bids": submitted.count(),
            "receipts": sorted(
                Receipt.objects.filter(bid__in=submitted, superseded_at__isnull=True).values_list("number", flat=True)
            ),
        },
    )


def opening_request(
    *, actor: Person, opportunity: Opportunity, now: datetime | None = None, two_openers: bool | None = None
) -> Opening:
    """Open the bids: only after the deadline and once the opportunity is closed. When two people must open them
    (``two_openers``, or the platform's setting), this records the request and a different commissioner or
    procurement officer completes it with ``opening_confirm``."""
    now = now or timezone.now()
    require(perms.can_open_bids(actor, opportunity, now=now))
    with transaction.atomic():
        stage = opportunity_selectors.bidding_stage(opportunity)
        opening = Opening.objects.select_for_update().filter(opportunity_id=opportunity.pk, stage=stage).first()
        if opening is not None:
            if opening.is_complete:
                raise InvalidTransition("The bids have already been opened.")
            if opening.requested_by_id == actor.pk:
                raise InvalidTransition("You have already asked to open these bids: a second person must confirm.")
            raise InvalidTransition("Someone has already asked to open these bids: confirm the opening instead.")
        required = two_openers_required(opportunity) if two_openers is None else bool(two_openers)
        opening = Opening(
            opportunity=opportunity, stage=stage, requested_by=actor, requested_at=now, requires_two_openers=required
        )
        try:
            with transaction.atomic():
                opening.save()
        except IntegrityError as exc:
            raise InvalidTransition("Someone else has just asked to open these bids.") from exc
        if required:
            audit_record(actor=actor, verb="bids.opening_requested", target=opportunity, data={"at": now.isoformat()})
        else:
            _complete(opening, actor=actor, now=now)
    return opening


def opening_confirm(*, actor: Person, opportunity: Opportunity, now: datetime | None = None) -> Opening:
    """The second person completes a two-person opening. They must be a different person from the first."""
    now = now or timezone.now()
    require(perms.can_confirm_opening(actor, opportunity, now=now))
    with transaction.atomic():
        opening = Opening.objects.select_for_update().get(
            opportunity_id=opportunity.pk, stage=opportunity_selectors.bidding_stage(opportunity)
        )
        if opening.is_complete:
            raise InvalidTransition("The bids have already been opened.")
        if opening.requested_by_id == actor.pk:
            raise InvalidTransition("A different person must confirm the opening: two people open these bids.")
        _complete(opening, actor=actor, now=now)
    return opening
