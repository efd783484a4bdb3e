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
    """Nothing for a bid this person may not read (the sealed rule is asked again here), or with no checklist."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if bid is None or not perms.can_view_bid_content(user, bid):
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
