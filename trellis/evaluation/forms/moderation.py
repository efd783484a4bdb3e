"""The moderator's form: the consensus mark the panel agreed for one criterion of one bid, and why.

The marks offered are the levels of the criterion's published scale (``scheme.mark_rule``); the service checks the
mark again, with who is still to submit, before anything is saved.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from trellis.core.forms import Form
from trellis.evaluation.domain.scheme import mark_rule
from trellis.evaluation.domain.workflow import MAX_TEXT
from trellis.opportunities.domain.criteria import SCALES, Scale

#: A scale with more marks than this is typed as a number rather than chosen from radios (0 to 100 has 101).
MAX_RADIOS = 11

_BAND = re.compile(r"^(\d+)\s*[–-]\s*(\d+)$")


def plain(value: Decimal | float | int | None) -> str:
    """A mark as people write it: 4, 3.5 (no trailing zeros)."""
    if value is None:
        return ""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def level_for(scale: Scale, value: int) -> str:
    """The name of the scale's level a mark falls in: Excellent, Met, Pass."""
    info = SCALES[scale]
    if info.max_points is None:
        return "Pass" if value == 1 else "Fail"
    for level in info.levels:
        band = _BAND.match(level.score)
        if band and int(band.group(1)) <= value <= int(band.group(2)):
            return level.label
        if not band and level.score == str(value):
            return level.label
    return ""


def mark_choices(scale: Scale) -> list[tuple[str, str]]:
    """Every mark the scale accepts, highest first, each with its level: ("4", "4 – Good")."""
    values = sorted((int(v) for v in mark_rule(scale).allowed), reverse=True)
    return [(str(v), f"{v} – {level_for(scale, v)}".rstrip(" –")) for v in values]


class ConsensusForm(Form):
    """One criterion's consensus mark and rationale; give each criterion's form its own ``prefix``."""

    score = forms.CharField(label="Consensus mark")
    rationale = forms.CharField(
        label="Why the panel agreed this mark",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="By reference to the bid and the scale's descriptors. It is quoted in the assessment summaries "
        "sent to the bidders.",
        error_messages={"max_length": "Keep the reason to 10,000 characters or fewer."},
    )

    def __init__(self, *args, criterion, **kwargs):
        super().__init__(*args, **kwargs)
        self.criterion = criterion
        scale = Scale(criterion.scale)
        self.rule = mark_rule(scale)
        name = criterion.name
        must_be = f"The consensus mark for “{name}” must be {self.rule.text}."
        messages = {"required": f"Choose the consensus mark for “{name}”.", "invalid": must_be}
        label = f"Consensus mark for “{name}”"
        if len(self.rule.allowed) <= MAX_RADIOS:
            field: forms.Field = forms.ChoiceField(
                label=label,
                choices=mark_choices(scale),
                widget=forms.RadioSelect(attrs={"class": "govuk-radios__input"}),
                error_messages={**messages, "invalid_choice": must_be},
            )
            field.widget.kind = "radios"  # read by core/forms/field.html, as GovukFormMixin sets it
        else:
            field = forms.CharField(
                label=label,
                max_length=3,
                help_text=f"{self.rule.text[0].upper()}{self.rule.text[1:]}.",
                widget=forms.TextInput(
                    attrs={"class": "govuk-input govuk-input--width-3", "inputmode": "numeric", "spellcheck": "false"}
                ),
                error_messages={**messages, "max_length": must_be},
            )
            field.widget.kind = "input"
        self.fields["score"] = field
        self.fields["rationale"].error_messages["required"] = (
            f"Give the reason for the consensus mark for “{name}”, by reference to the bid."
        )

    def clean_score(self) -> Decimal:
        raw = str(self.cleaned_data["score"]).strip()
        try:
            value = Decimal(raw)
        except ArithmeticError:
            raise ValidationError(self.fields["score"].error_messages["invalid"], code="invalid") from None
        if not value.is_finite() or value not in self.rule.allowed:
            raise ValidationError(self.fields["score"].error_messages["invalid"], code="invalid")
        return value
