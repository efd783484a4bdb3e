"""The web edge's shared pieces: who must be signed in, and which service errors belong on the page.

A refusal (``trellis.core.errors.PermissionDenied``) or a missing object (``NotFound``) raised anywhere in a view
is turned into its page by ``trellis.core.middleware.TrellisErrorMiddleware``: views do not catch them. Errors a
person can put right (a field, a state, a deadline) are shown on the page they came from.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from trellis.core.errors import PermissionDenied, TrellisError
from trellis.core.forms import error_links, show_service_errors
from trellis.core.permissions import require

__all__ = ["error_links", "page_message", "raise_refusal", "require", "show_service_errors", "signed_in"]


def signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-out people are sent to sign in and brought back to the page they asked for."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def raise_refusal(exc: TrellisError) -> None:
    """A refusal is not shown on the page it came from: raise it again, for the 403 page with its reason."""
    if isinstance(exc, PermissionDenied):
        raise exc


def page_message(exc: TrellisError) -> str:
    """The message to show on the page for a service's error; a refusal is raised again, for the 403 page."""
    raise_refusal(exc)
    return exc.message
