"""What evaluation tells people: one function per notification, returning its subject, body and link."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext

from trellis.bids.messages import bid_url
from trellis.core.messages import Message
from trellis.evaluation.models import Evaluation


def evaluation_url(evaluation: Evaluation) -> str:
    """The evaluation's own page."""
    return reverse("evaluation:evaluation", kwargs={"public_id": evaluation.public_id})


def _names(evaluation: Evaluation) -> dict[str, str]:
    return {"title": evaluation.opportunity.title, "reference": evaluation.opportunity.reference}


def scoring_started(evaluation: Evaluation) -> Message:
    """To the panel when scoring starts."""
    return Message(
        subject=gettext("Evaluation open: %(title)s") % _names(evaluation),
        body=gettext(
            "You are on the panel for %(title)s (%(reference)s). For each bid, declare any conflict of interest "
            "first; then mark your criteria, with a reason for each mark."
        )
        % _names(evaluation),
        url=evaluation_url(evaluation),
    )


def conflict_declared(evaluation: Evaluation) -> Message:
    """To the organisers when a panel member declares a conflict (never saying who, or with whom)."""
    return Message(
        subject=gettext("Conflict of interest declared: %(title)s") % _names(evaluation),
        body=gettext(
            "A member of the panel for %(reference)s declared a conflict of interest with one bidder and is "
            "recused from that bid. Check that its criteria are still marked by enough people."
        )
        % _names(evaluation),
        url=evaluation_url(evaluation),
    )


def recommendation_to_approve(evaluation: Evaluation) -> Message:
    """To the opportunity's officers when a recommendation waits for a commissioner's approval."""
    return Message(
        subject=gettext("Award recommendation to approve: %(title)s") % _names(evaluation),
        body=gettext("A recommendation for %(reference)s is waiting for a commissioner's approval.")
        % _names(evaluation),
        url=evaluation_url(evaluation),
    )


def recommendation_sent_back(evaluation: Evaluation, *, reason: str) -> Message:
    """To whoever recommended and the organisers when the approver sends the recommendation back, with why."""
    return Message(
        subject=gettext("Recommendation sent back: %(title)s") % _names(evaluation),
        body=gettext("The recommendation for %(reference)s was sent back to the panel.\n\nWhy: %(reason)s")
        % {**_names(evaluation), "reason": reason},
        url=evaluation_url(evaluation),
    )


def outcome(bid, *, successful: bool, standstill_follows: bool) -> Message:
    """To each opened bid's provider when the award is approved: whether it won, that a standstill will follow the
    award notice where one applies, and where its assessment summary is (Procurement Act 2023 s.50(2)–(3))."""
    values = {
        "organisation": bid.organisation.name,
        "title": bid.opportunity.title,
        "reference": bid.opportunity.reference,
    }
    if successful:
        body = gettext("%(organisation)s's bid for %(title)s (%(reference)s) is successful.") % values
    else:
        body = gettext("%(organisation)s's bid for %(title)s (%(reference)s) has not been successful.") % values
    if standstill_follows:
        body += gettext(
            " A standstill period will start when the award notice is published: we will tell you its dates. No "
            "contract is entered into before it ends."
        )
    body += gettext("\n\nYour assessment summary, with your scores and the reasons for them, is on your bid's page.")
    subject = gettext("Successful: %(title)s") if successful else gettext("Outcome: %(title)s")
    return Message(subject=subject % values, body=body, url=bid_url(bid))


def award_notice_published(bid, decision) -> Message:
    """To each bidder when the award notice is published: the standstill's dates, or that there is none."""
    values = {
        "title": bid.opportunity.title,
        "reference": bid.opportunity.reference,
        "published": f"{decision.award_notice_published_on:%A %-d %B %Y}",
    }
    body = gettext("The award notice for %(title)s (%(reference)s) was published on %(published)s.") % values
    if decision.standstill_last_day:
        body += " " + gettext(
            "The standstill runs until the end of %(last_day)s: no contract is entered into before then. A supplier "
            "who starts a claim and notifies us during the standstill suspends the award."
        ) % {"last_day": f"{decision.standstill_last_day:%A %-d %B %Y}"}
    else:
        body += " " + gettext("No standstill applies to this contract.")
    return Message(subject=gettext("Award notice published: %(title)s") % values, body=body, url=bid_url(bid))


def low_price_explanation_requested(bid, *, due_on) -> Message:
    """To the bidder whose price may be abnormally low: explain how you will deliver for it, by a day (s.19(5))."""
    values = {
        "organisation": bid.organisation.name,
        "title": bid.opportunity.title,
        "reference": bid.opportunity.reference,
        "due": f"{due_on:%A %-d %B %Y}",
    }
    body = (
        gettext(
            "The price in %(organisation)s's bid for %(title)s (%(reference)s) looks abnormally low compared with "
            "the other bids or with its own full cost. Before deciding anything, we ask you to explain how you will "
            "deliver the contract for that price: reply to the commissioning team by %(due)s. A tender is never "
            "rejected for its price without this chance to explain (Procurement Act 2023 s.19(5))."
        )
        % values
    )
    return Message(subject=gettext("Please explain your price: %(title)s") % values, body=body, url=bid_url(bid))
