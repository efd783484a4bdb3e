"""The sealed guarantee, route by route: before the opening nobody at the authority — commissioners, procurement
officers, evaluators, platform admins, superusers — reads a bid's content through the selectors, the admin site,
the directory exports or the API. After the opening the authority's people do (through the selectors; the admin
site never shows content). Providers never see another organisation's bid."""

import re

import pytest

from trellis.bids import permissions as perms
from trellis.bids import selectors, services
from trellis.bids.models import Bid, BidDocument
from trellis.bids.tests.fixtures_core import *  # noqa: F403
from trellis.bids.tests.fixtures_core import AFTER, NOW, SECRET
from trellis.core.errors import NotFound, PermissionDenied

pytestmark = pytest.mark.django_db
STAFF = ["commissioner", "procurement_officer", "evaluator", "platform_admin", "superuser"]
#: Staff who read opened bids. Evaluators see only what they are assigned, through evaluation.
READERS_AFTER_OPENING = ["commissioner", "procurement_officer", "platform_admin", "superuser"]
PDF = b"%PDF-1.4\n%sealed attachment\n"


@pytest.fixture
def sealed(submitted_bid, closed):
    """A submitted bid with a document, after the deadline, the opportunity closed, NOT opened."""
    submitted_bid.refresh_from_db()
    return submitted_bid


@pytest.fixture
def document(ready_bid, provider_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return services.bid_document_add(
        actor=provider_admin, bid=ready_bid, upload=SimpleUploadedFile("plan.pdf", PDF), title="Delivery plan", now=NOW
    )


def assert_sealed_for(person, bid):
    assert not perms.can_view_bid_content(person, bid)
    with pytest.raises(NotFound):
        selectors.bid_get_for(actor=person, public_id=bid.public_id)
    with pytest.raises(PermissionDenied):
        selectors.bids_for_opportunity(actor=person, opportunity=bid.opportunity)
    with pytest.raises(PermissionDenied):
        selectors.bids_for_organisation(person, bid.organisation)
    with pytest.raises(NotFound):
        selectors.receipts_for(person, bid)
    for document in BidDocument.objects.filter(bid=bid):
        with pytest.raises(NotFound):
            selectors.bid_document_get_for(actor=person, public_id=document.public_id)


@pytest.mark.parametrize("who", STAFF)
def test_no_staff_role_reads_a_bid_before_the_opening(request, who, document, sealed):
    assert_sealed_for(request.getfixturevalue(who), sealed)


@pytest.mark.parametrize("who", STAFF)
def test_a_requested_but_unconfirmed_two_person_opening_opens_nothing(request, who, sealed, commissioner):
    services.opening_request(actor=commissioner, opportunity=sealed.opportunity, now=AFTER, two_openers=True)
    assert_sealed_for(request.getfixturevalue(who), sealed)


@pytest.mark.parametrize("who", STAFF)
def test_not_even_before_the_deadline(request, who, submitted_bid):
    assert_sealed_for(request.getfixturevalue(who), submitted_bid)


@pytest.mark.parametrize("who", READERS_AFTER_OPENING)
def test_after_the_opening_staff_read_submitted_bids(request, who, document, opened):
    person = request.getfixturevalue(who)
    assert perms.can_view_bid_content(person, opened)
    bid = selectors.bid_get_for(actor=person, public_id=opened.public_id)
    assert {a.text for a in bid.answers.all()} == {SECRET}
    assert list(selectors.bids_for_opportunity(actor=person, opportunity=opened.opportunity)) == [opened]
    assert selectors.bid_document_get_for(actor=person, public_id=document.public_id) == document
    assert selectors.receipt_for(person, opened).is_current


def test_evaluators_are_not_given_bids_by_the_opening_alone(evaluator, opened):
    assert_sealed_for(evaluator, opened)


def test_draft_and_withdrawn_bids_stay_sealed_after_the_opening(
    submitted_bid, commissioner, procurement_officer, other_charity, other_provider_admin
):
    from trellis.opportunities import services as opportunity_services

    opportunity = submitted_bid.opportunity
    other = services.bid_start(actor=other_provider_admin, opportunity=opportunity, organisation=other_charity, now=NOW)
    opportunity_services.opportunity_transition(
        actor=procurement_officer, opportunity=opportunity, action="close", now=AFTER
    )
    services.opening_request(actor=commissioner, opportunity=opportunity, now=AFTER, two_openers=False)
    with pytest.raises(NotFound):
        selectors.bid_get_for(actor=commissioner, public_id=other.public_id)
    assert list(selectors.bids_for_opportunity(actor=commissioner, opportunity=opportunity)) == [submitted_bid]
    assert selectors.bid_get_for(actor=commissioner, public_id=submitted_bid.public_id) == submitted_bid


@pytest.mark.parametrize("when", ["before", "after"])
def test_other_providers_never_see_a_bid(request, when, document, other_provider_admin, resident):
    bid = request.getfixturevalue("opened" if when == "after" else "submitted_bid")
    for person in (other_provider_admin, resident, None):
        assert not perms.can_view_bid_content(person, bid)
        with pytest.raises(NotFound):
            selectors.bid_get_for(actor=person, public_id=bid.public_id)
        with pytest.raises(NotFound):
            selectors.bid_document_get_for(actor=person, public_id=document.public_id)
    assert list(selectors.bids_for_person(other_provider_admin)) == []


def test_the_bidders_own_people_always_see_it(submitted_bid, provider_admin, provider_member):
    for person in (provider_admin, provider_member):
        assert selectors.bid_get_for(actor=person, public_id=submitted_bid.public_id) == submitted_bid
        assert list(selectors.bids_for_organisation(person, submitted_bid.organisation)) == [submitted_bid]
        assert list(selectors.bids_for_person(person)) == [submitted_bid]


def test_the_count_is_shown_only_when_the_opportunity_says_so(submitted_bid, commissioner):
    opportunity = submitted_bid.opportunity
    assert selectors.bid_count_before_opening(opportunity) is None
    assert not perms.can_see_bid_count(commissioner, opportunity)
    opportunity.show_bid_count_before_opening = True
    assert selectors.bid_count_before_opening(opportunity) == 1
    assert perms.can_see_bid_count(commissioner, opportunity)


# The admin site ---------------------------------------------------------------------------------------------------


def _admin_pages(bid):
    """Every admin page that lists or shows a bid, its receipt, its opening or the audit events about it."""
    from trellis.core.models import AuditEvent

    pages = ["/admin/bids/bid/", f"/admin/bids/bid/{bid.pk}/change/", "/admin/bids/receipt/", "/admin/bids/opening/"]
    pages += [f"/admin/bids/receipt/{receipt.pk}/change/" for receipt in bid.receipts.all()]
    pages += [f"/admin/bids/opening/{opening.pk}/change/" for opening in bid.opportunity.openings.all()]
    pages += ["/admin/core/auditevent/", "/admin/core/notification/"]
    events = AuditEvent.objects.filter(target_type="bids.bid", target_id=str(bid.pk))
    pages += [f"/admin/core/auditevent/{event.pk}/change/" for event in events]
    return pages


@pytest.mark.parametrize("moment", ["before_the_deadline", "after_the_deadline", "after_the_opening"])
def test_the_admin_site_shows_bids_to_a_superuser_but_never_their_content(client, superuser, document, request, moment):
    fixture = {"before_the_deadline": "submitted_bid", "after_the_deadline": "sealed", "after_the_opening": "opened"}
    bid = request.getfixturevalue(fixture[moment])
    client.force_login(superuser)
    pages = _admin_pages(bid)
    assert len(pages) >= 8  # the bid, its receipt and the audit events about it are all there to look at
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert SECRET not in html, url
        assert "66,000" not in html and "66000" not in html, url  # the price
        assert "Delivery plan" not in html, url  # the document's title
    assert str(bid.public_id) in client.get(f"/admin/bids/bid/{bid.pk}/change/").content.decode()
    for model in ("bidanswer", "biddocument", "consortiumrole"):
        assert client.get(f"/admin/bids/{model}/").status_code == 404
    # Read-only: nothing can be changed or deleted there.
    assert client.post(f"/admin/bids/bid/{bid.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Bid.objects.filter(pk=bid.pk, status=bid.status).exists()


@pytest.mark.parametrize("who", STAFF[:-1])
def test_the_admin_site_is_not_open_to_the_authoritys_roles(client, request, who, submitted_bid):
    """Only staff accounts (here the superuser) reach the admin site: a council role is sent to sign in."""
    client.force_login(request.getfixturevalue(who))
    response = client.get(f"/admin/bids/bid/{submitted_bid.pk}/change/")
    assert response.status_code == 302 and response.url.startswith("/admin/login/")


# Exports and the API ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["commissioner", "platform_admin", "superuser"])
def test_directory_exports_hold_no_bids(client, request, who, sealed):
    client.force_login(request.getfixturevalue(who))
    for url in ("/directory/export.csv", "/directory/export.xlsx"):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert SECRET.encode() not in body
        assert str(sealed.public_id).encode() not in body


@pytest.mark.parametrize("who", ["commissioner", "procurement_officer", "platform_admin", "superuser"])
def test_no_api_route_shows_bid_content_before_the_opening(client, request, who, sealed):
    """Every GET route of the published API, filled in with the opportunity's and the bid's ids."""
    person = request.getfixturevalue(who)
    client.force_login(person)
    schema = client.get("/api/v1/openapi.json").json()
    ids = {
        "public_id": [sealed.opportunity.public_id, sealed.public_id],
        "reference": [sealed.opportunity.reference],
        "org_id": [sealed.organisation.org_id],
        "slug": [sealed.organisation.slug],
    }
    called = 0
    for path, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        names = re.findall(r"{(\w+)}", path)
        if any(n not in ids for n in names):
            continue
        candidates = [path]
        for name in names:
            candidates = [c.replace("{" + name + "}", str(v)) for c in candidates for v in ids[name]]
        for url in candidates:
            response = client.get(url)
            called += 1
            assert response.status_code < 500, url
            assert SECRET not in response.content.decode(), url
            assert "66000" not in response.content.decode() or "bid" not in url, url
    assert called > 0
