"""Permission tables: role × state → allowed?"""

import pytest

from trellis.bids import permissions as perms
from trellis.bids import services
from trellis.bids.tests.fixtures_core import *  # noqa: F403
from trellis.bids.tests.fixtures_core import AFTER, NOW

pytestmark = pytest.mark.django_db
PEOPLE = [
    "provider_admin",
    "provider_member",
    "other_provider_admin",
    "commissioner",
    "procurement_officer",
    "evaluator",
    "platform_admin",
    "superuser",
    "resident",
]


@pytest.mark.parametrize(
    ("who", "sealed", "opened"),
    [
        ("provider_admin", True, True),
        ("provider_member", True, True),
        ("other_provider_admin", False, False),
        ("commissioner", False, True),
        ("procurement_officer", False, True),
        ("evaluator", False, False),
        ("platform_admin", False, True),
        ("superuser", False, True),
        ("resident", False, False),
    ],
)
def test_view_bid_content(request, who, sealed, opened, submitted_bid, closed, commissioner):
    person = request.getfixturevalue(who)
    assert bool(perms.can_view_bid_content(person, submitted_bid)) is sealed
    services.opening_request(actor=commissioner, opportunity=closed, now=AFTER, two_openers=False)
    assert bool(perms.can_view_bid_content(person, submitted_bid)) is opened


def test_anonymous_sees_nothing(submitted_bid):
    from django.contrib.auth.models import AnonymousUser

    assert not perms.can_view_bid_content(AnonymousUser(), submitted_bid)
    assert not perms.can_view_bid_content(None, submitted_bid)


@pytest.mark.parametrize("who", PEOPLE)
def test_edit_submit_withdraw(request, who, bid):
    person = request.getfixturevalue(who)
    member = who in ("provider_admin", "provider_member")
    assert bool(perms.can_edit_bid(person, bid, now=NOW)) is member
    assert bool(perms.can_submit_bid(person, bid, now=NOW)) is member
    assert not perms.can_withdraw_bid(person, bid, now=NOW)  # a draft cannot be withdrawn
    assert not perms.can_edit_bid(person, bid, now=AFTER)
    assert not perms.can_submit_bid(person, bid, now=AFTER)


@pytest.mark.parametrize(
    ("status", "edit", "submit", "withdraw"),
    [("draft", True, True, False), ("submitted", False, False, True), ("withdrawn", True, True, False)],
)
def test_by_status_before_the_deadline(bid, provider_admin, status, edit, submit, withdraw):
    bid.status = status
    assert bool(perms.can_edit_bid(provider_admin, bid, now=NOW)) is edit
    assert bool(perms.can_submit_bid(provider_admin, bid, now=NOW)) is submit
    assert bool(perms.can_withdraw_bid(provider_admin, bid, now=NOW)) is withdraw
    assert "deadline" in perms.can_withdraw_bid(provider_admin, bid, now=AFTER).reason


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("commissioner", True),
        ("procurement_officer", True),
        ("evaluator", False),
        ("platform_admin", False),
        ("superuser", False),
        ("provider_admin", False),
    ],
)
def test_open_bids(request, who, allowed, published, procurement_officer):
    person = request.getfixturevalue(who)
    assert not perms.can_open_bids(person, published, now=NOW)  # before the deadline: nobody
    assert not perms.can_open_bids(person, published, now=AFTER)  # deadline passed, not yet closed: nobody
    from trellis.opportunities import services as opportunity_services

    opportunity_services.opportunity_transition(
        actor=procurement_officer, opportunity=published, action="close", now=AFTER
    )
    assert bool(perms.can_open_bids(person, published, now=AFTER)) is allowed


def test_confirm_needs_a_different_person(closed, commissioner, procurement_officer):
    assert not perms.can_confirm_opening(procurement_officer, closed, now=AFTER)  # nothing requested
    services.opening_request(actor=commissioner, opportunity=closed, now=AFTER, two_openers=True)
    assert not perms.can_confirm_opening(commissioner, closed, now=AFTER)
    assert perms.can_confirm_opening(procurement_officer, closed, now=AFTER)


@pytest.mark.parametrize("who", ["provider_admin", "provider_member"])
def test_start(request, who, published, charity, other_charity):
    person = request.getfixturevalue(who)
    assert perms.can_start_bid(person, published, charity, now=NOW)
    assert not perms.can_start_bid(person, published, other_charity, now=NOW)
    assert not perms.can_start_bid(person, published, charity, now=AFTER)
