"""The forms of a bid: starting one, answering the questions, documents, the price, consortium members,
declarations. They only draw fields and turn what was typed into the values the services take; the rules
(word limits, shares adding up to 100, what is missing) are the domain's, checked again by the services.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from trellis.bids.domain.bidding import DECLARATIONS, CriterionRule, answer_errors, answer_field, count_words
from trellis.core.domain.numbers import parse_number
from trellis.core.forms import Form

MONEY_ATTRS = {"inputmode": "decimal", "spellcheck": "false", "autocomplete": "off"}
words_in = count_words


def money_field(label: str, *, hint: str = "", required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label, help_text=hint, required=required, max_length=40, widget=forms.TextInput(attrs=MONEY_ATTRS)
    )


def clean_money(value: str, label: str) -> Decimal | None:
    """“£12,500.50” as Decimal("12500.50"); a clear error naming the field when it is not an amount of money."""
    text = (value or "").strip()
    if not text:
        return None
    amount = parse_number(text)
    if amount is None:
        raise ValidationError(f"{label} must be an amount of money, like £12,500.", code="invalid")
    if amount < 0:
        raise ValidationError(f"{label} must be £0 or more.", code="negative")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(f"{label} can have no more than 2 decimal places (pence).", code="pence")
    return amount


# Starting a bid ----------------------------------------------------------------------------------------------


class StartBidForm(Form):
    """Which organisation is bidding (when the person belongs to more than one) and for which lot."""

    organisation = forms.ChoiceField(
        label="Which organisation is bidding?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the organisation that is bidding."},
    )
    lot = forms.ChoiceField(
        label="Which lot are you bidding for?",
        widget=forms.RadioSelect,
        help_text="Start a separate bid for each lot you want to bid for.",
        error_messages={"required": "Select the lot you are bidding for."},
    )

    def __init__(self, *args: Any, organisations: Sequence[Any], lots: Sequence[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.organisations = {str(o.pk): o for o in organisations}
        self.lots = {str(lot.pk): lot for lot in lots}
        self.fields["organisation"].choices = [(str(o.pk), o.name) for o in organisations]
        if len(organisations) == 1:
            hidden = forms.HiddenInput(attrs={"class": ""})
            hidden.kind = "hidden"  # type: ignore[attr-defined]
            self.fields["organisation"].widget = hidden
            self.fields["organisation"].initial = str(organisations[0].pk)
        if lots:
            self.fields["lot"].choices = [(str(lot.pk), f"Lot {lot.number}: {lot.title}") for lot in lots]
        else:
            del self.fields["lot"]

    def full_clean(self) -> None:
        super().full_clean()
        # With one organisation the choice is hidden: an error about it belongs above the form.
        if self.only_organisation is not None and "organisation" in self._errors:
            self._errors.setdefault("__all__", self.error_class(error_class="nonfield")).extend(
                self._errors.pop("organisation")
            )

    @property
    def only_organisation(self) -> Any | None:
        return next(iter(self.organisations.values())) if len(self.organisations) == 1 else None

    def chosen(self) -> tuple[Any, Any | None]:
        organisation = self.organisations[self.cleaned_data["organisation"]]
        lot = self.lots.get(self.cleaned_data.get("lot") or "")
        return organisation, lot


# Answers -----------------------------------------------------------------------------------------------------


def answer_field_name(criterion: Any) -> str:
    return f"answer_{criterion.pk}"


def criterion_hint(criterion: Any) -> str:
    parts = []
    if criterion.description:
        parts.append(criterion.description.strip())
    weight = f"{criterion.weight.normalize():f}" if isinstance(criterion.weight, Decimal) else str(criterion.weight)
    parts.append(f"Weight: {weight}%. Scored on the {criterion.scale_label.lower()} scale.")
    if criterion.word_limit:
        parts.append(f"Up to {criterion.word_limit} words.")
    return " ".join(parts)


class AnswerField(forms.CharField):
    """Needed before the bid is submitted, so not labelled "(optional)"; but a draft may be saved without it."""

    def __init__(self, **kwargs: Any):
        super().__init__(required=True, **kwargs)

    def validate(self, value: Any) -> None:
        return None


class AnswersForm(Form):
    """One box per question (every criterion that is not the price). Blank answers may be saved: the bid is a
    draft until it is submitted. An answer over its word limit is refused, naming the question."""

    use_required_attribute = False

    def __init__(self, *args: Any, criteria: Iterable[Any], answers: Mapping[int, str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.criteria = [c for c in criteria if not c.is_price]
        answers = answers or {}
        for criterion in self.criteria:
            name = answer_field_name(criterion)
            self.fields[name] = AnswerField(
                label=criterion.name,
                help_text=criterion_hint(criterion),
                strip=True,
                max_length=100_000,
                initial=answers.get(criterion.pk, ""),
                widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "true"}),
            )
            self.fields[name].widget.attrs["class"] = "govuk-textarea"
            self.fields[name].widget.kind = "textarea"

    def clean(self) -> dict[str, Any]:
        """The word limits, with the same messages the service gives."""
        cleaned = super().clean() or {}
        rules = [CriterionRule(c.pk, c.name, c.word_limit, c.is_price) for c in self.criteria]
        texts = {c.pk: cleaned.get(answer_field_name(c)) or "" for c in self.criteria}
        mapping = self.field_map()
        for key, messages in answer_errors(texts, rules).items():
            for message in messages:
                self.add_error(mapping.get(key), message)
        return cleaned

    def answers(self) -> dict[int, str]:
        """{criterion id: text} as the service takes them."""
        return {c.pk: self.cleaned_data.get(answer_field_name(c)) or "" for c in self.criteria}

    def field_map(self) -> dict[str, str]:
        """A service error's key (``answers-<criterion id>``) → the field it belongs to."""
        mapping: dict[str, str] = {}
        for c in self.criteria:
            name = answer_field_name(c)
            mapping[answer_field(c.pk)] = name
        return mapping

    def rows(self) -> list[dict[str, Any]]:
        """Each question with its field and, for the saved text, how many words it has."""
        rows = []
        for criterion in self.criteria:
            bound = self[answer_field_name(criterion)]
            text = bound.value() or ""
            rows.append(
                {
                    "criterion": criterion,
                    "field": bound,
                    "words": words_in(str(text)),
                    "over": bool(criterion.word_limit and words_in(str(text)) > criterion.word_limit),
                }
            )
        return rows


# Documents ---------------------------------------------------------------------------------------------------


class DocumentForm(Form):
    title = forms.CharField(
        label="What is this document?",
        help_text="For example: our safeguarding policy, a letter of support.",
        max_length=200,
        error_messages={"required": "Enter what the document is."},
    )
    file = forms.FileField(
        label="Choose a file",
        help_text="PDF, Word, Excel, OpenDocument, CSV, PNG or JPEG.",
        error_messages={"required": "Choose a file to upload.", "empty": "The file you chose is empty."},
    )

    width_classes = {"title": "govuk-!-width-two-thirds"}


# Budget and price --------------------------------------------------------------------------------------------


class PriceForm(Form):
    price = money_field(
        "Your bid price (£)",
        hint="The total you are asking for over the whole contract or grant, in pounds. It should cover the full "
        "cost worked out below, including your fair share of overheads.",
        required=False,
    )

    width_classes = {"price": "govuk-input--width-10"}

    def clean_price(self) -> Decimal | None:
        return clean_money(self.cleaned_data.get("price", ""), "Your bid price")


def budget_initial(budget: Mapping[str, Any] | None) -> dict[str, str]:
    """A saved budget (the ``trellis fcr`` input format) as the values the full cost forms show, by field name."""
    values: dict[str, str] = {}
    if not budget:
        return values
    for i, centre in enumerate(budget.get("cost_centres") or []):
        prefix = f"centre-{i}-"
        values[prefix + "name"] = str(centre.get("name", ""))
        values[prefix + "direct_costs"] = _text(centre.get("direct_costs"))
        for key, value in (centre.get("drivers") or {}).items():
            values[prefix + key] = _text(value)
        for key in ("units", "price"):
            if centre.get(key) is not None:
                values[prefix + key] = _text(centre[key])
    for i, overhead in enumerate(budget.get("overheads") or []):
        prefix = f"overhead-{i}-"
        values[prefix + "name"] = str(overhead.get("name", ""))
        values[prefix + "amount"] = _text(overhead.get("amount"))
        values[prefix + "driver"] = str(overhead.get("driver", "headcount"))
    for key, value in (budget.get("driver_totals") or {}).items():
        values[f"totals-{key}"] = _text(value)
    return values


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# Consortium --------------------------------------------------------------------------------------------------


class ConsortiumForm(Form):
    """Each member's role and share of the work, one pair of fields per member organisation."""

    def __init__(self, *args: Any, members: Sequence[Any], roles: Mapping[int, Mapping[str, Any]], **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        for org in self.members:
            saved = roles.get(org.pk, {})
            self.fields[f"role_{org.pk}"] = forms.CharField(
                label=f"What will {org.name} do?",
                max_length=300,
                initial=saved.get("role", ""),
                error_messages={"required": f"Enter what {org.name} will do."},
            )
            share = saved.get("share_percent")
            self.fields[f"share_{org.pk}"] = forms.CharField(
                label=f"{org.name}’s share of the work (%)",
                max_length=10,
                initial="" if share is None else f"{Decimal(str(share)).normalize():f}",
                widget=forms.TextInput(attrs=MONEY_ATTRS),
                error_messages={"required": f"Enter {org.name}’s share of the work."},
            )
            self.fields[f"role_{org.pk}"].widget.attrs["class"] = "govuk-input govuk-!-width-two-thirds"
            self.fields[f"share_{org.pk}"].widget.attrs["class"] = "govuk-input govuk-input--width-5"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for org in self.members:
            name = f"share_{org.pk}"
            raw = cleaned.get(name)
            if raw is None:
                continue
            value = parse_number(str(raw).rstrip("%"))
            if value is None or value < 0 or value > 100:
                self.add_error(name, f"{org.name}’s share must be a number from 0 to 100.")
            else:
                cleaned[name] = value
        return cleaned

    def rows(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        return [(org, self[f"role_{org.pk}"], self[f"share_{org.pk}"]) for org in self.members]

    def roles(self) -> list[dict[str, Any]]:
        return [
            {
                "organisation": org,
                "role": self.cleaned_data[f"role_{org.pk}"],
                "share_percent": self.cleaned_data[f"share_{org.pk}"],
            }
            for org in self.members
        ]

    def field_map(self) -> dict[str, str]:
        """The service names rows by their place in ``roles()`` (``roles-<n>-<field>``)."""
        mapping = {"roles": "__all__"}
        for i, org in enumerate(self.members):
            mapping[f"roles-{i}-role"] = f"role_{org.pk}"
            mapping[f"roles-{i}-share_percent"] = f"share_{org.pk}"
            mapping[f"roles-{i}-organisation"] = "__all__"
        return mapping


# Declarations ------------------------------------------------------------------------------------------------


class DeclarationsForm(Form):
    """Every declaration must be agreed before a bid can be submitted; the ones not ticked are named."""

    declarations = forms.MultipleChoiceField(
        label="Tick each statement to confirm it is true",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        choices=list(DECLARATIONS.items()),
    )

    def clean_declarations(self) -> list[str]:
        chosen = list(self.cleaned_data.get("declarations") or [])
        missing = [text for key, text in DECLARATIONS.items() if key not in chosen]
        if len(missing) == len(DECLARATIONS):
            raise ValidationError("Tick every statement to confirm it is true.")
        if missing:
            raise ValidationError([f"Tick to confirm: “{text}”" for text in missing])
        return chosen
