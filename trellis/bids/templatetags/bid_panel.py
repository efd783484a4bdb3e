"""The bids panel on an opportunity's page: for a provider, their bids and a way to start one; for the authority's
people, the way to the opening (and, before it, at most how many bids there are, when the opportunity shows it)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from trellis.bids import permissions as perms
from trellis.bids import selectors
from trellis.bids.domain import bidding
from trellis.core import roles
from trellis.core.domain.roles import PROVIDER_ROLES
from trellis.opportunities import selectors as opportunity_selectors
from trellis.opportunities.domain.lifecycle import Status

register = template.Library()


@register.inclusion_tag("bids/includes/_bid_panel_body.html", takes_context=True)
def bid_panel(context: template.Context, opportunity: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    now = timezone.now()
    panel: dict[str, Any] = {
        "opp": opportunity,
        "request": request,
        "signed_in": signed_in,
        "is_published": opportunity.status == Status.PUBLISHED,
        "deadline_passed": bidding.deadline_passed(opportunity.closes_at, now),
        "deadline": bidding.format_deadline(opportunity.closes_at) if opportunity.closes_at else "",
    }
    if not signed_in:
        return panel
    if roles.is_staff_member(user):
        opened = perms.is_opened(opportunity)
        panel["staff"] = True
        panel["opened"] = opened
        panel["count"] = selectors.bid_count_before_opening(opportunity) if not opened else None
        panel["may_open"] = bool(perms.can_open_bids(user, opportunity, now=now))
        panel["pending"] = selectors.opening_for(opportunity) is not None and not opened
        return panel
    bids = [b for b in selectors.bids_for_person(user) if b.opportunity_id == opportunity.pk]
    panel["bids"] = bids
    panel["provider"] = bool(bids) or roles.has_role(user, PROVIDER_ROLES)
    if panel["provider"] and opportunity.kind == "call_off":
        own = opportunity_selectors.asking_organisations_for(user)
        if not any(opportunity_selectors.is_framework_member(opportunity, o) for o in own):
            panel["refusal"] = perms.NOT_ON_FRAMEWORK
    return panel
