"""Scoring: a panel member's conflict of interest declaration for a bid, and their marks for it.

The marking form draws, for each criterion assigned to the member, the scale's published levels with what a bid
must do to reach each (``trellis.opportunities.domain.criteria.SCALES``) and a box for the reason. It passes what
was chosen to ``services.marks_save`` unchanged: the scale and the need for a reason are the service's rules, and
its errors (``mark-<criterion id>``) are put back beside the mark or the reason they are about.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django import forms

from trellis.core.errors import TrellisError
from trellis.core.forms import Form
from trellis.evaluation.domain.workflow import MAX_TEXT
from trellis.opportunities.domain.criteria import SCALES, Level, Scale
from trellis.routes.forms import Radios

RADIOS_TEMPLATE = "opportunities/includes/radios.html"
_BAND = re.compile(r"^(\d+)\s*[–-]\s*(\d+)$")
#: On a pass or fail question a pass is marked 1 and a fail 0 (``trellis.evaluation.domain.scheme.mark_rule``).
GATE_MARKS = {"Pass": "1", "Fail": "0"}


# The declaration -----------------------------------------------------------------------------------------------


class DeclarationForm(Form):
    """“No, I have no conflict” or “Yes, I have a conflict” with what it is (needed when there is one)."""

    use_required_attribute = False

    conflict = forms.ChoiceField(
        label="Do you have a conflict of interest with this bidder?",
        choices=[("no", "No, I have no conflict"), ("yes", "Yes, I have a conflict")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say whether you have a conflict of interest with this bidder.",
            "invalid_choice": "Say whether you have a conflict of interest with this bidder.",
        },
    )
    details = forms.CharField(
        label="What is the conflict of interest?",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "true"}),
        help_text="Who or what it involves and how you are linked, for example “My sister is a trustee”.",
        error_messages={"max_length": "Keep what the conflict is to 10,000 characters or fewer."},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("conflict") == "yes" and not (cleaned.get("details") or "").strip():
            self.add_error("details", "Say what the conflict of interest is.")
        return cleaned

    def declaration(self) -> tuple[bool, str]:
        """(conflict, details) as ``services.conflict_declare`` takes them."""
        conflict = self.cleaned_data["conflict"] == "yes"
        return conflict, (self.cleaned_data.get("details") or "").strip() if conflict else ""


# Marks ---------------------------------------------------------------------------------------------------------


def is_banded(scale: Scale) -> bool:
    """A scale whose levels are bands (9–10, 70–89): marked by typing a whole number, not by choosing a level."""
    return any(_BAND.match(level.score) for level in SCALES[scale].levels)


def level_value(scale: Scale, level: Level) -> str:
    return GATE_MARKS.get(level.score, level.score) if scale == Scale.PASS_FAIL else level.score


def mark_text(criterion: Any, score: Any) -> str:
    """A mark in words: “4 (Good)”, “Pass”, or “72 (Good)” on a banded scale."""
    if score is None:
        return "Not marked"
    scale = Scale(criterion.scale)
    value = plain_score(score)
    for level in SCALES[scale].levels:
        if scale == Scale.PASS_FAIL and level_value(scale, level) == value:
            return level.label
        band = _BAND.match(level.score)
        if level.score == value or (band and int(band.group(1)) <= Decimal(value) <= int(band.group(2))):
            return f"{value} ({level.label})"
    return value


def plain_score(score: Any) -> str:
    """A stored mark as typed: Decimal("4.00") → “4”."""
    number = Decimal(str(score))
    return f"{number.normalize():f}" if number == number.to_integral_value() else f"{number:f}"


def score_name(criterion: Any) -> str:
    """The mark's field: named as the service names its errors."""
    return f"mark-{criterion.pk}"


def reason_name(criterion: Any) -> str:
    return f"justification-{criterion.pk}"


class MarkField(forms.CharField):
    """Needed before the marks are submitted, so not labelled “(optional)”; but a draft may leave it blank. The
    scale is checked by the service."""

    def __init__(self, **kwargs: Any):
        super().__init__(required=True, **kwargs)

    def validate(self, value: Any) -> None:
        return None


class MarksForm(Form):
    """A mark and a reason for each criterion assigned to this panel member (not the price: that is scored by the
    published formula)."""

    use_required_attribute = False

    def __init__(self, *args: Any, criteria: Iterable[Any], saved: Mapping[int, Any] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.criteria = [c for c in criteria if not c.is_price]
        saved = saved or {}
        for criterion in self.criteria:
            scale = Scale(criterion.scale)
            mark = saved.get(criterion.pk)
            initial_score = "" if mark is None else plain_score(mark.score)
            label = f"Your mark for “{criterion.name}”"
            if is_banded(scale):
                field = MarkField(
                    label=label,
                    max_length=10,
                    initial=initial_score,
                    help_text=f"A whole number from 0 to {SCALES[scale].max_points}. The table above says what "
                    "each band means.",
                    widget=forms.TextInput(
                        attrs={"inputmode": "numeric", "spellcheck": "false", "autocomplete": "off"}
                    ),
                )
            else:
                levels = SCALES[scale].levels
                choices = [
                    (
                        level_value(scale, level),
                        level.label if scale == Scale.PASS_FAIL else f"{level.score}: {level.label}",
                    )
                    for level in levels
                ]
                field = MarkField(
                    label=label,
                    initial=initial_score,
                    widget=Radios(choices=choices, hints={level_value(scale, lv): lv.descriptor for lv in levels}),
                )
                field.template_name = RADIOS_TEMPLATE
            self.fields[score_name(criterion)] = field
            self.fields[reason_name(criterion)] = MarkField(
                label=f"Your reason for this mark for “{criterion.name}”",
                help_text="Say what in the answer led to your mark. The panel reads it at moderation, and it may be "
                "used in the feedback to the bidder.",
                strip=True,
                max_length=MAX_TEXT,
                initial="" if mark is None else mark.justification,
                widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "true"}),
                error_messages={"max_length": "Keep the reason to 10,000 characters or fewer."},
            )
        for name in self.fields:  # the GOV.UK classes, on fields made after the mixin ran
            widget = self.fields[name].widget
            if isinstance(widget, forms.Textarea):
                widget.attrs["class"], widget.kind = "govuk-textarea", "textarea"  # type: ignore[attr-defined]
            elif isinstance(widget, forms.RadioSelect):
                widget.attrs["class"], widget.kind = "govuk-radios__input", "radios"  # type: ignore[attr-defined]
            else:
                widget.attrs["class"], widget.kind = "govuk-input govuk-input--width-3", "input"  # type: ignore[attr-defined]

    def marks(self) -> dict[int, tuple[str, str]]:
        """{criterion id: (mark, reason)} as ``services.marks_save`` takes them."""
        data = self.cleaned_data
        return {
            c.pk: ((data.get(score_name(c)) or "").strip(), (data.get(reason_name(c)) or "").strip())
            for c in self.criteria
        }

    def show_service_errors(self, exc: TrellisError) -> None:
        """The service's errors beside the mark or the reason they name (``mark-<id>``, ``justification-<id>``, as
        the fields are named); any other above the form."""
        errors = getattr(exc, "errors", None) or {"__all__": [exc.message]}
        for key, messages in errors.items():
            for message in messages:
                self.add_error(key if key in self.fields else None, message)

    def rows(self) -> list[dict[str, Any]]:
        """Each criterion with its scale's levels, its mark field and its reason field."""
        rows = []
        for criterion in self.criteria:
            scale = Scale(criterion.scale)
            rows.append(
                {
                    "criterion": criterion,
                    "scale": SCALES[scale],
                    "banded": is_banded(scale),
                    "score": self[score_name(criterion)],
                    "reason": self[reason_name(criterion)],
                }
            )
        return rows
