"""The moderation and results pages: every mark side by side for the moderator only, divergences in words, no
consensus while someone assigned is still marking, marks checked against the scale, and the ranking with prices
hidden while the price envelope is sealed. A refused or bad request changes nothing."""

from __future__ import annotations

import re
from html import escape
from types import SimpleNamespace

import pytest
from django.urls import reverse

from trellis.evaluation import services
from trellis.evaluation.forms.moderation import ConsensusForm
from trellis.evaluation.models import ConsensusMark
from trellis.evaluation.tests.fixtures import *  # noqa: F403
from trellis.evaluation.tests.fixtures import AFTER

pytestmark = pytest.mark.django_db

WARNING = "Marks differ by more than the agreed amount"


def declare_and_mark(evaluation, person, bid, criteria, score, *, submit=True):
    services.conflict_declare(actor=person, evaluation=evaluation, bid=bid, conflict=False, now=AFTER)
    marks = {c.pk: (score, f"{person.get_full_name()} gives {score}: the answer shows this.") for c in criteria}
    services.marks_save(actor=person, evaluation=evaluation, bid=bid, marks=marks, submit=submit, now=AFTER)


def mark_everything(evaluation, two_bids, people, quality, user_involvement, marks):
    """``marks``: for each bid in ``two_bids``, the marks of evaluator A and evaluator B (the citizen gives A's)."""
    evaluator_a, evaluator_b, citizen = people
    for bid, (a, b) in zip(two_bids, marks, strict=True):
        declare_and_mark(evaluation, evaluator_a, bid, quality, a)
        declare_and_mark(evaluation, evaluator_b, bid, quality, b)
        declare_and_mark(evaluation, citizen, bid, [user_involvement], a)


def moderate_everything(evaluation, two_bids, moderator, quality):
    for bid in two_bids:
        services.conflict_declare(actor=moderator, evaluation=evaluation, bid=bid, conflict=False, now=AFTER)
        for c in quality:
            services.consensus_record(
                actor=moderator, evaluation=evaluation, bid=bid, criterion=c, score=3, rationale="Agreed: 3.", now=AFTER
            )


def moderate_url(evaluation, bid):
    return reverse("evaluation:moderate", args=[evaluation.public_id, bid.public_id])


def results_url(evaluation):
    return reverse("evaluation:results", args=[evaluation.public_id])


def page(response) -> str:
    return response.content.decode()


@pytest.fixture
def people(evaluator_a, evaluator_b, citizen):
    return evaluator_a, evaluator_b, citizen


# Moderation ------------------------------------------------------------------------------------------------------


def test_marks_side_by_side_are_for_the_moderator_only(
    client, scoring, two_bids, evaluator_a, evaluator_b, outsider, procurement_officer, quality
):
    mine, _ = two_bids
    declare_and_mark(scoring, evaluator_a, mine, quality, 4)
    services.conflict_declare(actor=evaluator_b, evaluation=scoring, bid=mine, conflict=False, now=AFTER)
    url = moderate_url(scoring, mine)

    client.force_login(evaluator_b)  # on the panel, has not submitted
    assert client.get(url).status_code == 403
    client.force_login(evaluator_a)  # has submitted, but does not moderate
    assert client.get(url).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404

    client.force_login(procurement_officer)
    before = page(client.get(url))
    assert "Ada Marsh gives 4" not in before  # not before the moderator's own declaration
    assert "Declare whether you have a conflict of interest with this bidder" in before

    services.conflict_declare(actor=procurement_officer, evaluation=scoring, bid=mine, conflict=False, now=AFTER)
    response = client.get(url)
    assert response.status_code == 200
    html = page(response)
    assert escape(mine.organisation.name) in html
    for c in quality:
        assert f"Submitted marks for “{escape(c.name)}”" in html
    assert html.count("Ada Marsh gives 4: the answer shows this.") == len(quality)
    assert "Presentations and interviews are criteria of the opportunity" in html


def test_a_divergence_is_highlighted_in_words(
    client, scoring, two_bids, people, procurement_officer, quality, user_involvement
):
    mine, theirs = two_bids
    mark_everything(scoring, two_bids, people, quality, user_involvement, [(5, 2), (4, 4)])
    client.force_login(procurement_officer)
    for bid in two_bids:
        services.conflict_declare(actor=procurement_officer, evaluation=scoring, bid=bid, conflict=False, now=AFTER)

    split = page(client.get(moderate_url(scoring, mine)))
    # 5 and 2 are 3 apart on a 0 to 5 scale; the default allows a quarter of the maximum, 1.25.
    assert split.count(f"{WARNING}: they are 3 apart") == len(quality)
    assert "more than 1.25" in split
    agreed = page(client.get(moderate_url(scoring, theirs)))
    assert WARNING not in agreed
    assert "That is within the agreed amount of 1.25." in agreed


def test_no_consensus_while_someone_assigned_has_not_submitted(
    client, scoring, two_bids, evaluator_a, evaluator_b, procurement_officer, quality
):
    mine, _ = two_bids
    declare_and_mark(scoring, evaluator_a, mine, quality, 4)
    declare_and_mark(scoring, evaluator_b, mine, quality, 3, submit=False)  # a draft only
    services.conflict_declare(actor=procurement_officer, evaluation=scoring, bid=mine, conflict=False, now=AFTER)
    outcomes = quality[0]
    client.force_login(procurement_officer)

    html = page(client.get(moderate_url(scoring, mine)))
    assert "Still to submit:</strong> Ben Okafor." in html
    assert f'name="c{outcomes.pk}-score"' not in html  # the form is not offered

    response = client.post(
        moderate_url(scoring, mine),
        {"criterion": outcomes.pk, f"c{outcomes.pk}-score": "4", f"c{outcomes.pk}-rationale": "Agreed."},
    )
    assert response.status_code == 200
    assert "cannot be moderated until everyone marking it has submitted: Ben Okafor." in page(response)
    assert not ConsensusMark.objects.exists()


def test_a_consensus_off_the_scale_is_refused_and_a_good_one_is_saved(
    client, scoring, two_bids, people, procurement_officer, quality, user_involvement
):
    mine, _ = two_bids
    mark_everything(scoring, two_bids, people, quality, user_involvement, [(5, 2), (4, 4)])
    services.conflict_declare(actor=procurement_officer, evaluation=scoring, bid=mine, conflict=False, now=AFTER)
    outcomes = quality[0]
    url = moderate_url(scoring, mine)
    client.force_login(procurement_officer)

    response = client.post(
        url, {"criterion": outcomes.pk, f"c{outcomes.pk}-score": "9", f"c{outcomes.pk}-rationale": ""}
    )
    assert response.status_code == 200
    html = page(response)
    assert f"The consensus mark for “{escape(outcomes.name)}” must be a whole number from 0 to 5." in html
    assert f"Give the reason for the consensus mark for “{escape(outcomes.name)}”" in html
    assert f'href="#id_c{outcomes.pk}-score_0"' in html  # the error summary links to the radios
    assert not ConsensusMark.objects.exists()

    response = client.post(
        url,
        {"criterion": outcomes.pk, f"c{outcomes.pk}-score": "4", f"c{outcomes.pk}-rationale": "Strong evidence."},
    )
    assert response.status_code == 302
    agreed = ConsensusMark.objects.get()
    assert (agreed.bid, agreed.criterion, agreed.score, agreed.rationale) == (mine, outcomes, 4, "Strong evidence.")
    html = page(client.get(url))
    assert re.search(rf'name="c{outcomes.pk}-score" value="4"[^>]*checked', html)  # the consensus, pre-filled
    assert "Change the consensus mark" in html


def test_an_evaluator_cannot_record_a_consensus(
    client, scoring, two_bids, people, quality, user_involvement, evaluator_a
):
    mine, _ = two_bids
    mark_everything(scoring, two_bids, people, quality, user_involvement, [(4, 4), (3, 3)])
    outcomes = quality[0]
    client.force_login(evaluator_a)
    response = client.post(
        moderate_url(scoring, mine),
        {"criterion": outcomes.pk, f"c{outcomes.pk}-score": "4", f"c{outcomes.pk}-rationale": "Agreed."},
    )
    assert response.status_code == 403
    assert not ConsensusMark.objects.exists()


# Results ---------------------------------------------------------------------------------------------------------


def ranking(html: str) -> str:
    return html[html.index('id="ranking"') : html.index("</table>", html.index('id="ranking"'))]


@pytest.mark.parametrize("charity_marks_higher", [True, False])
def test_results_rank_the_bids_by_their_marks(
    client, scoring, two_bids, people, procurement_officer, quality, user_involvement, charity_marks_higher
):
    mine, theirs = two_bids
    marks = [(4, 4), (3, 2)] if charity_marks_higher else [(3, 2), (4, 4)]
    mark_everything(scoring, two_bids, people, quality, user_involvement, marks)
    client.force_login(procurement_officer)
    response = client.get(results_url(scoring))
    assert response.status_code == 200
    html = page(response)
    table = ranking(html)
    first, second = (mine, theirs) if charity_marks_higher else (theirs, mine)
    assert table.index(escape(first.organisation.name)) < table.index(escape(second.organisation.name))
    assert f"Ranked first: <strong>{escape(first.organisation.name)}</strong>" in html
    assert "£66,000" in table and "£60,000" in table and "Price points" in table
    missing = 2 * len(quality)
    assert f"{missing} consensus marks still to agree" in html
    assert "the results use the mean of the evaluators' marks" in html
    # What would change the winner: the runner-up's marks raised and the winner's lowered, one level at a time.
    assert "How close is the result?" in html
    assert f"would make {escape(second.organisation.name)} the winner" in html
    assert "section 7, “What would change the winner”" in html


def test_results_hide_prices_while_the_envelope_is_sealed(
    client, evaluation, two_bids, people, procurement_officer, quality, user_involvement
):
    services.evaluation_rules_set(actor=procurement_officer, evaluation=evaluation, rules={"price_envelope": True})
    services.evaluation_move(actor=procurement_officer, evaluation=evaluation, move="start_scoring", now=AFTER)
    mark_everything(evaluation, two_bids, people, quality, user_involvement, [(4, 4), (3, 2)])
    client.force_login(procurement_officer)

    sealed = page(client.get(results_url(evaluation)))
    assert "Prices are in a sealed envelope." in sealed
    for hidden in ("£66,000", "£60,000", "Price points", "Ranked first", "stays first in"):
        assert hidden not in sealed
    for bid in two_bids:
        assert escape(bid.organisation.name) in ranking(sealed)

    moderate_everything(evaluation, two_bids, procurement_officer, quality)
    opened = page(client.get(results_url(evaluation)))
    assert "Prices are in a sealed envelope." not in opened
    assert "£66,000" in ranking(opened) and "Price points" in ranking(opened)


def test_results_are_for_officers_and_moderators(client, scoring, two_bids, evaluator_a, outsider, commissioner):
    client.force_login(evaluator_a)
    assert client.get(results_url(scoring)).status_code == 403
    client.force_login(outsider)
    assert client.get(results_url(scoring)).status_code == 404
    client.force_login(commissioner)
    html = page(client.get(results_url(scoring)))
    assert "The results cannot be worked out yet." in html  # nobody has marked anything
    assert "Nobody has marked" in html


def test_a_moderator_with_a_declared_conflict_does_not_see_the_results(client, scoring, two_bids, procurement_officer):
    mine, _ = two_bids
    services.conflict_declare(
        actor=procurement_officer, evaluation=scoring, bid=mine, conflict=True, details="I was its trustee.", now=AFTER
    )
    client.force_login(procurement_officer)
    response = client.get(results_url(scoring))
    assert response.status_code == 403
    assert escape(mine.organisation.name) not in page(response)


def test_a_hundred_point_criterion_takes_a_typed_mark_checked_against_its_bands():
    criterion = SimpleNamespace(pk=7, name="Social value", scale="0-100")
    typed = ConsensusForm({"c7-score": "75", "c7-rationale": "Good."}, criterion=criterion, prefix="c7")
    assert typed.is_valid() and typed.cleaned_data["score"] == 75
    assert 'type="text"' in str(typed["score"])  # 101 marks are typed, not chosen from radios
    off = ConsensusForm({"c7-score": "101", "c7-rationale": "Good."}, criterion=criterion, prefix="c7")
    assert not off.is_valid()
    assert off.errors["score"] == ["The consensus mark for “Social value” must be a whole number from 0 to 100."]
    radios = ConsensusForm(criterion=SimpleNamespace(pk=8, name="Met", scale="met_exceeded"), prefix="c8")
    assert [value for value, _ in radios.fields["score"].choices] == ["10", "7", "0"]
