"""The full cost calculator's forms: a fixed number of rows for cost centres and overheads, and optional
whole-organisation totals. No JavaScript: more rows come from a button that redraws the page with what was typed.

The fields take text as typed ("£1,520.50", "0.35"); the engine (``trellis.bids.domain.fcr``) checks the numbers,
so the page, the command line and any other caller refuse bad input with the same messages. Its errors come back
here by their path (``cost_centres[1].direct_costs``) and are shown beside the field they name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django import forms
from django.forms.utils import ErrorDict

from trellis.bids.domain.fcr import CostInput
from trellis.core.errors import ValidationFailed
from trellis.core.forms import Form

MAX_CENTRES = 5
MAX_OVERHEADS = 8
DEFAULT_CENTRES = 2
DEFAULT_OVERHEADS = 4

DRIVER_CHOICES = [
    ("headcount", "Headcount"),
    ("staff_time", "Staff time (FTE)"),
    ("floor_area", "Floor area (m²)"),
    ("direct_expenditure", "Direct costs"),
]
NUMBER_ATTRS = {"inputmode": "decimal", "spellcheck": "false", "autocomplete": "off"}
#: Which form field an engine error about a cost centre's driver belongs to.
CENTRE_DRIVER_FIELDS = ("headcount", "staff_time", "floor_area")
TOTAL_FIELDS = ("headcount", "staff_time", "floor_area", "direct_expenditure")

_CENTRE_PATH = re.compile(r"^cost_centres\[(\d+)\](?:\.(?:drivers\.)?(\w+))?$")
_OVERHEAD_PATH = re.compile(r"^overheads\[(\d+)\](?:\.(\w+))?$")
_TOTAL_PATH = re.compile(r"^driver_totals\.(\w+)$")


def _text(label: str, *, hint: str = "", required: bool = False) -> forms.CharField:
    return forms.CharField(label=label, required=required, help_text=hint, widget=forms.TextInput(attrs=NUMBER_ATTRS))


class RowForm(Form):
    """A form whose values are checked by the engine, not by Django: it only draws the fields and their errors.

    ``required`` on a field only drops "(optional)" from its label (a row left empty is ignored, so the browser
    must not insist either). ``cleaned_data`` holds the values as typed, trimmed.
    """

    use_required_attribute = False

    def full_clean(self):
        self._errors = ErrorDict()
        self.cleaned_data = {}
        if self.is_bound:
            for name in self.fields:
                value = self.data.get(self.add_prefix(name), "")
                self.cleaned_data[name] = value.strip() if isinstance(value, str) else ""

    def is_blank(self, ignore: tuple[str, ...] = ()) -> bool:
        """Nothing typed in the row (fields in ``ignore``, such as a select with a default, do not count)."""
        return not any(self.cleaned_data.get(name) for name in self.fields if name not in ignore)

    def mark_errors(self) -> None:
        """Draw the fields that have errors in the GOV.UK error style (done by the mixin for Django's own checks)."""
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                kind = getattr(widget, "kind", "input")
                css = f" govuk-{'input' if kind == 'input' else kind}--error"
                if css not in widget.attrs["class"]:
                    widget.attrs["class"] += css
                widget.attrs["aria-invalid"] = "true"


class CostCentreForm(RowForm):
    name = forms.CharField(label="Name of the project or service")
    direct_costs = _text(
        "Direct costs (£)", hint="What this project alone costs in the year, such as its staff.", required=True
    )
    headcount = _text("Headcount")
    staff_time = _text("Staff time (FTE)")
    floor_area = _text("Floor area (m²)")
    units = _text("Units delivered", hint="Sessions, places or people, for a cost per unit.")
    price = _text("Price (£)", hint="What you are bidding or asking a funder for.")

    width_classes = {
        "name": "govuk-!-width-two-thirds",
        **dict.fromkeys(("direct_costs", "units", "price"), "govuk-input--width-10"),
        **dict.fromkeys(CENTRE_DRIVER_FIELDS, "govuk-input--width-5"),
    }


class OverheadForm(RowForm):
    name = forms.CharField(label="Name of the overhead", help_text="For example rent, finance or governance.")
    amount = _text("Amount for the year (£)", required=True)
    driver = forms.ChoiceField(label="Share it out by", choices=DRIVER_CHOICES, initial="headcount")

    width_classes = {"name": "govuk-!-width-two-thirds", "amount": "govuk-input--width-10"}


class TotalsForm(RowForm):
    headcount = _text("Headcount of the whole organisation")
    staff_time = _text("Staff time of the whole organisation (FTE)")
    floor_area = _text("Floor area of the whole organisation (m²)")
    direct_expenditure = _text("Direct costs of all the organisation's activities (£)")

    width_classes = dict.fromkeys(TOTAL_FIELDS, "govuk-input--width-10")


def row_count(raw: Any, *, default: int, maximum: int) -> int:
    """A number of rows from a query string or hidden field, kept between 1 and ``maximum``."""
    try:
        count = int(str(raw).strip())
    except (TypeError, ValueError):
        return default
    return min(max(count, 1), maximum)


class FullCostForms:
    """Every row of the calculator as one form: rows left empty are ignored; the rest go to the engine."""

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        centres: int = DEFAULT_CENTRES,
        overheads: int = DEFAULT_OVERHEADS,
        initial: Mapping[str, Any] | None = None,
    ):
        """Bound to ``data``; or unbound, showing ``initial`` (raw values by field name, as posted)."""
        self.data = data
        self.centre_count = min(max(centres, 1), MAX_CENTRES)
        self.overhead_count = min(max(overheads, 1), MAX_OVERHEADS)
        self.centres = [self._form(CostCentreForm, f"centre-{i}", initial) for i in range(self.centre_count)]
        self.overheads = [self._form(OverheadForm, f"overhead-{i}", initial) for i in range(self.overhead_count)]
        self.totals = self._form(TotalsForm, "totals", initial)
        self.non_field_errors: list[str] = []
        self.costs: CostInput | None = None
        self._checked = False

    def _form(self, cls: type[RowForm], prefix: str, initial: Mapping[str, Any] | None) -> RowForm:
        if self.data is not None:
            return cls(self.data, prefix=prefix)
        values = {}
        for name in cls.base_fields:
            key = f"{prefix}-{name}"
            if initial is not None and key in initial:
                values[name] = str(initial.get(key, ""))[:200]
        return cls(initial=values, prefix=prefix)

    @classmethod
    def from_post(cls, data: Mapping[str, Any]) -> FullCostForms:
        return cls(
            data,
            centres=row_count(data.get("centres"), default=DEFAULT_CENTRES, maximum=MAX_CENTRES),
            overheads=row_count(data.get("overheads"), default=DEFAULT_OVERHEADS, maximum=MAX_OVERHEADS),
        )

    def with_more_rows(self, *, centres: int = 0, overheads: int = 0) -> FullCostForms:
        """The same values, unbound (so no errors show), with more empty rows."""
        return FullCostForms(
            centres=self.centre_count + centres, overheads=self.overhead_count + overheads, initial=self.data
        )

    @property
    def show_totals(self) -> bool:
        """Open the whole-organisation totals when something is typed there or they have an error."""
        form = self.totals
        if form.is_bound:
            return bool(form.errors) or not form.is_blank()
        return any(str(value).strip() for value in form.initial.values())

    @property
    def can_add_centre(self) -> bool:
        return self.centre_count < MAX_CENTRES

    @property
    def can_add_overhead(self) -> bool:
        return self.overhead_count < MAX_OVERHEADS

    # checking ---------------------------------------------------------------------------------------------------
    def is_valid(self) -> bool:
        """Send the rows that have something in them to the engine; show its errors beside their fields."""
        if self.data is None:
            return False
        if self._checked:
            return self.costs is not None
        self._checked = True
        for form in self.all_forms():
            form.full_clean()
        centre_rows = [f for f in self.centres if not f.is_blank()]
        overhead_rows = [f for f in self.overheads if not f.is_blank(ignore=("driver",))]
        if not centre_rows:
            self.non_field_errors.append("Enter at least one project or service, with its name and direct costs.")
            return False
        try:
            self.costs = CostInput.from_dict(self._input(centre_rows, overhead_rows))
        except ValidationFailed as exc:
            self._show(exc, centre_rows, overhead_rows)
            for form in self.all_forms():
                form.mark_errors()
            return False
        return True

    def _input(self, centre_rows: list[RowForm], overhead_rows: list[RowForm]) -> dict[str, Any]:
        centres = []
        for form in centre_rows:
            data = form.cleaned_data
            item: dict[str, Any] = {
                "name": data["name"],
                "direct_costs": data["direct_costs"],
                "drivers": {n: data[n] for n in CENTRE_DRIVER_FIELDS if data[n]},
            }
            for optional in ("units", "price"):
                if data[optional]:
                    item[optional] = data[optional]
            centres.append(item)
        overheads = [
            {"name": f.cleaned_data["name"], "amount": f.cleaned_data["amount"], "driver": f.cleaned_data["driver"]}
            for f in overhead_rows
        ]
        totals = {n: v for n, v in self.totals.cleaned_data.items() if v}
        return {"cost_centres": centres, "overheads": overheads, "driver_totals": totals}

    def _show(self, exc: ValidationFailed, centre_rows: list[RowForm], overhead_rows: list[RowForm]) -> None:
        """Put each of the engine's errors beside the field it names."""
        for path, messages in exc.errors.items():
            form, field = self._field_for(path, centre_rows, overhead_rows)
            for message in messages:
                if form is None:
                    self.non_field_errors.append(message)
                else:
                    form.add_error(field if field in form.fields else None, message)

    def _field_for(
        self, path: str, centre_rows: list[RowForm], overhead_rows: list[RowForm]
    ) -> tuple[RowForm | None, str | None]:
        if match := _CENTRE_PATH.match(path):
            index = int(match.group(1))
            if index < len(centre_rows):
                return centre_rows[index], match.group(2)
        if match := _OVERHEAD_PATH.match(path):
            index = int(match.group(1))
            if index < len(overhead_rows):
                return overhead_rows[index], match.group(2)
        if match := _TOTAL_PATH.match(path):
            return self.totals, match.group(1)
        return None, None

    # showing -----------------------------------------------------------------------------------------------------
    @property
    def has_errors(self) -> bool:
        return bool(self.non_field_errors) or any(f.errors for f in self.all_forms())

    def all_forms(self) -> list[RowForm]:
        return [*self.centres, *self.overheads, self.totals]

    def error_links(self) -> list[tuple[str, str]]:
        """(anchor, message) for the error summary, each message saying which row it is about."""
        links = [("#costs", message) for message in self.non_field_errors]
        groups = [
            *((f"Project or service {i}", form) for i, form in enumerate(self.centres, start=1)),
            *((f"Overhead {i}", form) for i, form in enumerate(self.overheads, start=1)),
            ("Whole organisation", self.totals),
        ]
        for label, form in groups:
            if not form.is_bound:
                continue
            for message in form.non_field_errors():
                links.append((f"#{form.prefix}", f"{label}: {message}"))
            for bound in form:
                for message in bound.errors:
                    links.append((f"#{bound.id_for_label}", f"{label}: {message}"))
        return links
