"""Who may do what with bids. Views, templates, the API and services all ask these.

The sealed rule (``can_view_bid_content``): a bid's content is read by the people of the bidding organisation
(for a consortium, its own people and the people of its lead organisation) — and by the authority's commissioners,
procurement officers and platform admins only after the opening of the opportunity's bids is complete, and then
only for submitted bids. Nobody else, admins and superusers included, ever. Anyone who has declared a conflict of
interest with a bid's bidder (``ConflictDeclaration``) is recused: they cannot read it, whatever their role.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from trellis.bids.domain import bidding
from trellis.bids.models import Bid, ConflictDeclaration, Opening
from trellis.core import roles
from trellis.core.domain.roles import AUTHORITY_ROLES, PROVIDER_ROLES, Role
from trellis.core.permissions import Decision, allow, deny
from trellis.opportunities import selectors as opportunity_selectors
from trellis.opportunities.domain.kinds import Stage
from trellis.opportunities.domain.lifecycle import Status

if TYPE_CHECKING:
    from trellis.opportunities.models import Opportunity
    from trellis.organisations.models import Organisation

SIGN_IN = "Sign in to do this."
NOT_ON_FRAMEWORK = "Only providers on the framework can bid for this call-off."
SEALED = "Bids are sealed until the deadline has passed and the bids have been opened."
RECUSED = "You declared a conflict of interest with this bidder, so you cannot see this bid."
OFFICER_ROLES = frozenset({Role.COMMISSIONER, Role.PROCUREMENT_OFFICER})
#: The opportunity states in which the bids may be opened.
OPENABLE_STATUSES = frozenset({Status.CLOSED, Status.UNDER_EVALUATION})


def _signed_in(actor) -> bool:
    return bool(actor is not None and getattr(actor, "is_authenticated", False))


def bidder_organisation_ids(organisation: Organisation) -> set[int]:
    """The organisations whose people act for ``organisation`` in bidding: itself and, for a consortium, its lead."""
    ids = {organisation.pk}
    if getattr(organisation, "is_consortium", False):
        consortium = getattr(organisation, "consortium", None)
        if consortium is not None:
            ids.add(consortium.lead_id)
    return ids


def is_bidder_for(actor, organisation: Organisation) -> bool:
    if not _signed_in(actor):
        return False
    return any(roles.has_role(actor, PROVIDER_ROLES, org_id) for org_id in bidder_organisation_ids(organisation))


def is_opened(opportunity: Opportunity, stage: str | None = None) -> bool:
    """Have the bids been opened — for a procedure run in stages, those of ``stage`` (by default the current
    submission stage)?"""
    opening = _opening(opportunity, stage)
    return opening is not None and opening.is_complete


def _opening(opportunity: Opportunity, stage: str | None = None) -> Opening | None:
    """Read from the database every time: a stale cached answer must never decide the sealed rule."""
    if stage is None:
        stage = opportunity_selectors.bidding_stage(opportunity)
    return Opening.objects.filter(opportunity_id=opportunity.pk, stage=stage).first()


def stage_closed_reason(bid: Bid) -> str | None:
    """A bid made for an earlier stage of a procedure run in stages stays as it was submitted."""
    current = opportunity_selectors.bidding_stage(bid.opportunity)
    if bid.stage == current:
        return None
    label = Stage(bid.stage).label.lower() if bid.stage in {s.value for s in Stage} else "earlier"
    return f"This bid was made for the {label} stage, which has closed."


def has_declared_conflict(actor, bid: Bid) -> bool:
    """Read from the database every time: a recusal must never be missed."""
    return ConflictDeclaration.objects.filter(bid_id=bid.pk, person_id=actor.pk, conflict=True).exists()


def can_view_bid_content(actor, bid: Bid) -> Decision:
    """The sealed rule. See the module's docstring."""
    if not _signed_in(actor):
        return deny(SIGN_IN)
    if has_declared_conflict(actor, bid):
        return deny(RECUSED)
    if is_bidder_for(actor, bid.organisation):
        return allow("You belong to the organisation that made this bid.")
    if roles.is_staff_member(actor):
        if not is_opened(bid.opportunity, bid.stage):
            return deny(SEALED)
        if bid.status != bidding.BidStatus.SUBMITTED:
            return deny("Only submitted bids are opened.")
        return allow("The bids have been opened.")
    return deny("You can only see your own organisation's bids.")


def can_declare_conflict(actor, bid: Bid) -> Decision:
    """The authority's people (officers, evaluators, citizen commissioners) declare, for themselves, whether they
    have a conflict with an opened bid's bidder, once. The evaluation app decides who must."""
    if not _signed_in(actor):
        return deny(SIGN_IN)
    if not roles.has_role(actor, AUTHORITY_ROLES):
        return deny("Only the council's people on an evaluation panel declare conflicts of interest.")
    if bid.status != bidding.BidStatus.SUBMITTED or not is_opened(bid.opportunity, bid.stage):
        return deny(SEALED)
    if ConflictDeclaration.objects.filter(bid_id=bid.pk, person_id=actor.pk).exists():
        return deny("You have already made your declaration for this bid.")
    return allow()


def can_start_bid(
    actor, opportunity: Opportunity, organisation: Organisation, *, now: datetime | None = None
) -> Decision:
    if not _signed_in(actor):
        return deny(SIGN_IN)
    if not is_bidder_for(actor, organisation):
        return deny("You can only bid for an organisation you belong to.")
    if opportunity.status != Status.PUBLISHED:
        return deny("This opportunity is not open for bids.")
    if not opportunity_selectors.is_framework_member(opportunity, organisation):
        return deny(NOT_ON_FRAMEWORK)
    problem = opportunity_selectors.stage_entry_problem(opportunity, organisation)
    if problem:
        return deny(problem)
    now = now or timezone.now()
    if bidding.deadline_passed(opportunity.closes_at, now):
        return deny(bidding.lock_reason(bidding.BidStatus.DRAFT, opportunity.closes_at, now) or "")
    return allow("You can start a bid.")


def _can_act(actor, bid: Bid, action: str, now: datetime | None) -> Decision:
    if not _signed_in(actor):
        return deny(SIGN_IN)
    if not is_bidder_for(actor, bid.organisation):
        return deny("You can only change your own organisation's bids.")
    reason = stage_closed_reason(bid) or bidding.lock_reason(
        bid.status, bid.opportunity.closes_at, now or timezone.now(), action=action
    )
    if reason:
        return deny(reason)
    if action != "withdraw" and bid.opportunity.status != Status.PUBLISHED:
        return deny("This opportunity is not open for bids.")
    return allow()


def can_edit_bid(actor, bid: Bid, *, now: datetime | None = None) -> Decision:
    return _can_act(actor, bid, "edit", now)


def can_submit_bid(actor, bid: Bid, *, now: datetime | None = None) -> Decision:
    return _can_act(actor, bid, "submit", now)


def can_withdraw_bid(actor, bid: Bid, *, now: datetime | None = None) -> Decision:
    return _can_act(actor, bid, "withdraw", now)


def can_open_bids(actor, opportunity: Opportunity, *, now: datetime | None = None) -> Decision:
    """Commissioners and procurement officers open the bids, once the deadline has passed and the opportunity
    is closed. Platform admins run the platform; they do not open bids."""
    if not _signed_in(actor):
        return deny(SIGN_IN)
    if not roles.has_role(actor, OFFICER_ROLES):
        return deny("Only the council's commissioners and procurement officers can open bids.")
    now = now or timezone.now()
    if opportunity.closes_at is None or now < opportunity.closes_at:
        if opportunity.closes_at is None:
            return deny("Bids cannot be opened: this opportunity has no deadline.")
        return deny(f"Bids cannot be opened before the deadline, {bidding.format_deadline(opportunity.closes_at)}.")
    if opportunity.status not in OPENABLE_STATUSES:
        return deny("Bids can be opened only once the opportunity has been closed.")
    opening = _opening(opportunity)
    if opening is not None and opening.is_complete:
        return deny("The bids have already been opened.")
    return allow("You can open the bids.")


def can_confirm_opening(actor, opportunity: Opportunity, *, now: datetime | None = None) -> Decision:
    """The second person of a two-person opening: another commissioner or procurement officer."""
    decision = can_open_bids(actor, opportunity, now=now)
    if not decision:
        return decision
    opening = _opening(opportunity)
    if opening is None:
        return deny("Nobody has asked to open these bids yet.")
    if opening.requested_by_id == actor.pk:
        return deny("A different person must confirm the opening: two people open these bids.")
    return allow("You can confirm the opening.")


def can_see_bid_count(actor, opportunity: Opportunity) -> Decision:
    """Before the opening, staff see how many bids there are only when the opportunity is set up to show it."""
    if not roles.is_staff_member(actor):
        return deny("Only the council's people see how many bids there are.")
    if is_opened(opportunity) or opportunity.show_bid_count_before_opening:
        return allow()
    return deny("This opportunity does not show how many bids there are before the opening.")
