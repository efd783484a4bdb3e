"""POST /api/v1/routes/advice: the advice as JSON, and RFC 7807 problems naming each bad field."""

from __future__ import annotations

import json

import pytest

from trellis.core.api_auth import token_create
from trellis.routes.models import RouteDecision
from trellis.routes.tests.helpers import facts

pytestmark = pytest.mark.django_db

URL = "/api/v1/routes/advice"


def _post(client, body, **headers):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", **headers)


def test_anyone_gets_the_advice_with_the_keys_the_contract_names(client):
    response = _post(client, facts())
    assert response.status_code == 200
    advice = response.json()
    for key in (
        "regime",
        "threshold",
        "notifiable_below_threshold",
        "notices",
        "time_limits",
        "standstill",
        "options",
        "recommended",
        "compact_checks",
        "timeline",
        "cost_of_competing",
        "incumbent",
        "facts",
    ):
        assert key in advice, key
    assert advice["regime"] == "PA2023"
    assert advice["threshold"]["applied_gbp"] == 663540
    assert advice["threshold"]["table_effective_from"] == "2026-01-01"
    assert advice["threshold"]["above"] is True
    assert {"required", "working_days"} <= set(advice["standstill"])
    assert len(advice["options"]) == 15
    assert {"route", "title", "suitable", "rank", "summary", "reasons"} <= set(advice["options"][0])
    assert advice["recommended"] == next(o["route"] for o in advice["options"] if o["rank"] == 1)
    assert advice["facts"]["estimated_value_gbp"] == 950000
    assert not RouteDecision.objects.exists()  # asking for advice saves nothing


def test_a_token_holder_gets_the_same_advice(client, commissioner):
    token = token_create(person=commissioner, name="Planning sheet")
    anonymous = _post(client, facts()).json()
    with_token = _post(client, facts(), HTTP_AUTHORIZATION=f"Bearer {token}")
    assert with_token.status_code == 200
    assert with_token.json() == anonymous


def test_a_bad_token_is_refused_rather_than_ignored(client):
    response = _post(client, facts(), HTTP_AUTHORIZATION="Bearer trl_not-a-real-token")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_bad_facts_give_a_problem_naming_each_field(client):
    response = _post(
        client,
        facts(estimated_value_gbp=-1, service_category="spaceships", procurement_start="2026-02-30", duration_months=0),
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert problem["type"].startswith("https://")
    assert problem["code"] == "facts_invalid"
    assert set(problem["errors"]) == {"estimated_value_gbp", "service_category", "procurement_start", "duration_months"}
    assert "negative" in problem["errors"]["estimated_value_gbp"][0]
    assert "spaceships" in problem["errors"]["service_category"][0]


def test_an_unknown_field_is_named(client):
    response = _post(client, facts(colour="green"))
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["colour"]
    assert "not a field the advisor knows" in response.json()["errors"]["colour"][0]


def test_missing_facts_are_named(client):
    response = _post(client, {"purpose": "buy_service"})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {"estimated_value_gbp", "duration_months", "procurement_start", "capable_providers"} <= set(errors)


@pytest.mark.parametrize("body", ["{not json", "[1, 2, 3]", "null", ""])
def test_a_body_that_is_not_a_json_object_is_refused(client, body):
    response = _post(client, body)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert "JSON object" in json.dumps(response.json()["errors"])


def test_the_endpoint_is_in_the_openapi_document(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/routes/advice"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["example"]["purpose"] == "buy_service"
    assert "422" in operation["responses"]
