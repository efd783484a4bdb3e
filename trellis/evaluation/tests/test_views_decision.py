"""The recommendation, decision and contract pages: a recommendation needs every consensus and a reason; the
person who made it cannot approve it; a different commissioner approves it and the opportunity is awarded; sending
it back needs a reason; the contract is refused during the standstill. A refused or bad request changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from html import escape

import pytest
from django.urls import reverse
from django.utils import timezone

from trellis.evaluation import services
from trellis.evaluation.models import AwardDecision
from trellis.evaluation.tests.fixtures import *  # noqa: F403
from trellis.evaluation.tests.fixtures import AFTER

pytestmark = pytest.mark.django_db


def declare_and_mark(evaluation, person, bid, criteria, score):
    services.conflict_declare(actor=person, evaluation=evaluation, bid=bid, conflict=False, now=AFTER)
    marks = {c.pk: (score, f"Mark {score}: the answer shows this.") for c in criteria}
    services.marks_save(actor=person, evaluation=evaluation, bid=bid, marks=marks, submit=True, now=AFTER)


@pytest.fixture
def marked(scoring, two_bids, evaluator_a, evaluator_b, citizen, quality, user_involvement):
    """Every bid marked by everyone assigned: the charity's 4 and 4, the other charity's 3 and 2."""
    mine, theirs = two_bids
    for bid, (a, b) in ((mine, (4, 4)), (theirs, (3, 2))):
        declare_and_mark(scoring, evaluator_a, bid, quality, a)
        declare_and_mark(scoring, evaluator_b, bid, quality, b)
        declare_and_mark(scoring, citizen, bid, [user_involvement], a)
    return scoring


@pytest.fixture
def moderated(marked, two_bids, procurement_officer, quality):
    for bid, score in zip(two_bids, (4, 3), strict=True):
        services.conflict_declare(actor=procurement_officer, evaluation=marked, bid=bid, conflict=False, now=AFTER)
        for c in quality:
            services.consensus_record(
                actor=procurement_officer, evaluation=marked, bid=bid, criterion=c, score=score,
                rationale="The panel agreed this mark on the evidence in the answer.", now=AFTER,
            )  # fmt: skip
    return marked


def url(name, evaluation):
    return reverse(f"evaluation:{name}", args=[evaluation.public_id])


def page(response) -> str:
    return response.content.decode()


def state_of(evaluation) -> str:
    evaluation.refresh_from_db()
    return evaluation.state


def date_post(day, name: str = "on") -> dict[str, str]:
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


def step_url(step: str, evaluation) -> str:
    return reverse("evaluation:award_step", args=[evaluation.public_id, step])


# Recommendation --------------------------------------------------------------------------------------------------


def test_a_recommendation_needs_a_reason(client, moderated, two_bids, procurement_officer):
    mine, _ = two_bids
    client.force_login(procurement_officer)
    page_shown = page(client.get(url("recommend", moderated)))
    assert "Recommend the top-ranked bid(s)" in page_shown and "Recommend that no award is made" in page_shown
    assert 'id="ranking"' in page_shown  # the results summary

    response = client.post(url("recommend", moderated), {"award": "award", "rationale": "  "})
    assert response.status_code == 200
    assert "Explain the recommendation: why this bid, or why no award." in page(response)
    assert not AwardDecision.objects.exists() and state_of(moderated) == "scoring"

    response = client.post(url("recommend", moderated), {"award": "award", "rationale": "Best quality, fair price."})
    assert response.status_code == 302 and response["Location"] == url("decision", moderated)
    decision = AwardDecision.objects.get()
    assert list(decision.winning_bids.all()) == [mine] and decision.recommended_by == procurement_officer
    assert state_of(moderated) == "recommended"


def test_no_award_needs_what_every_bidder_will_be_told(client, moderated, procurement_officer):
    client.force_login(procurement_officer)
    internal = {"award": "no_award", "rationale": "The panel doubts either provider could deliver."}
    response = client.post(url("recommend", moderated), internal)
    assert response.status_code == 200
    assert "Say what every bidder will be told about why no award is made" in page(response)
    assert not AwardDecision.objects.exists() and state_of(moderated) == "scoring"

    told = "Neither bid showed how it would reach people who are housebound."
    response = client.post(url("recommend", moderated), {**internal, "reason_for_bidders": told})
    assert response.status_code == 302
    decision = AwardDecision.objects.get()
    assert not decision.winning_bids.exists()
    assert (decision.rationale, decision.reason_for_bidders) == (internal["rationale"], told)
    assert told in page(client.get(url("decision", moderated)))


def test_a_recommendation_waits_for_every_consensus(client, marked, procurement_officer, quality):
    client.force_login(procurement_officer)
    response = client.post(url("recommend", marked), {"award": "award", "rationale": "Best quality."})
    assert response.status_code == 200
    assert f"Record the consensus marks first: {2 * len(quality)} still to agree." in page(response)
    assert not AwardDecision.objects.exists() and state_of(marked) == "scoring"


def test_only_the_moderator_or_an_officer_recommends(client, moderated, evaluator_a):
    client.force_login(evaluator_a)
    response = client.post(url("recommend", moderated), {"award": "award", "rationale": "Mine."})
    assert response.status_code == 403
    assert not AwardDecision.objects.exists()


# Decision --------------------------------------------------------------------------------------------------------


def test_the_recommender_cannot_approve(client, moderated, commissioner):
    services.recommendation_make(actor=commissioner, evaluation=moderated, rationale="Best value.")
    client.force_login(commissioner)
    html = page(client.get(url("decision", moderated)))
    assert "Someone other than the person who made the recommendation must approve it." in html
    assert "Approve the decision" not in html
    response = client.post(url("decision", moderated), {"action": "approve"})
    assert response.status_code == 403
    assert state_of(moderated) == "recommended"
    assert AwardDecision.objects.get().approved_at is None
    moderated.opportunity.refresh_from_db()
    assert moderated.opportunity.status == "under_evaluation"


def test_a_different_commissioner_approves_and_the_opportunity_is_awarded(
    client, moderated, two_bids, procurement_officer, commissioner
):
    mine, _ = two_bids
    services.recommendation_make(actor=procurement_officer, evaluation=moderated, rationale="Best value for people.")
    client.force_login(commissioner)
    html = page(client.get(url("decision", moderated)))
    assert escape(mine.organisation.name) in html and "Best value for people." in html
    assert "Tom Whitaker" in html  # who recommended it
    assert "Approve the decision" in html and "Send it back to the panel" in html
    assert "I have no conflict of interest with any bidder in this evaluation." in html

    # without the approver's declaration (s.81) nothing is approved
    response = client.post(url("decision", moderated), {"action": "approve"})
    assert response.status_code == 200
    assert "Declare that you have no conflict of interest with any bidder" in page(response)
    assert state_of(moderated) == "recommended" and AwardDecision.objects.get().approved_at is None

    response = client.post(url("decision", moderated), {"action": "approve", "declare_no_conflict": "yes"})
    assert response.status_code == 302
    assert state_of(moderated) == "decided"
    moderated.opportunity.refresh_from_db()
    assert moderated.opportunity.status == "awarded"
    decision = AwardDecision.objects.get()
    assert decision.approved_by == commissioner and decision.approver_declared_no_conflict

    client.force_login(procurement_officer)
    html = page(client.get(url("decision", moderated)))
    assert "The award steps" in html and "Grant agreement entered into" in html
    assert "Exclusion and debarment checks" not in html  # a grant is not a procurement
    response = client.post(step_url("contract", moderated), date_post(timezone.localdate()))
    assert response.status_code == 302
    assert state_of(moderated) == "concluded"
    decision.refresh_from_db()
    assert decision.contract_entered_on == timezone.localdate() and decision.contract_entered_by == procurement_officer


def test_sending_back_needs_a_reason(client, moderated, procurement_officer, commissioner):
    services.recommendation_make(actor=procurement_officer, evaluation=moderated, rationale="Best value.")
    client.force_login(commissioner)
    response = client.post(url("decision", moderated), {"action": "send_back", "reason": " "})
    assert response.status_code == 200
    html = page(response)
    assert "Say why the recommendation is sent back." in html
    assert 'href="#id_reason"' in html
    assert state_of(moderated) == "recommended" and AwardDecision.objects.exists()

    response = client.post(url("decision", moderated), {"action": "send_back", "reason": "Check the local marks."})
    assert response.status_code == 302
    assert state_of(moderated) == "scoring" and not AwardDecision.objects.exists()


def test_a_tender_walks_the_award_steps_on_the_decision_page(
    client, clock, moderated, procurement_officer, commissioner
):
    opportunity = moderated.opportunity
    opportunity.kind = "open_tender"  # the same exercise, run as an open tender
    opportunity.save(update_fields=["kind"])
    services.recommendation_make(actor=procurement_officer, evaluation=moderated, rationale="Best value.")
    client.force_login(commissioner)
    assert (
        client.post(url("decision", moderated), {"action": "approve", "declare_no_conflict": "yes"}).status_code == 302
    )
    approved_on = timezone.localdate()  # the test's clock: Monday 18 May 2026
    assert approved_on == date(2026, 5, 18)
    clock.move_to(datetime(2026, 6, 15, 12, tzinfo=UTC))

    client.force_login(procurement_officer)
    html = page(client.get(url("decision", moderated)))
    assert "A standstill of 8 working days applies, counted from the contract award notice." in html
    assert 'id="form-award_notice"' in html and 'id="form-contract"' not in html  # the next step only
    assert "voluntary" not in html.lower().split("record the next step")[1]  # a mandatory standstill

    # a bad date changes nothing and names its field
    response = client.post(step_url("award_notice", moderated), date_post(date(2026, 5, 15), "published_on"))
    assert response.status_code == 200
    assert "cannot be published before the decision was approved" in page(response)
    assert state_of(moderated) == "decided"

    # Tuesday 19 May 2026: 19, 20, 21, 22, 26, 27, 28, 29 May (Monday 25 May is the spring bank holiday)
    response = client.post(step_url("award_notice", moderated), date_post(date(2026, 5, 19), "published_on"))
    assert response.status_code == 302 and state_of(moderated) == "standstill"
    html = page(client.get(url("decision", moderated)))
    assert "Friday 29 May 2026" in html and "The contract can be entered into from Saturday 30 May 2026" in html
    assert 'id="form-exclusions"' in html and 'id="form-challenge"' in html

    challenge = {"claimant": "Rival Care Ltd", "summary": "The marks for outcomes were wrong."}
    response = client.post(
        step_url("challenge", moderated), {**challenge, **date_post(date(2026, 6, 1), "notified_on")}
    )
    assert response.status_code == 200 and "only if the authority is notified during the standstill" in page(response)
    response = client.post(
        step_url("challenge", moderated), {**challenge, **date_post(date(2026, 5, 27), "notified_on")}
    )
    assert response.status_code == 302 and state_of(moderated) == "suspended"
    html = page(client.get(url("decision", moderated)))
    assert "Suspends the contract" in html and 'id="form-suspension_end"' in html and 'id="form-contract"' not in html
    assert client.post(step_url("contract", moderated), date_post(date(2026, 6, 10))).status_code == 200
    assert state_of(moderated) == "suspended"

    ended = {"how": "withdrawn", "note": "Withdrawn by letter.", **date_post(date(2026, 6, 5), "ended_on")}
    assert client.post(step_url("suspension_end", moderated), ended).status_code == 302
    checks = {"grounds_checked": "on", **date_post(date(2026, 6, 8), "checked_on")}
    response = client.post(step_url("exclusions", moderated), checks)
    assert response.status_code == 200 and "Confirm that the debarment list was checked." in page(response)
    assert state_of(moderated) == "standstill"
    assert client.post(step_url("exclusions", moderated), {**checks, "debarment_checked": "on"}).status_code == 302

    response = client.post(step_url("contract", moderated), date_post(date(2026, 5, 29)))
    assert "The contract cannot be entered into during the standstill" in page(response)
    assert 'href="#id_on_day"' in page(response)  # the error names the date field
    assert client.post(step_url("contract", moderated), date_post(date(2026, 6, 9))).status_code == 302
    html = page(client.get(url("decision", moderated)))
    # s.53(2)(a): 30 days beginning with Tuesday 9 June 2026 end on Wednesday 8 July 2026
    assert state_of(moderated) == "concluded" and "Wednesday 8 July 2026" in html
    assert "Withdrawn or settled on 5 June 2026" in html


def test_an_unknown_award_step_is_not_found(client, moderated, procurement_officer, commissioner):
    services.recommendation_make(actor=procurement_officer, evaluation=moderated, rationale="Best value.")
    services.decision_approve(declares_no_conflict=True, actor=commissioner, evaluation=moderated)
    client.force_login(procurement_officer)
    assert client.post(step_url("shred", moderated), {}).status_code == 404


def test_a_contract_date_must_be_a_real_past_date(client, moderated, procurement_officer, commissioner):
    services.recommendation_make(actor=procurement_officer, evaluation=moderated, rationale="Best value.")
    services.decision_approve(declares_no_conflict=True, actor=commissioner, evaluation=moderated)
    client.force_login(procurement_officer)
    response = client.post(step_url("contract", moderated), {"on_day": "31", "on_month": "2", "on_year": "2026"})
    assert response.status_code == 200
    assert "Date the contract was entered into must be a real date." in page(response)
    response = client.post(step_url("contract", moderated), {"on_day": "", "on_month": "", "on_year": ""})
    assert "Enter the date the contract was entered into." in page(response)
    assert AwardDecision.objects.get().contract_entered_on is None and state_of(moderated) == "decided"


def test_only_officers_record_the_contract(client, moderated, procurement_officer, commissioner, evaluator_a):
    services.recommendation_make(actor=procurement_officer, evaluation=moderated, rationale="Best value.")
    services.decision_approve(declares_no_conflict=True, actor=commissioner, evaluation=moderated)
    client.force_login(evaluator_a)
    assert "Record that the contract is entered into" not in page(client.get(url("decision", moderated)))
    response = client.post(step_url("contract", moderated), date_post(timezone.localdate()))
    assert response.status_code == 403
    assert AwardDecision.objects.get().contract_entered_on is None and state_of(moderated) == "decided"
