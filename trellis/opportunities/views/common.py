"""What the opportunities views share beyond the web edge (``trellis.core.web``): a service's errors on row forms."""

from __future__ import annotations

from django.forms import BaseFormSet

from trellis.core.errors import TrellisError
from trellis.core.web import raise_refusal


def show_row_errors(formset: BaseFormSet, kept: list[int], exc: TrellisError) -> list[str]:
    """Put a service's errors on a list of rows. Keys look like ``<prefix>-<n>-<field>``, where n counts the rows
    that were sent (blank and removed rows are not sent; ``kept`` maps n back to the form on the page).
    Returns the messages about the list as a whole (or anything that names no row), to show above it.
    A refusal is raised again, for the 403 page."""
    raise_refusal(exc)
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
