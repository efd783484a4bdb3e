"""Frameworks and call-offs: appointing providers to an awarded framework, starting a call-off from it, who hears
when it is published, and the pages."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from trellis.core.errors import PermissionDenied, ValidationFailed
from trellis.core.models import AuditEvent, Notification
from trellis.opportunities import selectors, services
from trellis.opportunities.domain.dates import minimum_period
from trellis.opportunities.domain.kinds import CHOOSABLE_KINDS, Kind
from trellis.opportunities.models import FrameworkMember, Opportunity
from trellis.opportunities.tests.fixtures_core import *  # noqa: F403
from trellis.opportunities.tests.fixtures_core import NOW
from trellis.opportunities.tests.fixtures_frameworks import *  # noqa: F403

pytestmark = pytest.mark.django_db


# The kind --------------------------------------------------------------------------------------------------------


def test_a_call_off_is_a_kind_with_its_own_minimum_period_but_is_not_chosen_directly():
    assert Kind.CALL_OFF.label == "Call-off from a framework"
    assert Kind.CALL_OFF not in CHOOSABLE_KINDS
    period = minimum_period("call_off", consortium_bids_invited=False)
    assert period.days == 10 and "Trellis assumption" in period.parts[0].source


def test_a_call_off_cannot_be_created_or_made_without_its_framework(commissioner, place, draft):
    with pytest.raises(ValidationFailed) as caught:
        services.opportunity_create(actor=commissioner, place=place, title="Sneaky", kind="call_off")
    assert "kind" in caught.value.errors
    assert not Opportunity.objects.filter(title="Sneaky").exists()
    with pytest.raises(ValidationFailed) as caught:
        services.opportunity_update(actor=commissioner, opportunity=draft, changes={"kind": "call_off"})
    assert "kind" in caught.value.errors
    assert Opportunity.objects.get(pk=draft.pk).kind == "grant_round"


# Appointing providers --------------------------------------------------------------------------------------------


def test_an_officer_sets_the_providers_on_an_awarded_framework(awarded_framework, commissioner, charity, other_charity):
    on = services.framework_members_set(
        actor=commissioner, framework=awarded_framework, organisations=[charity, other_charity.org_id]
    )
    assert on == sorted([charity.org_id, other_charity.org_id])
    assert [m.organisation for m in selectors.framework_members(awarded_framework)] == sorted(
        [charity, other_charity], key=lambda o: o.name
    )
    first = FrameworkMember.objects.get(organisation=charity)
    assert first.appointed_by == commissioner
    event = AuditEvent.objects.filter(verb="opportunity.framework_members_set").latest("seq")
    assert event.target_id == str(awarded_framework.pk) and event.data["added"] == on

    # Setting it again keeps the first appointment and removes whoever is left out.
    services.framework_members_set(actor=commissioner, framework=awarded_framework, organisations=[charity])
    assert list(FrameworkMember.objects.values_list("pk", flat=True)) == [first.pk]
    event = AuditEvent.objects.filter(verb="opportunity.framework_members_set").latest("seq")
    assert event.data["removed"] == [other_charity.org_id] and event.data["added"] == []


@pytest.mark.parametrize("who", ["provider_admin", "platform_admin", "resident"])
def test_only_officers_set_framework_providers(request, who, awarded_framework, charity):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.framework_members_set(actor=actor, framework=awarded_framework, organisations=[charity])
    assert not FrameworkMember.objects.exists()
    assert not AuditEvent.objects.filter(verb="opportunity.framework_members_set").exists()


def test_providers_are_appointed_only_to_an_awarded_framework(published, commissioner, charity):
    with pytest.raises(ValidationFailed) as caught:
        services.framework_members_set(actor=commissioner, framework=published, organisations=[charity])
    assert caught.value.errors["organisations"] == ["Only a framework has providers appointed to it."]
    published.kind = "framework"
    published.save()
    with pytest.raises(ValidationFailed) as caught:
        services.framework_members_set(actor=commissioner, framework=published, organisations=[charity])
    assert caught.value.errors["organisations"] == [
        "Providers can be appointed to a framework only once it has been awarded."
    ]
    assert not FrameworkMember.objects.exists()


def test_an_unknown_org_id_is_refused_by_name_and_nothing_changes(framework_with_member, commissioner, other_charity):
    with pytest.raises(ValidationFailed) as caught:
        services.framework_members_set(
            actor=commissioner, framework=framework_with_member, organisations=[other_charity, "GB-CHC-0000000"]
        )
    assert caught.value.errors["organisations"] == ["No organisation in the directory has the org-id GB-CHC-0000000."]
    assert FrameworkMember.objects.count() == 1
    assert not FrameworkMember.objects.filter(organisation=other_charity).exists()


# Starting a call-off ---------------------------------------------------------------------------------------------


def test_a_call_off_copies_the_framework_and_starts_in_draft(framework_with_member, commissioner):
    call_off = services.call_off_create(actor=commissioner, framework=framework_with_member, title="Winter visits")
    assert call_off.kind == "call_off" and call_off.status == "draft"
    assert call_off.framework == framework_with_member and call_off.place == framework_with_member.place
    assert list(call_off.service_types.all()) == list(framework_with_member.service_types.all())
    assert list(call_off.wards.all()) == list(framework_with_member.wards.all())
    assert list(selectors.call_offs_of(framework_with_member)) == [call_off]
    event = AuditEvent.objects.get(verb="opportunity.call_off_created")
    assert event.target_id == str(framework_with_member.pk) and event.data["call_off"] == call_off.reference
    assert AuditEvent.objects.filter(verb="opportunity.created", target_id=str(call_off.pk)).exists()


def test_a_call_off_needs_an_awarded_framework_with_providers(awarded_framework, published, commissioner):
    with pytest.raises(ValidationFailed) as caught:
        services.call_off_create(actor=commissioner, framework=awarded_framework, title="Too soon")
    assert caught.value.errors["framework"] == ["Appoint the providers on this framework before starting a call-off."]
    with pytest.raises(ValidationFailed) as caught:
        services.call_off_create(actor=commissioner, framework=published, title="Not a framework")
    assert caught.value.errors["framework"] == ["Call-offs are made only from a framework."]
    assert not Opportunity.objects.filter(kind="call_off").exists()
    assert not AuditEvent.objects.filter(verb="opportunity.call_off_created").exists()


def test_only_officers_start_call_offs(framework_with_member, provider_admin, platform_admin):
    for actor in (provider_admin, platform_admin):
        with pytest.raises(PermissionDenied):
            services.call_off_create(actor=actor, framework=framework_with_member, title="Not mine")
    assert not Opportunity.objects.filter(kind="call_off").exists()


def test_a_call_off_stays_a_call_off(ready_call_off, commissioner):
    with pytest.raises(ValidationFailed) as caught:
        services.opportunity_update(actor=commissioner, opportunity=ready_call_off, changes={"kind": "open_tender"})
    assert "kind" in caught.value.errors
    services.opportunity_update(actor=commissioner, opportunity=ready_call_off, changes={"kind": "call_off"})
    assert Opportunity.objects.get(pk=ready_call_off.pk).kind == "call_off"


def test_publishing_a_call_off_tells_the_framework_providers(
    ready_call_off,
    procurement_officer,
    provider_admin,
    provider_member,
    other_provider_admin,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    services.alert_subscription_set(actor=other_provider_admin, service_types=[], wards=[], email=True)
    services.opportunity_transition(actor=procurement_officer, opportunity=ready_call_off, action="approve", now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        services.opportunity_transition(
            actor=procurement_officer, opportunity=ready_call_off, action="publish", now=NOW
        )
    told = Notification.objects.filter(subject="New opportunity: Winter befriending call-off")
    assert sorted(n.recipient.email for n in told) == sorted([provider_admin.email, provider_member.email])
    assert sorted(m.to[0] for m in mailoutbox) == sorted([provider_admin.email, provider_member.email])


# Selectors -------------------------------------------------------------------------------------------------------


def test_is_framework_member(
    published_call_off, published, charity, other_charity, provider_admin, provider_member, other_provider_admin
):
    assert selectors.is_framework_member(published_call_off, charity)
    assert not selectors.is_framework_member(published_call_off, other_charity)
    assert not selectors.is_framework_member(published_call_off, None)
    assert selectors.is_framework_member(published, other_charity)  # any other kind is open to all
    people = set(selectors.framework_member_people(published_call_off.framework))
    assert people == {provider_admin, provider_member}


# Pages -----------------------------------------------------------------------------------------------------------


def test_the_framework_overview_lets_an_officer_appoint_providers_and_start_a_call_off(
    client, awarded_framework, commissioner, charity
):
    client.force_login(commissioner)
    url = reverse("opportunities:manage", args=[awarded_framework.public_id])
    page = client.get(url).content.decode()
    assert "Providers on this framework" in page and "There are no opened bids to choose from" in page
    assert "Start a call-off" not in page

    members_url = reverse("opportunities:framework_members", args=[awarded_framework.public_id])
    refused = client.post(members_url, {"org_ids": "GB-CHC-0000000"})
    assert refused.status_code == 200
    assert "No organisation in the directory has the org-id GB-CHC-0000000." in refused.content.decode()
    assert not FrameworkMember.objects.exists()

    done = client.post(members_url, {"org_ids": charity.org_id})
    assert done.status_code == 302 and FrameworkMember.objects.get().organisation == charity
    page = client.get(url).content.decode()
    assert charity.name in page and "Start a call-off" in page

    call_off_url = reverse("opportunities:call_off_new", args=[awarded_framework.public_id])
    empty = client.post(call_off_url, {"title": ""})
    assert empty.status_code == 200 and "Enter a title for the call-off." in empty.content.decode()
    started = client.post(call_off_url, {"title": "Spring visits"})
    call_off = Opportunity.objects.get(kind="call_off")
    assert started.status_code == 302
    assert started["Location"] == reverse("opportunities:edit_details", args=[call_off.public_id])
    details = client.get(started["Location"])
    assert details.status_code == 200 and "Call-off from a framework" in details.content.decode()
    manage_page = client.get(reverse("opportunities:manage", args=[call_off.public_id])).content.decode()
    assert "Call-off from" in manage_page and awarded_framework.title in manage_page


def test_framework_pages_refuse_people_who_are_not_officers(client, framework_with_member, platform_admin, charity):
    client.force_login(platform_admin)
    members_url = reverse("opportunities:framework_members", args=[framework_with_member.public_id])
    assert client.post(members_url, {"org_ids": ""}).status_code == 403
    call_off_url = reverse("opportunities:call_off_new", args=[framework_with_member.public_id])
    assert client.post(call_off_url, {"title": "Nope"}).status_code == 403
    assert FrameworkMember.objects.get().organisation == charity
    assert not Opportunity.objects.filter(kind="call_off").exists()


def test_the_public_page_of_a_call_off_names_its_framework(client, published_call_off):
    page = client.get(reverse("opportunities:detail", args=[published_call_off.public_id])).content.decode()
    framework_url = reverse("opportunities:detail", args=[published_call_off.framework.public_id])
    assert "Call-off from" in page and f'href="{framework_url}"' in page
    assert "Only providers on the framework can bid." in page
    plan = client.get(reverse("opportunities:forward_plan")).content.decode()
    assert "Call-off: framework providers only" in plan


def test_the_staff_see_a_call_off_page(client, published_call_off, procurement_officer):
    client.force_login(procurement_officer)
    page = client.get(reverse("opportunities:detail", args=[published_call_off.public_id]))
    assert page.status_code == 200 and "Manage this opportunity" in page.content.decode()


def test_the_migrations_are_complete():
    out = StringIO()
    call_command("makemigrations", "opportunities", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_the_api_names_a_call_offs_framework(client, published_call_off):
    data = client.get(f"/api/v1/opportunities/{published_call_off.public_id}").json()
    framework = published_call_off.framework
    assert data["kind"] == "call_off"
    assert data["framework"] == {
        "public_id": str(framework.public_id),
        "reference": framework.reference,
        "title": framework.title,
    }
