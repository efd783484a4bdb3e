"""What opportunities tell people: one function per notification, returning its subject, body and link."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from trellis.core.messages import Message
from trellis.opportunities.domain.kinds import Stage
from trellis.opportunities.models import Opportunity


def opportunity_url(opportunity: Opportunity) -> str:
    """The opportunity's public page."""
    return reverse("opportunities:detail", kwargs={"public_id": opportunity.public_id})


def deadline_text(opportunity: Opportunity) -> str:
    """``12:00pm on Friday 6 March 2026`` in local time, or nothing when there is no deadline."""
    if opportunity.closes_at is None:
        return ""
    local = timezone.localtime(opportunity.closes_at)
    return f"{local:%-I:%M%p on %A %-d %B %Y}".replace("AM", "am").replace("PM", "pm")


def _names(opportunity: Opportunity) -> dict[str, str]:
    return {"title": opportunity.title, "reference": opportunity.reference}


def published(opportunity: Opportunity) -> Message:
    """To subscribers whose alerts match (or a call-off's framework providers) when it is published."""
    body = gettext("%(kind)s: %(title)s (%(reference)s).\n\n%(summary)s\n\nThe deadline is %(deadline)s.") % {
        **_names(opportunity),
        "kind": opportunity.kind_label,
        "summary": opportunity.summary,
        "deadline": deadline_text(opportunity),
    }
    return Message(
        subject=gettext("New opportunity: %(title)s") % _names(opportunity),
        body=body.strip(),
        url=opportunity_url(opportunity),
    )


def cancelled(opportunity: Opportunity) -> Message:
    """To everyone interested when a public opportunity is cancelled, with the reason."""
    return Message(
        subject=gettext("Cancelled: %(title)s") % _names(opportunity),
        body=gettext("%(title)s (%(reference)s) has been cancelled.\n\n%(reason)s")
        % {**_names(opportunity), "reason": opportunity.status_reason},
        url=opportunity_url(opportunity),
    )


def approved(opportunity: Opportunity) -> Message:
    """To the officer who created it, once it is approved."""
    return Message(
        subject=gettext("Approved: %(title)s") % _names(opportunity),
        body=gettext("%(title)s (%(reference)s) has been approved and can now be published.") % _names(opportunity),
        url=opportunity_url(opportunity),
    )


def deadline_reminder(opportunity: Opportunity, *, days: int) -> Message:
    """To everyone interested, a week (``days=7``) and a day (``days=1``) before the deadline."""
    subject = gettext("Deadline tomorrow: %(title)s") if days == 1 else gettext("Deadline in a week: %(title)s")
    return Message(
        subject=subject % _names(opportunity),
        body=gettext("The deadline for %(title)s (%(reference)s) is %(deadline)s.")
        % {**_names(opportunity), "deadline": deadline_text(opportunity)},
        url=opportunity_url(opportunity),
    )


def stage_invitation(opportunity: Opportunity, *, stage: Stage) -> Message:
    """To the providers chosen to go on, when the next submission stage opens."""
    values = {**_names(opportunity), "stage": stage.label.lower(), "deadline": deadline_text(opportunity)}
    return Message(
        subject=gettext("Invitation: %(stage)s for %(title)s") % values,
        body=gettext(
            "You are invited to the %(stage)s stage of %(title)s (%(reference)s).\n\nThe deadline is %(deadline)s."
        )
        % values,
        url=opportunity_url(opportunity),
    )


def question_asked(opportunity: Opportunity) -> Message:
    """To the opportunity's officers when a provider asks a question (never saying who)."""
    return Message(
        subject=gettext("New question: %(title)s") % _names(opportunity),
        body=gettext("A provider has asked a question about %(title)s (%(reference)s).") % _names(opportunity),
        url=opportunity_url(opportunity),
    )


def question_answered(opportunity: Opportunity) -> Message:
    """To everyone interested when an answer is published."""
    return Message(
        subject=gettext("Question answered: %(title)s") % _names(opportunity),
        body=gettext("A new answer to a clarification question about %(title)s (%(reference)s) has been published.")
        % _names(opportunity),
        url=opportunity_url(opportunity),
    )
