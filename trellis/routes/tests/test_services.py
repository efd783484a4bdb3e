"""Saving a route decision and changing a cost assumption: what is written, what is refused, and the audit trail."""

from __future__ import annotations

from decimal import Decimal

import pytest

from trellis.core.errors import PermissionDenied, ValidationFailed
from trellis.core.models import AuditEvent
from trellis.routes import selectors, services
from trellis.routes.domain import DEFAULT_COST_ASSUMPTIONS
from trellis.routes.models import CostAssumption, RouteDecision
from trellis.routes.tests.helpers import facts, suitable_but_not_recommended

pytestmark = pytest.mark.django_db


def _save(actor, place, **changes):
    arguments = {
        "actor": actor,
        "place": place,
        "need_title": "Befriending for isolated older people",
        "need_description": "Weekly visits.",
        "facts": facts(),
        "chosen_route": services.advice_for(facts())["recommended"],
        "rationale": "",
        **changes,
    }
    return services.route_decision_save(**arguments)


def test_saving_writes_the_record_with_facts_advice_and_assumptions_and_an_audit_event(commissioner, place):
    advice = services.advice_for(facts())
    saved = _save(commissioner, place)

    saved.refresh_from_db()
    assert saved.decided_by == commissioner
    assert saved.place == place
    assert saved.need_title == "Befriending for isolated older people"
    assert saved.chosen_route == advice["recommended"] == saved.recommended_route
    assert saved.follows_advice
    assert saved.facts["estimated_value_gbp"] == 950000
    assert saved.facts["procurement_start"] == "2026-04-01"
    assert saved.advice["recommended"] == advice["recommended"]
    assert saved.advice["regime"] == "PA2023"
    assert {o["route"] for o in saved.advice["options"]} == {o["route"] for o in advice["options"]}
    keys = {row["key"] for row in saved.cost_assumptions}
    assert keys == {row.key for row in DEFAULT_COST_ASSUMPTIONS.rows()}
    day_rate = next(row for row in saved.cost_assumptions if row["key"] == "authority_day_rate_gbp")
    assert day_rate["value"] == "300" and day_rate["assumption"] and day_rate["source"]

    event = AuditEvent.objects.get(verb="route_decision.saved")
    assert event.actor == commissioner
    assert event.target_id == str(saved.pk)
    assert event.data["chosen_route"] == advice["recommended"]
    assert event.data["regime"] == "PA2023"


def test_a_procurement_officer_and_a_platform_admin_may_save(procurement_officer, platform_admin, place):
    assert _save(procurement_officer, place).decided_by == procurement_officer
    assert _save(platform_admin, place).decided_by == platform_admin


@pytest.mark.parametrize("who", ["provider_admin", "provider_member", "resident"])
def test_people_outside_the_authority_are_refused_and_nothing_is_written(request, who, place):
    person = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        _save(person, place)
    assert not RouteDecision.objects.exists()
    assert not AuditEvent.objects.filter(verb="route_decision.saved").exists()


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"estimated_value_gbp": -5}, "estimated_value_gbp", "negative"),
        ({"estimated_value_gbp": 10_000_000_000}, "estimated_value_gbp", "less than"),
        ({"duration_months": 0}, "duration_months", "at least 1"),
        ({"service_category": "spaceships"}, "service_category", "not one of the choices"),
        ({"procurement_start": "2026-02-30"}, "procurement_start", "not a real date"),
        ({"capable_small_or_local": 9}, "capable_small_or_local", "cannot be more"),
        ({"colour": "green"}, "colour", "not a field"),
    ],
)
def test_bad_facts_are_refused_with_field_errors_and_nothing_is_written(commissioner, place, changes, field, words):
    with pytest.raises(ValidationFailed) as caught:
        _save(commissioner, place, facts=facts(**changes), chosen_route="open_procedure")
    assert field in caught.value.errors
    assert words in " ".join(caught.value.errors[field])
    assert not RouteDecision.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_missing_title_is_a_field_error(commissioner, place):
    with pytest.raises(ValidationFailed) as caught:
        _save(commissioner, place, need_title="   ")
    assert caught.value.errors == {"need_title": ["Enter a short title for the need."]}
    assert not RouteDecision.objects.exists()


def test_an_unsuitable_route_is_refused_with_the_reason(commissioner, place):
    advice = services.advice_for(facts())
    unsuitable = next(o for o in advice["options"] if not o["suitable"])
    with pytest.raises(ValidationFailed) as caught:
        _save(commissioner, place, chosen_route=unsuitable["route"], rationale="We prefer it.")
    message = caught.value.errors["chosen_route"][0]
    assert message.startswith(f"{unsuitable['title']} is not a suitable route")
    assert not RouteDecision.objects.exists()


def test_a_direct_award_without_a_ground_is_refused(commissioner, place):
    with pytest.raises(ValidationFailed) as caught:
        _save(commissioner, place, chosen_route="direct_award", rationale="Quicker.")
    assert "chosen_route" in caught.value.errors
    assert not RouteDecision.objects.exists()


def test_an_unknown_route_is_refused(commissioner, place):
    with pytest.raises(ValidationFailed) as caught:
        _save(commissioner, place, chosen_route="coin_toss")
    assert caught.value.errors == {"chosen_route": ["Choose the route you have decided on."]}


def test_choosing_another_suitable_route_needs_a_reason(commissioner, place):
    other = suitable_but_not_recommended(services.advice_for(facts()))
    with pytest.raises(ValidationFailed) as caught:
        _save(commissioner, place, chosen_route=other, rationale="  ")
    assert "rather than the recommended route" in caught.value.errors["rationale"][0]
    assert not RouteDecision.objects.exists()

    saved = _save(commissioner, place, chosen_route=other, rationale="The sector asked for a partnership.")
    assert saved.chosen_route == other
    assert not saved.follows_advice
    assert saved.rationale == "The sector asked for a partnership."


def test_revising_saves_a_new_record_that_replaces_the_old_one(commissioner, place, decision):
    smaller = facts(estimated_value_gbp=300000)
    chosen = services.advice_for(smaller)["recommended"]
    newer = _save(commissioner, place, facts=smaller, chosen_route=chosen, supersedes=decision)
    decision.refresh_from_db()
    assert newer.supersedes == decision
    assert selectors.superseding(decision) == newer
    assert decision.facts["estimated_value_gbp"] == 950000  # the old record is unchanged
    assert AuditEvent.objects.filter(verb="route_decision.saved").last().data["supersedes"] == str(decision.public_id)

    with pytest.raises(ValidationFailed) as caught:
        _save(commissioner, place, supersedes=decision)
    assert "supersedes" in caught.value.errors
    assert RouteDecision.objects.count() == 2


def test_the_advice_uses_the_cost_assumptions_in_the_table(commissioner, place):
    before = services.advice_for(facts())
    CostAssumption.objects.filter(key="authority_day_rate_gbp").update(value=Decimal("600"))
    after = services.advice_for(facts())
    route = before["recommended"]
    authority_before = next(c["authority_gbp"] for c in before["cost_of_competing"] if c["route"] == route)
    authority_after = next(c["authority_gbp"] for c in after["cost_of_competing"] if c["route"] == route)
    assert authority_before > 0
    assert authority_after == pytest.approx(authority_before * 2)
    saved = _save(commissioner, place)
    assert next(r for r in saved.cost_assumptions if r["key"] == "authority_day_rate_gbp")["value"] == "600"


def test_the_advice_falls_back_to_the_defaults_when_the_table_is_empty():
    CostAssumption.objects.all().delete()
    assert selectors.cost_assumptions() == DEFAULT_COST_ASSUMPTIONS


# Cost assumptions -----------------------------------------------------------------------------------


def test_a_platform_admin_changes_a_cost_assumption_with_an_audit_event(platform_admin):
    row = CostAssumption.objects.get(key="authority_day_rate_gbp")
    services.cost_assumption_update(
        actor=platform_admin, cost_assumption=row, value="350", assumption="A senior officer's day.", source="HR 2026"
    )
    row.refresh_from_db()
    assert row.value == Decimal("350")
    assert row.assumption == "A senior officer's day."
    assert row.updated_by == platform_admin
    event = AuditEvent.objects.get(verb="cost_assumption.updated")
    assert event.data == {"key": "authority_day_rate_gbp", "from": "300.0000", "to": "350"}


def test_changing_one_share_of_a_mix_sets_the_other(platform_admin):
    row = CostAssumption.objects.get(key="mix.small_or_local.micro")
    services.cost_assumption_update(
        actor=platform_admin, cost_assumption=row, value="0.3", assumption=row.assumption, source=row.source
    )
    assert CostAssumption.objects.get(key="mix.small_or_local.small").value == Decimal("0.7")
    assert selectors.cost_assumptions()["mix.small_or_local.micro"] == Decimal("0.3")
    assert AuditEvent.objects.filter(verb="cost_assumption.updated").count() == 2


@pytest.mark.parametrize(
    ("key", "value", "assumption", "source", "field"),
    [
        ("authority_day_rate_gbp", "-1", "x", "y", "value"),
        ("authority_day_rate_gbp", "lots", "x", "y", "value"),
        ("response_rate.open", "1.5", "x", "y", "value"),
        ("fixed_bids.quotation", "2.5", "x", "y", "value"),
        ("authority_day_rate_gbp", "300", " ", "y", "assumption"),
        ("authority_day_rate_gbp", "300", "x", "", "source"),
    ],
)
def test_a_bad_cost_assumption_is_refused_and_nothing_changes(platform_admin, key, value, assumption, source, field):
    row = CostAssumption.objects.get(key=key)
    before = row.value
    with pytest.raises(ValidationFailed) as caught:
        services.cost_assumption_update(
            actor=platform_admin, cost_assumption=row, value=value, assumption=assumption, source=source
        )
    assert field in caught.value.errors
    assert CostAssumption.objects.get(key=key).value == before
    assert not AuditEvent.objects.exists()


def test_only_a_platform_admin_changes_cost_assumptions(commissioner):
    row = CostAssumption.objects.get(key="authority_day_rate_gbp")
    with pytest.raises(PermissionDenied):
        services.cost_assumption_update(actor=commissioner, cost_assumption=row, value="1", assumption="x", source="y")
    assert CostAssumption.objects.get(key="authority_day_rate_gbp").value == Decimal("300")


def test_a_decision_replaced_by_someone_else_at_the_same_moment_is_refused(commissioner, place, decision, monkeypatch):
    """Two people revise the same decision at once: the database lets only one replacement in."""
    RouteDecision.objects.create(
        place=place,
        need_title="Replaced a moment ago",
        facts=decision.facts,
        advice=decision.advice,
        recommended_route=decision.recommended_route,
        chosen_route=decision.chosen_route,
        decided_by=commissioner,
        supersedes=decision,
    )
    monkeypatch.setattr(selectors, "superseding", lambda d: None)  # as if checked before the other save landed
    with pytest.raises(ValidationFailed) as caught:
        _save(commissioner, place, supersedes=decision)
    assert "just been replaced" in caught.value.errors["supersedes"][0]
    assert RouteDecision.objects.count() == 2
    assert AuditEvent.objects.filter(verb="route_decision.saved").count() == 1  # the first decision's only
