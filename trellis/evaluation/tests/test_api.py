"""POST /api/v1/evaluation/run and /price: the engine as JSON — the same answer as the command line, worked
examples from the research notes, and RFC 7807 problems naming each bad field."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from trellis.core.api_auth import token_create
from trellis.evaluation.domain import evaluate, parse_evaluation, result_as_json

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).parent / "data" / "worked_example.json"


def _post(client, url: str, body, **headers):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(url, data=data, content_type="application/json", **headers)


def test_run_gives_the_engines_result(client):
    data = json.loads(EXAMPLE.read_text(), parse_float=Decimal)
    response = _post(client, "/api/v1/evaluation/run", json.loads(EXAMPLE.read_text()))
    assert response.status_code == 200
    expected = json.loads(json.dumps(result_as_json(evaluate(parse_evaluation(data)))))
    assert response.json() == expected
    assert response.json()["winner"] is not None


def test_run_says_what_would_change_the_winner(client):
    result = _post(client, "/api/v1/evaluation/run", json.loads(EXAMPLE.read_text())).json()
    analysis = result["change_the_winner"]
    assert analysis["winner"] == result["winner"]
    assert analysis["smallest"]["steps"] >= 1 and analysis["smallest"]["changes"]


@pytest.mark.parametrize("option", ["perturbations", "seed"])
def test_the_removed_random_options_are_refused_by_name(client, option):
    body = {**json.loads(EXAMPLE.read_text()), option: 0}
    response = _post(client, "/api/v1/evaluation/run", body)
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == [option]
    assert "removed" in response.json()["errors"][option][0]


def test_a_token_holder_gets_the_same_and_a_bad_token_is_refused(client, commissioner):
    body = json.loads(EXAMPLE.read_text())
    token = token_create(person=commissioner, name="Scoring sheet")
    anonymous = _post(client, "/api/v1/evaluation/run", body).json()
    assert _post(client, "/api/v1/evaluation/run", body, HTTP_AUTHORIZATION=f"Bearer {token}").json() == anonymous
    refused = _post(client, "/api/v1/evaluation/run", body, HTTP_AUTHORIZATION="Bearer trl_not-a-real-token")
    assert refused.status_code == 401 and refused["Content-Type"] == "application/problem+json"


def test_bad_input_is_a_problem_naming_each_field(client):
    body = json.loads(EXAMPLE.read_text())
    scored = next(c for c in body["criteria"] if c.get("scale") != "pass_fail")
    scored["weight"] = int(scored["weight"]) + 1  # the weights no longer total 100
    body["perturbations"] = -1
    response = _post(client, "/api/v1/evaluation/run", body)
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == ["perturbations"]
    del body["perturbations"]
    problem = _post(client, "/api/v1/evaluation/run", body).json()
    assert "criteria" in problem["errors"] and "add up to 100" in problem["errors"]["criteria"][0]


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", "null", ""])
def test_a_body_that_is_not_a_json_object_is_refused(client, body):
    for url in ("/api/v1/evaluation/run", "/api/v1/evaluation/price"):
        response = _post(client, url, body)
        assert response.status_code == 422 and "__all__" in response.json()["errors"]


def test_price_scores_the_impactbids_example(client):
    """Weight 40: £100 → 40, £105 → 38, £108 → 37 (research notes, uk-rules §3.2, method 1)."""
    response = _post(
        client,
        "/api/v1/evaluation/price",
        {"method": "relative_to_lowest", "max_points": 40, "bids": {"A": 100, "B": 105, "C": 108}},
    )
    assert response.status_code == 200
    scores = response.json()["scores"]
    assert {k: round(v) for k, v in scores.items()} == {"A": 40, "B": 38, "C": 37}
    assert scores["B"] == pytest.approx(40 * 100 / 105)  # unrounded


def test_price_names_every_bad_field(client):
    response = _post(client, "/api/v1/evaluation/price", {"method": "cheapest", "max_points": 0, "bids": []})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"method", "max_points", "bids"}
    zero = _post(
        client, "/api/v1/evaluation/price", {"method": "relative_to_lowest", "max_points": 40, "bids": {"A": 0}}
    )
    assert zero.status_code == 422 and "bids.A" in zero.json()["errors"]


def test_the_openapi_document_describes_both(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/evaluation/run" in paths and "/api/v1/evaluation/price" in paths
