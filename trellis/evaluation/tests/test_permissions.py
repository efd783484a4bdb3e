"""The permission table for an evaluation: who may declare, read, mark, see colleagues' marks, moderate, recommend
and approve — assigned and unassigned evaluators, a conflicted evaluator, the moderator, a commissioner and a
provider — and that a refused action changes nothing."""

from __future__ import annotations

import pytest

from trellis.core.errors import PermissionDenied, ValidationFailed
from trellis.core.models import AuditEvent
from trellis.evaluation import permissions as perms
from trellis.evaluation import selectors, services
from trellis.evaluation.models import ConsensusMark, Mark, ScoreSheet
from trellis.evaluation.tests.fixtures import *  # noqa: F403
from trellis.evaluation.tests.fixtures import AFTER

pytestmark = pytest.mark.django_db

WHO = ["assigned", "unassigned", "conflicted", "moderator", "commissioner", "provider"]


@pytest.fixture
def cast(scoring, two_bids, evaluator_a, evaluator_b, citizen, procurement_officer, commissioner, provider_admin):
    """Each role in the table for the charity's bid: evaluator_a has declared no conflict (assigned); the citizen
    marks only user involvement (unassigned for the other criteria); evaluator_b has declared a conflict; the
    procurement officer moderates (declared no conflict); the commissioner is not on the panel; the provider
    made the bid."""
    mine, _ = two_bids
    services.conflict_declare(actor=evaluator_a, evaluation=scoring, bid=mine, conflict=False, now=AFTER)
    services.conflict_declare(actor=citizen, evaluation=scoring, bid=mine, conflict=False, now=AFTER)
    services.conflict_declare(
        actor=evaluator_b, evaluation=scoring, bid=mine, conflict=True, details="Volunteers there.", now=AFTER
    )
    services.conflict_declare(actor=procurement_officer, evaluation=scoring, bid=mine, conflict=False, now=AFTER)
    return {
        "assigned": evaluator_a,
        "unassigned": citizen,
        "conflicted": evaluator_b,
        "moderator": procurement_officer,
        "commissioner": commissioner,
        "provider": provider_admin,
    }


#: role -> (read the bid, mark "Meeting the outcomes", moderate it, recommend)
TABLE = {
    "assigned": (True, True, False, False),
    "unassigned": (True, False, False, False),
    "conflicted": (False, False, False, False),
    "moderator": (True, False, True, True),
    "commissioner": (False, False, False, True),
    "provider": (False, False, False, False),
}


def _outcomes(quality):
    return next(c for c in quality if c.name == "Meeting the outcomes")


@pytest.mark.parametrize("who", WHO)
def test_the_table(cast, scoring, two_bids, quality, who):
    mine, _ = two_bids
    person = cast[who]
    read, mark, moderate, recommend = TABLE[who]
    assert bool(perms.can_read_bid(person, scoring, mine)) is read
    assert bool(perms.can_score(person, scoring, mine, _outcomes(quality))) is mark
    # Moderation also waits for everyone's marks: here the question is only whether the role may moderate at all.
    moderation = perms.can_moderate(person, scoring, mine)
    assert bool(moderation) is moderate, moderation.reason
    assert bool(perms.can_recommend(person, scoring)) is recommend


@pytest.mark.parametrize("who", [w for w in WHO if not TABLE[w][1]])
def test_a_refused_mark_changes_nothing(cast, scoring, two_bids, quality, who):
    mine, _ = two_bids
    before = AuditEvent.objects.count()
    # Off the panel, recused or not yet allowed: refused outright; on the panel but not marking it: a named error.
    with pytest.raises(PermissionDenied if who != "unassigned" else ValidationFailed):
        services.marks_save(
            actor=cast[who],
            evaluation=scoring,
            bid=mine,
            marks={_outcomes(quality).pk: (3, "A fair answer")},
            now=AFTER,
        )
    assert not Mark.objects.exists() and not ScoreSheet.objects.filter(member__person=cast[who]).exists()
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("who", [w for w in WHO if not TABLE[w][2]])
def test_a_refused_consensus_changes_nothing(cast, scoring, two_bids, quality, who):
    mine, _ = two_bids
    with pytest.raises(PermissionDenied):
        services.consensus_record(
            actor=cast[who],
            evaluation=scoring,
            bid=mine,
            criterion=_outcomes(quality),
            score=3,
            rationale="Agreed",
            now=AFTER,
        )
    assert not ConsensusMark.objects.exists()


@pytest.mark.parametrize("who", [w for w in WHO if not TABLE[w][3]])
def test_a_refused_recommendation_changes_nothing(cast, scoring, who):
    with pytest.raises(PermissionDenied):
        services.recommendation_make(actor=cast[who], evaluation=scoring, rationale="Because", now=AFTER)
    scoring.refresh_from_db()
    assert scoring.state == "scoring"


def test_only_officers_set_up_the_panel_and_only_before_scoring(
    evaluation, procurement_officer, commissioner, evaluator_a, citizen, provider_admin
):
    for person in (procurement_officer, commissioner):
        assert perms.can_set_up_panel(person, evaluation)
    for person in (evaluator_a, citizen, provider_admin):
        assert not perms.can_set_up_panel(person, evaluation)
    services.evaluation_move(actor=procurement_officer, evaluation=evaluation, move="start_scoring", now=AFTER)
    refused = perms.can_set_up_panel(procurement_officer, evaluation)
    assert not refused and refused.reason == "The panel and the rules are fixed once scoring has started."


def test_the_provider_cannot_see_the_evaluation_at_all(cast, scoring):
    assert not perms.can_view_evaluation(cast["provider"], scoring)
    assert perms.can_view_evaluation(cast["commissioner"], scoring)
    assert perms.can_view_evaluation(cast["unassigned"], scoring)


def test_a_cancelled_opportunitys_evaluation_takes_no_more_steps(cast, scoring, two_bids, quality, commissioner):
    from trellis.opportunities import services as opportunity_services

    mine, _ = two_bids
    opportunity_services.opportunity_transition(
        actor=commissioner, opportunity=scoring.opportunity, action="cancel", reason="The service is no longer needed."
    )
    scoring.refresh_from_db()
    refused = perms.can_score(cast["assigned"], scoring, mine, _outcomes(quality))
    assert not refused and refused.reason == perms.CANCELLED
    assert not perms.can_recommend(cast["moderator"], scoring)
    with pytest.raises(PermissionDenied, match="cancelled"):
        services.marks_save(
            actor=cast["assigned"], evaluation=scoring, bid=mine, marks={_outcomes(quality).pk: (3, "Fair")}, now=AFTER
        )
    assert not Mark.objects.exists()
    assert perms.can_read_bid(cast["assigned"], scoring, mine)  # still readable for the audit file


def test_a_conflict_with_one_bidder_recuses_the_member_from_its_rivals_in_the_lot(
    scoring, two_bids, evaluator_a, evaluator_b
):
    """Marking a bidder's rivals favours or harms it too (Procurement Act 2023 s.81): a conflict with any bidder in
    a lot (here the whole opportunity, which has no lots) recuses the member from every bid in it."""
    mine, theirs = two_bids
    services.conflict_declare(
        actor=evaluator_b, evaluation=scoring, bid=theirs, conflict=True, details="Trustee there.", now=AFTER
    )
    refused = perms.can_read_bid(evaluator_b, scoring, mine)
    assert not refused and refused.reason == perms.LOT_RECUSED
    assert not perms.can_score(evaluator_b, scoring, mine)
    # even after declaring no conflict with the rival, the member stays recused from it
    services.conflict_declare(actor=evaluator_b, evaluation=scoring, bid=mine, conflict=False, now=AFTER)
    assert perms.can_read_bid(evaluator_b, scoring, mine).reason == perms.LOT_RECUSED
    duty = {a.member: a for a in selectors.assignments(scoring, mine)}
    member_b = scoring.members.get(person=evaluator_b)
    assert duty[member_b.pk].conflicted  # not waited for before moderation
    # a member with no conflict is unaffected
    services.conflict_declare(actor=evaluator_a, evaluation=scoring, bid=mine, conflict=False, now=AFTER)
    assert perms.can_read_bid(evaluator_a, scoring, mine)
