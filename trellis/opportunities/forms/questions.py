"""Clarification questions: a provider asks privately; the authority answers and publishes the answer to all."""

from __future__ import annotations

from django import forms

from trellis.core.forms import Form
from trellis.organisations.forms.partners import ActingOrganisationField

PUBLISH_CHOICES = [
    ("publish", "Publish the question and answer now"),
    ("save", "Save the answer without publishing it yet"),
]


class AskForm(Form):
    organisation = ActingOrganisationField(
        label="Asking for",
        error_messages={
            "required": "Choose the organisation you are asking for.",
            "invalid_choice": "Choose the organisation you are asking for.",
        },
    )
    question = forms.CharField(
        label="Your question",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Only the council sees who asked. If the answer helps everyone, it is published with the question, "
        "without your name or your organisation's.",
        error_messages={
            "required": "Enter your question.",
            "max_length": "Your question must be 3,000 characters or fewer.",
        },
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        organisations = list(organisations)
        self.fields["organisation"].offer(organisations)
        if len(organisations) == 1:
            self.fields["organisation"].widget = forms.HiddenInput()
            self.fields["organisation"].initial = organisations[0].pk
            self.organisation_name = organisations[0].name
        else:
            self.organisation_name = ""


class AnswerForm(Form):
    answer = forms.CharField(
        label="Answer",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Write it for every provider: the question is published with it, without saying who asked.",
        error_messages={"required": "Enter the answer."},
    )
    publish = forms.ChoiceField(
        label="Publish it now?",
        choices=PUBLISH_CHOICES,
        initial="publish",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to publish the answer now."},
    )

    @property
    def publishing(self) -> bool:
        return self.cleaned_data.get("publish") == "publish"
