"""What the opportunities views share: refusing with a reason, and showing a service's errors on row forms."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm, BaseFormSet

from trellis.core.errors import PermissionDenied as ServiceDenied
from trellis.core.errors import TrellisError
from trellis.core.forms import show_service_errors
from trellis.core.permissions import Decision


def require(decision: Decision) -> None:
    """Refuse with the decision's reason on the 403 page."""
    if not decision:
        raise PermissionDenied(decision.reason)


def signed_in(view):
    """Signed-out people are sent to sign in and brought back."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def show_row_errors(formset: BaseFormSet, kept: list[int], exc: TrellisError) -> list[str]:
    """Put a service's errors on a list of rows. Keys look like ``<prefix>-<n>-<field>``, where n counts the rows
    that were sent (blank and removed rows are not sent; ``kept`` maps n back to the form on the page).
    Returns the messages about the list as a whole (or anything that names no row), to show above it."""
    if isinstance(exc, ServiceDenied):
        raise PermissionDenied(exc.message)
    errors = getattr(exc, "errors", None) or {"__all__": [exc.message]}
    general: list[str] = []
    prefix = f"{formset.prefix}-"
    for key, messages in errors.items():
        placed = False
        if key.startswith(prefix):
            index, _, name = key[len(prefix) :].partition("-")
            if index.isdigit() and int(index) < len(kept):
                form = formset.forms[kept[int(index)]]
                for message in messages:
                    form.add_error(name if name in form.fields else None, message)
                placed = True
        if not placed:
            general += [str(m) for m in messages]
    return general


def show_errors(form: BaseForm, exc: TrellisError, field_map: dict[str, str] | None = None) -> None:
    show_service_errors(form, exc, field_map)
