"""Opportunity models: single-row invariants and the small helpers templates use."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from trellis.opportunities.models import AlertSubscription, Criterion, Lot, Opportunity

pytestmark = pytest.mark.django_db


@pytest.fixture
def opportunity(place):
    return Opportunity.objects.create(
        reference="NBR-2026-0001",
        place=place,
        title="Befriending",
        kind="competitive_flexible",
        outcomes="Fewer people feel lonely\n\n  More people join in  \n",
    )


def test_defaults_and_labels(opportunity):
    assert opportunity.status == "draft" and not opportunity.is_public
    assert str(opportunity) == "NBR-2026-0001 Befriending"
    assert opportunity.kind_label == "Tender (competitive flexible procedure)"
    assert opportunity.status_label == "Draft"
    assert opportunity.outcome_lines() == ["Fewer people feel lonely", "More people join in"]
    assert opportunity.public_id is not None and opportunity.stages == [] and opportunity.reminders_sent == []


@pytest.mark.parametrize(("status", "public"), [("approved", False), ("published", True), ("cancelled", True)])
def test_is_public(opportunity, status, public):
    opportunity.status = status
    assert opportunity.is_public is public


def test_references_are_unique(opportunity, place):
    with pytest.raises(IntegrityError), transaction.atomic():
        Opportunity.objects.create(reference="NBR-2026-0001", place=place, title="Copy", kind="grant_round")


def test_lot_numbers_are_unique_within_an_opportunity(opportunity):
    Lot.objects.create(opportunity=opportunity, number=1, title="North", value=Decimal(1))
    assert str(opportunity.lots.get()) == "Lot 1: North"
    with pytest.raises(IntegrityError), transaction.atomic():
        Lot.objects.create(opportunity=opportunity, number=1, title="South", value=Decimal(1))


def test_criterion_labels(opportunity):
    criterion = Criterion.objects.create(opportunity=opportunity, name="Quality", weight=Decimal("60.00"))
    assert criterion.scale == "0-5" and criterion.scale_label == "0 to 5"
    assert str(criterion) == "Quality (60.00%)"


def test_one_alert_subscription_per_person(provider_admin):
    AlertSubscription.objects.create(person=provider_admin)
    with pytest.raises(IntegrityError), transaction.atomic():
        AlertSubscription.objects.create(person=provider_admin)
