"""The award decision's forms: the recommendation, sending it back to the panel, and recording the contract."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from trellis.core.forms import Form
from trellis.evaluation.domain.workflow import MAX_TEXT
from trellis.organisations.forms.profile import GovukDateField

AWARD = "award"
NO_AWARD = "no_award"


class RecommendForm(Form):
    award = forms.ChoiceField(
        label="What do you recommend?",
        choices=[(AWARD, "Recommend the top-ranked bid(s)"), (NO_AWARD, "Recommend that no award is made")],
        widget=forms.RadioSelect,
        help_text="With lots, the top-ranked bid of each lot is recommended.",
        error_messages={
            "required": "Choose whether to recommend the top-ranked bid(s) or that no award is made.",
            "invalid_choice": "Choose whether to recommend the top-ranked bid(s) or that no award is made.",
        },
    )
    rationale = forms.CharField(
        label="Why",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The reasons for the recommendation, by reference to the published criteria and the results. "
        "The person approving the decision reads them, and they are kept in the audit file.",
        error_messages={
            "required": "Explain the recommendation: why this bid, or why no award.",
            "max_length": "Keep the explanation to 10,000 characters or fewer.",
        },
    )

    reason_for_bidders = forms.CharField(
        label="If you recommend no award: what every bidder will be told",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="This goes into every bidder's letter, so write it for them. The reasons above stay internal.",
        error_messages={"max_length": "Keep what bidders are told to 10,000 characters or fewer."},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("award") == NO_AWARD and not (cleaned.get("reason_for_bidders") or "").strip():
            self.add_error(
                "reason_for_bidders",
                "Say what every bidder will be told about why no award is made: the reasons above are internal.",
            )
        return cleaned

    @property
    def recommends_award(self) -> bool:
        return self.cleaned_data["award"] == AWARD


class SendBackForm(Form):
    reason = forms.CharField(
        label="Why are you sending it back?",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The recommendation is withdrawn; your reason is sent to whoever made it and to the panel's "
        "moderator, and kept in the audit log. The panel can then moderate again and make a new recommendation.",
        error_messages={
            "required": "Say why the recommendation is sent back.",
            "max_length": "Keep the reason to 10,000 characters or fewer.",
        },
    )


class ContractForm(Form):
    on = GovukDateField(
        label="Date the contract was entered into",
        help_text="For example, 27 3 2026.",
        error_messages={"required": "Enter the date the contract was entered into."},
    )

    def clean_on(self) -> datetime.date:
        day = self.cleaned_data["on"]
        if day > timezone.localdate():
            raise ValidationError("The date the contract was entered into must be today or in the past.")
        return day
