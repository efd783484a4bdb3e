"""Fixtures for the opportunities core tests (services, selectors, permissions, models).

Import them into a test module with ``from trellis.opportunities.tests.fixtures_core import *``.
Every date is relative to ``NOW``, a fixed moment passed explicitly to the services. The pages read the server's
clock themselves, so the ``clock`` fixture (used automatically by every test that imports these fixtures) sets that
clock to ``NOW`` for the test: the pages and the services then agree on what time it is, on any day the tests run.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from trellis.opportunities import services
from trellis.opportunities.domain.criteria import TEMPLATES

__all__ = [
    "CRITERIA",
    "ELIGIBILITY",
    "NOW",
    "approved",
    "clock",
    "closes",
    "draft",
    "published",
]

#: Monday 18 May 2026, 10:00 in London: the week before the spring bank holiday (25 May), so that working-day rules
#: (the standstill) cross a bank holiday in the tests.
NOW = datetime(2026, 5, 18, 9, 0, tzinfo=UTC)
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


def closes(days: float) -> datetime:
    return NOW + timedelta(days=days)


@pytest.fixture(autouse=True)
def clock():
    """The test's one clock: the server's time starts at ``NOW`` and runs on from there (so events still happen in
    order), whatever the date the tests are run on."""
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


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
