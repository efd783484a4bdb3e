"""The recommendation and its approval: the top-ranked bid or no award with the reasons, sent back or approved by
a commissioner who declares no conflict, and every bidder sent its assessment summary."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from trellis.bids import selectors as bid_selectors
from trellis.core.errors import ValidationFailed
from trellis.core.models import Person
from trellis.core.permissions import require
from trellis.core.services import notify
from trellis.evaluation import messages, selectors
from trellis.evaluation import permissions as perms
from trellis.evaluation.domain import award, workflow
from trellis.evaluation.domain.summary import WITHHOLDING_GROUNDS
from trellis.evaluation.domain.workflow import Move
from trellis.evaluation.models import (
    AwardDecision,
    Evaluation,
)
from trellis.evaluation.services.common import audit, cleaned_text, lock, refresh_from
from trellis.opportunities import selectors as opportunity_selectors
from trellis.opportunities import services as opportunity_services

if TYPE_CHECKING:
    pass


# Recommendation, decision, contract -------------------------------------------------------------------------


def recommendation_make(
    *,
    actor: Person,
    evaluation: Evaluation,
    rationale: str,
    award: bool = True,
    reason_for_bidders: str = "",
    withheld: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> AwardDecision:
    """Recommend the top-ranked bid (or no award), with the reasons, once every bid's quality criteria have their
    consensus mark. The totals, ranks, flags and what would change the winner are kept with the decision. The
    rationale is internal; for no award, ``reason_for_bidders`` is what every bidder's letter says (Procurement
    Regulations 2024 reg 31). ``withheld`` ``{criterion id: ground}`` withholds the winning tender's reasons for
    those quality criteria from the other bidders' summaries, which say so and why (s.94)."""
    now = now or timezone.now()
    require(perms.can_recommend(actor, evaluation))
    text = cleaned_text(rationale)
    for_bidders = cleaned_text(reason_for_bidders) if not award else ""
    with transaction.atomic():
        locked = lock(evaluation)
        errors: dict[str, list[str]] = {}
        missing = selectors.consensus_missing(locked)
        if missing:
            errors["consensus"] = [f"Record the consensus marks first: {len(missing)} still to agree."]
        if not text:
            errors["rationale"] = ["Explain the recommendation: why this bid, or why no award."]
        elif len(text) > workflow.MAX_TEXT:
            errors["rationale"] = ["Keep the explanation to 10,000 characters or fewer."]
        if not award and not for_bidders:
            errors["reason_for_bidders"] = [
                "Say what every bidder will be told about why no award is made: the reasons above are internal."
            ]
        elif len(for_bidders) > workflow.MAX_TEXT:
            errors["reason_for_bidders"] = ["Keep what bidders are told to 10,000 characters or fewer."]
        hidden = {str(k): str(v) for k, v in (withheld or {}).items() if v}
        quality = {str(c.pk) for c in locked.opportunity.criteria.all() if not c.is_price}
        if any(k not in quality or v not in WITHHOLDING_GROUNDS for k, v in hidden.items()):
            errors["withheld"] = ["Withhold only the reasons for a quality criterion, on one of the grounds listed."]
        elif hidden and not award:
            errors["withheld"] = ["There is no successful tender whose reasons could be withheld."]
        outcome = None if missing else selectors.evaluation_outcome(locked)
        undecided = selectors.low_prices_undecided(locked, outcome) if outcome else []
        if undecided:
            names = ", ".join(item.bid.organisation.name for item in undecided)
            errors["low_prices"] = [
                f"Decide first on each price that may be abnormally low, after asking the supplier to explain it "
                f"(Procurement Act 2023 s.19(4)–(5)): {names}."
            ]
        if errors:
            raise ValidationFailed.of(errors, "The recommendation has not been made.")
        assert outcome is not None
        winners = outcome.winners if award else []
        if award and not winners:
            raise ValidationFailed.of({"award": ["No bid is ranked, so none can be recommended: recommend no award."]})
        decision = AwardDecision.objects.create(
            evaluation=locked,
            rationale=text,
            reason_for_bidders=for_bidders,
            withheld=hidden,
            result=outcome.as_json,
            recommended_by=actor,
            recommended_at=now,
        )
        decision.winning_bids.set(winners)
        locked.state = workflow.next_state(locked.state, Move.RECOMMEND).value
        locked.save(update_fields=["state", "updated_at"])
        audit(
            actor,
            "evaluation.recommended",
            locked,
            {
                "winners": [bid.organisation.org_id for bid in winners],
                "rationale": text,
                "for_bidders": for_bidders,
                "withheld": hidden,
            },
        )
        notify(
            recipients=[p for p in opportunity_selectors.opportunity_officers(locked.opportunity) if p.pk != actor.pk],
            message=messages.recommendation_to_approve(locked),
            email=True,
        )
        refresh_from(evaluation, locked)
    return decision


def decision_send_back(*, actor: Person, evaluation: Evaluation, reason: str) -> Evaluation:
    """The approver returns the recommendation to the panel with a reason; the recommendation is withdrawn."""
    require(perms.can_decide(actor, evaluation))
    text = cleaned_text(reason)
    if not text:
        raise ValidationFailed.of({"reason": ["Say why the recommendation is sent back."]})
    with transaction.atomic():
        locked = lock(evaluation)
        decision = locked.decision
        audit(
            actor,
            "evaluation.sent_back",
            locked,
            {"reason": text, "recommended_by": decision.recommended_by_id, "rationale": decision.rationale},
        )
        recommender = decision.recommended_by
        decision.delete()
        locked.state = workflow.next_state(locked.state, Move.SEND_BACK).value
        locked.save(update_fields=["state", "updated_at"])
        told = {p.pk: p for p in [recommender, *selectors.organisers(locked)] if p.is_active and p.pk != actor.pk}
        notify(
            recipients=list(told.values()),
            message=messages.recommendation_sent_back(locked, reason=text),
            email=True,
        )
        refresh_from(evaluation, locked)
    return evaluation


#: What the approver confirms before approving: anyone who can influence the decision must have no conflict of
#: interest (Procurement Act 2023 s.81), not only the panel.
APPROVER_DECLARATION = "I have no conflict of interest with any bidder in this evaluation."


def decision_approve(
    *, actor: Person, evaluation: Evaluation, declares_no_conflict: bool = False, now: datetime | None = None
) -> AwardDecision:
    """Approve the recommendation: the approver declares no conflict with any bidder, the opportunity is awarded
    (or not), every bidder is told with a link to its assessment summary, and the standstill starts where it
    applies."""
    now = now or timezone.now()
    require(perms.can_decide(actor, evaluation))
    if not declares_no_conflict:
        raise ValidationFailed.of(
            {
                "declaration": [
                    "Declare that you have no conflict of interest with any bidder before you approve the decision "
                    "(Procurement Act 2023 s.81). If you have one, another commissioner must approve it."
                ]
            },
            "The decision has not been approved.",
        )
    with transaction.atomic():
        locked = lock(evaluation)
        decision = AwardDecision.objects.select_for_update().get(evaluation=locked)
        opportunity = locked.opportunity
        rule = opportunity_selectors.award_standstill(opportunity)
        decision.approved_by, decision.approved_at = actor, now
        decision.approver_declared_no_conflict = True
        decision.standstill_applies = rule.required and decision.is_award
        decision.standstill_reason = award.standstill_words(rule)[:300]
        decision.save()
        locked.state = workflow.next_state(locked.state, Move.APPROVE).value
        locked.save(update_fields=["state", "updated_at"])
        opportunity_services.opportunity_transition(
            actor=actor,
            opportunity=opportunity,
            action="award" if decision.is_award else "not_award",
            reason="" if decision.is_award else decision.rationale,
            now=now,
            award_approved=True,
        )
        audit(
            actor,
            "evaluation.approved",
            locked,
            {
                "winners": sorted(bid.organisation.org_id for bid in decision.winning_bids.all()),
                "summaries_sent": True,
                "standstill": decision.standstill_reason,
            },
        )
        _notify_bidders(locked, decision)
        refresh_from(evaluation, locked)
    return decision


def _notify_bidders(evaluation: Evaluation, decision: AwardDecision) -> None:
    opportunity = evaluation.opportunity
    winners = set(decision.winning_bids.values_list("pk", flat=True))
    for bid in bid_selectors.opened_bids(opportunity):
        people = list(opportunity_selectors.provider_people([bid.organisation_id]))
        if not people:
            continue
        message = messages.outcome(bid, successful=bid.pk in winners, standstill_follows=decision.standstill_applies)
        notify(recipients=people, message=message, email=True)
