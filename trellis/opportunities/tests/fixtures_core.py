"""Fixtures for the opportunities core tests (services, selectors, permissions, models).

Import them into a test module with ``from trellis.opportunities.tests.fixtures_core import *``.
Every date is relative to ``NOW``, passed explicitly to the services (there is no time machine).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from trellis.opportunities import services
from trellis.opportunities.domain.criteria import TEMPLATES

__all__ = [
    "CRITERIA",
    "ELIGIBILITY",
    "NOW",
    "approved",
    "closes",
    "draft",
    "published",
]

NOW = timezone.now().replace(microsecond=0)
ELIGIBILITY = [
    {"text": "A charity, CIO, community interest company or constituted community group", "essential": True},
    {"text": "Works with older people in Northbridge", "essential": True},
    {"text": "Has a safeguarding adults policy", "essential": False},
]
CRITERIA = [
    {"section": "Quality", "name": "Meeting the outcomes", "weight": "50", "scale": "0-5", "word_limit": 1000},
    TEMPLATES["local_connectedness"].as_row(Decimal(15)),
    TEMPLATES["user_involvement"].as_row(Decimal(15)),
    {"name": "Value for money", "weight": "20", "scale": "0-100", "is_price": True},
]


def closes(days: float) -> timezone.datetime:
    return NOW + timedelta(days=days)


@pytest.fixture
def draft(commissioner, place, wards):
    """A draft grant round with everything publishing needs, created by the commissioner."""
    opportunity = services.opportunity_create(
        actor=commissioner,
        place=place,
        title="Befriending for older people",
        kind="grant_round",
        summary="Grants for befriending schemes that reduce loneliness among people over 75.",
        specification="We want fewer older people to feel lonely. Tell us how you would get there.",
        outcomes="Fewer people say they feel lonely\nMore people take part in community life",
        estimated_value=Decimal("90000"),
        duration_months=36,
        service_types=["befriending"],
        wards=[wards[0]],
        questions_close_at=closes(30),
        closes_at=closes(40),
    )
    services.eligibility_set(actor=commissioner, opportunity=opportunity, items=ELIGIBILITY)
    services.criteria_set(actor=commissioner, opportunity=opportunity, criteria=CRITERIA)
    return opportunity


@pytest.fixture
def approved(draft, procurement_officer):
    return services.opportunity_transition(actor=procurement_officer, opportunity=draft, action="approve", now=NOW)


@pytest.fixture
def published(approved, procurement_officer):
    return services.opportunity_transition(actor=procurement_officer, opportunity=approved, action="publish", now=NOW)
