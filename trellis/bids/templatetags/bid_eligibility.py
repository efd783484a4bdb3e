"""A bid's answers to the eligibility checklist, for the pages that show a bid: the bidder's check page and
read-only bid, the authority's read-only bid after the opening, and the evaluators' bid page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import date_format
from django.utils.timezone import localtime

from trellis.bids import eligibility_text, selectors
from trellis.bids import permissions as perms
from trellis.bids.domain.bidding import BidStatus

register = template.Library()


@register.inclusion_tag("bids/includes/_eligibility_section.html", takes_context=True)
def bid_eligibility(context: template.Context, bid: Any, change_links: bool = False) -> dict[str, Any]:
    """The page has already let this person read the bid (the evaluation app decides which panel members may);
    the seal is asked again here all the same: nothing before the opening except to the bidder, nothing to anyone
    who declared a conflict, and nothing when there is no checklist."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if bid is None or not _may_read(user, bid):
        return {"rows": []}
    rows = eligibility_text.summary_rows(selectors.eligibility_for(bid))
    submitted = bid.status == BidStatus.SUBMITTED and bid.submitted_at is not None
    return {
        "bid": bid,
        "rows": rows,
        "change_links": change_links,
        "submitted": submitted,
        "submitted_on": date_format(localtime(bid.submitted_at), "j F Y") if submitted else "",
    }


def _may_read(user: Any, bid: Any) -> bool:
    if user is None or not user.is_authenticated or perms.has_declared_conflict(user, bid):
        return False
    if perms.is_bidder_for(user, bid.organisation):
        return True
    return bid.status == BidStatus.SUBMITTED and perms.is_opened(bid.opportunity, bid.stage)
