"""Route advisor use cases: advising on a need, saving a decision record, changing a cost assumption.

Each write takes the acting person, checks permission, writes in one transaction and records an audit event.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from trellis.core.errors import ValidationFailed
from trellis.core.models import Person
from trellis.core.permissions import require
from trellis.core.services import audit_record
from trellis.places.models import Place
from trellis.routes import permissions as perms
from trellis.routes import selectors
from trellis.routes.domain import CostAssumptions, Facts, FactsInvalid, advise, costs
from trellis.routes.models import CostAssumption, RouteDecision

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
RATIONALE_MAX = 5000


def advice_for(facts: dict[str, Any]) -> dict[str, Any]:
    """The advice for a set of facts, with the cost assumptions in the table; ``FactsInvalid`` names bad fields."""
    return advise(Facts.from_dict(facts), assumptions=selectors.cost_assumptions()).to_dict()


def _need_errors(need_title: str, need_description: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not need_title:
        errors["need_title"] = ["Enter a short title for the need."]
    elif len(need_title) > TITLE_MAX:
        errors["need_title"] = [f"The title must be {TITLE_MAX} characters or fewer."]
    if len(need_description) > DESCRIPTION_MAX:
        errors["need_description"] = [f"The description must be {DESCRIPTION_MAX} characters or fewer."]
    return errors


def _choice_errors(advice: dict[str, Any], chosen_route: str, rationale: str) -> dict[str, list[str]]:
    options = {option["route"]: option for option in advice["options"]}
    recommended = options[advice["recommended"]]
    chosen = options.get(chosen_route)
    if chosen is None:
        return {"chosen_route": ["Choose the route you have decided on."]}
    if not chosen["suitable"]:
        against = [r["text"] for r in chosen["reasons"] if not r["for"]]
        why = f" {against[0]}" if against else ""
        return {"chosen_route": [f"{chosen['title']} is not a suitable route for this need.{why}"]}
    if len(rationale) > RATIONALE_MAX:
        return {"rationale": [f"The reasons must be {RATIONALE_MAX} characters or fewer."]}
    if chosen_route != recommended["route"] and not rationale:
        return {
            "rationale": [
                f"Say why you chose {chosen['title'].lower()} rather than the recommended route, "
                f"{recommended['title'].lower()}."
            ]
        }
    return {}


def route_decision_save(
    *,
    actor: Person,
    place: Place,
    need_title: str,
    need_description: str,
    facts: dict[str, Any],
    chosen_route: str,
    rationale: str,
    supersedes: RouteDecision | None = None,
) -> RouteDecision:
    """Record the route chosen for a need, with the facts, the advice and the cost assumptions as they are now.

    A decision is never changed afterwards; revising one saves a new record that ``supersedes`` it."""
    require(perms.can_save_decision(actor, place))
    need_title, need_description, rationale = need_title.strip(), need_description.strip(), rationale.strip()
    errors = _need_errors(need_title, need_description)
    try:
        parsed = Facts.from_dict(facts)
    except FactsInvalid as exc:
        errors.update(exc.errors)
        raise ValidationFailed("Some of the facts about the need are not right.", errors=errors) from exc
    if supersedes is not None and (supersedes.place_id != place.pk or selectors.superseding(supersedes)):
        errors["supersedes"] = ["That decision has already been replaced, or is for another place."]
    assumptions = selectors.cost_assumptions()
    advice = advise(parsed, assumptions=assumptions).to_dict()
    errors.update(_choice_errors(advice, chosen_route, rationale))
    if errors:
        raise ValidationFailed("The decision cannot be saved yet.", errors=errors)
    try:
        with transaction.atomic():
            decision = _record(
                actor=actor,
                place=place,
                need_title=need_title,
                need_description=need_description,
                facts=parsed.to_dict(),
                advice=advice,
                chosen_route=chosen_route,
                rationale=rationale,
                assumptions=assumptions,
                supersedes=supersedes,
            )
    except IntegrityError as exc:  # someone replaced the same decision a moment earlier
        raise ValidationFailed(
            "The decision cannot be saved yet.",
            errors={"supersedes": ["That decision has just been replaced by someone else: revise the newer one."]},
        ) from exc
    return decision


def _record(
    *,
    actor: Person,
    place: Place,
    need_title: str,
    need_description: str,
    facts: dict[str, Any],
    advice: dict[str, Any],
    chosen_route: str,
    rationale: str,
    assumptions: CostAssumptions,
    supersedes: RouteDecision | None,
) -> RouteDecision:
    """Write the decision and its audit event (inside the caller's transaction)."""
    decision = RouteDecision.objects.create(
        place=place,
        need_title=need_title,
        need_description=need_description,
        facts=facts,
        advice=advice,
        recommended_route=advice["recommended"],
        chosen_route=chosen_route,
        rationale=rationale,
        cost_assumptions=selectors.cost_assumptions_snapshot(assumptions),
        decided_by=actor,
        decided_at=timezone.now(),
        supersedes=supersedes,
    )
    audit_record(
        actor=actor,
        verb="route_decision.saved",
        target=decision,
        data={
            "place": place.slug,
            "chosen_route": chosen_route,
            "recommended_route": advice["recommended"],
            "regime": advice["regime"],
            "supersedes": str(supersedes.public_id) if supersedes else None,
        },
    )
    return decision


def cost_assumption_update(
    *, actor: Person, cost_assumption: CostAssumption, value: Any, assumption: str, source: str
) -> CostAssumption:
    """Change one default behind the cost of competing; the assumption and its source must be stated.

    The engine checks the new value with all the others (a share is between 0 and 1, bids are whole). For a
    two-way mix of shares the other share is set to make them add up to 1."""
    require(perms.can_edit_cost_assumptions(actor))
    errors: dict[str, list[str]] = {}
    amount = None
    try:
        amount = Decimal(str(value))
        if not amount.is_finite() or amount < 0:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["value"] = ["Enter a number that is 0 or more."]
    assumption, source = assumption.strip(), source.strip()
    if not assumption:
        errors["assumption"] = ["Say what this number assumes."]
    if not source:
        errors["source"] = ["Say where this number comes from."]
    partner_key = costs.mix_partner(cost_assumption.key)
    partner = CostAssumption.objects.filter(key=partner_key).first() if partner_key else None
    if amount is not None and not errors:
        changes = {cost_assumption.key: amount}
        if partner is not None and amount <= 1:
            changes[partner.key] = Decimal(1) - amount
        try:
            selectors.cost_assumptions(overrides=changes)
        except ValidationFailed as exc:  # the engine's AssumptionsInvalid names each key
            errors["value"] = [text for texts in exc.errors.values() for text in texts]
    if errors:
        raise ValidationFailed("The cost assumption cannot be saved.", errors=errors)
    assert amount is not None
    with transaction.atomic():
        before = CostAssumption.objects.select_for_update().get(pk=cost_assumption.pk)
        cost_assumption.value, cost_assumption.assumption, cost_assumption.source = amount, assumption, source
        cost_assumption.updated_by = actor
        cost_assumption.save()
        audit_record(
            actor=actor,
            verb="cost_assumption.updated",
            target=cost_assumption,
            data={"key": cost_assumption.key, "from": str(before.value), "to": str(amount)},
        )
        if partner is not None:
            old = partner.value
            partner.value, partner.updated_by = Decimal(1) - amount, actor
            partner.save()
            audit_record(
                actor=actor,
                verb="cost_assumption.updated",
                target=partner,
                data={"key": partner.key, "from": str(old), "to": str(partner.value), "because": cost_assumption.key},
            )
    return cost_assumption
