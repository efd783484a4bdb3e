"""The eligibility checklist of a bid: a yes or no for each item of the opportunity's checklist.

An essential item must be answered, unless the organisation's verified evidence already meets it; a desirable item
may be left unanswered. Whether the answers let the bid be submitted is the rule's (``domain.eligibility``), checked
again by the service when the bid is submitted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext, gettext_lazy

from trellis.bids import eligibility_text
from trellis.bids.domain.eligibility import Answer, ItemResult, field_name
from trellis.core.forms import Form

CHOICES = [(Answer.YES.value, gettext_lazy("Yes")), (Answer.NO.value, gettext_lazy("No"))]


def item_field_name(item_id: int) -> str:
    return f"item_{item_id}"


def item_hint(result: ItemResult) -> str:
    parts = [
        gettext("Essential: a bid that answers no cannot be submitted.")
        if result.item.must_have
        else gettext("Desirable: you may leave it unanswered, and a no does not stop your bid.")
    ]
    evidence = eligibility_text.evidence_text(result.evidence)
    if evidence:
        parts.append(evidence)
    if result.evidence is not None and result.evidence.counts and result.item.must_have:
        parts.append(gettext("You do not need to answer: the evidence meets it."))
    return " ".join(parts)


class EligibilityForm(Form):
    """One pair of yes/no radios per checklist item, showing the evidence found for it."""

    use_required_attribute = False

    def __init__(self, *args: Any, results: Sequence[ItemResult], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.results = list(results)
        for result in self.results:
            needed = result.item.must_have and not (result.evidence is not None and result.evidence.counts)
            field = forms.ChoiceField(
                label=result.item.text,
                help_text=item_hint(result),
                choices=CHOICES,
                required=needed,
                initial=result.answer.value if result.answer is not None else None,
                widget=forms.RadioSelect(attrs={"class": "govuk-radios__input"}),
                error_messages={
                    "required": eligibility_text.required_message(result),
                    "invalid_choice": gettext("Select yes or no."),
                },
            )
            field.widget.kind = "radios"  # type: ignore[attr-defined]
            self.fields[item_field_name(result.item.id)] = field

    def answers(self) -> dict[int, str]:
        """{item id: "yes" | "no" | ""} as the service takes them."""
        return {r.item.id: self.cleaned_data.get(item_field_name(r.item.id)) or "" for r in self.results}

    def field_map(self) -> dict[str, str]:
        """A service error's key (``eligibility-<item id>``) → the field it belongs to."""
        return {field_name(r.item.id): item_field_name(r.item.id) for r in self.results}

    def rows(self) -> list[dict[str, Any]]:
        return [{"result": r, "field": self[item_field_name(r.item.id)]} for r in self.results]
