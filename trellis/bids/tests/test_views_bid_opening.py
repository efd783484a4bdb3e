"""The authority's side of bids on the web, and the sealed guarantee through every page: before the opening no
member of staff (commissioner, procurement officer, evaluator, platform admin, superuser) can reach a bid's
content; at most the count, and only when the opportunity shows it. Opening is refused before the deadline,
needs a second, different person when two are required, and then the bids are read-only to staff."""

from __future__ import annotations

import pytest

from trellis.bids.models import Opening
from trellis.bids.tests.test_views_bid import complete, past_deadline, summary, text
from trellis.core.domain.roles import Role
from trellis.core.models import AuditEvent
from trellis.opportunities.models import Opportunity
from trellis.opportunities.tests.fixtures_core import *  # noqa: F403

pytestmark = pytest.mark.django_db

SECRET = "How we meet"  # every answer written by ``complete`` starts with this


@pytest.fixture
def opp(published):
    return published


@pytest.fixture
def submitted(opp, provider_admin, charity):
    from trellis.bids import services

    bid = services.bid_start(actor=provider_admin, opportunity=opp, organisation=charity)
    complete(bid, provider_admin)
    services.bid_submit(actor=provider_admin, bid=bid)
    bid.refresh_from_db()
    return bid


@pytest.fixture
def superuser(make_person, council):
    person = make_person(Role.COMMISSIONER, council)
    person.is_superuser = True
    person.is_staff = True
    person.save()
    return person


@pytest.fixture
def staff(commissioner, procurement_officer, platform_admin, superuser, make_person, council):
    return {
        "commissioner": commissioner,
        "procurement officer": procurement_officer,
        "evaluator": make_person(Role.EVALUATOR, council),
        "platform admin": platform_admin,
        "superuser": superuser,
    }


def bid_pages(bid) -> list[str]:
    document = bid.documents.first()
    pages = [f"/bids/{bid.public_id}/{s}" for s in ("", "answers/", "budget/", "check/", "receipt/", "declarations/")]
    if document:
        pages.append(f"/bids/{bid.public_id}/documents/{document.public_id}/")
    return pages


def test_before_the_opening_no_member_of_staff_can_reach_a_bid_through_any_page(client, submitted, staff):
    opp = submitted.opportunity
    for label, person in staff.items():
        client.force_login(person)
        for url in bid_pages(submitted):
            assert client.get(url).status_code == 404, (label, url)
        for url in (f"/opportunities/{opp.public_id}/", f"/bids/opportunity/{opp.public_id}/opening/"):
            assert SECRET not in text(client.get(url)), (label, url)
        assert "Brookfield" not in text(client.get(f"/bids/opportunity/{opp.public_id}/opening/")), label


def test_the_count_is_shown_before_the_opening_only_when_the_opportunity_is_set_to_show_it(
    client, submitted, commissioner
):
    opp = submitted.opportunity
    client.force_login(commissioner)
    assert "bid received" not in text(client.get(f"/opportunities/{opp.public_id}/"))
    assert "received" not in text(client.get(f"/bids/opportunity/{opp.public_id}/opening/")).replace(
        "Bids received", ""
    )
    Opportunity.objects.filter(pk=opp.pk).update(show_bid_count_before_opening=True)
    assert "1 bid received" in text(client.get(f"/opportunities/{opp.public_id}/"))
    assert "1 bid received" in text(client.get(f"/bids/opportunity/{opp.public_id}/opening/"))


def test_opening_before_the_deadline_is_refused_with_the_deadline_and_opens_nothing(client, submitted, commissioner):
    opp = submitted.opportunity
    client.force_login(commissioner)
    response = client.post(f"/bids/opportunity/{opp.public_id}/opening/", {"action": "open"})
    assert response.status_code == 200
    assert "Bids cannot be opened before the deadline" in summary(response)
    assert not Opening.objects.exists()
    assert client.get(f"/bids/{submitted.public_id}/").status_code == 404


def test_after_the_deadline_and_closing_a_commissioner_opens_the_bids_and_reads_them(client, submitted, commissioner):
    opp = submitted.opportunity
    past_deadline(opp)
    client.force_login(commissioner)
    # Not yet closed: refused, naming why.
    response = client.post(f"/bids/opportunity/{opp.public_id}/opening/", {"action": "open"})
    assert "once the opportunity has been closed" in summary(response)
    past_deadline(opp, close=True)
    assert "Open the bids" in text(client.get(f"/opportunities/{opp.public_id}/"))
    response = client.post(f"/bids/opportunity/{opp.public_id}/opening/", {"action": "open"})
    assert response.status_code == 302
    assert Opening.objects.get(opportunity=opp).is_complete
    assert AuditEvent.objects.filter(verb="bids.opened").exists()
    listing = text(client.get(f"/bids/opportunity/{opp.public_id}/opening/"))
    assert "Brookfield Community Pantry" in listing and "£80,000" in listing
    page = client.get(f"/bids/{submitted.public_id}/")
    assert page.status_code == 200
    shown = text(page)
    assert SECRET in shown and "Matches the content below" in shown
    assert "Save your answers" not in shown and "Change" not in shown
    # Staff read only: the editing pages are not theirs.
    assert client.get(f"/bids/{submitted.public_id}/answers/").status_code == 404
    assert client.post(f"/bids/{submitted.public_id}/check/").status_code == 404


def test_after_the_opening_draft_bids_stay_sealed_and_other_providers_still_see_nothing(
    client, submitted, commissioner, other_provider_admin, other_charity
):
    from trellis.bids import services

    opp = submitted.opportunity
    draft = services.bid_start(actor=other_provider_admin, opportunity=opp, organisation=other_charity)
    past_deadline(opp, close=True)
    services.opening_request(actor=commissioner, opportunity=opp)
    client.force_login(commissioner)
    assert client.get(f"/bids/{draft.public_id}/").status_code == 404
    assert "Hollin Bank" not in text(client.get(f"/bids/opportunity/{opp.public_id}/opening/"))
    client.force_login(other_provider_admin)
    assert client.get(f"/bids/{submitted.public_id}/").status_code == 404
    assert client.get(f"/bids/opportunity/{opp.public_id}/opening/").status_code == 403


def test_platform_admins_do_not_open_bids(client, submitted, platform_admin):
    opp = submitted.opportunity
    past_deadline(opp, close=True)
    client.force_login(platform_admin)
    response = client.post(f"/bids/opportunity/{opp.public_id}/opening/", {"action": "open"})
    assert "Only the council's commissioners and procurement officers can open bids" in summary(response).replace(
        "&#x27;", "'"
    )
    assert not Opening.objects.exists()


def test_two_person_opening_needs_a_second_different_person(
    client, submitted, commissioner, procurement_officer, settings
):
    settings.TRELLIS_BIDS_TWO_PERSON_OPENING = True
    opp = submitted.opportunity
    past_deadline(opp, close=True)
    client.force_login(commissioner)
    assert "a different commissioner or procurement officer must confirm" in text(
        client.get(f"/bids/opportunity/{opp.public_id}/opening/")
    )
    client.post(f"/bids/opportunity/{opp.public_id}/opening/", {"action": "open"})
    opening = Opening.objects.get(opportunity=opp)
    assert not opening.is_complete
    # The same person cannot confirm it, and the bids stay sealed.
    response = client.post(f"/bids/opportunity/{opp.public_id}/opening/", {"action": "confirm"})
    assert "A different person must confirm" in summary(response)
    assert client.get(f"/bids/{submitted.public_id}/").status_code == 404
    client.force_login(procurement_officer)
    assert "Confirm the opening" in text(client.get(f"/bids/opportunity/{opp.public_id}/opening/"))
    assert client.post(f"/bids/opportunity/{opp.public_id}/opening/", {"action": "confirm"}).status_code == 302
    opening.refresh_from_db()
    assert opening.is_complete and opening.second_opener == procurement_officer
    assert client.get(f"/bids/{submitted.public_id}/").status_code == 200


def test_signed_out_people_are_sent_to_sign_in(client, submitted):
    opp = submitted.opportunity
    for url in (f"/bids/{submitted.public_id}/", f"/bids/opportunity/{opp.public_id}/opening/", "/bids/mine/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url
