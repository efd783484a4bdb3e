"""/api/v1/evaluation: the scoring engine as JSON — the same engine and input format as ``trellis evaluate``.

These endpoints work on what they are sent and store nothing, so anyone may call them, with or without a token (a
bad token is still refused): a council can check its own scoring model, or anyone can recompute a published result
from its inputs. Panels, marks and decisions are handled on the website, where the people doing them are signed in.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from ninja import Router

from trellis.core.errors import ValidationFailed
from trellis.evaluation.domain import evaluate, parse_evaluation, result_as_json, score_prices
from trellis.evaluation.domain.price import PriceMethod
from trellis.organisations.api.endpoints import OptionalTokenAuth
from trellis.organisations.api.schemas import Problem

router = Router(tags=["evaluation"])

#: Options of the old analysis by random weight perturbations, refused with a reason (see ``winner_margin``).
REMOVED = {
    "perturbations": "This option was removed: the result now says what change of marks would change the winner, "
    "worked out exactly, with no random weight perturbations. Leave it out.",
    "seed": "This option was removed: nothing in the evaluation is random any more. Leave it out.",
}

RUN_EXAMPLE = {
    "criteria": [
        {"key": "quality", "name": "Meeting the outcomes", "weight": 60, "scale": "0-5"},
        {"key": "local", "name": "Local knowledge and connections", "weight": 20, "scale": "0-5"},
        {"key": "price", "name": "Price", "weight": 20, "scale": "0-100", "is_price": True},
    ],
    "price_method": "relative_to_lowest",
    "bids": {"Alpha": {"price": 100000}, "Beta": {"price": 90000}},
    "marks": {
        "Evaluator 1": {"Alpha": {"quality": 4, "local": 5}, "Beta": {"quality": 3, "local": 2}},
        "Evaluator 2": {"Alpha": {"quality": 4, "local": 3}, "Beta": {"quality": 3, "local": 3}},
    },
}


def _body(request) -> dict[str, Any]:
    """The JSON body, numbers kept exact, read here so that the engine names every bad field itself."""
    try:
        body = json.loads(request.body or b"null", parse_float=Decimal)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationFailed(
            "The request body is not valid JSON.", errors={"__all__": [f"Send a JSON object ({exc})."]}
        ) from exc
    if not isinstance(body, dict):
        raise ValidationFailed("The request body must be a JSON object.", errors={"__all__": ["Send a JSON object."]})
    return body


def _refuse_removed(body: dict[str, Any]) -> None:
    errors = {name: [reason] for name, reason in REMOVED.items() if name in body}
    if errors:
        raise ValidationFailed.of(errors)


@router.post(
    "/run",
    auth=OptionalTokenAuth(),
    response={200: dict[str, Any], 401: Problem, 422: Problem},
    summary="Score and rank a set of bids, and say what would change the winner",
    description="Send an evaluation in the EVALUATION.json format (docs/evaluation-methods.md): criteria with weights "
    "and scales, the price method and rules, the bids with their prices, every evaluator's marks and any consensus "
    "marks. Get back each bid's lines, quality and price points, total, rank and flags, the divergent marks and "
    "`change_the_winner`: the fewest changes of marks that would change the winner, and which marks (for the "
    "authority's own assurance, not for bidders). Bad input gives a 422 problem with `errors` naming each field by "
    "its path; the removed options `perturbations` and `seed` are refused the same way.",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}, "example": RUN_EXAMPLE}},
        }
    },
)
def run(request):
    body = _body(request)
    _refuse_removed(body)
    return result_as_json(evaluate(parse_evaluation(body)))


@router.post(
    "/price",
    auth=OptionalTokenAuth(),
    response={200: dict[str, Any], 401: Problem, 422: Problem},
    summary="Score prices by a published method",
    description="Send `method` (relative_to_lowest, proportional_penalty, deviation_from_mean or "
    "price_per_quality_point), `max_points` and `bids` ({bidder: price}); for price per quality point also `quality` "
    "({bidder: quality score}). Get back `scores` ({bidder: score}), unrounded.",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"type": "object"},
                    "example": {"method": "relative_to_lowest", "max_points": 40, "bids": {"A": 100, "B": 105}},
                }
            },
        }
    },
)
def price(request):
    body = _body(request)
    errors: dict[str, list[str]] = {}
    method = str(body.get("method") or "")
    if method not in {m.value for m in PriceMethod}:
        errors["method"] = ["Choose a method: " + ", ".join(m.value for m in PriceMethod) + "."]
    points = body.get("max_points")
    if isinstance(points, bool) or not isinstance(points, int | Decimal) or not 0 < points <= 1000:
        errors["max_points"] = ["Give the points for the best price, a number above 0 and up to 1,000."]
    bids, quality = body.get("bids"), body.get("quality")
    if not isinstance(bids, dict) or not bids:
        errors["bids"] = ['Give each bidder\'s price, like {"Alpha": 100000}.']
    if quality is not None and not isinstance(quality, dict):
        errors["quality"] = ['Give each bidder\'s quality score, like {"Alpha": 52}.']
    if errors:
        raise ValidationFailed.of(errors, "The prices have not been scored.")
    scores = score_prices(PriceMethod(method), bids, Decimal(points), quality=quality)
    return {"scores": scores}
