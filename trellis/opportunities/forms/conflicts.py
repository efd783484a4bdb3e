"""The conflicts assessment form (Procurement Act 2023 s.83); the service checks it again."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from trellis.core.forms import Form
from trellis.opportunities.domain.conflicts import MAX_TEXT


class ConflictsForm(Form):
    conflicts = forms.CharField(
        label=_("Conflicts of interest identified"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Any conflict, actual or potential, of anyone acting for the authority who can influence the "
            "procurement: officers, panel members, advisers and whoever approves the award. If none were found, say so."
        ),
        error_messages={
            "required": _("Say which conflicts of interest, actual or potential, were identified, or that none were."),
            "max_length": _("Keep this to 10,000 characters or fewer."),
        },
    )
    mitigation = forms.CharField(
        label=_("Steps taken to mitigate them"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example, a panel member with a conflict does not score the bids of that lot."),
        error_messages={"max_length": _("Keep this to 10,000 characters or fewer.")},
    )
    declarations_sought = forms.BooleanField(
        label=_("Everyone who can influence the procurement was asked to declare any conflict"),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("declarations_sought"):
            self.add_error(
                "declarations_sought",
                _("Confirm that everyone who can influence the procurement was asked to declare any conflict."),
            )
        return cleaned
