"""The assessment methodology published with an opportunity: how prices are scored, the disqualification rule, the
tie-break, the overall quality minimum and each criterion's minimum mark — set while drafting, shown to everyone,
fixed once published."""

from __future__ import annotations

import pytest

from trellis.core.errors import PermissionDenied, ValidationFailed
from trellis.opportunities import services
from trellis.opportunities.domain.criteria import parse_criteria
from trellis.opportunities.tests.fixtures_core import *  # noqa: F403
from trellis.opportunities.tests.fixtures_core import CRITERIA

pytestmark = pytest.mark.django_db


def test_the_defaults_are_the_common_uk_practice(draft):
    assert draft.price_method == "relative_to_lowest"
    assert draft.exclusion_rule == "exclude" and draft.tie_break == "highest_quality"
    assert draft.min_quality_percent is None


def test_the_methodology_is_set_while_drafting_and_bad_choices_are_named(draft, commissioner):
    with pytest.raises(ValidationFailed) as exc:
        services.opportunity_update(
            actor=commissioner,
            opportunity=draft,
            changes={"price_method": "cheapest", "tie_break": "coin", "min_quality_percent": "150"},
        )
    assert set(exc.value.errors) == {"price_method", "tie_break", "min_quality_percent"}
    draft.refresh_from_db()
    assert draft.price_method == "relative_to_lowest"
    services.opportunity_update(
        actor=commissioner,
        opportunity=draft,
        changes={"price_method": "proportional_penalty", "exclusion_rule": "flag", "min_quality_percent": "50"},
    )
    draft.refresh_from_db()
    assert (draft.price_method, draft.exclusion_rule, str(draft.min_quality_percent)) == (
        "proportional_penalty",
        "flag",
        "50.00",
    )


def test_it_cannot_change_once_published(published, commissioner):
    with pytest.raises(PermissionDenied):
        services.opportunity_update(
            actor=commissioner, opportunity=published, changes={"price_method": "deviation_from_mean"}
        )
    published.refresh_from_db()
    assert published.price_method == "relative_to_lowest"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"min_mark": "6"}, "between 1 and 5"),
        ({"min_mark": "2.5"}, "whole number"),
        ({"min_mark": "2", "scale": "pass_fail", "weight": "0"}, "Only a scored quality criterion"),
        ({"min_mark": "2", "is_price": True, "scale": "0-100"}, "Only a scored quality criterion"),
    ],
)
def test_a_minimum_mark_must_fit_its_scale(row, message):
    base = {"name": "Meeting the outcomes", "weight": "50", "scale": "0-5"}
    with pytest.raises(ValidationFailed) as exc:
        parse_criteria([{**base, **row}], complete=False)
    assert message in exc.value.errors["criteria-0-min_mark"][0]


def test_a_minimum_mark_is_saved_and_shown(draft, commissioner, procurement_officer, client):
    rows = [dict(r) for r in CRITERIA]
    rows[0]["min_mark"] = "2"
    services.criteria_set(actor=commissioner, opportunity=draft, criteria=rows)
    services.opportunity_update(actor=commissioner, opportunity=draft, changes={"min_quality_percent": "40"})
    assert draft.criteria.get(name="Meeting the outcomes").min_mark == 2
    for action in ("approve", "publish"):
        services.opportunity_transition(actor=procurement_officer, opportunity=draft, action=action)
    page = client.get(f"/opportunities/{draft.public_id}/").content.decode()
    assert "Minimum mark: 2." in page
    assert "max points × lowest price ÷ bid price" in page and "40% of the quality marks" in page
    detail = client.get(f"/api/v1/opportunities/{draft.public_id}").json()
    assert detail["methodology"]["price_method"] == "relative_to_lowest"
    assert (
        detail["methodology"]["min_quality_percent"] == "40.00"
        or float(detail["methodology"]["min_quality_percent"]) == 40
    )
    assert detail["criteria"][0]["min_mark"] == "2.00"
