"""What bids tell people: one function per notification, returning its subject, body and link."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext

from trellis.bids.domain import bidding
from trellis.bids.models import Bid, Receipt
from trellis.core.messages import Message
from trellis.opportunities.domain.kinds import Stage
from trellis.opportunities.messages import opportunity_url


def bid_url(bid: Bid) -> str:
    """The bid's own page (its workspace, receipt and outcome)."""
    return reverse("bids:bid", kwargs={"public_id": bid.public_id})


def _deadline(opportunity) -> str:
    return bidding.format_deadline(opportunity.closes_at) if opportunity.closes_at else gettext("the deadline")


def _names(bid: Bid) -> dict[str, str]:
    return {
        "organisation": bid.organisation.name,
        "title": bid.opportunity.title,
        "reference": bid.opportunity.reference,
        "deadline": _deadline(bid.opportunity),
    }


def bid_submitted(bid: Bid, receipt: Receipt) -> Message:
    """To the person who submitted, with the receipt number and the fingerprint of what they sent."""
    body = gettext(
        "%(organisation)s's bid for %(title)s (%(reference)s) was submitted at %(submitted_at)s.\n\n"
        "Receipt number: %(number)s\n"
        "Fingerprint of what you submitted (SHA-256): %(sha256)s\n\n"
        "You can withdraw it and submit again until the deadline, %(deadline)s. After that it is sealed until "
        "the council opens all the bids together."
    ) % {
        **_names(bid),
        "submitted_at": bidding.format_deadline(receipt.submitted_at),
        "number": receipt.number,
        "sha256": receipt.content_sha256,
    }
    return Message(
        subject=gettext("Bid submitted: receipt %(number)s") % {"number": receipt.number},
        body=body,
        url=bid_url(bid),
    )


def bid_withdrawn(bid: Bid) -> Message:
    """To the person who withdrew it: to be considered it must be submitted again before the deadline."""
    return Message(
        subject=gettext("Bid withdrawn: %(title)s") % _names(bid),
        body=gettext(
            "%(organisation)s's bid for %(title)s (%(reference)s) has been withdrawn. To be considered, submit it "
            "again before %(deadline)s."
        )
        % _names(bid),
        url=bid_url(bid),
    )


def _step_label(step: str | None) -> str:
    return Stage(step).label.lower() if step else gettext("next stage")


def chosen_to_go_on(opportunity, organisation, *, step: str | None) -> Message:
    """To a provider chosen for the step that follows a stage (``step``: that step's stage, such as "shortlist")."""
    values = {"organisation": organisation.name, "title": opportunity.title, "reference": opportunity.reference}
    return Message(
        subject=gettext("Chosen to go on: %(title)s") % values,
        body=gettext(
            "%(organisation)s has been chosen for the %(step)s of %(title)s (%(reference)s). You will be invited "
            "to the next stage's submissions with their deadline."
        )
        % {**values, "step": _step_label(step)},
        url=opportunity_url(opportunity),
    )


def not_going_on(opportunity, organisation, *, step: str | None, reason: str) -> Message:
    """To a provider not chosen for the step that follows a stage, with the officers' message (``reason``)."""
    values = {"organisation": organisation.name, "title": opportunity.title, "reference": opportunity.reference}
    return Message(
        subject=gettext("Not going on: %(title)s") % values,
        body=gettext("%(organisation)s will not go on to the %(step)s of %(title)s (%(reference)s).\n\n%(reason)s")
        % {**values, "step": _step_label(step), "reason": reason},
        url=opportunity_url(opportunity),
    )
