"""Fixtures for frameworks and their call-offs: an awarded framework with a provider on it, and a published call-off.

Import them into a test module with ``from trellis.opportunities.tests.fixtures_frameworks import *``.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from trellis.opportunities import services
from trellis.opportunities.tests.fixtures_core import CRITERIA, ELIGIBILITY, NOW, closes

__all__ = ["awarded_framework", "framework_with_member", "published_call_off", "ready_call_off"]


def _ready(opportunity, actor):
    services.eligibility_set(actor=actor, opportunity=opportunity, items=ELIGIBILITY)
    services.criteria_set(actor=actor, opportunity=opportunity, criteria=CRITERIA)
    if opportunity.kind == "framework":  # s.83: before its tender notice
        services.conflicts_assessment_record(
            actor=actor, opportunity=opportunity, conflicts="None identified.", declarations_sought=True
        )
    return opportunity


@pytest.fixture
def awarded_framework(commissioner, procurement_officer, place, wards):
    """A framework for befriending in one ward, taken through its lifecycle to 'awarded'."""
    framework = services.opportunity_create(
        actor=commissioner,
        place=place,
        title="Befriending framework",
        kind="framework",
        summary="A framework of befriending providers for four years.",
        specification="Fewer older people feel lonely. Tell us how you would get there.",
        estimated_value=Decimal("400000"),
        duration_months=48,
        service_types=["befriending"],
        wards=[wards[0]],
        questions_close_at=closes(30),
        closes_at=closes(40),
    )
    _ready(framework, commissioner)
    for action, now in (
        ("approve", NOW),
        ("publish", NOW),
        ("close", closes(41)),
        ("start_evaluation", closes(42)),
        ("award", closes(43)),
    ):
        # The award stands for an approved evaluation decision (tested in trellis/evaluation).
        services.opportunity_transition(
            actor=procurement_officer, opportunity=framework, action=action, now=now, award_approved=action == "award"
        )
    assert framework.status == "awarded"
    return framework


@pytest.fixture
def framework_with_member(awarded_framework, commissioner, charity):
    services.framework_members_set(actor=commissioner, framework=awarded_framework, organisations=[charity])
    return awarded_framework


@pytest.fixture
def ready_call_off(framework_with_member, commissioner):
    """A draft call-off with everything publishing needs."""
    call_off = services.call_off_create(
        actor=commissioner,
        framework=framework_with_member,
        title="Winter befriending call-off",
        summary="Extra befriending visits over the winter.",
        specification="More visits to people living alone during the winter months.",
        estimated_value=Decimal("30000"),
        duration_months=6,
        questions_close_at=closes(8),
        closes_at=closes(14),
    )
    return _ready(call_off, commissioner)


@pytest.fixture
def published_call_off(ready_call_off, procurement_officer):
    services.opportunity_transition(actor=procurement_officer, opportunity=ready_call_off, action="approve", now=NOW)
    services.opportunity_transition(actor=procurement_officer, opportunity=ready_call_off, action="publish", now=NOW)
    return ready_call_off
