"""Who gets past the door of the route advisor's pages."""

from __future__ import annotations

from functools import wraps

from trellis.core.web import require, signed_in
from trellis.routes import permissions as perms


def advisor_required(view):
    """Signed-out people are sent to sign in; signed-in people who may not use the advisor get a 403 with the reason."""

    @signed_in
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        require(perms.can_use_advisor(request.user))
        return view(request, *args, **kwargs)

    return wrapped
