"""Fixtures for the route advisor's web, service, API and PDF tests."""

from __future__ import annotations

import pytest

from trellis.routes import services
from trellis.routes.tests.helpers import facts


@pytest.fixture
def decision(commissioner, place):
    """A decision for the recommended route, saved by the commissioner."""
    advice = services.advice_for(facts())
    return services.route_decision_save(
        actor=commissioner,
        place=place,
        need_title="Befriending for isolated older people",
        need_description="Weekly visits and calls for people over 75 living alone.",
        facts=facts(),
        chosen_route=advice["recommended"],
        rationale="",
    )
