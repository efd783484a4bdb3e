"""The demo tells the first half of the commissioning cycle end to end: needs and route decisions, published
opportunities, bids (one by a consortium led by a small local charity), independent scoring with one declared
conflict, moderation, award, standstill and an assessment summary for every bidder; and each stage can be reached
in a state a newcomer can act on. Loaded through the services, once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from trellis.bids import selectors as bid_selectors
from trellis.bids.models import Bid, ConflictDeclaration
from trellis.core.errors import InvalidTransition
from trellis.core.models import AuditEvent, Notification, Person
from trellis.core.services import audit_verify
from trellis.demo import loader
from trellis.demo.commissioning import commissioning_data
from trellis.demo.evaluation import evaluation_data
from trellis.evaluation import permissions as perms
from trellis.evaluation import selectors, services
from trellis.evaluation.models import AwardDecision, ConsensusMark, Evaluation, Mark, ScoreSheet
from trellis.opportunities.models import Opportunity
from trellis.organisations import selectors as org_selectors
from trellis.routes.models import RouteDecision

GRANTS = "Community hubs: three-year grants for neighbourhood groups"
TENDER = "Family Hubs early help service"
TRANSPORT = "Accessible door-to-door transport (dial-a-ride)"
STILL_OPEN = "Tackling loneliness: three-year befriending grants"


def _stories() -> list:
    return evaluation_data()["stories"]


def _account(role_label: str) -> str:
    """The e-mail of the demo person `trellis demo accounts` lists for a role."""
    return next(email for label, _name, email, _org in loader.accounts() if label == role_label)


def _evaluation(title: str) -> Evaluation:
    return Evaluation.objects.select_related("opportunity").get(opportunity__title=title)


def _counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (
            Opportunity,
            RouteDecision,
            Bid,
            Evaluation,
            ScoreSheet,
            Mark,
            ConsensusMark,
            AwardDecision,
            ConflictDeclaration,
            AuditEvent,
        )
    )


def _check_every_bidder_has_its_summary(evaluation: Evaluation) -> None:
    """Each bidder reaches its bid, and its summary's content is there: the agreed mark and rationale for every
    quality criterion, and its line in the result kept with the approved decision."""
    decision = evaluation.decision
    quality = [c for c in evaluation.opportunity.criteria.all() if not c.is_price]
    kept = {(lot["lot"], bid["key"]) for lot in decision.result["lots"] for bid in lot["result"]["bids"]}
    outcome = selectors.evaluation_outcome(evaluation)
    bids = selectors.bids(evaluation)
    assert bids
    for bid in bids:
        assert bid_selectors.bid_get_for(actor=bid.submitted_by, public_id=bid.public_id) == bid
        agreed = selectors.consensus_for(bid)
        assert set(agreed) == {c.pk for c in quality}, bid.organisation.name
        assert all(c.rationale.strip() for c in agreed.values())
        lot = bid.lot.number if bid.lot else None
        assert (lot, selectors.bid_key(bid)) in kept
        assert outcome.results[lot].bid(selectors.bid_key(bid)).rank is not None


def _check_the_decided_grant_round(today) -> None:
    grants = _evaluation(GRANTS)
    opportunity = grants.opportunity
    assert opportunity.status == "awarded" and grants.state == "decided"
    assert opportunity.route_decision is not None and opportunity.route == "grant_three_year"
    assert opportunity.published_at is not None and opportunity.duration_months == 36
    decision = grants.decision
    winners = list(decision.winning_bids.all())
    assert len(winners) == opportunity.lots.count() == 2  # one grant for each lot
    assert {w.pk for w in winners} == {w.pk for w in selectors.evaluation_outcome(grants).winners}
    for winner in winners:  # the recommendation's reasons name the bids the engine ranks first
        assert winner.organisation.name in decision.rationale
    assert decision.approved_at is not None and decision.approved_by_id != decision.recommended_by_id
    assert not decision.standstill_applies and decision.standstill_last_day is None
    _check_every_bidder_has_its_summary(grants)

    # One declared conflict in the whole story, with its details; the person is recused from that bid.
    conflict = ConflictDeclaration.objects.get(conflict=True)
    assert conflict.bid.opportunity == opportunity and conflict.details.strip()
    assert not perms.can_read_bid(conflict.person, grants, conflict.bid)
    assert not ScoreSheet.objects.filter(member__person=conflict.person, bid=conflict.bid).exists()
    # Moderation settled a divergence between evaluators.
    divergences = [d for r in selectors.evaluation_outcome(grants).results.values() for d in r.divergences]
    assert divergences and all(d.consensus is not None for d in divergences)


def _check_the_standstill_still_running(today) -> None:
    transport = _evaluation(TRANSPORT)
    assert transport.opportunity.kind == "open_tender" and transport.opportunity.route == "open_procedure"
    decision = transport.decision
    assert transport.state == "standstill" and decision.winning_bids.exists()
    approved_on = timezone.localdate(decision.approved_at)
    assert today - timedelta(days=7) <= approved_on < today  # awarded a few days ago
    assert decision.award_notice_published_on == today - timedelta(days=2)
    assert decision.standstill_applies and decision.standstill_kind == "mandatory"
    assert decision.standstill_last_day >= today
    officer = transport.opportunity.created_by
    with pytest.raises(InvalidTransition, match="cannot"):  # the exclusion checks come first
        services.contract_enter(actor=officer, evaluation=transport, on=today)
    decision.refresh_from_db()
    transport.refresh_from_db()
    assert decision.contract_entered_on is None and transport.state == "standstill"
    _check_every_bidder_has_its_summary(transport)


def test_the_story_loads_once_and_tells_the_cycle_end_to_end(demo_db):
    today = timezone.localdate()  # the day the demo was loaded (this test session)
    assert Opportunity.objects.count() == len(commissioning_data()["opportunities"]) + len(_stories())
    assert Evaluation.objects.count() == len(_stories())
    # Both kinds of route were saved as decisions and published on the forward plan.
    tender = Opportunity.objects.get(title=TENDER)
    assert tender.route == "light_touch_flexible" and tender.route_decision is not None
    assert tender.published_at is not None and tender.closes_at < timezone.now()
    # A consortium bid led by a small local charity (income under £1m, working only here), with the shares.
    consortium_bids = [b for b in Bid.objects.filter(opportunity=tender) if b.organisation.is_consortium]
    assert len(consortium_bids) == 1
    consortium = org_selectors.consortium_for(organisation=consortium_bids[0].organisation)
    assert consortium.lead.legal_form in {"charitable_company", "cio"} and not consortium.lead.works_outside_place
    assert consortium.lead.annual_income < 1_000_000
    assert sum(r.share_percent for r in consortium_bids[0].consortium_roles.all()) == 100

    _check_the_decided_grant_round(today)
    _check_the_standstill_still_running(today)
    assert audit_verify()[1] is None
    assert not Notification.objects.exists()  # loading the demo messages nobody

    before = _counts()
    again = loader.load(today=today)
    assert again.opportunities_created == 0 and _counts() == before


def test_a_tender_waits_for_the_moderator_and_a_round_stays_open(demo_db):
    tender = _evaluation(TENDER)
    assert tender.state == "scoring" and tender.opportunity.status == "under_evaluation"
    bids = selectors.bids(tender)
    markers = [m for m in selectors.panel(tender) if m.criteria.exists()]
    assert len(bids) == 3 and len(markers) == 3
    for bid in bids:  # every evaluator has submitted for every bid; nobody is recused
        assert all(a.submitted and not a.conflicted for a in selectors.assignments(tender, bid) if a.criteria)
    assert not ConsensusMark.objects.filter(evaluation=tender).exists()
    quality = [c for c in tender.opportunity.criteria.all() if not c.is_price]
    assert len(selectors.consensus_missing(tender)) == len(bids) * len(quality)
    (divergence,) = selectors.evaluation_outcome(tender).results[None].divergences
    assert divergence.consensus is None

    # The demo's procurement officer moderates: declares first, then records the agreed mark.
    moderator = Person.objects.get(email=_account("Procurement officer"))
    member = perms.member_for(moderator, tender)
    assert member is not None and member.is_moderator
    bid = next(b for b in bids if selectors.bid_key(b) == divergence.bid)
    criterion = next(c for c in quality if selectors.criterion_key(c) == divergence.criterion)
    refused = perms.can_moderate(moderator, tender, bid)
    assert not refused and refused.reason == perms.DECLARE_FIRST
    services.conflict_declare(actor=moderator, evaluation=tender, bid=bid, conflict=False)
    services.consensus_record(
        actor=moderator,
        evaluation=tender,
        bid=bid,
        criterion=criterion,
        score=3,
        rationale="The panel agreed 3: a supply chain is set out, but the partners named have not confirmed.",
    )
    assert ConsensusMark.objects.get(evaluation=tender).score == 3

    still_open = Opportunity.objects.get(title=STILL_OPEN)
    assert still_open.status == "published" and still_open.closes_at > timezone.now()
