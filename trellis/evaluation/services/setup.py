"""Setting up an evaluation: starting it, its published rules and working settings, the panel and its duties, and
moving it on to scoring."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from trellis.bids import selectors as bid_selectors
from trellis.core import roles
from trellis.core.domain.roles import AUTHORITY_ROLES
from trellis.core.errors import InvalidTransition, ValidationFailed
from trellis.core.models import Person
from trellis.core.permissions import deny, require
from trellis.core.services import notify
from trellis.evaluation import messages, selectors
from trellis.evaluation import permissions as perms
from trellis.evaluation.domain import workflow
from trellis.evaluation.domain.scheme import scheme_errors
from trellis.evaluation.domain.workflow import Move, PanelRole
from trellis.evaluation.models import (
    Evaluation,
    PanelMember,
)
from trellis.evaluation.services.common import audit, lock, refresh_from
from trellis.opportunities.domain.lifecycle import Status

if TYPE_CHECKING:
    from trellis.opportunities.models import Opportunity


# Setting up --------------------------------------------------------------------------------------------------------


@transaction.atomic
def evaluation_start(*, actor: Person, opportunity: Opportunity, now: datetime | None = None) -> Evaluation:
    """Start setting up the evaluation of an opportunity under evaluation (its bids opened). Once only."""
    now = now or timezone.now()
    if not perms.is_officer(actor):
        require(deny(perms.OFFICERS_ONLY))
    if opportunity.status != Status.UNDER_EVALUATION:
        raise InvalidTransition("Start the opportunity's evaluation (on its Manage page) once its bids are opened.")
    bid_selectors.opened_bids(opportunity)  # PermissionDenied while the bids are sealed
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(opportunity=opportunity, created_by=actor, created_at=now)
    except IntegrityError as exc:
        raise InvalidTransition("This opportunity's evaluation has already been started.") from exc
    audit(actor, "evaluation.started", evaluation)
    return evaluation


def _decimal(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return Decimal("NaN")
    return number


@transaction.atomic
def evaluation_rules_set(*, actor: Person, evaluation: Evaluation, rules: Mapping[str, Any]) -> Evaluation:
    """The panel's working settings: how far evaluators' marks may differ before a criterion is flagged for
    moderation (a share of the scale), and whether prices stay in a sealed envelope until quality is moderated.
    The scoring methodology itself was published with the opportunity and cannot change. Fixed once scoring
    starts."""
    require(perms.can_set_up_panel(actor, evaluation))
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for name in rules:
        if name not in ("divergence_threshold", "price_envelope"):
            errors[name] = ["This was published with the opportunity and cannot be changed now."]
    if "divergence_threshold" in rules:
        spread = _decimal(rules["divergence_threshold"])
        if spread is None or not spread.is_finite() or not Decimal("0.01") <= spread <= Decimal(1):
            errors["divergence_threshold"] = ["Enter the allowed spread as a share of the scale, from 1% to 100%."]
        else:
            clean["divergence_threshold"] = spread.quantize(Decimal("0.01"))
    if "price_envelope" in rules:
        clean["price_envelope"] = bool(rules["price_envelope"])
    if errors:
        raise ValidationFailed.of(errors, "The settings have not been saved.")
    locked = lock(evaluation)
    changed = {k: v for k, v in clean.items() if getattr(locked, k) != v}
    for name, value in changed.items():
        setattr(locked, name, value)
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
        audit(actor, "evaluation.rules_set", locked, {k: str(v) for k, v in changed.items()})
    refresh_from(evaluation, locked)
    return evaluation


@transaction.atomic
def panel_member_set(
    *,
    actor: Person,
    evaluation: Evaluation,
    person: Person,
    role: str,
    criteria: Iterable[Any] = (),
    is_moderator: bool = False,
    now: datetime | None = None,
) -> PanelMember:
    """Add a person to the panel, or change their role, criteria or moderation. ``criteria`` are ids of the
    opportunity's criteria they mark (a finance officer might mark only price and viability)."""
    now = now or timezone.now()
    require(perms.can_set_up_panel(actor, evaluation))
    errors: dict[str, list[str]] = {}
    try:
        panel_role = PanelRole(str(role))
    except ValueError:
        errors["role"] = ["Choose what the person is on the panel as."]
        panel_role = None
    if panel_role is not None and not roles.has_role(person, workflow.PANEL_ROLES[panel_role]):
        needed = " or ".join(sorted(r.label.lower() for r in workflow.PANEL_ROLES[panel_role]))
        errors["person"] = [f"To sit on the panel as {panel_role.label.lower()}, the person must be a {needed}."]
    elif not roles.has_role(person, AUTHORITY_ROLES):
        errors.setdefault("person", ["Only the council's people, evaluators and citizen commissioners sit on panels."])
    own = {c.pk: c for c in evaluation.opportunity.criteria.all()}
    wanted: set[int] = set()
    for raw in criteria:
        try:
            wanted.add(int(raw))
        except (TypeError, ValueError):
            errors["criteria"] = ["Choose criteria from the list."]
    if wanted - set(own):
        errors["criteria"] = ["Choose criteria of this opportunity."]
    if not wanted and not is_moderator and "criteria" not in errors:
        errors["criteria"] = ["Choose the criteria this person marks (or make them the moderator)."]
    if errors:
        raise ValidationFailed.of(errors, "The panel has not been changed.")
    assert panel_role is not None
    member, created = PanelMember.objects.get_or_create(
        evaluation=evaluation,
        person=person,
        defaults={"role": panel_role.value, "is_moderator": bool(is_moderator), "added_by": actor, "added_at": now},
    )
    if not created:
        member.role = panel_role.value
        member.is_moderator = bool(is_moderator)
        member.save(update_fields=["role", "is_moderator"])
    member.criteria.set([own[pk] for pk in sorted(wanted)])
    audit(
        actor,
        "evaluation.panel_member_set",
        evaluation,
        {
            "person": person.pk,
            "role": panel_role.value,
            "criteria": sorted(wanted),
            "moderator": bool(is_moderator),
            "added": created,
        },
    )
    return member


@transaction.atomic
def panel_member_remove(*, actor: Person, member: PanelMember) -> None:
    require(perms.can_set_up_panel(actor, member.evaluation))
    audit(actor, "evaluation.panel_member_removed", member.evaluation, {"person": member.person_id})
    member.delete()


def _start_problems(evaluation: Evaluation) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    members = list(evaluation.members.prefetch_related("criteria"))
    if not any(m.is_moderator for m in members):
        errors["moderator"] = ["Choose a moderator for the panel."]
    marked = {c.pk for m in members for c in m.criteria.all()}
    for criterion in evaluation.opportunity.criteria.all():
        if not criterion.is_price and criterion.pk not in marked:
            errors.setdefault("criteria", []).append(f"Nobody on the panel marks “{criterion.name}”.")
    problems = scheme_errors(selectors.scheme_for(evaluation))
    if problems:
        errors.setdefault("rules", []).extend(message for messages in problems.values() for message in messages)
    if not bid_selectors.opened_bids(evaluation.opportunity).exists():
        errors["bids"] = ["There are no opened bids to evaluate."]
    return errors


def evaluation_move(*, actor: Person, evaluation: Evaluation, move: str, now: datetime | None = None) -> Evaluation:
    """Start scoring (the panel and rules are then fixed; the panel is told)."""
    now = now or timezone.now()
    if move != Move.START_SCORING:
        raise InvalidTransition("Use the recommendation, approval and contract steps for those moves.")
    require(perms.can_set_up_panel(actor, evaluation))
    with transaction.atomic():
        locked = lock(evaluation)
        errors = _start_problems(locked)
        if errors:
            raise ValidationFailed.of(errors, "Scoring cannot start yet.")
        locked.state = workflow.next_state(locked.state, move).value
        locked.save(update_fields=["state", "updated_at"])
        audit(actor, "evaluation.scoring_started", locked, {"at": now.isoformat()})
        notify(
            recipients=[m.person for m in locked.members.select_related("person")],
            message=messages.scoring_started(locked),
            email=True,
        )
        refresh_from(evaluation, locked)
    return evaluation
