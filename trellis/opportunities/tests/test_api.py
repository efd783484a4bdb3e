"""/api/v1/opportunities: published opportunities only, the same content as the public page, nothing private."""

from __future__ import annotations

import pytest

from trellis.opportunities import services
from trellis.opportunities.tests.fixtures_core import *  # noqa: F403

pytestmark = pytest.mark.django_db

LIST = "/api/v1/opportunities"


def test_the_list_has_open_opportunities_only(client, published, commissioner, place):
    services.opportunity_create(actor=commissioner, place=place, title="Draft round", kind="grant_round")
    response = client.get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["reference"] == published.reference
    assert item["status"] == "published"
    assert item["url"] == f"/opportunities/{published.public_id}/"
    assert item["estimated_value"] == "90000.00"
    assert [s["code"] for s in item["service_types"]] == ["befriending"]


def test_the_list_filters_and_refuses_unknown_codes(client, published, wards):
    assert client.get(LIST, {"kind": "open_tender"}).json()["count"] == 0
    assert client.get(LIST, {"kind": "grant_round", "q": "befriending"}).json()["count"] == 1
    assert client.get(LIST, {"ward": wards[1].gss_code}).json()["count"] == 0
    response = client.get(LIST, {"kind": "lottery", "ward": "E99999999"})
    assert response.status_code == 422
    problem = response.json()
    assert set(problem["errors"]) == {"kind", "ward"}
    assert response["Content-Type"] == "application/problem+json"
    assert client.get(LIST, {"page": 9}).status_code == 404


def test_one_opportunity_with_criteria_and_anonymous_answers(client, published, provider_admin, commissioner, charity):
    question = services.clarification_ask(
        actor=provider_admin, opportunity=published, organisation=charity, question="Is VAT included?"
    )
    services.clarification_answer(actor=commissioner, clarification=question, answer="Yes.", publish=True)
    response = client.get(f"{LIST}/{published.public_id}")
    assert response.status_code == 200
    body = response.json()
    assert [c["name"] for c in body["criteria"]][:2] == ["Meeting the outcomes", "Local knowledge and connections"]
    assert sum(float(c["weight"]) for c in body["criteria"]) == 100
    assert body["framework"] is None  # not a call-off
    assert body["eligibility"][0]["essential"] is True
    assert body["clarifications"] == [
        {"question": "Is VAT included?", "answer": "Yes.", "published_at": body["clarifications"][0]["published_at"]}
    ]
    assert "Brookfield" not in response.content.decode()
    assert body["prequalification"]["level"] == "foundation"


def test_drafts_are_not_found(client, draft):
    response = client.get(f"{LIST}/{draft.public_id}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
