"""The award decision's forms: the recommendation, sending it back to the panel, and the award steps after
approval — the award notice, a challenge and the end of its suspension, the exclusion checks and the contract.
The services check each step's guard again; these forms check the shape of what is typed."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trellis.core.forms import Form
from trellis.evaluation.domain.award import LIFTED_BY_COURT, WITHDRAWN
from trellis.evaluation.domain.summary import WITHHOLDING_GROUNDS
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

    def __init__(self, *args, criteria=(), **kwargs):
        """``criteria``: the quality criteria whose successful reasons may be withheld (s.94)."""
        super().__init__(*args, **kwargs)
        choices = [("", _("No: the other bidders see them")), *WITHHOLDING_GROUNDS.items()]
        for c in criteria:
            self.fields[f"withhold_{c.pk}"] = forms.ChoiceField(
                label=_("Withhold the successful tender's reasons for “%(name)s” from the other bidders?")
                % {"name": c.name},
                required=False,
                choices=choices,
                help_text=_(
                    "Only where the law allows (Procurement Act 2023 s.94): the other bidders' summaries say that they "
                    "are withheld and why."
                ),
                error_messages={"invalid_choice": _("Choose one of the grounds listed, or not to withhold.")},
            )

    @property
    def withheld(self) -> dict[str, str]:
        """``{criterion id: ground}`` for the reasons to withhold."""
        return {
            name.removeprefix("withhold_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("withhold_") and value
        }

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
        return _not_future(self.cleaned_data["on"], _("The date the contract was entered into"))


def _not_future(day: datetime.date, what: str) -> datetime.date:
    if day > timezone.localdate():
        raise ValidationError(_("%(what)s must be today or in the past.") % {"what": what})
    return day


class AwardNoticeForm(Form):
    published_on = GovukDateField(
        label=_("Date the notice was published"),
        help_text=_("For example, 27 3 2026. The standstill is counted from this day."),
        error_messages={"required": _("Enter the date the notice was published.")},
    )
    voluntary_days = forms.IntegerField(
        label=_("Voluntary standstill, in working days"),
        required=False,
        min_value=8,
        max_value=60,
        help_text=_(
            "Only where no standstill is required: if your notice states a voluntary standstill, enter its length "
            "(at least 8 working days, Procurement Act 2023 s.51(5)). Once stated, it binds you."
        ),
        error_messages={
            "invalid": _("Enter the voluntary standstill as a whole number of working days, like 8."),
            "min_value": _("A voluntary standstill must last at least 8 working days."),
            "max_value": _("Keep a voluntary standstill to 60 working days or fewer."),
        },
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )

    def clean_published_on(self) -> datetime.date:
        return _not_future(self.cleaned_data["published_on"], _("The date the notice was published"))


class ChallengeForm(Form):
    claimant = forms.CharField(
        label=_("Who brought the claim"),
        max_length=200,
        help_text=_("The supplier's name, as on the claim form."),
        error_messages={
            "required": _("Say who brought the claim."),
            "max_length": _("Keep the name to 200 characters."),
        },
    )
    notified_on = GovukDateField(
        label=_("Date the authority was notified of the claim"),
        help_text=_("For example, 27 3 2026. Only a claim notified during the standstill suspends the award."),
        error_messages={"required": _("Enter the date the authority was notified of the claim.")},
    )
    summary = forms.CharField(
        label=_("What the claim says"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A short summary of what the supplier says was wrong. Kept in the audit file."),
        error_messages={
            "required": _("Summarise the claim: what the supplier says was wrong."),
            "max_length": _("Keep the summary to 10,000 characters or fewer."),
        },
    )

    def clean_notified_on(self) -> datetime.date:
        return _not_future(self.cleaned_data["notified_on"], _("The date the authority was notified"))


class SuspensionEndForm(Form):
    how = forms.ChoiceField(
        label=_("How did the suspension end?"),
        choices=[
            (LIFTED_BY_COURT, _("The court lifted the suspension (Procurement Act 2023 s.102(1)(a))")),
            (WITHDRAWN, _("The claim was withdrawn or settled")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Say how the suspension ended: lifted by the court, or the claim withdrawn."),
            "invalid_choice": _("Say how the suspension ended: lifted by the court, or the claim withdrawn."),
        },
    )
    ended_on = GovukDateField(
        label=_("Date the suspension ended"),
        help_text=_("For example, 27 3 2026: the day of the court's order, or of the withdrawal."),
        error_messages={"required": _("Enter the date the suspension ended.")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example, the court's order reference."),
        error_messages={"max_length": _("Keep the note to 10,000 characters or fewer.")},
    )

    def clean_ended_on(self) -> datetime.date:
        return _not_future(self.cleaned_data["ended_on"], _("The date the suspension ended"))


class ExclusionsForm(Form):
    grounds_checked = forms.BooleanField(
        label=_(
            "The mandatory and discretionary exclusion grounds were checked for every winning supplier and the "
            "suppliers it relies on (Procurement Act 2023 ss.26–28 and 57)"
        ),
        required=False,
    )
    debarment_checked = forms.BooleanField(
        label=_("The debarment list was checked (Procurement Act 2023 s.62)"), required=False
    )
    checked_on = GovukDateField(
        label=_("Date of the checks"),
        help_text=_("For example, 27 3 2026."),
        error_messages={"required": _("Enter the date of the checks.")},
    )
    note = forms.CharField(
        label=_("What was found"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Keep the note to 10,000 characters or fewer.")},
    )

    def clean_checked_on(self) -> datetime.date:
        return _not_future(self.cleaned_data["checked_on"], _("The date of the checks"))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("grounds_checked"):
            self.add_error("grounds_checked", _("Confirm that the exclusion grounds were checked."))
        if not cleaned.get("debarment_checked"):
            self.add_error("debarment_checked", _("Confirm that the debarment list was checked."))
        return cleaned
