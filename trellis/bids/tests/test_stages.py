"""A competitive flexible procedure run stage by stage: expressions of interest → shortlist → tenders → dialogue →
final tenders. Each submission stage is sealed and opened on its own; only the providers chosen at a step may take
part in the next stage; evaluation starts only from the last stage. Services, permissions and pages."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from trellis.bids import permissions as perms
from trellis.bids import selectors, services
from trellis.bids.domain.bidding import DECLARATIONS
from trellis.bids.models import Bid, Opening
from trellis.bids.tests.fixtures_core import BUDGET, SECRET, confirm_eligibility
from trellis.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from trellis.core.models import AuditEvent, Notification
from trellis.opportunities import services as opportunity_services
from trellis.opportunities.models import StageParticipant
from trellis.opportunities.tests.fixtures_core import *  # noqa: F403
from trellis.opportunities.tests.fixtures_core import CRITERIA, ELIGIBILITY, NOW, closes

pytestmark = pytest.mark.django_db

EOI_CLOSES = closes(40)
AFTER_EOI = closes(41)
TENDER_CLOSES = closes(80)
AFTER_TENDER = closes(81)
WHY_NOT = "Your expression of interest did not show experience of delivering in Northbridge."


@pytest.fixture
def staged(commissioner, procurement_officer, place):
    """A published competitive flexible procedure at its first stage (expressions of interest)."""
    opportunity = opportunity_services.opportunity_create(
        actor=commissioner,
        place=place,
        title="Community mental health support",
        kind="competitive_flexible",
        summary="Early help for adults with low mood, anxiety or stress.",
        specification="Fewer adults reach crisis services. Design the service with the people who will use it.",
        estimated_value=Decimal("600000"),
        duration_months=36,
        questions_close_at=closes(30),
        closes_at=EOI_CLOSES,
    )
    opportunity_services.eligibility_set(actor=commissioner, opportunity=opportunity, items=ELIGIBILITY)
    opportunity_services.criteria_set(actor=commissioner, opportunity=opportunity, criteria=CRITERIA)
    opportunity_services.conflicts_assessment_record(  # s.83: before the tender notice
        actor=commissioner, opportunity=opportunity, conflicts="None identified.", declarations_sought=True
    )
    for action in ("approve", "publish"):
        opportunity_services.opportunity_transition(
            actor=procurement_officer, opportunity=opportunity, action=action, now=NOW
        )
    return opportunity


def express_interest(opportunity, organisation, actor):
    bid = services.bid_start(actor=actor, opportunity=opportunity, organisation=organisation, now=NOW)
    services.bid_declarations_sign(actor=actor, bid=bid, keys=list(DECLARATIONS), now=NOW)
    confirm_eligibility(bid, actor)
    services.bid_submit(actor=actor, bid=bid, now=NOW)
    return bid


@pytest.fixture
def interests(staged, charity, provider_admin, other_charity, other_provider_admin, procurement_officer):
    """Two expressions of interest, the stage closed after its deadline."""
    mine = express_interest(staged, charity, provider_admin)
    theirs = express_interest(staged, other_charity, other_provider_admin)
    opportunity_services.opportunity_transition(
        actor=procurement_officer, opportunity=staged, action="close", now=AFTER_EOI
    )
    return mine, theirs


@pytest.fixture
def shortlisted(interests, staged, commissioner, charity):
    """The expressions of interest opened and the charity alone shortlisted."""
    services.opening_request(actor=commissioner, opportunity=staged, now=AFTER_EOI, two_openers=False)
    services.stage_participants_choose(
        actor=commissioner, opportunity=staged, organisation_ids=[charity.pk], message=WHY_NOT, now=AFTER_EOI
    )
    return staged


@pytest.fixture
def tendering(shortlisted, procurement_officer):
    """The tender stage, open to the shortlist."""
    return opportunity_services.opportunity_invite_next_stage(
        actor=procurement_officer,
        opportunity=shortlisted,
        closes_at=TENDER_CLOSES,
        questions_close_at=closes(70),
        now=AFTER_EOI,
    )


def test_an_expression_of_interest_asks_no_questions_and_no_budget(staged, charity, provider_admin):
    bid = services.bid_start(actor=provider_admin, opportunity=staged, organisation=charity, now=NOW)
    assert bid.stage == "expression_of_interest"
    missing = {m.field for m in selectors.missing_before_submit(bid)}
    essential = {f"eligibility-{i.id}" for i in selectors.eligibility_items(staged) if i.must_have}
    assert len(essential) == 2 and missing == {"declarations"} | essential
    assert selectors.stage_criteria(staged) == [] and not selectors.budget_required(staged)
    services.bid_declarations_sign(actor=provider_admin, bid=bid, keys=list(DECLARATIONS), now=NOW)
    confirm_eligibility(bid, provider_admin)
    receipt = services.bid_submit(actor=provider_admin, bid=bid, now=NOW)
    assert receipt.bid == bid and Bid.objects.get(pk=bid.pk).status == "submitted"


def test_evaluation_cannot_start_while_stages_remain(interests, staged, procurement_officer):
    with pytest.raises(PermissionDenied, match="stages still to run: next is “shortlist”"):
        opportunity_services.opportunity_transition(
            actor=procurement_officer, opportunity=staged, action="start_evaluation", now=AFTER_EOI
        )
    staged.refresh_from_db()
    assert staged.status == "closed" and staged.stage_index == 0


def test_the_next_stage_cannot_be_invited_before_the_shortlist(interests, staged, procurement_officer):
    with pytest.raises(PermissionDenied, match="The next stage is “shortlist”"):
        opportunity_services.opportunity_invite_next_stage(
            actor=procurement_officer, opportunity=staged, closes_at=TENDER_CLOSES, now=AFTER_EOI
        )
    staged.refresh_from_db()
    assert staged.status == "closed" and staged.closes_at == EOI_CLOSES


def test_who_goes_on_is_chosen_only_after_the_opening(interests, staged, commissioner, charity):
    with pytest.raises(ValidationFailed) as exc:
        services.stage_participants_choose(
            actor=commissioner, opportunity=staged, organisation_ids=[charity.pk], message="", now=AFTER_EOI
        )
    assert exc.value.errors["participants"] == ["Open this stage's bids before choosing who goes on."]
    staged.refresh_from_db()
    assert staged.stage_index == 0 and not StageParticipant.objects.exists()


def test_leaving_a_provider_out_needs_a_message_and_a_failed_choice_changes_nothing(
    interests, staged, commissioner, charity, other_charity
):
    services.opening_request(actor=commissioner, opportunity=staged, now=AFTER_EOI, two_openers=False)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.stage_participants_choose(
            actor=commissioner, opportunity=staged, organisation_ids=[charity.pk], message=" ", now=AFTER_EOI
        )
    assert list(exc.value.errors) == ["message"]
    with pytest.raises(ValidationFailed) as exc:
        services.stage_participants_choose(actor=commissioner, opportunity=staged, organisation_ids=[], now=AFTER_EOI)
    assert exc.value.errors["participants"] == ["Choose at least one provider to go on to the next stage."]
    with pytest.raises(ValidationFailed) as exc:
        services.stage_participants_choose(
            actor=commissioner, opportunity=staged, organisation_ids=["nonsense"], now=AFTER_EOI
        )
    assert exc.value.errors["participants"] == ["Choose providers from the list."]
    staged.refresh_from_db()
    assert staged.stage_index == 0 and staged.stage_history == []
    assert not StageParticipant.objects.exists() and AuditEvent.objects.count() == before


def test_a_provider_cannot_choose_who_goes_on(interests, staged, commissioner, provider_admin, charity):
    services.opening_request(actor=commissioner, opportunity=staged, now=AFTER_EOI, two_openers=False)
    with pytest.raises(PermissionDenied):
        services.stage_participants_choose(
            actor=provider_admin, opportunity=staged, organisation_ids=[charity.pk], now=AFTER_EOI
        )
    assert not StageParticipant.objects.exists()


def test_the_shortlist_is_recorded_audited_and_everyone_told(
    interests, staged, commissioner, charity, other_charity, provider_admin, other_provider_admin,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    services.opening_request(actor=commissioner, opportunity=staged, now=AFTER_EOI, two_openers=False)
    with django_capture_on_commit_callbacks(execute=True):
        chosen = services.stage_participants_choose(
            actor=commissioner, opportunity=staged, organisation_ids=[charity.pk], message=WHY_NOT, now=AFTER_EOI
        )
    assert chosen == [charity]
    staged.refresh_from_db()
    assert staged.status == "closed" and staged.stage_index == 1
    assert staged.stage_history[0]["stage"] == "expression_of_interest"
    assert [p.organisation for p in StageParticipant.objects.all()] == [charity]
    decided = AuditEvent.objects.get(verb="bids.stage_decided")
    assert decided.data["going_on"] == [charity.org_id] and decided.data["not_going_on"] == [other_charity.org_id]
    assert decided.data["message"] == WHY_NOT
    assert AuditEvent.objects.filter(verb="opportunity.advance_stage").exists()
    told_no = Notification.objects.get(recipient=other_provider_admin)
    assert told_no.subject.startswith("Not going on") and WHY_NOT in told_no.body
    assert Notification.objects.get(recipient=provider_admin).subject.startswith("Chosen to go on")


def test_the_next_stage_needs_its_minimum_period_and_a_failed_invitation_changes_nothing(
    shortlisted, procurement_officer
):
    with pytest.raises(ValidationFailed) as exc:
        opportunity_services.opportunity_invite_next_stage(
            actor=procurement_officer,
            opportunity=shortlisted,
            closes_at=AFTER_EOI + timedelta(days=10),
            questions_close_at=AFTER_EOI + timedelta(days=20),
            now=AFTER_EOI,
        )
    assert "at least 25 days away" in exc.value.errors["closes_at"][0]
    assert exc.value.errors["questions_close_at"] == ["Questions must close before the deadline."]
    shortlisted.refresh_from_db()
    assert shortlisted.status == "closed" and shortlisted.stage_index == 1 and shortlisted.closes_at == EOI_CLOSES


def test_inviting_the_tenders_reopens_for_the_shortlist_only(
    shortlisted, procurement_officer, provider_admin, other_provider_admin, charity, other_charity,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        opportunity_services.opportunity_invite_next_stage(
            actor=procurement_officer, opportunity=shortlisted, closes_at=TENDER_CLOSES, now=AFTER_EOI
        )
    shortlisted.refresh_from_db()
    assert shortlisted.status == "published" and shortlisted.stage_index == 2
    assert shortlisted.closes_at == TENDER_CLOSES and shortlisted.closed_at is None
    invitation = Notification.objects.get(recipient=provider_admin, subject__startswith="Invitation")
    assert "tender" in invitation.subject
    assert not Notification.objects.filter(recipient=other_provider_admin, subject__startswith="Invitation").exists()
    assert perms.can_start_bid(provider_admin, shortlisted, charity, now=AFTER_EOI)
    refused = perms.can_start_bid(other_provider_admin, shortlisted, other_charity, now=AFTER_EOI)
    assert not refused and refused.reason == "Only the providers invited to this stage can take part in it."
    with pytest.raises(PermissionDenied):
        services.bid_start(actor=other_provider_admin, opportunity=shortlisted, organisation=other_charity)
    assert Bid.objects.filter(stage="tender").count() == 0


def test_a_tender_is_a_new_bid_and_the_expression_of_interest_stays_as_submitted(
    tendering, interests, provider_admin, charity
):
    eoi, _ = interests
    refused = perms.can_edit_bid(provider_admin, eoi, now=AFTER_EOI)
    assert not refused and "made for the expression of interest stage, which has closed" in refused.reason
    with pytest.raises(PermissionDenied):
        services.bid_withdraw(actor=provider_admin, bid=eoi, now=AFTER_EOI)
    tender = services.bid_start(actor=provider_admin, opportunity=tendering, organisation=charity, now=AFTER_EOI)
    assert tender.stage == "tender" and tender.pk != eoi.pk
    assert selectors.live_bid_for(actor=provider_admin, opportunity=tendering, organisation=charity) == tender
    missing = {m.field.split("-")[0] for m in selectors.missing_before_submit(tender)}
    assert {"answers", "budget", "price", "declarations"} <= missing


def test_each_stage_is_sealed_and_opened_on_its_own(tendering, interests, commissioner, provider_admin, charity):
    eoi, _ = interests
    tender = services.bid_start(actor=provider_admin, opportunity=tendering, organisation=charity, now=AFTER_EOI)
    answers = {c.pk: SECRET for c in tendering.criteria.all() if not c.is_price}
    services.bid_answers_save(actor=provider_admin, bid=tender, answers=answers, now=AFTER_EOI)
    services.bid_budget_save(actor=provider_admin, bid=tender, budget=BUDGET, price=Decimal("66000"), now=AFTER_EOI)
    services.bid_declarations_sign(actor=provider_admin, bid=tender, keys=list(DECLARATIONS), now=AFTER_EOI)
    confirm_eligibility(tender, provider_admin, now=AFTER_EOI)
    services.bid_submit(actor=provider_admin, bid=tender, now=AFTER_EOI)
    # The opened expressions of interest stay readable; the tender is sealed.
    assert perms.can_view_bid_content(commissioner, eoi)
    refused = perms.can_view_bid_content(commissioner, Bid.objects.get(pk=tender.pk))
    assert not refused and refused.reason == perms.SEALED
    assert not perms.is_opened(tendering)
    with pytest.raises(PermissionDenied):
        selectors.bids_for_opportunity(actor=commissioner, opportunity=tendering)
    with pytest.raises(PermissionDenied, match="before the deadline"):
        services.opening_request(actor=commissioner, opportunity=tendering, now=AFTER_EOI, two_openers=False)
    opportunity_services.opportunity_transition(
        actor=commissioner, opportunity=tendering, action="close", now=AFTER_TENDER
    )
    services.opening_request(actor=commissioner, opportunity=tendering, now=AFTER_TENDER, two_openers=False)
    assert sorted(Opening.objects.values_list("stage", flat=True)) == ["expression_of_interest", "tender"]
    assert perms.can_view_bid_content(commissioner, Bid.objects.get(pk=tender.pk))
    assert list(selectors.bids_for_opportunity(actor=commissioner, opportunity=tendering)) == [tender]


def test_the_final_tender_follows_the_dialogue_and_only_then_evaluation(
    tendering, commissioner, procurement_officer, provider_admin, charity
):
    tender = services.bid_start(actor=provider_admin, opportunity=tendering, organisation=charity, now=AFTER_EOI)
    services.bid_answers_save(
        actor=provider_admin,
        bid=tender,
        answers={c.pk: "Our plan" for c in tendering.criteria.all() if not c.is_price},
        now=AFTER_EOI,
    )
    services.bid_budget_save(actor=provider_admin, bid=tender, budget=BUDGET, price=Decimal("66000"), now=AFTER_EOI)
    services.bid_declarations_sign(actor=provider_admin, bid=tender, keys=list(DECLARATIONS), now=AFTER_EOI)
    confirm_eligibility(tender, provider_admin, now=AFTER_EOI)
    services.bid_submit(actor=provider_admin, bid=tender, now=AFTER_EOI)
    opportunity_services.opportunity_transition(
        actor=commissioner, opportunity=tendering, action="close", now=AFTER_TENDER
    )
    services.opening_request(actor=commissioner, opportunity=tendering, now=AFTER_TENDER, two_openers=False)
    services.stage_participants_choose(
        actor=commissioner, opportunity=tendering, organisation_ids=[charity.pk], now=AFTER_TENDER
    )
    tendering.refresh_from_db()
    assert tendering.stage_index == 3  # dialogue
    final_closes = AFTER_TENDER + timedelta(days=12)
    opportunity_services.opportunity_invite_next_stage(
        actor=procurement_officer, opportunity=tendering, closes_at=final_closes, now=AFTER_TENDER
    )
    tendering.refresh_from_db()
    assert tendering.stage_index == 4 and tendering.status == "published"
    assert perms.can_start_bid(provider_admin, tendering, charity, now=AFTER_TENDER)
    opportunity_services.opportunity_transition(
        actor=commissioner, opportunity=tendering, action="close", now=final_closes + timedelta(hours=1)
    )
    moved = opportunity_services.opportunity_transition(
        actor=commissioner, opportunity=tendering, action="start_evaluation", now=final_closes + timedelta(hours=1)
    )
    assert moved.status == "under_evaluation"


def test_an_opportunity_not_in_stages_has_no_stage_moves(draft, commissioner, procurement_officer):
    published = draft
    for action in ("approve", "publish"):
        opportunity_services.opportunity_transition(actor=procurement_officer, opportunity=published, action=action)
    with pytest.raises(PermissionDenied, match="cannot be moved by “invite the next stage's submissions”"):
        opportunity_services.opportunity_invite_next_stage(
            actor=commissioner, opportunity=published, closes_at=closes(90), now=NOW
        )
    with pytest.raises((PermissionDenied, InvalidTransition)):
        services.stage_participants_choose(actor=commissioner, opportunity=published, organisation_ids=[], now=NOW)


# Pages ------------------------------------------------------------------------------------------------------------


def test_the_manage_page_shows_the_stages_and_where_the_procedure_is(client, interests, staged, commissioner):
    client.force_login(commissioner)
    page = client.get(f"/opportunities/{staged.public_id}/manage/").content.decode()
    assert 'id="stage-steps"' in page and "Expression of interest" in page and "Final tender" in page
    assert "Choose who goes on to the shortlist" in page
    assert 'id="invite-stage"' not in page


def test_choosing_on_the_opening_page_shows_named_errors_then_records(
    client, interests, staged, commissioner, charity, other_charity
):
    client.force_login(commissioner)
    url = f"/bids/opportunity/{staged.public_id}/opening/"
    services.opening_request(actor=commissioner, opportunity=staged, now=AFTER_EOI, two_openers=False)
    page = client.get(url).content.decode()
    assert 'id="go-on"' in page and f'value="{charity.pk}"' in page and f'value="{other_charity.pk}"' in page
    refused = client.post(url, {"action": "choose", "participants": [str(charity.pk)], "message": ""})
    assert refused.status_code == 200
    assert "Tell the providers who are not going on why" in refused.content.decode()
    assert not StageParticipant.objects.exists()
    done = client.post(url, {"action": "choose", "participants": [str(charity.pk)], "message": WHY_NOT})
    assert done.status_code == 302 and done.url == f"/opportunities/{staged.public_id}/manage/"
    assert [p.organisation for p in StageParticipant.objects.all()] == [charity]


def test_inviting_from_the_manage_page_names_the_date_field_then_reopens(
    client, shortlisted, procurement_officer, charity
):
    client.force_login(procurement_officer)
    manage = client.get(f"/opportunities/{shortlisted.public_id}/manage/").content.decode()
    assert 'id="invite-stage"' in manage and charity.name in manage
    url = f"/opportunities/{shortlisted.public_id}/stages/invite/"
    soon = NOW + timedelta(days=3)  # the page runs on the real clock: three days is too soon for a tender
    refused = client.post(url, {"closes_on_day": soon.day, "closes_on_month": soon.month, "closes_on_year": soon.year})
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "There is a problem" in body and "#id_closes_on" in body
    shortlisted.refresh_from_db()
    assert shortlisted.status == "closed"
    missing = client.post(url, {})
    assert "Enter the deadline for this stage." in missing.content.decode()


def test_a_provider_cannot_reach_the_invitation(client, shortlisted, provider_admin):
    client.force_login(provider_admin)
    response = client.post(f"/opportunities/{shortlisted.public_id}/stages/invite/", {})
    assert response.status_code in (403, 404)
    shortlisted.refresh_from_db()
    assert shortlisted.status == "closed"
