"""/api/v1/routes: the route advisor as JSON.

Advice is general guidance about the law and the cost of competing, with nothing private in it, so anyone
may ask for it, with or without a token (a bad token is still refused). Saving a decision is done on the
website, where the person deciding is signed in.
"""

from __future__ import annotations

import json
from typing import Any

from ninja import Router

from trellis.core.errors import ValidationFailed
from trellis.organisations.api.endpoints import OptionalTokenAuth
from trellis.organisations.api.schemas import Problem
from trellis.routes import services

router = Router(tags=["routes"])

FACTS_EXAMPLE = {
    "purpose": "buy_service",
    "estimated_value_gbp": 450000,
    "duration_months": 36,
    "service_category": "light_touch",
    "authority_class": "sub_central",
    "procurement_start": "2026-04-01",
    "capable_providers": 6,
    "capable_small_or_local": 4,
    "incumbent_scenario": 0,
    "needs_codesign": True,
    "innovation": False,
    "cross_authority": "none",
    "existing_framework": False,
    "urgency": "normal",
    "risk": "medium",
    "direct_award_justification": "",
}
FACTS_BODY = {
    "requestBody": {
        "required": True,
        "description": "The facts about a need. Field names and allowed values are in docs/routes.md; "
        "unknown fields are refused.",
        "content": {
            "application/json": {"schema": {"type": "object", "additionalProperties": True}, "example": FACTS_EXAMPLE}
        },
    }
}


def _facts_from(request) -> dict[str, Any]:
    """The JSON body, read here rather than by a schema so that the engine names every bad field itself."""
    try:
        body = json.loads(request.body or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationFailed(
            "The request body is not valid JSON.", errors={"__all__": [f"Send the facts as a JSON object ({exc})."]}
        ) from exc
    if not isinstance(body, dict):
        raise ValidationFailed(
            "The request body must be a JSON object.", errors={"__all__": ["Send the facts as a JSON object."]}
        )
    return body


@router.post(
    "/advice",
    auth=OptionalTokenAuth(),
    response={200: dict[str, Any], 401: Problem, 422: Problem},
    summary="Advice on how to fund a need",
    description="Every route considered (suitable or not, ranked, with reasons and sources), the legal regime, "
    "the threshold from the dated table, notices, time limits, standstill, Compact checks, a draft timeline, "
    "the cost of competing and the verdict on an incumbent's proposal. Bad facts give a 422 problem with "
    "`errors` naming each field.",
    openapi_extra=FACTS_BODY,
)
def advice(request):
    return services.advice_for(_facts_from(request))
