"""Who gets past the door of the route advisor's pages."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from trellis.routes import permissions as perms


def advisor_required(view):
    """Signed-out people are sent to sign in; signed-in people who may not use the advisor get a 403 with the reason."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        decision = perms.can_use_advisor(request.user)
        if not decision:
            raise PermissionDenied(decision.reason)
        return view(request, *args, **kwargs)

    return wrapped
