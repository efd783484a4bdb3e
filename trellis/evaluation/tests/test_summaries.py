"""Assessment summaries and the evaluation report: the pages and PDFs, who may see them and when.

The walk to a decision: evaluator B declares a conflict with the other charity's bid (so only evaluator A and the
citizen commissioner mark it); everyone else marks both bids, evaluator A changing one draft mark before submitting;
the procurement officer moderates. The agreed marks, every quality criterion on the 0 to 5 scale:

    the charity (£66,000)        4 on each → 4 ÷ 5 × 80 = 64 quality points; price 20 × 60,000 ÷ 66,000 = 18.18
    the other charity (£60,000)  3 on each → 48 quality points; price 20 (the lowest)

Totals: the charity 82.18 (1st), the other charity 68 (2nd). On the charity's bid evaluator A gave 4 and evaluator B
2 throughout: a spread of 2, more than the allowed 0.25 × 5 = 1.25, so each is flagged as divergent.
"""

from __future__ import annotations

import socket
from html import escape

import pytest
from django.urls import reverse

from trellis.core.errors import ValidationFailed
from trellis.core.models import AuditEvent
from trellis.evaluation import pdf, reports, services
from trellis.evaluation import permissions as perms
from trellis.evaluation.domain.summary import Outcome
from trellis.evaluation.models import AwardDecision, PanelMember
from trellis.evaluation.tests.fixtures import *  # noqa: F403
from trellis.evaluation.tests.fixtures import AFTER

pytestmark = pytest.mark.django_db

CONFLICT = "My sister chairs its board."


def rationale(bid, criterion) -> str:
    return f"Agreed for {bid.organisation.name} on “{criterion.name}”: the answer gives evidence."


def declare_and_mark(evaluation, person, bid, criteria, score):
    services.conflict_declare(actor=person, evaluation=evaluation, bid=bid, conflict=False, now=AFTER)
    marks = {c.pk: (score, f"{person.get_full_name()} gives {score}: the answer shows this.") for c in criteria}
    services.marks_save(actor=person, evaluation=evaluation, bid=bid, marks=marks, submit=True, now=AFTER)


def walk_to_moderated(scoring, two_bids, procurement_officer, evaluator_a, evaluator_b, citizen, quality, users):
    mine, theirs = two_bids
    # The citizen commissioner is in conflict with the other bidder: recused from every bid of the lot.
    services.conflict_declare(actor=citizen, evaluation=scoring, bid=theirs, conflict=True, details=CONFLICT, now=AFTER)
    # Evaluator A saves a draft mark, then changes it before submitting: one audited change.
    services.conflict_declare(actor=evaluator_a, evaluation=scoring, bid=mine, conflict=False, now=AFTER)
    services.marks_save(
        actor=evaluator_a, evaluation=scoring, bid=mine, marks={quality[0].pk: (3, "A first view.")}, now=AFTER
    )
    services.marks_save(
        actor=evaluator_a,
        evaluation=scoring,
        bid=mine,
        marks={c.pk: (4, "Ada Marsh gives 4: the answer shows this.") for c in quality},
        submit=True,
        now=AFTER,
    )
    declare_and_mark(scoring, evaluator_b, mine, quality, 2)
    declare_and_mark(scoring, evaluator_a, theirs, quality, 3)
    declare_and_mark(scoring, evaluator_b, theirs, quality, 3)
    for bid, score in ((mine, 4), (theirs, 3)):
        services.conflict_declare(actor=procurement_officer, evaluation=scoring, bid=bid, conflict=False, now=AFTER)
        for c in quality:
            services.consensus_record(
                actor=procurement_officer,
                evaluation=scoring,
                bid=bid,
                criterion=c,
                score=score,
                rationale=rationale(bid, c),
                now=AFTER,
            )
    return scoring


@pytest.fixture
def moderated(scoring, two_bids, procurement_officer, evaluator_a, evaluator_b, citizen, quality, user_involvement):
    return walk_to_moderated(
        scoring, two_bids, procurement_officer, evaluator_a, evaluator_b, citizen, quality, user_involvement
    )


@pytest.fixture
def recommended(moderated, procurement_officer):
    services.recommendation_make(
        actor=procurement_officer, evaluation=moderated, rationale="Highest quality, within budget.", now=AFTER
    )
    return moderated


@pytest.fixture
def decided(recommended, commissioner):
    services.decision_approve(declares_no_conflict=True, actor=commissioner, evaluation=recommended, now=AFTER)
    return recommended


def summary_url(bid, name="evaluation:summary"):
    return reverse(name, args=[bid.public_id])


def page(client, person, url):
    client.force_login(person)
    return client.get(url)


# Assessment summaries: who and when ----------------------------------------------------------------------------


def test_an_unsuccessful_applicant_sees_its_scores_and_the_winners_with_the_reasons(
    client, decided, two_bids, other_provider_admin, quality
):
    mine, theirs = two_bids
    response = page(client, other_provider_admin, summary_url(theirs))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-xl">Feedback on your application</h1>' in html  # a grant round: plain words
    assert "Your application has not been successful. It was ranked 2nd of 2, with 68 points out of 100." in html
    assert "The successful application, from Brookfield Community Pantry, scored 82.18." in html
    for c in quality:  # its own reasons and the winner's, criterion by criterion
        assert rationale(theirs, c).replace("'", "&#x27;") in html
        assert rationale(mine, c) in html
    assert "4 out of 5 (Good)" in html and "3 out of 5 (Acceptable)" in html
    assert mine.organisation.org_id in html  # the winner's identifier
    assert "50% of the total score" in html  # the methodology: relative importance
    assert summary_url(theirs, "evaluation:summary_pdf") in html


def test_the_winner_is_told_it_has_been_successful(client, decided, two_bids, provider_admin):
    mine, _ = two_bids
    response = page(client, provider_admin, summary_url(mine))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your application has been successful." in html
    assert 'id="winner"' not in html  # its own scores once, not twice


def test_a_bidder_cannot_see_another_bidders_summary(client, decided, two_bids, other_provider_admin):
    mine, _ = two_bids
    assert page(client, other_provider_admin, summary_url(mine)).status_code == 404
    assert page(client, other_provider_admin, summary_url(mine, "evaluation:summary_pdf")).status_code == 404


def test_nothing_before_the_decision_is_approved(client, recommended, two_bids, provider_admin):
    mine, _ = two_bids
    events = AuditEvent.objects.count()
    response = page(client, provider_admin, summary_url(mine))
    assert response.status_code == 403
    assert "ready once the award decision has been approved" in response.content.decode()
    assert page(client, provider_admin, summary_url(mine, "evaluation:summary_pdf")).status_code == 403
    overview = client.get(reverse("bids:bid", args=[mine.public_id]))
    assert overview.status_code == 200 and "Your assessment summary" not in overview.content.decode()
    recommended.refresh_from_db()
    assert recommended.state == "recommended" and AuditEvent.objects.count() == events


def test_the_bids_page_links_to_the_summary_once_awarded(client, decided, two_bids, provider_admin):
    mine, _ = two_bids
    html = page(client, provider_admin, reverse("bids:bid", args=[mine.public_id])).content.decode()
    assert "Your assessment summary" in html and summary_url(mine) in html


def test_officers_see_any_summary_but_an_evaluator_does_not(
    client, decided, two_bids, commissioner, evaluator_a, outsider
):
    _, theirs = two_bids
    assert page(client, commissioner, summary_url(theirs)).status_code == 200
    assert page(client, evaluator_a, summary_url(theirs)).status_code == 404  # the bid's own door refuses them
    assert page(client, outsider, summary_url(theirs)).status_code == 404
    refused = perms.can_view_summary(evaluator_a, theirs, decided)
    assert not refused and "Only the bidder and the council" in refused.reason


def test_signed_out_people_are_asked_to_sign_in(client, decided, two_bids):
    mine, _ = two_bids
    response = client.get(summary_url(mine))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_a_tender_gets_an_assessment_summary_with_the_standstill(
    client, moderated, two_bids, procurement_officer, commissioner, other_provider_admin
):
    opportunity = moderated.opportunity
    opportunity.kind = "open_tender"  # the same exercise, run as an open tender
    opportunity.save(update_fields=["kind"])
    services.recommendation_make(actor=procurement_officer, evaluation=moderated, rationale="Best value.", now=AFTER)
    decision = services.decision_approve(declares_no_conflict=True, actor=commissioner, evaluation=moderated, now=AFTER)
    _, theirs = two_bids
    html = page(client, other_provider_admin, summary_url(theirs)).content.decode()
    assert '<h1 class="govuk-heading-xl">Assessment summary</h1>' in html
    assert "Your tender has not been successful." in html
    # the standstill starts with the contract award notice, not the approval (s.51(2)): no date in the summary yet
    assert decision.standstill_applies and decision.standstill_last_day is None
    assert "Starts when the award notice is published: you will be told its dates." in html
    # What would change the winner is for the authority's own assurance: never in what a bidder is sent.
    letter = pdf.summary_html(reports.summary_for(other_provider_admin, theirs.public_id))
    for text in (html, letter):
        assert "would change the winner" not in text and "would make" not in text and "moderated mark" not in text
    assert "change_the_winner" in decision.result["lots"][0]["result"]  # kept in the decision record
    response = client.get(summary_url(theirs, "evaluation:summary_pdf"))
    assert response["Content-Disposition"] == (
        f'attachment; filename="assessment-summary-{opportunity.reference}-{theirs.organisation.org_id}.pdf"'
    )


def test_no_award_tells_every_applicant_why(
    client, moderated, two_bids, procurement_officer, commissioner, provider_admin
):
    internal = "Both bids read as if written for another council; the panel doubts either could deliver."
    with pytest.raises(ValidationFailed) as refused:  # the internal reasons are never the bidders' letter
        services.recommendation_make(
            actor=procurement_officer, evaluation=moderated, rationale=internal, award=False, now=AFTER
        )
    assert "reason_for_bidders" in refused.value.errors
    assert not AwardDecision.objects.filter(evaluation=moderated).exists()
    services.recommendation_make(
        actor=procurement_officer,
        evaluation=moderated,
        rationale=internal,
        award=False,
        reason_for_bidders="Neither bid shows how it would reach people who are housebound.",
        now=AFTER,
    )
    services.decision_approve(declares_no_conflict=True, actor=commissioner, evaluation=moderated, now=AFTER)
    mine, _ = two_bids
    html = page(client, provider_admin, reverse("bids:bid", args=[mine.public_id])).content.decode()
    assert "Your assessment summary" in html  # not awarded: the summary is there too
    found = reports.summary_for(provider_admin, mine.public_id)
    assert found.summary.outcome is Outcome.NO_AWARD
    html = page(client, provider_admin, summary_url(mine)).content.decode()
    assert "No grant is being awarded, so no application has been successful." in html
    assert "Neither bid shows how it would reach people who are housebound." in html
    assert internal not in html


def test_the_successful_reasons_can_be_withheld_and_the_others_are_told_why(
    client, moderated, two_bids, procurement_officer, commissioner, other_provider_admin, provider_admin, quality
):
    delivery = quality[0]
    with pytest.raises(ValidationFailed) as refused:  # only a quality criterion, and only on a listed ground
        services.recommendation_make(
            actor=procurement_officer,
            evaluation=moderated,
            rationale="Best value.",
            withheld={str(delivery.pk): "because we would rather not"},
            now=AFTER,
        )
    assert "withheld" in refused.value.errors and not AwardDecision.objects.exists()
    services.recommendation_make(
        actor=procurement_officer,
        evaluation=moderated,
        rationale="Best value.",
        withheld={str(delivery.pk): "commercial_interests"},
        now=AFTER,
    )
    services.decision_approve(declares_no_conflict=True, actor=commissioner, evaluation=moderated, now=AFTER)
    mine, theirs = two_bids
    html = page(client, other_provider_admin, summary_url(theirs)).content.decode()
    assert escape(f"The successful application's reasons for “{delivery.name}” are withheld") in html
    assert escape(rationale(mine, delivery)) not in html  # the winner's agreed reason for it is not shown
    own = page(client, provider_admin, summary_url(mine)).content.decode()
    assert escape(rationale(mine, delivery)) in own and "withheld" not in own  # the winner sees its own


# The PDFs -------------------------------------------------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch):
    """Every attempt to open a network connection is recorded (and refused)."""
    attempts = []

    def refuse(self, address):
        attempts.append(address)
        raise OSError("No network in this test.")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


def test_the_summary_pdf_is_a_pdf_made_without_fetching_anything(
    client, decided, two_bids, other_provider_admin, no_network
):
    _, theirs = two_bids
    response = page(client, other_provider_admin, summary_url(theirs, "evaluation:summary_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reference = decided.opportunity.reference
    assert response["Content-Disposition"] == (
        f'attachment; filename="feedback-{reference}-{theirs.organisation.org_id}.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF-") and response.content.rstrip().endswith(b"%%EOF")
    assert no_network == []
    html = pdf.summary_html(reports.summary_for(other_provider_admin, theirs.public_id))
    assert "http://" not in html and "https://" not in html and "url(" not in html and "src=" not in html
    assert "Feedback on your application" in html and "Brookfield Community Pantry" in html


def report_url(evaluation):
    return reverse("evaluation:report_pdf", args=[evaluation.public_id])


def test_officers_get_the_report_as_a_pdf(client, recommended, commissioner, no_network):
    response = page(client, commissioner, report_url(recommended))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="evaluation-report-{recommended.opportunity.reference}.pdf"'
    )
    assert response.content.startswith(b"%PDF-")
    assert no_network == []


def test_the_report_is_refused_to_evaluators_providers_and_before_the_recommendation(
    client, moderated, two_bids, procurement_officer, evaluator_a, provider_admin, outsider
):
    refused = page(client, procurement_officer, report_url(moderated))  # still scoring
    assert refused.status_code == 403 and "once a recommendation has been made" in refused.content.decode()
    services.recommendation_make(actor=procurement_officer, evaluation=moderated, rationale="Best.", now=AFTER)
    assert page(client, procurement_officer, report_url(moderated)).status_code == 200  # officer and moderator
    refused = page(client, evaluator_a, report_url(moderated))  # on the panel, but not a moderator
    assert refused.status_code == 403 and "Only the moderator" in refused.content.decode()
    assert page(client, provider_admin, report_url(moderated)).status_code == 404
    assert page(client, outsider, report_url(moderated)).status_code == 404


def test_the_report_holds_every_mark_the_consensus_the_conflicts_and_the_audit_count(
    recommended, two_bids, commissioner, quality
):
    mine, theirs = two_bids
    report = reports.report_for(commissioner, recommended)
    assert [b.name for b in report.lots[0].bids] == [mine.organisation.name, theirs.organisation.name]
    assert report.lots[0].reproduced
    assert report.lots[0].bids[0].is_winner and not report.lots[0].bids[1].is_winner
    assert report.winners == [mine.organisation.name]
    assert report.audit.mark_changes == 1  # evaluator A's draft mark of 3, changed to 4
    assert report.audit.mark_saves == 5  # the draft, then four submissions (the citizen is recused from the lot)
    assert report.audit.consensus_changes == 0
    assert report.no_conflict_count == 6 and [c.details for c in report.conflicts] == [CONFLICT]
    # The charity's bid: two markers on every criterion (the citizen is recused); all divergent (4 against 2).
    lines = report.lots[0].bids[0].criteria
    assert [len(c.marks) for c in lines] == [2, 2, 2]
    assert all(c.line.divergent for c in lines)
    assert len(report.lots[0].divergences) == 3
    html = pdf.report_html(report)
    for c in quality:
        assert rationale(mine, c) in html
    assert "Ada Marsh gives 4: the answer shows this." in html and "Ben Okafor gives 2" in html
    assert CONFLICT in html and "Cath Doyle" in html
    assert "Highest quality, within budget." in html
    assert "Marks changed after they were first saved</th><td>1</td>" in html
    assert "What would change the winner" in html and "would make" in html  # for the authority: not in summaries
    assert "Awaiting approval" in html
    assert "http://" not in html and "https://" not in html and "src=" not in html


# Who may see what, state by state -------------------------------------------------------------------------------


def test_the_permission_table_for_summaries_and_the_report(
    moderated, two_bids, procurement_officer, commissioner, evaluator_a, citizen, provider_admin, other_provider_admin
):
    mine, _ = two_bids
    people = {
        "bidder": provider_admin,
        "other bidder": other_provider_admin,
        "commissioner": commissioner,
        "moderator": procurement_officer,
        "evaluator": evaluator_a,
        "citizen": citizen,
    }

    def table():
        return (
            {who for who, p in people.items() if perms.can_view_summary(p, mine, moderated)},
            {who for who, p in people.items() if perms.can_view_report(p, moderated)},
        )

    assert table() == (set(), set())  # scoring
    services.recommendation_make(actor=procurement_officer, evaluation=moderated, rationale="Best.", now=AFTER)
    assert table() == (set(), {"commissioner", "moderator"})
    services.decision_approve(declares_no_conflict=True, actor=commissioner, evaluation=moderated, now=AFTER)
    assert table() == ({"bidder", "commissioner", "moderator"}, {"commissioner", "moderator"})
    # A moderator who is not an officer sees the report too; an evaluator who does not moderate never does.
    PanelMember.objects.filter(evaluation=moderated, person=evaluator_a).update(is_moderator=True)
    assert perms.can_view_report(evaluator_a, moderated)
    assert not perms.can_view_report(citizen, moderated)
