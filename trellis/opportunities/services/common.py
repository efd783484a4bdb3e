"""What every opportunity use case shares: locking the row, copying the saved state back, recording a content
change (an approved opportunity goes back to draft), and telling interested people."""

from __future__ import annotations

from typing import Any

from trellis.core.messages import Message
from trellis.core.models import Person
from trellis.core.services import audit_record, notify
from trellis.opportunities import selectors
from trellis.opportunities.domain.lifecycle import Status
from trellis.opportunities.models import Opportunity


def lock(opportunity: Opportunity) -> Opportunity:
    return selectors.opportunity_lock(opportunity.pk)


def content_changed(*, actor: Person, opportunity: Opportunity, what: str, data: dict[str, Any]) -> None:
    """Record a content change; an approved opportunity goes back to draft, to be approved again."""
    audit_record(actor=actor, verb=f"opportunity.{what}", target=opportunity, data=data)
    if opportunity.status == Status.APPROVED:
        opportunity.status = Status.DRAFT
        opportunity.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            verb="opportunity.return_to_draft",
            target=opportunity,
            data={"from": Status.APPROVED.value, "to": Status.DRAFT.value, "reason": "Changed after approval."},
        )


def refresh_from(target: Opportunity, source: Opportunity) -> None:
    """Copy the saved state back onto the caller's object."""
    for f in Opportunity._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))


def notify_people(people: dict[Person, bool], message: Message) -> None:
    """Notify each person, by e-mail too where their preference (the dict's value) says so."""
    by_email = [p for p, email in people.items() if email]
    in_app = [p for p, email in people.items() if not email]
    if by_email:
        notify(recipients=by_email, message=message, email=True)
    if in_app:
        notify(recipients=in_app, message=message, email=False)


def interested(opportunity: Opportunity) -> dict[Person, bool]:
    """Subscribers whose alerts match, and the members of every organisation that asked a question."""
    people = {s.person: s.email for s in selectors.matching_subscriptions(opportunity)}
    for person in selectors.people_of_asking_organisations(opportunity):
        people.setdefault(person, True)
    return people
