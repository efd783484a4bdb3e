"""Who may use the route advisor and its decision records. Views, the API and services all ask these.

The advisor is a tool for the authority's side: commissioners, procurement officers and platform
admins. Its general guidance is also open through the API (see docs/api.md); saving a decision and
reading saved decisions is for the authority's people only.
"""

from __future__ import annotations

from trellis.core import roles
from trellis.core.permissions import Decision, allow, deny

SIGN_IN = "Sign in to do this."
STAFF_ONLY = (
    "Only the council's commissioners, procurement officers and platform admins can use the route advisor "
    "and its decision records."
)


def _signed_in(actor) -> bool:
    return bool(actor is not None and getattr(actor, "is_authenticated", False))


def can_use_advisor(actor, obj=None) -> Decision:
    if not _signed_in(actor):
        return deny(SIGN_IN)
    if roles.is_staff_member(actor):
        return allow("Commissioners and procurement officers choose routes.")
    return deny(STAFF_ONLY)


def can_save_decision(actor, place=None) -> Decision:
    if not _signed_in(actor):
        return deny(SIGN_IN)
    if roles.is_staff_member(actor):
        return allow("Commissioners and procurement officers record route decisions.")
    return deny("Only the council's commissioners, procurement officers and platform admins can save a decision.")


def can_view_decision(actor, decision=None) -> Decision:
    if not _signed_in(actor):
        return deny(SIGN_IN)
    if roles.is_staff_member(actor):
        return allow("The authority's people can read its route decisions.")
    return deny(STAFF_ONLY)


def can_edit_cost_assumptions(actor, obj=None) -> Decision:
    if not _signed_in(actor):
        return deny(SIGN_IN)
    if roles.is_platform_admin(actor):
        return allow("Platform admins keep the cost assumptions up to date.")
    return deny("Only platform admins can change the cost assumptions.")
