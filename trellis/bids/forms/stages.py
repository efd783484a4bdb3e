"""Choosing who goes on from an opened submission stage to the shortlist, dialogue or negotiation that follows."""

from __future__ import annotations

from django import forms

from trellis.core.forms import Form

#: A service error is shown on the field it names.
CHOICE_FIELD_MAP = {"participants": "participants", "message": "message", "__all__": "__all__"}


class StageChoiceForm(Form):
    participants = forms.MultipleChoiceField(
        label="Providers going on",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one provider to go on to the next stage."},
    )
    message = forms.CharField(
        label="Message to the providers not going on",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Why they have not been chosen, with reference to the published criteria. It is sent to them, "
        "and kept in the audit log.",
        error_messages={"max_length": "Keep the message to 5,000 characters or fewer."},
    )

    def __init__(self, *args, bidders=(), next_label: str = "next stage", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].choices = [(str(org.pk), f"{org.name} ({org.org_id})") for org in bidders]
        self.fields["participants"].label = f"Providers going on to the {next_label}"
