"""Clarification questions: asked privately by a provider, answered by the officers and published to everyone
(never who asked)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from trellis.core.errors import InvalidTransition
from trellis.core.models import Person
from trellis.core.permissions import deny, require
from trellis.core.services import audit_record, notify
from trellis.opportunities import messages, selectors
from trellis.opportunities import permissions as perms
from trellis.opportunities.domain import fields as field_rules
from trellis.opportunities.models import Clarification, ClarificationStatus, Opportunity
from trellis.opportunities.services.common import interested, notify_people

if TYPE_CHECKING:
    from trellis.organisations.models import Organisation


@transaction.atomic
def clarification_ask(
    *, actor: Person, opportunity: Opportunity, organisation: Organisation, question: str, now: datetime | None = None
) -> Clarification:
    """A provider's private question, asked for one of its organisations while questions are open."""
    now = now or timezone.now()
    require(perms.can_ask_question(actor, opportunity, organisation, now=now))
    text = field_rules.clean_question(question)
    clarification = Clarification.objects.create(
        opportunity=opportunity, asked_by=actor, asking_organisation=organisation, question=text, created_at=now
    )
    audit_record(
        actor=actor,
        verb="clarification.asked",
        target=clarification,
        data={"opportunity": opportunity.reference, "organisation": organisation.org_id},
    )
    notify(
        recipients=selectors.opportunity_officers(opportunity),
        message=messages.question_asked(opportunity),
        email=False,
    )
    return clarification


@transaction.atomic
def clarification_answer(
    *, actor: Person, clarification: Clarification, answer: str, publish: bool = True, now: datetime | None = None
) -> Clarification:
    """Answer a question. Publishing shows the question and answer to everyone, never who asked, and tells every
    interested provider (matching subscribers and the organisations that asked questions)."""
    now = now or timezone.now()
    require(perms.can_answer_question(actor, clarification))
    locked = Clarification.objects.select_for_update().select_related("opportunity").get(pk=clarification.pk)
    text = field_rules.clean_answer(answer, withdrawn=locked.status == ClarificationStatus.WITHDRAWN)
    was_published = locked.status == ClarificationStatus.PUBLISHED
    locked.answer = text
    locked.answered_by = actor
    locked.answered_at = now
    if publish or was_published:
        locked.status = ClarificationStatus.PUBLISHED
        locked.published_at = locked.published_at or now
    else:
        locked.status = ClarificationStatus.ANSWERED
    locked.save()
    audit_record(
        actor=actor,
        verb="clarification.published" if locked.status == ClarificationStatus.PUBLISHED else "clarification.answered",
        target=locked,
        data={"opportunity": locked.opportunity.reference, "changed_after_publishing": was_published},
    )
    if locked.status == ClarificationStatus.PUBLISHED:
        notify_people(interested(locked.opportunity), messages.question_answered(locked.opportunity))
    for name in ("answer", "answered_by_id", "answered_at", "status", "published_at"):
        setattr(clarification, name, getattr(locked, name))
    return clarification


@transaction.atomic
def clarification_withdraw(*, actor: Person, clarification: Clarification) -> Clarification:
    """The person who asked may withdraw a question not yet answered."""
    locked = Clarification.objects.select_for_update().get(pk=clarification.pk)
    if locked.asked_by_id != getattr(actor, "pk", None):
        require(deny("Only the person who asked can withdraw this question."))
    if locked.status != ClarificationStatus.ASKED:
        raise InvalidTransition("This question has been answered and can no longer be withdrawn.")
    locked.status = ClarificationStatus.WITHDRAWN
    locked.save(update_fields=["status"])
    audit_record(actor=actor, verb="clarification.withdrawn", target=locked)
    clarification.status = locked.status
    return clarification
