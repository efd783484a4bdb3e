"""Who may do what in an evaluation. Views, templates and services all ask these; services re-check.

- Commissioners and procurement officers set up the panel while the evaluation is being set up.
- A panel member declares, for each bid, whether they have a conflict of interest before seeing it; a declared
  conflict recuses them from that bid everywhere (the bids app refuses its content to them too).
- A member reads a bid, and marks the criteria assigned to them, only after declaring no conflict; they see
  colleagues' marks for a bid only once they have submitted their own for it.
- The moderator records the consensus for a criterion once everyone assigned has submitted; a moderator with a
  conflict cannot moderate that bid.
- The recommendation is made by a moderator or an officer; it is approved by a commissioner who did not make it.
- Prices in a "price envelope" are hidden from the quality evaluators until quality is moderated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from trellis.bids import permissions as bid_perms
from trellis.bids import selectors as bid_selectors
from trellis.core import roles
from trellis.core.domain.roles import Role
from trellis.core.permissions import Decision, allow, deny
from trellis.evaluation.domain.workflow import State
from trellis.evaluation.models import Evaluation, PanelMember, ScoreSheet
from trellis.opportunities.domain.lifecycle import Status as OpportunityStatus

if TYPE_CHECKING:
    from trellis.bids.models import Bid
    from trellis.opportunities.models import Criterion

SIGN_IN = "Sign in to do this."
OFFICER_ROLES = frozenset({Role.COMMISSIONER, Role.PROCUREMENT_OFFICER})
OFFICERS_ONLY = "Only the council's commissioners and procurement officers can do this."
NOT_ON_PANEL = "Only the members of this evaluation's panel can do this."
RESULTS_FOR = "Only the council's commissioners and procurement officers and the panel's moderator see the results."
CONFLICTED_RESULTS = (
    "You declared a conflict of interest with a bidder in this evaluation, so you cannot see its results."
)
DECLARE_FIRST = "Declare whether you have a conflict of interest with this bidder before you see the bid."


def _signed_in(actor) -> bool:
    return bool(actor is not None and getattr(actor, "is_authenticated", False))


def is_officer(actor) -> bool:
    return _signed_in(actor) and roles.has_role(actor, OFFICER_ROLES)


def member_for(actor, evaluation: Evaluation) -> PanelMember | None:
    """The actor's place on the panel, read from the database every time."""
    if not _signed_in(actor):
        return None
    return PanelMember.objects.filter(evaluation_id=evaluation.pk, person_id=actor.pk).first()


def has_conflict_in(actor, evaluation: Evaluation) -> bool:
    """Has ``actor`` declared a conflict with any bidder in this evaluation?"""
    bid_ids = [b.pk for b in bid_selectors.opened_bids(evaluation.opportunity)]
    return bid_selectors.conflict_declarations(bid_ids).filter(person_id=actor.pk, conflict=True).exists()


LOT_RECUSED = (
    "You declared a conflict of interest with a bidder in this lot, so you are recused from every bid in it: "
    "marking that bidder's rivals would still favour or harm it (Procurement Act 2023 s.81)."
)


def lot_conflicted_people(bid: Bid) -> set[int]:
    """Who declared a conflict with any opened bid in ``bid``'s lot (the whole opportunity when it has no lots):
    they are recused from every bid of that lot, since marking a bidder's rivals favours or harms it too."""
    rivals = [b.pk for b in bid_selectors.opened_bids(bid.opportunity) if b.lot_id == bid.lot_id]
    return set(bid_selectors.conflict_declarations(rivals).filter(conflict=True).values_list("person_id", flat=True))


def _declared(actor, bid: Bid) -> bool | None:
    """None if not declared; True if a conflict was declared; False if none."""
    declaration = bid.conflict_declarations.filter(person_id=actor.pk).first()
    return None if declaration is None else declaration.conflict


CANCELLED = "The opportunity was cancelled, so its evaluation has stopped: nothing more can be done in it."


def _stopped(evaluation: Evaluation) -> bool:
    """An evaluation whose opportunity was cancelled takes no more steps (it stays readable for the audit file)."""
    return evaluation.opportunity.status == OpportunityStatus.CANCELLED


def can_view_evaluation(actor, evaluation: Evaluation) -> Decision:
    if not _signed_in(actor):
        return deny(SIGN_IN)
    if is_officer(actor) or member_for(actor, evaluation) is not None:
        return allow()
    return deny(NOT_ON_PANEL)


def can_set_up_panel(actor, evaluation: Evaluation) -> Decision:
    if not is_officer(actor):
        return deny(OFFICERS_ONLY)
    if _stopped(evaluation):
        return deny(CANCELLED)
    if evaluation.state != State.SETTING_UP:
        return deny("The panel and the rules are fixed once scoring has started.")
    return allow()


def can_declare(actor, evaluation: Evaluation, bid: Bid) -> Decision:
    member = member_for(actor, evaluation)
    if member is None:
        return deny(NOT_ON_PANEL)
    if _stopped(evaluation):
        return deny(CANCELLED)
    if evaluation.state != State.SCORING:
        return deny("Declarations are made while the bids are being scored.")
    return bid_perms.can_declare_conflict(actor, bid)


def can_read_bid(actor, evaluation: Evaluation, bid: Bid) -> Decision:
    """A panel member reads a bid once they have declared no conflict with its bidder."""
    if not _signed_in(actor):
        return deny(SIGN_IN)
    if member_for(actor, evaluation) is None:
        return deny(NOT_ON_PANEL)
    declared = _declared(actor, bid)
    if declared:
        return deny(bid_perms.RECUSED)
    if actor.pk in lot_conflicted_people(bid):
        return deny(LOT_RECUSED)
    if declared is None:
        return deny(DECLARE_FIRST)
    if bid_perms.is_bidder_for(actor, bid.organisation):
        return deny("You cannot evaluate your own organisation's bid.")
    if bid.status != "submitted" or not bid_perms.is_opened(bid.opportunity, bid.stage):
        return deny(bid_perms.SEALED)
    return allow()


def _sheet(member: PanelMember, bid: Bid) -> ScoreSheet | None:
    return ScoreSheet.objects.filter(member_id=member.pk, bid_id=bid.pk).first()


def can_score(actor, evaluation: Evaluation, bid: Bid, criterion: Criterion | None = None) -> Decision:
    """Mark a bid (the criteria assigned to the actor, or ``criterion``) while scoring, until submitted."""
    readable = can_read_bid(actor, evaluation, bid)
    if not readable:
        return readable
    if _stopped(evaluation):
        return deny(CANCELLED)
    if evaluation.state != State.SCORING:
        return deny("Marks can be given only while the bids are being scored.")
    member = member_for(actor, evaluation)
    assert member is not None
    assigned = set(member.criteria.values_list("pk", flat=True))
    if not assigned:
        return deny("You have no criteria to mark on this panel.")
    if criterion is not None and criterion.pk not in assigned:
        return deny(f"You are not marking “{criterion.name}” on this panel.")
    sheet = _sheet(member, bid)
    if sheet is not None and sheet.submitted_at is not None:
        return deny("You have submitted your marks for this bid: they can no longer be changed.")
    return allow()


def can_see_colleagues_marks(actor, evaluation: Evaluation, bid: Bid) -> Decision:
    """Independent scoring: a marker sees the others' marks for a bid only after submitting their own; a moderator
    who marks nothing sees them once they may read the bid."""
    readable = can_read_bid(actor, evaluation, bid)
    if not readable:
        return readable
    member = member_for(actor, evaluation)
    assert member is not None
    if not member.criteria.exists():
        return allow() if member.is_moderator else deny("Only markers and moderators see the panel's marks.")
    sheet = _sheet(member, bid)
    if sheet is None or sheet.submitted_at is None:
        return deny("Submit your own marks for this bid before you see your colleagues' marks.")
    return allow()


def can_moderate(actor, evaluation: Evaluation, bid: Bid) -> Decision:
    member = member_for(actor, evaluation)
    if member is None or not member.is_moderator:
        return deny("Only the panel's moderator records the consensus marks.")
    if _stopped(evaluation):
        return deny(CANCELLED)
    if evaluation.state != State.SCORING:
        return deny("Consensus marks are recorded while the bids are being scored.")
    return can_see_colleagues_marks(actor, evaluation, bid)


def can_see_results(actor, evaluation: Evaluation) -> Decision:
    """The totals and ranking: officers and the panel's moderators, unless they declared a conflict with one of the
    bidders (the results would show that bid's marks)."""
    member = member_for(actor, evaluation)
    if not (is_officer(actor) or (member is not None and member.is_moderator)):
        return deny(
            "Only the council's commissioners and procurement officers and the panel's moderator see the results."
        )
    if has_conflict_in(actor, evaluation):
        return deny(
            "You declared a conflict of interest with a bidder in this evaluation, so you cannot see its results."
        )
    return allow()


def can_recommend(actor, evaluation: Evaluation) -> Decision:
    member = member_for(actor, evaluation)
    if not (is_officer(actor) or (member is not None and member.is_moderator)):
        return deny("Only the moderator or a commissioner or procurement officer makes the recommendation.")
    if _stopped(evaluation):
        return deny(CANCELLED)
    if evaluation.state != State.SCORING:
        return deny("A recommendation is made when scoring and moderation are finished.")
    return allow()


def can_see_low_prices(actor, evaluation: Evaluation) -> Decision:
    """The abnormally low prices page, with what was recorded: the authority's officers."""
    return allow() if is_officer(actor) else deny(OFFICERS_ONLY)


def can_review_low_prices(actor, evaluation: Evaluation) -> Decision:
    """Ask a supplier to explain a possibly abnormally low price, record the answer and decide: the authority's
    commissioners and procurement officers, while the panel is scoring (before the recommendation)."""
    if not is_officer(actor):
        return deny(OFFICERS_ONLY)
    if _stopped(evaluation):
        return deny(CANCELLED)
    if evaluation.state != State.SCORING:
        return deny("Abnormally low prices are reviewed while the panel is scoring, before the recommendation.")
    return allow()


def can_decide(actor, evaluation: Evaluation) -> Decision:
    """Approve the recommendation, or send it back: a commissioner other than the person who made it."""
    if not _signed_in(actor):
        return deny(SIGN_IN)
    if not roles.has_role(actor, Role.COMMISSIONER):
        return deny("Only a commissioner approves an award decision.")
    if _stopped(evaluation):
        return deny(CANCELLED)
    if evaluation.state != State.RECOMMENDED:
        return deny("There is no recommendation waiting for approval.")
    decision = getattr(evaluation, "decision", None)
    if decision is not None and decision.recommended_by_id == actor.pk:
        return deny("Someone other than the person who made the recommendation must approve it.")
    if has_conflict_in(actor, evaluation):
        return deny(
            "You declared a conflict of interest with a bidder in this evaluation, so another commissioner must "
            "approve its award decision (Procurement Act 2023 s.81)."
        )
    return allow()


#: The states in which the award steps after approval are recorded.
AWARD_STEP_STATES = frozenset({State.DECIDED, State.STANDSTILL, State.SUSPENDED, State.CHECKED})


def can_record_award_steps(actor, evaluation: Evaluation) -> Decision:
    """The award notice, a challenge, the exclusion checks and the contract: commissioners and procurement officers,
    once the decision is approved (the lifecycle table then says which step comes next)."""
    if not is_officer(actor):
        return deny(OFFICERS_ONLY)
    if _stopped(evaluation):
        return deny(CANCELLED)
    if evaluation.state not in AWARD_STEP_STATES:
        return deny("The award steps are recorded once the decision has been approved, until the contract is.")
    return allow()


def can_see_prices(actor, evaluation: Evaluation, *, quality_moderated: bool) -> Decision:
    """With a price envelope, prices stay hidden from those who do not mark price until quality is moderated."""
    if not evaluation.price_envelope or quality_moderated:
        return allow()
    member = member_for(actor, evaluation)
    if member is not None and member.criteria.filter(is_price=True).exists():
        return allow("You mark price on this panel.")
    return deny("Prices are in a sealed envelope until the quality marks are moderated.")


#: The states in which the award decision has been approved: the assessment summaries can be read.
SUMMARY_STATES = AWARD_STEP_STATES | {State.CONCLUDED}
#: The states from which the evaluation report can be read: a recommendation exists.
REPORT_STATES = SUMMARY_STATES | {State.RECOMMENDED}


def can_view_summary(actor, bid: Bid, evaluation: Evaluation) -> Decision:
    """A bid's assessment summary: for the bidding organisation's people and the council's officers (not one who
    declared a conflict with the bidder), once the award decision is approved."""
    if not _signed_in(actor):
        return deny(SIGN_IN)
    if not bid_perms.is_bidder_for(actor, bid.organisation):
        if not is_officer(actor):
            return deny("Only the bidder and the council's commissioners and procurement officers see this summary.")
        if bid_perms.has_declared_conflict(actor, bid):
            return deny(bid_perms.RECUSED)
    if evaluation.state not in SUMMARY_STATES:
        return deny("The assessment summary is ready once the award decision has been approved.")
    return allow()


def can_view_report(actor, evaluation: Evaluation) -> Decision:
    """The evaluation report, for the decision-maker and the audit file: the council's officers and the panel's
    moderators, once a recommendation has been made."""
    if not _signed_in(actor):
        return deny(SIGN_IN)
    member = member_for(actor, evaluation)
    if not (is_officer(actor) or (member is not None and member.is_moderator)):
        return deny("Only the moderator and the council's commissioners and procurement officers see the report.")
    if evaluation.state not in REPORT_STATES:
        return deny("The evaluation report is ready once a recommendation has been made.")
    return allow()
