"""The route advisor's tables: seeded cost assumptions, and decision records that are never overwritten."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib import admin
from django.db import IntegrityError, transaction
from django.test import RequestFactory

from trellis.routes import services
from trellis.routes.domain import DEFAULT_COST_ASSUMPTIONS
from trellis.routes.models import CostAssumption, RouteDecision
from trellis.routes.tests.helpers import facts

pytestmark = pytest.mark.django_db

CSV_PATH = Path(services.__file__).resolve().parent / "data" / "cost_assumptions.csv"


def test_the_migration_seeds_every_cost_assumption_from_the_data_table():
    with CSV_PATH.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    stored = {row.key: row for row in CostAssumption.objects.all()}
    assert set(stored) == {row["key"] for row in rows}
    for row in rows:
        assert stored[row["key"]].value == Decimal(row["value"])
        assert stored[row["key"]].unit == row["unit"]
        assert stored[row["key"]].assumption == row["assumption"].strip()
        assert stored[row["key"]].source == row["source"].strip()


def test_the_seeded_table_matches_the_engine_defaults():
    stored = dict(CostAssumption.objects.values_list("key", "value"))
    assert stored == {row.key: row.value for row in DEFAULT_COST_ASSUMPTIONS.rows()}


def test_every_cost_assumption_states_what_it_assumes_and_where_it_comes_from():
    assert not CostAssumption.objects.filter(assumption="").exists()
    assert not CostAssumption.objects.filter(source="").exists()
    day_rate = CostAssumption.objects.get(key="authority_day_rate_gbp")
    assert str(day_rate) == "authority_day_rate_gbp = 300.0000 GBP per staff day"


def test_a_decision_knows_whether_it_follows_the_advice(decision):
    assert str(decision) == "Befriending for isolated older people"
    assert decision.follows_advice
    decision.chosen_route = "open_procedure" if decision.recommended_route != "open_procedure" else "in_house"
    assert not decision.follows_advice


def test_a_decision_can_be_replaced_only_once(decision, commissioner, place):
    first = RouteDecision.objects.create(
        place=place,
        need_title="Revised",
        facts=decision.facts,
        advice=decision.advice,
        recommended_route=decision.recommended_route,
        chosen_route=decision.chosen_route,
        decided_by=commissioner,
        supersedes=decision,
    )
    assert decision.superseded_by == first
    with pytest.raises(IntegrityError), transaction.atomic():
        RouteDecision.objects.create(
            place=place,
            need_title="Revised again",
            facts=decision.facts,
            advice=decision.advice,
            recommended_route=decision.recommended_route,
            chosen_route=decision.chosen_route,
            decided_by=commissioner,
            supersedes=decision,
        )


def test_decisions_are_listed_newest_first(decision, commissioner, place):
    newer = services.route_decision_save(
        actor=commissioner,
        place=place,
        need_title="Youth work in Riverside",
        need_description="",
        facts=facts(),
        chosen_route=decision.recommended_route,
        rationale="",
    )
    assert list(RouteDecision.objects.all()) == [newer, decision]


def test_decision_records_are_read_only_in_the_admin(decision, platform_admin):
    request = RequestFactory().get("/admin/")
    request.user = platform_admin
    model_admin = admin.site._registry[RouteDecision]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, decision)
    assert not model_admin.has_delete_permission(request, decision)


def test_cost_assumptions_are_edited_in_the_admin_by_platform_admins_only(platform_admin, commissioner):
    model_admin = admin.site._registry[CostAssumption]
    row = CostAssumption.objects.get(key="authority_day_rate_gbp")
    request = RequestFactory().get("/admin/")
    request.user = platform_admin
    assert model_admin.has_change_permission(request, row)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_delete_permission(request, row)
    assert {"assumption", "source", "value"} <= set(model_admin.get_fields(request, row))
    request.user = commissioner
    assert not model_admin.has_change_permission(request, row)


def test_a_platform_admin_changes_a_cost_assumption_through_the_admin_page(client, platform_admin):
    platform_admin.is_staff = True
    platform_admin.save()
    client.force_login(platform_admin)
    row = CostAssumption.objects.get(key="authority_day_rate_gbp")
    url = f"/admin/routes/costassumption/{row.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert "chargeable days" in page.content.decode()  # the assumption is shown

    refused = client.post(url, {"value": "-3", "assumption": row.assumption, "source": row.source})
    assert refused.status_code == 200
    assert "0 or more" in refused.content.decode()
    assert CostAssumption.objects.get(pk=row.pk).value == Decimal("300")

    saved = client.post(url, {"value": "320", "assumption": row.assumption, "source": "Pay scales 2026"})
    assert saved.status_code == 302
    row.refresh_from_db()
    assert (row.value, row.source, row.updated_by) == (Decimal("320"), "Pay scales 2026", platform_admin)
