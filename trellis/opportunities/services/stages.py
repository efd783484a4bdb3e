"""The stages of a competitive flexible procedure: who goes on after a submission stage, and the invitation to the
next submission stage (``domain/stages.py`` holds the rules)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from trellis.core.models import Person
from trellis.core.permissions import require
from trellis.core.services import audit_record
from trellis.opportunities import messages, selectors
from trellis.opportunities import permissions as perms
from trellis.opportunities.domain import stages as stage_rules
from trellis.opportunities.domain.kinds import Stage
from trellis.opportunities.domain.lifecycle import Action
from trellis.opportunities.models import Opportunity, StageParticipant
from trellis.opportunities.services.common import lock, notify_people, refresh_from
from trellis.opportunities.services.lifecycle import move


def opportunity_stage_advance(
    *,
    actor: Person,
    opportunity: Opportunity,
    participants: Sequence[Any],
    problems: Mapping[str, list[str]] | None = None,
    now: datetime | None = None,
) -> Opportunity:
    """Move a closed procedure from a submission stage to the shortlist, dialogue or negotiation step after it,
    recording the providers who go on (``participants``). The bids app decides who may be chosen (they must have
    submitted to the stage, whose bids must have been opened) and passes what stops the move as ``problems``,
    by field; nothing is written when there are any."""
    now = now or timezone.now()
    require(perms.can_transition(actor, opportunity, Action.ADVANCE_STAGE))
    errors = {k: list(v) for k, v in (problems or {}).items() if v}
    chosen = {org.pk: org for org in participants}
    if not chosen and "participants" not in errors:
        errors["participants"] = ["Choose at least one provider to go on to the next stage."]
    with transaction.atomic():
        locked = lock(opportunity)
        finished = {
            "stage": selectors.current_stage(locked),
            "closes_at": locked.closes_at.isoformat() if locked.closes_at else None,
            "closed_at": locked.closed_at.isoformat() if locked.closed_at else None,
        }
        move(
            actor=actor,
            opportunity=opportunity,
            action=Action.ADVANCE_STAGE,
            roles=perms.lifecycle_roles(actor),
            reason="",
            now=now,
            stage_errors=errors,
            locked=locked,
        )
        locked.stage_history = [*(locked.stage_history or []), finished]
        locked.save(update_fields=["stage_history", "updated_at"])
        StageParticipant.objects.bulk_create(
            [
                StageParticipant(
                    opportunity=locked, stage_index=locked.stage_index, organisation=org, added_by=actor, added_at=now
                )
                for org in chosen.values()
            ]
        )
        audit_record(
            actor=actor,
            verb="opportunity.stage_participants_chosen",
            target=locked,
            data={
                "stage": selectors.current_stage(locked),
                "participants": sorted(org.org_id for org in chosen.values()),
            },
        )
        refresh_from(opportunity, locked)
    return opportunity


def opportunity_invite_next_stage(
    *,
    actor: Person,
    opportunity: Opportunity,
    closes_at: Any,
    questions_close_at: Any = None,
    now: datetime | None = None,
) -> Opportunity:
    """Open the next submission stage to the providers chosen at the step before it, with its own deadline (at
    least the stage's minimum period away) and question deadline. They are told, by e-mail too."""
    now = now or timezone.now()
    require(perms.can_transition(actor, opportunity, Action.INVITE_NEXT_STAGE))
    with transaction.atomic():
        locked = lock(opportunity)
        upcoming = stage_rules.following(locked.stages or [], locked.stage_index)
        errors: dict[str, list[str]] = {}
        if upcoming is not None and stage_rules.is_submission(upcoming):
            errors = stage_rules.invitation_errors(
                upcoming, closes_at=closes_at, questions_close_at=questions_close_at, now=now
            )
        move(
            actor=actor,
            opportunity=opportunity,
            action=Action.INVITE_NEXT_STAGE,
            roles=perms.lifecycle_roles(actor),
            reason="",
            now=now,
            stage_errors=errors,
            locked=locked,
        )
        locked.closes_at = closes_at
        locked.questions_close_at = questions_close_at
        locked.closed_at = None
        locked.reminders_sent = []
        locked.save(update_fields=["closes_at", "questions_close_at", "closed_at", "reminders_sent", "updated_at"])
        stage = Stage(selectors.current_stage(locked))
        audit_record(
            actor=actor,
            verb="opportunity.stage_invited",
            target=locked,
            data={"stage": stage.value, "closes_at": closes_at.isoformat()},
        )
        invited = {person: True for person in selectors.stage_participant_people(locked)}
        notify_people(invited, messages.stage_invitation(locked, stage=stage))
        refresh_from(opportunity, locked)
    return opportunity
