"""What the directory tells people: one function per notification, returning its subject, body and link."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext

from trellis.core.domain.roles import Role
from trellis.core.messages import Message
from trellis.core.models import Person
from trellis.organisations.models import EvidenceDocument, ImportJob, Organisation, PartnerRequest


def _day(day: date) -> str:
    return f"{day:%-d %B %Y}"


def evidence_to_verify(document: EvidenceDocument) -> Message:
    """To commissioners when an organisation uploads a document to check."""
    values = {"organisation": document.organisation.name, "title": document.title, "kind": document.kind_label}
    return Message(
        subject=gettext("Evidence to verify: %(organisation)s") % values,
        body=gettext("%(organisation)s uploaded “%(title)s” (%(kind)s). Please check and verify it.") % values,
        url=reverse("organisations:verify", kwargs={"public_id": document.public_id}),
    )


def evidence_reviewed(document: EvidenceDocument, *, verified: bool, reviewer: Person, note: str) -> Message:
    """To the organisation's admins when a commissioner verifies (or declines) a document, with their note."""
    values = {
        "kind": document.kind_label.lower(),
        "title": document.title,
        "reviewer": reviewer.get_full_name(),
    }
    if verified:
        subject = gettext("Your %(kind)s was verified") % values
        body = gettext("“%(title)s” was verified by %(reviewer)s.") % values
    else:
        subject = gettext("Your %(kind)s was not accepted") % values
        body = gettext("“%(title)s” was not accepted by %(reviewer)s.") % values
    return Message(
        subject=subject,
        body=body + (f"\n\n{note}" if note else ""),
        url=reverse("organisations:evidence", kwargs={"slug": document.organisation.slug}),
    )


def evidence_expiring(document: EvidenceDocument, *, today: date) -> Message:
    """To the organisation's admins before a document expires (and on the day, and once it has)."""
    expires_on = document.expires_on
    assert expires_on is not None
    if expires_on < today:
        when = gettext("on %(day)s (it has expired)") % {"day": _day(expires_on)}
    elif expires_on == today:
        when = gettext("today")
    else:
        when = gettext("in %(days)s days") % {"days": (expires_on - today).days}
    values = {"kind": document.kind_label, "title": document.title, "when": when, "day": _day(expires_on)}
    return Message(
        subject=gettext("%(kind)s expires %(when)s") % values,
        body=gettext(
            "Your %(lower_kind)s “%(title)s” expires %(when)s (%(day)s). Upload the new one so your accreditation "
            "stays current."
        )
        % {**values, "lower_kind": document.kind_label.lower()},
        url=reverse("organisations:evidence", kwargs={"slug": document.organisation.slug}),
    )


def consortium_member(consortium: Organisation, *, lead: Organisation) -> Message:
    """To the member organisations' admins when a consortium is set up with them in it."""
    values = {"name": consortium.name, "lead": lead.name}
    return Message(
        subject=gettext("Your organisation is a member of %(name)s") % values,
        body=gettext("%(lead)s has set up the consortium “%(name)s” with your organisation as a member.") % values,
        url=reverse("organisations:detail", kwargs={"slug": consortium.slug}),
    )


def partner_interest(partner_request: PartnerRequest, *, organisation: Organisation, message: str) -> Message:
    """To the requesting organisation's admins when another organisation replies, with its message."""
    return Message(
        subject=gettext("%(organisation)s is interested in “%(title)s”")
        % {"organisation": organisation.name, "title": partner_request.title},
        body=message,
        url=reverse("organisations:partner_request", kwargs={"public_id": partner_request.public_id}),
    )


def member_added(organisation: Organisation, *, added_by: Person, role: Role, is_new: bool) -> Message:
    """To a person added to an organisation; someone new is told how to sign in with a one-time code."""
    if is_new:
        how = gettext(
            "To sign in, go to %(sign_in)s and enter this e-mail address: we will send you a one-time code. "
            "You do not need a password."
        ) % {"sign_in": f"{settings.SITE_URL}{reverse('account_request_login_code')}"}
    else:
        how = gettext("Sign in as usual to see it.")
    values = {"organisation": organisation.name, "added_by": added_by.get_full_name(), "role": role.label.lower()}
    return Message(
        subject=gettext("You have been added to %(organisation)s") % values,
        body=gettext("%(added_by)s has added you to %(organisation)s on Trellis as a %(role)s.\n\n%(how)s")
        % {**values, "how": how},
        url=reverse("organisations:detail", kwargs={"slug": organisation.slug}),
    )


def import_finished(job: ImportJob, *, created: int, updated: int) -> Message:
    """To whoever started an import, when it has finished."""
    return Message(
        subject=gettext("Import finished: %(file)s") % {"file": job.file_name},
        body=gettext("%(created)s organisations were added to the directory and %(updated)s were updated.")
        % {"created": created, "updated": updated},
        url=reverse("organisations:import_job", kwargs={"public_id": job.public_id}),
    )


def import_stopped(job: ImportJob, *, reason: str) -> Message:
    """To whoever started an import that can no longer finish, saying why."""
    return Message(
        subject=gettext("Import stopped: %(file)s") % {"file": job.file_name},
        body=reason,
        url=reverse("organisations:import_job", kwargs={"public_id": job.public_id}),
    )
