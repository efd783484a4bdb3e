"""The forms for an abnormally low price: ask the supplier to explain, record its explanation, decide. The services
check each step again (``domain.low_price``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from trellis.core.forms import Form
from trellis.evaluation.domain.low_price import MAX_TEXT, Outcome
from trellis.organisations.forms.profile import GovukDateField


class AskForm(Form):
    due_on = GovukDateField(
        label=_("Explanation due by"),
        help_text=_("For example, 27 3 2026. Give at least 7 days: the supplier is told at once."),
        error_messages={"required": _("Enter the day the explanation is due.")},
    )


class ExplanationForm(Form):
    explanation = forms.CharField(
        label=_("What the supplier said"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Its explanation of how it will deliver for the price, or a summary with where the full reply is."),
        error_messages={
            "required": _("Record what the supplier said, or a summary of it."),
            "max_length": _("Keep this to 10,000 characters or fewer."),
        },
    )
    received_on = GovukDateField(
        label=_("Date the explanation came"),
        help_text=_("For example, 27 3 2026."),
        error_messages={"required": _("Enter the day the explanation came.")},
    )


class DecisionForm(Form):
    outcome = forms.ChoiceField(
        label=_("Your decision"),
        choices=[
            (Outcome.ACCEPTED.value, _("Accept the price: the tender stays in the evaluation")),
            (Outcome.DISREGARDED.value, _("Disregard the tender: its price is abnormally low")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whether to accept the tender or disregard it."),
            "invalid_choice": _("Choose whether to accept the tender or disregard it."),
        },
    )
    reason = forms.CharField(
        label=_("Why"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("By reference to the explanation. A disregarded tender's assessment summary gives this reason."),
        error_messages={
            "required": _("Give the reason for the decision, by reference to the explanation."),
            "max_length": _("Keep this to 10,000 characters or fewer."),
        },
    )
