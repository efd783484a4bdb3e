"""The conflicts assessment before the tender notice (Procurement Act 2023 s.83): which opportunities need one, the
service and its refusals, the publication check, and the page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from trellis.core.errors import PermissionDenied, ValidationFailed
from trellis.core.models import AuditEvent
from trellis.opportunities import selectors, services
from trellis.opportunities.domain import conflicts as rules
from trellis.opportunities.models import ConflictsAssessment
from trellis.opportunities.tests.fixtures_core import *  # noqa: F403

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "regime", "needed"),
    [
        ("open_tender", "PA2023", True),
        ("competitive_flexible", "", True),
        ("framework", "PCR2015", True),
        ("call_off", "PA2023", False),  # awarded under its framework's assessment
        ("grant_round", "not_procurement", False),  # a grant is not a procurement
        ("market_engagement", "", False),
        ("open_tender", "not_procurement", False),
    ],
)
def test_which_opportunities_need_an_assessment(kind, regime, needed):
    assert rules.needs_assessment(kind, regime) is needed


def test_a_complete_assessment_says_what_was_found_and_that_everyone_was_asked():
    assert rules.assessment_problems(conflicts="None identified.", mitigation="", declarations_sought=True) == {}
    problems = rules.assessment_problems(conflicts="", mitigation="x" * 10_001, declarations_sought=False)
    assert set(problems) == {"conflicts", "mitigation", "declarations_sought"}


@pytest.fixture
def tender(draft):
    type(draft).objects.filter(pk=draft.pk).update(kind="open_tender", regime="PA2023")
    draft.refresh_from_db()
    return draft


def test_a_tender_cannot_be_published_without_its_assessment(tender, commissioner, procurement_officer):
    assert "Procurement Act 2023 s.83" in selectors.publication_check(tender).errors["conflicts"][0]
    services.opportunity_transition(actor=procurement_officer, opportunity=tender, action="approve")
    with pytest.raises(ValidationFailed) as refused:
        services.opportunity_transition(actor=procurement_officer, opportunity=tender, action="publish")
    assert "conflicts" in refused.value.errors
    tender.refresh_from_db()
    assert tender.status == "approved"
    services.conflicts_assessment_record(
        actor=commissioner,
        opportunity=tender,
        conflicts="A panel member volunteers for one bidder.",
        mitigation="She does not score that lot.",
        declarations_sought=True,
    )
    assert "conflicts" not in selectors.publication_check(tender).errors
    event = AuditEvent.objects.get(verb="opportunity.conflicts_assessed")
    assert event.data["conflicts"] == "A panel member volunteers for one bidder."


def test_bad_input_is_refused_and_nothing_is_written(tender, commissioner, provider_admin):
    with pytest.raises(ValidationFailed) as refused:
        services.conflicts_assessment_record(actor=commissioner, opportunity=tender, conflicts=" ")
    assert set(refused.value.errors) == {"conflicts", "declarations_sought"}
    with pytest.raises(PermissionDenied):
        services.conflicts_assessment_record(
            actor=provider_admin, opportunity=tender, conflicts="None.", declarations_sought=True
        )
    assert not ConflictsAssessment.objects.exists() and not AuditEvent.objects.filter(verb__contains="conflicts")


def test_a_review_is_a_new_record_and_the_latest_stands(tender, commissioner, procurement_officer):
    for who, text in ((commissioner, "None identified."), (procurement_officer, "A new panel member sits on a board.")):
        services.conflicts_assessment_record(actor=who, opportunity=tender, conflicts=text, declarations_sought=True)
    assert ConflictsAssessment.objects.count() == 2
    assert selectors.conflicts_assessment(tender).conflicts == "A new panel member sits on a board."


def test_the_page_records_it_and_names_what_is_missing(client, tender, commissioner):
    client.force_login(commissioner)
    url = reverse("opportunities:conflicts", args=[tender.public_id])
    manage = client.get(reverse("opportunities:manage", args=[tender.public_id])).content.decode()
    assert "Record the conflicts assessment" in manage and url in manage
    response = client.post(url, {"conflicts": ""})
    html = response.content.decode()
    assert response.status_code == 200 and 'href="#id_conflicts"' in html
    assert "Confirm that everyone who can influence the procurement was asked to declare any conflict." in html
    assert not ConflictsAssessment.objects.exists()
    response = client.post(url, {"conflicts": "None identified.", "declarations_sought": "on"})
    assert response.status_code == 302
    assert "None identified." in client.get(url).content.decode()
