"""The evaluation workflow's services: setting up, declaring, independent marking, moderation, recommendation,
approval with standstill, and the contract. Bad input changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from trellis.bids import permissions as bid_perms
from trellis.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from trellis.core.models import AuditEvent, Notification
from trellis.evaluation import permissions as perms
from trellis.evaluation import selectors, services
from trellis.evaluation.models import AwardDecision, ConsensusMark, Evaluation, Mark, PanelMember, ScoreSheet
from trellis.evaluation.tests.fixtures import *  # noqa: F403
from trellis.evaluation.tests.fixtures import AFTER

pytestmark = pytest.mark.django_db


def declare_and_mark(evaluation, person, bid, criteria, score, *, submit=True):
    services.conflict_declare(actor=person, evaluation=evaluation, bid=bid, conflict=False, now=AFTER)
    marks = {c.pk: (score, f"Mark {score}: the answer shows this.") for c in criteria}
    return services.marks_save(actor=person, evaluation=evaluation, bid=bid, marks=marks, submit=submit, now=AFTER)


def mark_everything(scoring, two_bids, evaluator_a, evaluator_b, citizen, quality, user_involvement):
    mine, theirs = two_bids
    for bid, (a, b) in ((mine, (4, 4)), (theirs, (3, 2))):
        declare_and_mark(scoring, evaluator_a, bid, quality, a)
        declare_and_mark(scoring, evaluator_b, bid, quality, b)
        declare_and_mark(scoring, citizen, bid, [user_involvement], a)


def moderate_everything(scoring, two_bids, moderator, quality):
    for bid in two_bids:
        marks = selectors.marks_side_by_side(actor=moderator, evaluation=scoring, bid=bid)
        for c in quality:
            scores = sorted(m.score for m in marks[c.pk])
            services.consensus_record(
                actor=moderator,
                evaluation=scoring,
                bid=bid,
                criterion=c,
                score=scores[-1],
                rationale="The panel agreed the higher mark: the answer gives evidence.",
                now=AFTER,
            )


# Setting up -------------------------------------------------------------------------------------------------------


def test_only_officers_start_an_evaluation_and_only_once(two_bids, published, provider_admin, procurement_officer):
    with pytest.raises(PermissionDenied):
        services.evaluation_start(actor=provider_admin, opportunity=published)
    services.evaluation_start(actor=procurement_officer, opportunity=published)
    with pytest.raises(InvalidTransition):
        services.evaluation_start(actor=procurement_officer, opportunity=published)
    assert Evaluation.objects.count() == 1


def test_a_citizen_commissioner_sits_as_one_and_bad_panel_input_changes_nothing(
    setting_up, procurement_officer, citizen, evaluator_a, provider_admin, quality
):
    with pytest.raises(ValidationFailed) as exc:
        services.panel_member_set(
            actor=procurement_officer, evaluation=setting_up, person=evaluator_a, role="citizen_commissioner",
            criteria=[quality[0].pk],
        )  # fmt: skip
    assert "must be a citizen commissioner" in exc.value.errors["person"][0]
    with pytest.raises(ValidationFailed) as exc:
        services.panel_member_set(
            actor=procurement_officer, evaluation=setting_up, person=provider_admin, role="officer", criteria=[]
        )
    assert set(exc.value.errors) == {"person", "criteria"}
    with pytest.raises(ValidationFailed) as exc:
        services.panel_member_set(
            actor=procurement_officer, evaluation=setting_up, person=citizen, role="citizen_commissioner",
            criteria=[999_999],
        )  # fmt: skip
    assert exc.value.errors["criteria"] == ["Choose criteria of this opportunity."]
    assert not PanelMember.objects.exists()


def test_the_panel_settings_are_checked_and_the_published_methodology_cannot_change(setting_up, procurement_officer):
    with pytest.raises(ValidationFailed) as exc:
        services.evaluation_rules_set(
            actor=procurement_officer,
            evaluation=setting_up,
            rules={"price_method": "proportional_penalty", "divergence_threshold": "0", "price_envelope": True},
        )
    assert exc.value.errors["price_method"] == ["This was published with the opportunity and cannot be changed now."]
    assert set(exc.value.errors) == {"price_method", "divergence_threshold"}
    setting_up.refresh_from_db()
    assert setting_up.divergence_threshold == Decimal("0.25") and not setting_up.price_envelope
    services.evaluation_rules_set(
        actor=procurement_officer,
        evaluation=setting_up,
        rules={"divergence_threshold": "0.4", "price_envelope": True},
    )
    setting_up.refresh_from_db()
    assert setting_up.divergence_threshold == Decimal("0.40") and setting_up.price_envelope


def test_scoring_needs_a_moderator_and_every_criterion_covered(
    setting_up, procurement_officer, citizen, user_involvement
):
    services.panel_member_set(
        actor=procurement_officer, evaluation=setting_up, person=citizen, role="citizen_commissioner",
        criteria=[user_involvement.pk],
    )  # fmt: skip
    with pytest.raises(ValidationFailed) as exc:
        services.evaluation_move(actor=procurement_officer, evaluation=setting_up, move="start_scoring")
    assert exc.value.errors["moderator"] == ["Choose a moderator for the panel."]
    assert any("Meeting the outcomes" in m for m in exc.value.errors["criteria"])
    setting_up.refresh_from_db()
    assert setting_up.state == "setting_up"


def test_starting_scoring_fixes_the_panel_and_tells_it(
    evaluation, procurement_officer, evaluator_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.evaluation_move(actor=procurement_officer, evaluation=evaluation, move="start_scoring")
    assert evaluation.state == "scoring"
    assert Notification.objects.filter(recipient=evaluator_a, subject__startswith="Evaluation open").exists()
    assert not perms.can_set_up_panel(procurement_officer, evaluation)


# Declarations and independent marking ---------------------------------------------------------------------------


def test_nothing_is_readable_before_the_declaration(scoring, two_bids, evaluator_a):
    mine, _ = two_bids
    refused = perms.can_read_bid(evaluator_a, scoring, mine)
    assert not refused and refused.reason == perms.DECLARE_FIRST
    with pytest.raises(PermissionDenied):
        selectors.bid_for_member(actor=evaluator_a, evaluation=scoring, public_id=mine.public_id)
    with pytest.raises(PermissionDenied):
        services.marks_save(actor=evaluator_a, evaluation=scoring, bid=mine, marks={})


def test_a_declared_conflict_recuses_everywhere(
    scoring, two_bids, evaluator_a, procurement_officer, quality, django_capture_on_commit_callbacks
):
    mine, theirs = two_bids
    with pytest.raises(ValidationFailed) as exc:
        services.conflict_declare(actor=evaluator_a, evaluation=scoring, bid=mine, conflict=True, details=" ")
    assert exc.value.errors == {"details": ["Say what the conflict of interest is."]}
    with django_capture_on_commit_callbacks(execute=True):
        services.conflict_declare(
            actor=evaluator_a, evaluation=scoring, bid=mine, conflict=True, details="My sister chairs its board."
        )
    assert not perms.can_read_bid(evaluator_a, scoring, mine)
    assert not bid_perms.can_view_bid_content(evaluator_a, mine)
    assert Notification.objects.filter(
        recipient=procurement_officer, subject__startswith="Conflict of interest declared"
    ).exists()
    with pytest.raises(PermissionDenied):
        services.marks_save(actor=evaluator_a, evaluation=scoring, bid=mine, marks={quality[0].pk: (3, "Fine")})
    with pytest.raises(PermissionDenied):
        services.conflict_declare(actor=evaluator_a, evaluation=scoring, bid=mine, conflict=False)
    assert not ScoreSheet.objects.filter(bid=mine).exists()
    # Its rival in the same lot (here the whole opportunity) is out of bounds too: marking it would favour or harm
    # the bidder the member is conflicted with.
    assert perms.can_read_bid(evaluator_a, scoring, theirs).reason == perms.LOT_RECUSED
    with pytest.raises(PermissionDenied):
        services.marks_save(actor=evaluator_a, evaluation=scoring, bid=theirs, marks={quality[0].pk: (3, "Fine")})


def test_a_conflicted_officer_cannot_read_the_bid_through_the_bids_pages_either(scoring, two_bids, procurement_officer):
    mine, _ = two_bids
    assert bid_perms.can_view_bid_content(procurement_officer, mine)
    services.conflict_declare(
        actor=procurement_officer, evaluation=scoring, bid=mine, conflict=True, details="I used to work there."
    )
    refused = bid_perms.can_view_bid_content(procurement_officer, mine)
    assert not refused and refused.reason == bid_perms.RECUSED


def test_marks_need_a_justification_and_a_point_on_the_scale_and_bad_marks_save_nothing(
    scoring, two_bids, evaluator_a, quality
):
    mine, _ = two_bids
    services.conflict_declare(actor=evaluator_a, evaluation=scoring, bid=mine, conflict=False)
    outcomes, local, users = quality
    with pytest.raises(ValidationFailed) as exc:
        services.marks_save(
            actor=evaluator_a,
            evaluation=scoring,
            bid=mine,
            marks={outcomes.pk: (7, "Very good"), local.pk: (3, ""), users.pk: ("2.5", "Some evidence")},
        )
    errors = exc.value.errors
    assert "must be a whole number from 0 to 5" in errors[f"mark-{outcomes.pk}"][0]
    assert errors[f"justification-{local.pk}"][0].startswith("Give the reason for your mark")
    assert f"mark-{users.pk}" in errors
    assert not Mark.objects.exists()


def test_a_draft_may_be_partial_but_a_submission_must_be_complete(scoring, two_bids, evaluator_a, quality):
    mine, _ = two_bids
    services.conflict_declare(actor=evaluator_a, evaluation=scoring, bid=mine, conflict=False)
    outcomes, local, users = quality
    services.marks_save(actor=evaluator_a, evaluation=scoring, bid=mine, marks={outcomes.pk: (4, "Clear plan")})
    with pytest.raises(ValidationFailed) as exc:
        services.marks_save(actor=evaluator_a, evaluation=scoring, bid=mine, marks={}, submit=True)
    assert set(exc.value.errors) == {f"mark-{local.pk}", f"mark-{users.pk}"}
    sheet = ScoreSheet.objects.get()
    assert sheet.submitted_at is None and sheet.marks.count() == 1
    services.marks_save(
        actor=evaluator_a,
        evaluation=scoring,
        bid=mine,
        marks={local.pk: (3, "Local links"), users.pk: (2, "Little involvement")},
        submit=True,
    )
    with pytest.raises(PermissionDenied, match="can no longer be changed"):
        services.marks_save(actor=evaluator_a, evaluation=scoring, bid=mine, marks={outcomes.pk: (5, "Changed")})
    assert Mark.objects.get(criterion=outcomes).score == 4


def test_a_citizen_commissioner_marks_only_their_criterion(scoring, two_bids, citizen, quality, user_involvement):
    mine, _ = two_bids
    services.conflict_declare(actor=citizen, evaluation=scoring, bid=mine, conflict=False)
    other = next(c for c in quality if c != user_involvement)
    assert not perms.can_score(citizen, scoring, mine, other)
    with pytest.raises(ValidationFailed) as exc:
        services.marks_save(actor=citizen, evaluation=scoring, bid=mine, marks={other.pk: (3, "Good")})
    assert exc.value.errors == {"marks": ["Mark only the criteria assigned to you."]}
    services.marks_save(
        actor=citizen, evaluation=scoring, bid=mine, marks={user_involvement.pk: (4, "Users designed it")}, submit=True
    )
    assert ScoreSheet.objects.get(member__person=citizen).submitted_at is not None


def test_colleagues_marks_stay_hidden_until_your_own_are_submitted(
    scoring, two_bids, evaluator_a, evaluator_b, quality
):
    mine, _ = two_bids
    declare_and_mark(scoring, evaluator_a, mine, quality, 4)
    services.conflict_declare(actor=evaluator_b, evaluation=scoring, bid=mine, conflict=False)
    with pytest.raises(PermissionDenied, match="Submit your own marks"):
        selectors.marks_side_by_side(actor=evaluator_b, evaluation=scoring, bid=mine)
    seen = selectors.marks_side_by_side(actor=evaluator_a, evaluation=scoring, bid=mine)
    assert {len(v) for v in seen.values()} == {1}


def test_an_outsider_sees_and_does_nothing(scoring, two_bids, outsider, quality):
    mine, _ = two_bids
    assert not perms.can_view_evaluation(outsider, scoring)
    with pytest.raises(PermissionDenied):
        services.conflict_declare(actor=outsider, evaluation=scoring, bid=mine, conflict=False)
    with pytest.raises(PermissionDenied):
        services.marks_save(actor=outsider, evaluation=scoring, bid=mine, marks={quality[0].pk: (3, "x")})
    assert not AuditEvent.objects.filter(verb__startswith="evaluation.marks").exists()


# Moderation -------------------------------------------------------------------------------------------------------


def test_moderation_waits_for_everyone_assigned(scoring, two_bids, procurement_officer, evaluator_a, quality):
    mine, _ = two_bids
    declare_and_mark(scoring, evaluator_a, mine, quality, 4)
    services.conflict_declare(actor=procurement_officer, evaluation=scoring, bid=mine, conflict=False)
    with pytest.raises(ValidationFailed) as exc:
        services.consensus_record(
            actor=procurement_officer, evaluation=scoring, bid=mine, criterion=quality[0], score=4, rationale="Agreed"
        )
    assert "Ben Okafor" in exc.value.errors["score"][0]
    assert not ConsensusMark.objects.exists()


def test_a_recused_marker_is_not_waited_for(
    scoring, two_bids, procurement_officer, evaluator_a, evaluator_b, citizen, quality, user_involvement
):
    mine, _ = two_bids
    services.conflict_declare(actor=evaluator_b, evaluation=scoring, bid=mine, conflict=True, details="A trustee.")
    declare_and_mark(scoring, evaluator_a, mine, quality, 4)
    declare_and_mark(scoring, citizen, mine, [user_involvement], 3)
    services.conflict_declare(actor=procurement_officer, evaluation=scoring, bid=mine, conflict=False)
    agreed = services.consensus_record(
        actor=procurement_officer, evaluation=scoring, bid=mine, criterion=quality[0], score=4, rationale="Agreed: 4"
    )
    assert agreed.score == 4


def test_consensus_marks_are_checked_and_only_the_moderator_records_them(
    scoring, two_bids, procurement_officer, evaluator_a, evaluator_b, citizen, quality, user_involvement
):
    mark_everything(scoring, two_bids, evaluator_a, evaluator_b, citizen, quality, user_involvement)
    mine, _ = two_bids
    with pytest.raises(PermissionDenied):
        services.consensus_record(
            actor=evaluator_a, evaluation=scoring, bid=mine, criterion=quality[0], score=4, rationale="Agreed"
        )
    services.conflict_declare(actor=procurement_officer, evaluation=scoring, bid=mine, conflict=False)
    with pytest.raises(ValidationFailed) as exc:
        services.consensus_record(
            actor=procurement_officer, evaluation=scoring, bid=mine, criterion=quality[0], score=9, rationale=""
        )
    assert set(exc.value.errors) == {"score", "rationale"}
    assert not ConsensusMark.objects.exists()


# Recommendation, approval, standstill, contract ---------------------------------------------------------------


@pytest.fixture
def moderated(scoring, two_bids, procurement_officer, evaluator_a, evaluator_b, citizen, quality, user_involvement):
    mark_everything(scoring, two_bids, evaluator_a, evaluator_b, citizen, quality, user_involvement)
    for bid in two_bids:
        services.conflict_declare(actor=procurement_officer, evaluation=scoring, bid=bid, conflict=False)
    moderate_everything(scoring, two_bids, procurement_officer, quality)
    return scoring


def test_a_recommendation_needs_every_consensus_and_a_reason(scoring, two_bids, procurement_officer):
    with pytest.raises(ValidationFailed) as exc:
        services.recommendation_make(actor=procurement_officer, evaluation=scoring, rationale="")
    assert set(exc.value.errors) == {"consensus", "rationale"}
    assert not AwardDecision.objects.exists()


def test_the_recommendation_ranks_the_bids_and_keeps_the_inputs(moderated, two_bids, procurement_officer):
    mine, _ = two_bids
    decision = services.recommendation_make(
        actor=procurement_officer, evaluation=moderated, rationale="Highest quality, within budget."
    )
    assert moderated.state == "recommended"
    assert list(decision.winning_bids.all()) == [mine]
    lot = decision.result["lots"][0]
    assert lot["lot"] is None and set(lot["input"]) >= {"criteria", "bids", "marks", "consensus"}
    assert lot["result"]["winner"] == mine.organisation.org_id


def test_the_recommender_cannot_approve_and_a_provider_cannot_either(
    moderated, procurement_officer, commissioner, provider_admin
):
    services.recommendation_make(actor=commissioner, evaluation=moderated, rationale="Best value.")
    refused = perms.can_decide(commissioner, moderated)
    assert not refused and "Someone other than the person who made the recommendation" in refused.reason
    assert not perms.can_decide(procurement_officer, moderated)  # not a commissioner
    with pytest.raises(PermissionDenied):
        services.decision_approve(declares_no_conflict=True, actor=provider_admin, evaluation=moderated)
    moderated.refresh_from_db()
    assert moderated.state == "recommended"


def test_the_approver_declares_no_conflict_and_one_with_a_conflict_cannot_approve(
    moderated, two_bids, procurement_officer, commissioner, make_person, council
):
    """Anyone who can influence the award, the approver included, must have no conflict (Procurement Act 2023 s.81)."""
    from trellis.bids import services as bid_services
    from trellis.core.domain.roles import Role

    services.recommendation_make(actor=procurement_officer, evaluation=moderated, rationale="Best value.")
    with pytest.raises(ValidationFailed) as undeclared:
        services.decision_approve(actor=commissioner, evaluation=moderated, now=AFTER)
    assert "declaration" in undeclared.value.errors
    moderated.refresh_from_db()
    assert moderated.state == "recommended" and AwardDecision.objects.get().approved_at is None

    conflicted = make_person(Role.COMMISSIONER, council, full_name="Cora Vance")
    bid_services.conflict_declare(actor=conflicted, bid=two_bids[1], conflict=True, details="Her sister is CEO.")
    refused = perms.can_decide(conflicted, moderated)
    assert not refused and "s.81" in refused.reason
    with pytest.raises(PermissionDenied):
        services.decision_approve(declares_no_conflict=True, actor=conflicted, evaluation=moderated, now=AFTER)

    decision = services.decision_approve(declares_no_conflict=True, actor=commissioner, evaluation=moderated, now=AFTER)
    assert decision.approver_declared_no_conflict and decision.approved_by == commissioner


def test_sending_back_withdraws_the_recommendation_and_tells_the_panel(
    moderated, procurement_officer, commissioner, django_capture_on_commit_callbacks
):
    services.recommendation_make(actor=procurement_officer, evaluation=moderated, rationale="Best value.")
    with pytest.raises(ValidationFailed):
        services.decision_send_back(actor=commissioner, evaluation=moderated, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.decision_send_back(actor=commissioner, evaluation=moderated, reason="Check the local marks again.")
    assert moderated.state == "scoring" and not AwardDecision.objects.exists()
    told = Notification.objects.get(recipient=procurement_officer, subject__startswith="Recommendation sent back")
    assert "Check the local marks again." in told.body
    assert AuditEvent.objects.filter(verb="evaluation.sent_back").exists()


def test_a_grant_award_has_no_standstill_and_everyone_is_told(
    later, moderated, two_bids, procurement_officer, commissioner, provider_admin, other_provider_admin,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    services.recommendation_make(actor=procurement_officer, evaluation=moderated, rationale="Best value.")
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.decision_approve(
            declares_no_conflict=True, actor=commissioner, evaluation=moderated, now=AFTER
        )
    moderated.opportunity.refresh_from_db()
    assert moderated.state == "decided" and moderated.opportunity.status == "awarded"
    assert not decision.standstill_applies and decision.standstill_last_day is None
    assert decision.standstill_reason == "No standstill applies to this route."
    won = Notification.objects.get(recipient=provider_admin)
    assert won.subject.startswith("Successful") and "standstill" not in won.body
    assert Notification.objects.get(recipient=other_provider_admin).subject.startswith("Outcome")
    later()
    # a grant is not a procurement: no award notice, standstill or exclusion checks before the agreement
    with pytest.raises(ValidationFailed, match="not a procurement"):
        services.exclusions_check(
            actor=procurement_officer,
            evaluation=moderated,
            grounds_checked=True,
            debarment_checked=True,
            checked_on=AFTER.date(),
        )
    decision = services.contract_enter(actor=procurement_officer, evaluation=moderated, on=AFTER.date())
    assert moderated.state == "concluded" and decision.contract_notice_due is None


# The award steps after approval, in order (domain.award has each guard's own table) ---------------------------------


#: The day the award steps are recorded on, after every date the tests below enter.
STEPS_TODAY = datetime(2026, 8, 3, 12, tzinfo=UTC)


@pytest.fixture
def later(clock):
    """After the approval (``AFTER``), the clock moves on to ``STEPS_TODAY``."""
    return lambda: clock.move_to(STEPS_TODAY)


def _approved_tender(moderated, procurement_officer, commissioner, later, *, kind="open_tender", regime=""):
    opportunity = moderated.opportunity
    opportunity.kind, opportunity.regime = kind, regime  # the same exercise, run as a tender under this regime
    opportunity.save(update_fields=["kind", "regime"])
    services.recommendation_make(actor=procurement_officer, evaluation=moderated, rationale="Best value.")
    decision = services.decision_approve(declares_no_conflict=True, actor=commissioner, evaluation=moderated, now=AFTER)
    later()
    return decision


def _state_and_verbs(evaluation) -> tuple[str, list[str]]:
    evaluation.refresh_from_db()
    verbs = AuditEvent.objects.filter(verb__startswith="evaluation.").order_by("id").values_list("verb", flat=True)
    return evaluation.state, list(verbs)[list(verbs).index("evaluation.recommended") :]


def test_a_tender_goes_through_every_award_step_in_order_with_a_challenge(
    later,
    moderated,
    two_bids,
    procurement_officer,
    commissioner,
    other_provider_admin,
    django_capture_on_commit_callbacks,
):
    officer, ev = procurement_officer, moderated
    decision = _approved_tender(ev, officer, commissioner, later)
    assert AFTER.date() == date(2026, 6, 28) and ev.state == "decided"
    # approval no longer starts the standstill: it waits for the contract award notice (s.50(1), s.51(2))
    assert decision.standstill_applies and decision.standstill_last_day is None
    with pytest.raises(InvalidTransition, match="award notice is published"):
        services.contract_enter(actor=officer, evaluation=ev, on=date(2026, 7, 30))
    with pytest.raises(InvalidTransition, match="award notice is published first"):
        services.exclusions_check(
            actor=officer, evaluation=ev, grounds_checked=True, debarment_checked=True, checked_on=date(2026, 6, 29)
        )
    with pytest.raises(ValidationFailed, match="before the decision was approved"):
        services.award_notice_publish(actor=officer, evaluation=ev, published_on=date(2026, 6, 26))
    assert _state_and_verbs(ev) == ("decided", ["evaluation.recommended", "evaluation.approved"])

    # Monday 29 June 2026: 29, 30 June, 1, 2, 3, 6, 7, 8 July (no bank holiday anywhere in the UK), worked by hand
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.award_notice_publish(actor=officer, evaluation=ev, published_on=date(2026, 6, 29))
    assert decision.standstill_kind == "mandatory" and decision.standstill_last_day == date(2026, 7, 8)
    assert "s.51" in decision.standstill_source and "s.123" in decision.standstill_source
    told = Notification.objects.get(recipient=other_provider_admin, subject__startswith="Award notice published")
    assert "until the end of Wednesday 8 July 2026" in told.body

    # a claim notified after the standstill does not suspend (s.101(1)); one notified during it does
    with pytest.raises(ValidationFailed, match="during the standstill"):
        services.challenge_record(
            actor=officer, evaluation=ev, claimant="Rival", notified_on=date(2026, 7, 9), summary="Marks wrong."
        )
    services.challenge_record(
        actor=officer, evaluation=ev, claimant="Rival", notified_on=date(2026, 7, 2), summary="Marks wrong."
    )
    assert ev.state == "suspended"
    with pytest.raises(InvalidTransition, match="suspended"):
        services.contract_enter(actor=officer, evaluation=ev, on=date(2026, 7, 30))
    with pytest.raises(InvalidTransition, match="cannot"):
        services.exclusions_check(
            actor=officer, evaluation=ev, grounds_checked=True, debarment_checked=True, checked_on=date(2026, 7, 10)
        )
    services.suspension_end(actor=officer, evaluation=ev, how="lifted_by_court", ended_on=date(2026, 7, 20))
    assert ev.state == "standstill"

    with pytest.raises(ValidationFailed, match="debarment list"):
        services.exclusions_check(
            actor=officer, evaluation=ev, grounds_checked=True, debarment_checked=False, checked_on=date(2026, 7, 21)
        )
    services.exclusions_check(
        actor=officer, evaluation=ev, grounds_checked=True, debarment_checked=True, checked_on=date(2026, 7, 21)
    )
    with pytest.raises(InvalidTransition, match="during the standstill"):
        services.contract_enter(actor=officer, evaluation=ev, on=date(2026, 7, 8))
    with pytest.raises(ValidationFailed, match="before the exclusion checks"):
        services.contract_enter(actor=officer, evaluation=ev, on=date(2026, 7, 20))
    decision = services.contract_enter(actor=officer, evaluation=ev, on=date(2026, 7, 22))
    # s.53(2)(a): 30 days beginning with Wednesday 22 July 2026 end on Thursday 20 August 2026
    assert decision.contract_notice_name == "Contract details notice"
    assert decision.contract_notice_due == date(2026, 8, 20)
    assert _state_and_verbs(ev) == (
        "concluded",
        [
            "evaluation.recommended",
            "evaluation.approved",
            "evaluation.award_notice_published",
            "evaluation.challenge_recorded",
            "evaluation.suspension_ended",
            "evaluation.exclusions_checked",
            "evaluation.contract_entered",
        ],
    )


@pytest.mark.parametrize(
    ("regime", "last_day", "notice", "due"),
    [
        # PSR reg 12: from the day after Monday 29 June: 30 June, 1, 2, 3, 6, 7, 8, 9 July; notice of the award
        # within 30 days after the contract of 10 July: 9 August
        ("PSR", date(2026, 7, 9), "Notice of the award", date(2026, 8, 9)),
        # PCR 2015 reg 87: 10 days after 29 June is Thursday 9 July; reg 50(1): award notice 30 days after
        ("PCR2015", date(2026, 7, 9), "Contract award notice (Find a Tender)", date(2026, 8, 9)),
    ],
)
def test_other_regimes_count_their_own_standstill(
    later, moderated, procurement_officer, commissioner, regime, last_day, notice, due
):
    _approved_tender(moderated, procurement_officer, commissioner, later, regime=regime)
    decision = services.award_notice_publish(
        actor=procurement_officer, evaluation=moderated, published_on=date(2026, 6, 29)
    )
    assert decision.standstill_last_day == last_day
    services.exclusions_check(
        actor=procurement_officer,
        evaluation=moderated,
        grounds_checked=True,
        debarment_checked=True,
        checked_on=date(2026, 7, 10),
    )
    decision = services.contract_enter(actor=procurement_officer, evaluation=moderated, on=date(2026, 7, 10))
    assert (decision.contract_notice_name, decision.contract_notice_due) == (notice, due)


def test_a_call_off_has_no_mandatory_standstill_but_may_choose_a_voluntary_one(
    later, moderated, procurement_officer, commissioner
):
    decision = _approved_tender(moderated, procurement_officer, commissioner, later, kind="call_off")
    assert not decision.standstill_applies and "voluntary one of at least 8" in decision.standstill_reason
    with pytest.raises(ValidationFailed, match="at least 8 working days"):
        services.award_notice_publish(
            actor=procurement_officer, evaluation=moderated, published_on=date(2026, 6, 29), voluntary_days=5
        )
    decision = services.award_notice_publish(
        actor=procurement_officer, evaluation=moderated, published_on=date(2026, 6, 29), voluntary_days=10
    )
    # s.51(4)–(5): 10 working days beginning with Monday 29 June end on Friday 10 July; binding once stated
    assert decision.standstill_kind == "voluntary" and decision.standstill_last_day == date(2026, 7, 10)


def test_without_a_standstill_a_claim_does_not_suspend(later, moderated, procurement_officer, commissioner):
    _approved_tender(moderated, procurement_officer, commissioner, later, kind="call_off")
    services.award_notice_publish(actor=procurement_officer, evaluation=moderated, published_on=date(2026, 6, 29))
    with pytest.raises(ValidationFailed, match="There is no standstill"):
        services.challenge_record(
            actor=procurement_officer,
            evaluation=moderated,
            claimant="Rival",
            notified_on=date(2026, 6, 30),
            summary="Marks wrong.",
        )
    assert moderated.state == "standstill" and not moderated.decision.challenges.exists()


def test_only_officers_record_the_award_steps(later, moderated, procurement_officer, commissioner, evaluator_a):
    _approved_tender(moderated, procurement_officer, commissioner, later)
    with pytest.raises(PermissionDenied):
        services.award_notice_publish(actor=evaluator_a, evaluation=moderated, published_on=date(2026, 6, 29))
    moderated.refresh_from_db()
    assert moderated.state == "decided" and moderated.decision.award_notice_published_on is None


def test_every_reading_of_a_bid_by_the_authority_is_audited(client, scoring, two_bids, evaluator_a, commissioner):
    mine, _ = two_bids
    services.conflict_declare(actor=evaluator_a, evaluation=scoring, bid=mine, conflict=False)
    client.force_login(evaluator_a)
    assert client.get(f"/evaluation/{scoring.public_id}/bids/{mine.public_id}/").status_code == 200
    client.force_login(commissioner)
    assert client.get(f"/bids/{mine.public_id}/").status_code == 200
    reads = AuditEvent.objects.filter(verb="bid.read").order_by("id")
    assert [(e.actor_id, e.data["where"]) for e in reads] == [(evaluator_a.pk, "evaluation"), (commissioner.pk, "bids")]


def test_a_reading_that_is_not_allowed_is_refused_and_not_recorded(scoring, two_bids, evaluator_a):
    mine, _ = two_bids
    with pytest.raises(PermissionDenied):
        services.bid_read(actor=evaluator_a, evaluation=scoring, bid=mine)  # not declared yet
    assert not AuditEvent.objects.filter(verb="bid.read").exists()


# Abnormally low prices (s.19(4)–(5); domain.low_price has each step's own table) ------------------------------------


def test_an_abnormally_low_price_is_explained_and_decided_before_the_recommendation(
    moderated, two_bids, procurement_officer, other_provider_admin, evaluator_a, django_capture_on_commit_callbacks
):
    mine, theirs = two_bids
    # at £50,000 the other charity's price is below its own full cost of £60,000 (the fixtures' budget): flagged
    type(theirs).objects.filter(pk=theirs.pk).update(price=Decimal("50000"))
    flagged = selectors.low_prices(moderated)
    assert [item.bid for item in flagged] == [theirs] and "below the bid's own full cost" in flagged[0].reasons[0]
    with pytest.raises(ValidationFailed) as refused:
        services.recommendation_make(actor=procurement_officer, evaluation=moderated, rationale="Best value.")
    assert "s.19(4)–(5)" in refused.value.errors["low_prices"][0] and theirs.organisation.name in str(
        refused.value.errors
    )
    assert not AwardDecision.objects.exists()

    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.low_price_ask(actor=evaluator_a, evaluation=moderated, bid=theirs, due_on=today + timedelta(days=7))
    with pytest.raises(ValidationFailed, match="not flagged"):
        services.low_price_ask(actor=procurement_officer, evaluation=moderated, bid=mine, due_on=today)
    with pytest.raises(ValidationFailed):
        services.low_price_ask(
            actor=procurement_officer, evaluation=moderated, bid=theirs, due_on=today + timedelta(days=3)
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.low_price_ask(
            actor=procurement_officer, evaluation=moderated, bid=theirs, due_on=today + timedelta(days=7)
        )
    asked = Notification.objects.get(recipient=other_provider_admin, subject__startswith="Please explain your price")
    assert "s.19(5)" in asked.body
    with pytest.raises(ValidationFailed) as refused:
        services.low_price_decide(
            actor=procurement_officer, evaluation=moderated, bid=theirs, outcome="disregarded", reason="Too cheap."
        )
    assert refused.value.errors["outcome"][0].startswith("Wait for the supplier's explanation")
    services.low_price_explanation_record(
        actor=procurement_officer,
        evaluation=moderated,
        bid=theirs,
        explanation="Our trustees will cover the gap from reserves for the first year.",
        received_on=today,
    )
    services.low_price_decide(
        actor=procurement_officer,
        evaluation=moderated,
        bid=theirs,
        outcome="disregarded",
        reason="Reserves for one year do not show the service can be run for the price over three years.",
    )
    outcome = selectors.evaluation_outcome(moderated).results[None]
    disregarded = outcome.bid(selectors.bid_key(theirs))
    assert disregarded.excluded and any("Reserves for one year" in r for r in disregarded.reasons)
    decision = services.recommendation_make(actor=procurement_officer, evaluation=moderated, rationale="Best value.")
    assert list(decision.winning_bids.all()) == [mine]
    verbs = list(AuditEvent.objects.filter(verb__startswith="evaluation.low_price").values_list("verb", flat=True))
    assert verbs == [
        "evaluation.low_price_explanation_requested",
        "evaluation.low_price_explained",
        "evaluation.low_price_decided",
    ]
