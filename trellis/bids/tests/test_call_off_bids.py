"""Bids for a call-off: only the providers on its framework may bid (permission, service and pages)."""

from __future__ import annotations

import pytest

from trellis.bids import permissions as perms
from trellis.bids import services
from trellis.bids.models import Bid
from trellis.bids.tests.fixtures_core import *  # noqa: F403
from trellis.bids.tests.fixtures_core import AFTER
from trellis.core.errors import PermissionDenied
from trellis.opportunities import services as opportunity_services
from trellis.opportunities.models import FrameworkMember
from trellis.opportunities.tests.fixtures_core import *  # noqa: F403
from trellis.opportunities.tests.fixtures_core import NOW
from trellis.opportunities.tests.fixtures_frameworks import *  # noqa: F403

pytestmark = pytest.mark.django_db

REFUSAL = "Only providers on the framework can bid for this call-off."


def test_a_framework_provider_may_start_a_bid_and_others_may_not(
    published_call_off, provider_admin, charity, other_provider_admin, other_charity
):
    assert perms.can_start_bid(provider_admin, published_call_off, charity, now=NOW)
    refused = perms.can_start_bid(other_provider_admin, published_call_off, other_charity, now=NOW)
    assert not refused and refused.reason == REFUSAL
    with pytest.raises(PermissionDenied, match=REFUSAL):
        services.bid_start(actor=other_provider_admin, opportunity=published_call_off, organisation=other_charity)
    assert not Bid.objects.exists()
    bid = services.bid_start(actor=provider_admin, opportunity=published_call_off, organisation=charity)
    assert bid.organisation == charity and bid.opportunity == published_call_off


def test_other_kinds_stay_open_to_every_provider(published, other_provider_admin, other_charity):
    assert perms.can_start_bid(other_provider_admin, published, other_charity, now=NOW)


def test_the_call_off_page_offers_a_bid_to_a_framework_provider(client, published_call_off, provider_admin, charity):
    client.force_login(provider_admin)
    page = client.get(f"/opportunities/{published_call_off.public_id}/").content.decode()
    assert "Start a bid" in page and REFUSAL not in page
    response = client.post(f"/bids/opportunity/{published_call_off.public_id}/start/", {"organisation": charity.pk})
    bid = Bid.objects.get(opportunity=published_call_off)
    assert response.status_code == 302 and response.url == f"/bids/{bid.public_id}/"


def test_the_call_off_page_tells_other_providers_why_they_cannot_bid(client, published_call_off, other_provider_admin):
    client.force_login(other_provider_admin)
    page = client.get(f"/opportunities/{published_call_off.public_id}/").content.decode()
    assert REFUSAL in page and "Start a bid" not in page
    start = client.get(f"/bids/opportunity/{published_call_off.public_id}/start/")
    assert start.status_code == 403 and REFUSAL in start.content.decode()
    assert client.post(f"/bids/opportunity/{published_call_off.public_id}/start/", {}).status_code == 403
    assert not Bid.objects.exists()


def test_after_the_opening_the_framework_page_offers_the_bidders_to_appoint(client, opened, procurement_officer):
    framework = opened.opportunity
    framework.kind = "framework"  # the grant round of the bids fixtures, run as a framework
    framework.save(update_fields=["kind"])
    for action in ("start_evaluation", "award"):  # the award stands for an approved evaluation decision
        opportunity_services.opportunity_transition(
            actor=procurement_officer, opportunity=framework, action=action, now=AFTER, award_approved=True
        )
    client.force_login(procurement_officer)
    page = client.get(f"/opportunities/{framework.public_id}/manage/").content.decode()
    org = opened.organisation
    assert f'value="{org.org_id}"' in page and "There are no opened bids to choose from" not in page
    response = client.post(f"/opportunities/{framework.public_id}/framework/providers/", {"organisations": org.org_id})
    assert response.status_code == 302
    assert FrameworkMember.objects.get(framework=framework).organisation == org


def test_the_bidders_are_offered_for_a_framework_only_once_their_bids_are_opened(
    submitted_bid, closed, commissioner, provider_admin, charity
):
    from trellis.opportunities import selectors as opportunity_selectors

    # Sealed: before the opening, nobody is offered who bid.
    assert opportunity_selectors.framework_candidates(actor=commissioner, framework=closed) == []
    services.opening_request(actor=commissioner, opportunity=closed, now=AFTER, two_openers=False)
    assert opportunity_selectors.framework_candidates(actor=commissioner, framework=closed) == [charity]
    # Only the authority's people see who bid.
    assert opportunity_selectors.framework_candidates(actor=provider_admin, framework=closed) == []


def test_the_framework_panel_offers_each_offered_organisation_and_provider_once(
    framework_with_member, commissioner, charity, other_charity, client, monkeypatch
):
    from django.urls import reverse

    from trellis.opportunities import selectors as opportunity_selectors

    # A source offering the provider already on the framework, and another organisation.
    monkeypatch.setattr(opportunity_selectors, "_framework_candidate_sources", [])
    opportunity_selectors.framework_candidates_from(lambda actor, framework: [other_charity, charity])
    found = opportunity_selectors.framework_candidates(actor=commissioner, framework=framework_with_member)
    assert found == sorted([charity, other_charity], key=lambda org: org.name.lower())
    client.force_login(commissioner)
    page = client.get(reverse("opportunities:manage", args=[framework_with_member.public_id])).content.decode()
    assert f'value="{other_charity.org_id}"' in page and page.count(f'value="{charity.org_id}"') == 1
