"""The scoring pages: declaring a conflict of interest before seeing a bid, reading it, and marking it
independently. A conflicted member is refused the bid; colleagues' marks are not in the page until the member has
submitted their own; bad marks are named beside their field and nothing is saved; prices in a sealed envelope
stay out of the page. Also: every evaluation page renders for the person it is for."""

from __future__ import annotations

import html
import re

import pytest

from trellis.bids.models import ConflictDeclaration
from trellis.evaluation import services
from trellis.evaluation.models import Mark, ScoreSheet
from trellis.evaluation.tests.fixtures import *  # noqa: F403
from trellis.evaluation.tests.fixtures import AFTER
from trellis.evaluation.tests.pages import field_error, summary, text

pytestmark = pytest.mark.django_db

ANSWER = "would do this well"  # in every answer of the fixture bids: the bid's content


def declare_url(evaluation, bid) -> str:
    return f"/evaluation/{evaluation.public_id}/bids/{bid.public_id}/declare/"


def bid_url(evaluation, bid) -> str:
    return f"/evaluation/{evaluation.public_id}/bids/{bid.public_id}/"


def marks_post(criteria, score, reason, action="submit") -> dict[str, str]:
    data = {"action": action}
    for c in criteria:
        data[f"mark-{c.pk}"] = str(score)
        data[f"justification-{c.pk}"] = reason
    return data


def submit_through_services(evaluation, person, bid, criteria, score, reason):
    services.conflict_declare(actor=person, evaluation=evaluation, bid=bid, conflict=False, now=AFTER)
    marks = {c.pk: (score, reason) for c in criteria}
    services.marks_save(actor=person, evaluation=evaluation, bid=bid, marks=marks, submit=True, now=AFTER)


# Declaring ---------------------------------------------------------------------------------------------------------


def test_the_bid_is_refused_until_the_member_declares(client, scoring, two_bids, evaluator_a):
    mine, _ = two_bids
    client.force_login(evaluator_a)
    refused = client.get(bid_url(scoring, mine))
    assert refused.status_code == 403
    assert "Declare whether you have a conflict of interest with this bidder" in text(refused)
    assert ANSWER not in text(refused)


def test_declaring_no_conflict_opens_the_bid(client, scoring, two_bids, evaluator_a):
    mine, _ = two_bids
    client.force_login(evaluator_a)
    form = client.get(declare_url(scoring, mine))
    assert form.status_code == 200
    body = text(form)
    assert "Brookfield Community Pantry" in body and mine.organisation.org_id in body
    assert "What counts as a conflict of interest" in body and "trustee" in body
    assert "No, I have no conflict" in body and "Yes, I have a conflict" in body
    assert ANSWER not in body and "66,000" not in body

    response = client.post(declare_url(scoring, mine), {"conflict": "no"})
    assert response.status_code == 302 and response["Location"] == bid_url(scoring, mine)
    declaration = ConflictDeclaration.objects.get(bid=mine, person=evaluator_a)
    assert declaration.conflict is False
    page = client.get(bid_url(scoring, mine))
    assert page.status_code == 200
    assert "You have declared no conflict of interest" in text(page)
    assert f"Brookfield Community Pantry {ANSWER}" in text(page)
    assert client.get(declare_url(scoring, mine))["Location"] == bid_url(scoring, mine)


def test_a_conflict_needs_its_details_and_then_recuses_the_member(client, scoring, two_bids, evaluator_a):
    mine, _ = two_bids
    client.force_login(evaluator_a)
    nothing = client.post(declare_url(scoring, mine), {})
    assert field_error(nothing, "id_conflict") == "Say whether you have a conflict of interest with this bidder."
    no_details = client.post(declare_url(scoring, mine), {"conflict": "yes", "details": "  "})
    assert no_details.status_code == 200
    assert field_error(no_details, "id_details") == "Say what the conflict of interest is."
    assert "#id_details Say what the conflict of interest is." in summary(no_details)
    assert not ConflictDeclaration.objects.exists()

    declared = client.post(declare_url(scoring, mine), {"conflict": "yes", "details": "My sister chairs its board."})
    assert declared.status_code == 302 and declared["Location"] == f"/evaluation/{scoring.public_id}/"
    assert ConflictDeclaration.objects.get(bid=mine, person=evaluator_a).details == "My sister chairs its board."
    assert "You are recused from this bid" in text(client.get(declared["Location"]))

    refused = client.get(bid_url(scoring, mine))
    assert refused.status_code == 403
    assert "You declared a conflict of interest with this bidder" in text(refused)
    assert ANSWER not in text(refused)
    assert client.post(bid_url(scoring, mine), marks_post([], 3, "x")).status_code == 403
    again = client.post(declare_url(scoring, mine), {"conflict": "no"})
    assert again.status_code == 403
    assert ConflictDeclaration.objects.filter(bid=mine, person=evaluator_a).count() == 1
    assert not ScoreSheet.objects.exists()


# Marking -----------------------------------------------------------------------------------------------------------


def test_colleagues_marks_are_not_in_the_page_until_the_member_submits(
    client, scoring, two_bids, evaluator_a, evaluator_b, quality
):
    mine, _ = two_bids
    submit_through_services(scoring, evaluator_b, mine, quality, 2, "Ben's private reason: thin evidence")
    services.conflict_declare(actor=evaluator_a, evaluation=scoring, bid=mine, conflict=False, now=AFTER)
    client.force_login(evaluator_a)
    before = client.get(bid_url(scoring, mine))
    assert before.status_code == 200
    assert "Ben's private reason" not in text(before) and "Ben Okafor" not in text(before)
    assert "Submit your own marks for this bid before you see your colleagues' marks." in text(before)

    draft = client.post(bid_url(scoring, mine), marks_post(quality[:1], 4, "Ada's draft reason", action="draft"))
    assert draft.status_code == 302
    sheet = ScoreSheet.objects.get(member__person=evaluator_a, bid=mine)
    assert sheet.submitted_at is None and sheet.marks.count() == 1
    still = client.get(bid_url(scoring, mine))
    assert "saved as a draft" in text(still)
    assert "Ben's private reason" not in text(still) and "Ben Okafor" not in text(still)
    draft_mark = re.search(rf'<input[^>]*name="mark-{quality[0].pk}"[^>]*value="4"[^>]*>', still.content.decode())
    assert draft_mark and "checked" in draft_mark.group(0)  # the draft mark is shown chosen
    assert "Ada's draft reason" in text(still)

    submitted = client.post(bid_url(scoring, mine), marks_post(quality, 4, "Ada's reason: clear plan"))
    assert submitted.status_code == 302
    after = client.get(bid_url(scoring, mine))
    body = text(after)
    assert "Ben's private reason: thin evidence" in body and "Ben Okafor" in body
    assert "Ada Marsh (you)" in body
    assert "2 (Minor reservations)" in body and "4 (Good)" in body  # each mark with its level on the 0–5 scale
    assert "Submit your marks" not in body  # read-only now
    assert "You submitted your marks" in body
    assert client.post(bid_url(scoring, mine), marks_post(quality, 5, "Changed")).status_code == 403
    assert {m.score for m in Mark.objects.filter(sheet__member__person=evaluator_a)} == {4}


def test_a_mark_off_the_scale_or_without_a_reason_is_named_and_nothing_is_saved(
    client, scoring, two_bids, evaluator_a, quality
):
    mine, _ = two_bids
    outcomes, local, users = quality
    services.conflict_declare(actor=evaluator_a, evaluation=scoring, bid=mine, conflict=False, now=AFTER)
    client.force_login(evaluator_a)
    data = {
        "action": "submit",
        f"mark-{outcomes.pk}": "7",
        f"justification-{outcomes.pk}": "Very good",
        f"mark-{local.pk}": "3",
        f"justification-{local.pk}": "",
        f"mark-{users.pk}": "2",
        f"justification-{users.pk}": "Some involvement",
    }
    response = client.post(bid_url(scoring, mine), data)
    assert response.status_code == 200
    off_scale = field_error(response, f"id_mark-{outcomes.pk}")
    assert off_scale.startswith("The mark for “Meeting the outcomes” must be a whole number from 0 to 5")
    no_reason = field_error(response, f"id_justification-{local.pk}")
    assert no_reason.startswith(f"Give the reason for your mark for “{local.name}”")
    assert field_error(response, f"id_mark-{local.pk}") == ""
    errors = summary(response)
    assert f"#id_mark-{outcomes.pk}_0 The mark for “Meeting the outcomes”" in errors
    assert f"#id_justification-{local.pk} Give the reason" in errors
    assert not ScoreSheet.objects.exists() and not Mark.objects.exists()

    incomplete = client.post(bid_url(scoring, mine), {"action": "submit"})
    assert field_error(incomplete, f"id_mark-{outcomes.pk}") == "Enter a mark for “Meeting the outcomes”."
    assert not Mark.objects.exists()
    assert not ScoreSheet.objects.filter(submitted_at__isnull=False).exists()


def test_a_citizen_commissioner_marks_only_their_criterion(client, scoring, two_bids, citizen, user_involvement):
    mine, _ = two_bids
    services.conflict_declare(actor=citizen, evaluation=scoring, bid=mine, conflict=False, now=AFTER)
    client.force_login(citizen)
    page = client.get(bid_url(scoring, mine)).content.decode()
    assert re.findall(r'name="(mark-\d+)"', page) == [f"mark-{user_involvement.pk}"] * 6  # six levels on 0–5
    assert "Involving the people who use the service (15%, you mark this)" in html.unescape(
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    )


# Prices --------------------------------------------------------------------------------------------------------


def test_prices_in_a_sealed_envelope_stay_out_of_the_page(
    client, evaluation, two_bids, procurement_officer, evaluator_a
):
    services.evaluation_rules_set(actor=procurement_officer, evaluation=evaluation, rules={"price_envelope": True})
    services.evaluation_move(actor=procurement_officer, evaluation=evaluation, move="start_scoring", now=AFTER)
    mine, _ = two_bids
    for person in (evaluator_a, procurement_officer):  # a quality marker and the moderator: neither marks price
        services.conflict_declare(actor=person, evaluation=evaluation, bid=mine, conflict=False, now=AFTER)
        client.force_login(person)
        response = client.get(bid_url(evaluation, mine))
        assert response.status_code == 200
        body = text(response)
        assert "The price is in a sealed envelope" in body
        assert "66,000" not in body and "66000" not in body  # neither the price nor the full cost
        assert ANSWER in body


def test_without_an_envelope_the_price_and_full_cost_are_shown(client, scoring, two_bids, evaluator_a):
    mine, _ = two_bids
    services.conflict_declare(actor=evaluator_a, evaluation=scoring, bid=mine, conflict=False, now=AFTER)
    client.force_login(evaluator_a)
    body = text(client.get(bid_url(scoring, mine)))
    assert "Price £66,000" in body
    assert "Full cost of the work, with its share of overheads £66,000" in body
    assert "sealed envelope" not in body


# Every page, for the person it is for ------------------------------------------------------------------------------


def test_every_page_renders_for_the_right_person(
    client, two_bids, published, procurement_officer, evaluator_a, evaluator_b, citizen, quality, user_involvement
):
    mine, _ = two_bids
    client.force_login(procurement_officer)
    assert client.get(f"/evaluation/opportunity/{published.public_id}/").status_code == 200
    started = services.evaluation_start(actor=procurement_officer, opportunity=published, now=AFTER)
    base = f"/evaluation/{started.public_id}/"
    for url in (base, base + "rules/", base + "panel/"):
        assert client.get(url).status_code == 200, url
    for person in (evaluator_a, evaluator_b):
        services.panel_member_set(
            actor=procurement_officer, evaluation=started, person=person, role="external_expert",
            criteria=[c.pk for c in quality], now=AFTER,
        )  # fmt: skip
    services.panel_member_set(
        actor=procurement_officer, evaluation=started, person=procurement_officer, role="officer", is_moderator=True
    )
    member = started.members.get(person=evaluator_b)
    assert client.get(base + f"panel/?change={member.pk}").status_code == 200
    services.evaluation_move(actor=procurement_officer, evaluation=started, move="start_scoring", now=AFTER)
    for url in (base, base + "rules/", base + "panel/"):
        assert client.get(url).status_code == 200, url

    client.force_login(evaluator_a)
    assert client.get(base).status_code == 200
    assert client.get(declare_url(started, mine)).status_code == 200
    services.conflict_declare(actor=evaluator_a, evaluation=started, bid=mine, conflict=False, now=AFTER)
    assert client.get(bid_url(started, mine)).status_code == 200
    submit_through_services(started, evaluator_b, mine, quality, 3, "Fine")
    client.force_login(evaluator_b)
    assert client.get(bid_url(started, mine)).status_code == 200
    client.force_login(procurement_officer)
    services.conflict_declare(actor=procurement_officer, evaluation=started, bid=mine, conflict=False, now=AFTER)
    moderator_view = client.get(bid_url(started, mine))
    assert moderator_view.status_code == 200
    assert "You do not mark any criteria on this panel." in text(moderator_view)
    assert "Ben Okafor" in text(moderator_view)  # a moderator who marks nothing sees the submitted marks


def test_reading_a_bid_shows_its_documents_and_is_audited(client, scoring, two_bids, evaluator_a):
    from trellis.bids.models import BidDocument
    from trellis.core.models import AuditEvent

    mine, theirs = two_bids
    # Set straight in the table: documents are added to a draft, and these bids are already opened.
    BidDocument.objects.create(
        bid=mine, title="Delivery plan", file="bids/plan.pdf", content_type="application/pdf", size=1, sha256="0" * 64
    )
    services.conflict_declare(actor=evaluator_a, evaluation=scoring, bid=mine, conflict=False, now=AFTER)
    services.conflict_declare(actor=evaluator_a, evaluation=scoring, bid=theirs, conflict=False, now=AFTER)
    client.force_login(evaluator_a)
    page = text(client.get(bid_url(scoring, mine)))
    assert "Documents Delivery plan" in page
    assert "Documents No documents." in text(client.get(bid_url(scoring, theirs)))
    reads = AuditEvent.objects.filter(verb="bid.read", actor=evaluator_a)
    assert sorted(e.target_id for e in reads) == sorted([str(mine.pk), str(theirs.pk)])
