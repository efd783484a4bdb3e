"""The commissioner's forms: a new opportunity, then one form per section (details and dates, specification
and outcomes, lots, eligibility checklist, evaluation criteria, documents), and the reason for a status change.

Forms check what a person typed; the services check the rules (weights, minimum periods, who may do what)
and their errors are shown beside the field they name.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from trellis.core.forms import Form
from trellis.opportunities.domain.criteria import Scale
from trellis.opportunities.domain.kinds import CHOOSABLE_KINDS, Kind, Stage
from trellis.opportunities.domain.methodology import RELATIVE_PRICE_CAUTION, Exclusion, PriceMethod, TieBreak
from trellis.opportunities.forms.common import TimeOfDayField, at_london_time, london_parts
from trellis.organisations import selectors as directory
from trellis.organisations.domain.accreditation import EVIDENCE_LABELS
from trellis.organisations.forms.profile import NUMERIC, CountField, GovukDateField, PoundsField
from trellis.places.models import Ward
from trellis.places.selectors import wards as place_wards
from trellis.routes.domain.catalogue import ROUTES, Route
from trellis.routes.forms import Radios

#: The kind of opportunity a saved route decision suggests (the commissioner may change it).
KIND_FOR_ROUTE: dict[str, Kind] = {
    Route.GRANT_ONE_OFF: Kind.GRANT_ROUND,
    Route.GRANT_PROGRAMME: Kind.GRANT_ROUND,
    Route.GRANT_THREE_YEAR: Kind.GRANT_ROUND,
    Route.PARTICIPATORY_GRANT_ROUND: Kind.GRANT_ROUND,
    Route.OPEN_PROCEDURE: Kind.OPEN_TENDER,
    Route.BELOW_THRESHOLD_ADVERTISED: Kind.OPEN_TENDER,
    Route.BELOW_THRESHOLD_QUOTATION: Kind.OPEN_TENDER,
    Route.COMPETITIVE_FLEXIBLE: Kind.COMPETITIVE_FLEXIBLE,
    Route.LIGHT_TOUCH_FLEXIBLE: Kind.COMPETITIVE_FLEXIBLE,
    Route.PSR_PROCESS: Kind.COMPETITIVE_FLEXIBLE,
    Route.NEGOTIATED_PARTNERING: Kind.COMPETITIVE_FLEXIBLE,
    Route.FRAMEWORK_CALL_OFF: Kind.FRAMEWORK,
}

KIND_HINTS: dict[Kind, str] = {
    Kind.GRANT_ROUND: "Organisations apply for a grant towards their own work.",
    Kind.OPEN_TENDER: "One stage: every provider may bid.",
    Kind.COMPETITIVE_FLEXIBLE: "Stages you design, such as expression of interest, shortlist, tender and dialogue.",
    Kind.MARKET_ENGAGEMENT: "Ask providers what they could offer before deciding how to fund the service.",
    Kind.FRAMEWORK: "Choose providers now; award work to them later through call-offs.",
}

DETAILS_FIELDS = (
    "title",
    "kind",
    "summary",
    "estimated_value",
    "duration_months",
    "service_types",
    "wards",
    "consortium_bids_invited",
    "route",
    "stages",
    "show_bid_count_before_opening",
    "price_method",
    "exclusion_rule",
    "tie_break",
    "min_quality_percent",
)
DATE_FIELDS = ("planned_publish_on", "award_expected_on", "service_starts_on")
#: Moments entered as a day and a time: (the moment's name, its day field, its time field).
MOMENTS = (
    ("questions_close_at", "questions_close_on", "questions_close_time"),
    ("closes_at", "closes_on", "closes_time"),
)
#: A service error about a moment is shown on its day field.
MOMENT_FIELD_MAP = {moment: day for moment, day, _ in MOMENTS}


def kind_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Type of opportunity",
        choices=[(k.value, k.label) for k in CHOOSABLE_KINDS],
        widget=Radios(hints={k.value: hint for k, hint in KIND_HINTS.items()}),
        error_messages={
            "required": "Choose the type of opportunity.",
            "invalid_choice": "Choose the type of opportunity.",
        },
    )


def route_choices() -> list[tuple[str, str]]:
    return [("", "Not chosen")] + [(r.value, info.title) for r, info in ROUTES.items()]


class WeightField(forms.DecimalField):
    """A percentage: “25”, “25%” or “12.5”."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={**NUMERIC, "inputmode": "decimal", "autocomplete": "off"}))
        kwargs.setdefault("max_digits", 5)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("%", "").strip()
        try:
            return super().to_python(value)
        except ValidationError:
            raise ValidationError(f"{self.label} must be a number from 0 to 100, like 20.", code="invalid") from None

    def validate(self, value):
        super().validate(value)
        if value is not None and not Decimal(0) <= value <= Decimal(100):
            raise ValidationError(f"{self.label} must be from 0 to 100.")


class NewOpportunityForm(Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="What providers will see first, for example “Befriending for isolated older people”.",
        error_messages={"required": "Enter a title.", "max_length": "The title must be 200 characters or fewer."},
    )
    kind = kind_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].template_name = "opportunities/includes/radios.html"


class DetailsForm(Form):
    """Details and key dates. Deadlines are a day and a time in London (midday if no time is given)."""

    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Enter a title.", "max_length": "The title must be 200 characters or fewer."},
    )
    kind = kind_field()
    summary = forms.CharField(
        label="Summary",
        required=False,
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Two or three plain sentences for the forward plan: what it is for, who it helps, where.",
    )
    estimated_value = PoundsField(
        label="Estimated value",
        required=False,
        help_text="The whole-life value including VAT, in pounds, for example 450000.",
    )
    duration_months = CountField(label="How long will it run, in months?", required=False, maximum=600)
    service_types = forms.ModelMultipleChoiceField(
        label="Services",
        queryset=directory.service_types().none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. Providers who asked for alerts about these services hear about it.",
    )
    wards = forms.ModelMultipleChoiceField(
        label="Wards",
        queryset=Ward.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Where the service is needed. Leave them all clear if it is for the whole area.",
    )
    consortium_bids_invited = forms.BooleanField(
        label="Consortium bids are welcome",
        required=False,
        help_text="Organisations may bid together. The deadline must then allow them extra time to form a consortium.",
    )
    route = forms.ChoiceField(label="Route", required=False, choices=route_choices)
    stages = forms.MultipleChoiceField(
        label="Stages (competitive flexible procedure only)",
        required=False,
        choices=[(s.value, s.label) for s in Stage],
        widget=forms.CheckboxSelectMultiple,
        help_text="The stages it will run, in this order.",
    )
    price_method = forms.ChoiceField(
        label="How prices are scored",
        help_text=RELATIVE_PRICE_CAUTION,
        choices=[(m.value, m.label) for m in PriceMethod],
        initial=PriceMethod.RELATIVE_TO_LOWEST.value,
        required=False,
        widget=Radios(hints={m.value: m.formula for m in PriceMethod}),
        error_messages={"required": "Choose how prices are scored.", "invalid_choice": "Choose how prices are scored."},
    )
    exclusion_rule = forms.ChoiceField(
        label="A bid that fails a pass or fail question or a minimum mark is",
        choices=[(e.value, e.label) for e in Exclusion],
        initial=Exclusion.EXCLUDE.value,
        required=False,
        widget=Radios(),
        error_messages={"required": "Choose what happens to such a bid.", "invalid_choice": "Choose what happens."},
    )
    tie_break = forms.ChoiceField(
        label="When two bids have the same total",
        choices=[(t.value, t.label) for t in TieBreak],
        initial=TieBreak.HIGHEST_QUALITY.value,
        required=False,
        widget=Radios(),
        error_messages={"required": "Choose the tie-break rule.", "invalid_choice": "Choose the tie-break rule."},
    )
    min_quality_percent = WeightField(
        label="Minimum overall quality score (%)",
        required=False,
        help_text="Optional. A bid must reach this share of the quality marks, for example 50.",
    )
    show_bid_count_before_opening = forms.BooleanField(
        label="Show staff how many bids have arrived before the deadline",
        required=False,
        help_text="Only the number, never the bids: bids stay sealed until they are opened after the deadline.",
    )
    planned_publish_on = GovukDateField(
        label="Planned publication date",
        required=False,
        help_text="Puts it on the forward plan before it opens, so providers can prepare and form partnerships. "
        "For example, 1 6 2026.",
    )
    questions_close_on = GovukDateField(label="Questions close on", required=False)
    questions_close_time = TimeOfDayField(label="Questions close at", help_text="For example 12:00 or 5pm.")
    closes_on = GovukDateField(label="Deadline for bids", required=False, help_text="For example, 30 6 2026.")
    closes_time = TimeOfDayField(label="Time of the deadline", help_text="London time, for example 12:00 or 5pm.")
    award_expected_on = GovukDateField(label="Award expected on", required=False)
    service_starts_on = GovukDateField(label="Service starts on", required=False)

    width_classes = {
        "estimated_value": "govuk-input--width-10",
        "duration_months": "govuk-input--width-4",
        "questions_close_time": "govuk-input--width-5",
        "closes_time": "govuk-input--width-5",
        "min_quality_percent": "govuk-input--width-4",
    }

    def __init__(self, *args, opportunity=None, **kwargs):
        if opportunity is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(opportunity)
        super().__init__(*args, **kwargs)
        self.fields["service_types"].queryset = directory.service_types()
        place = getattr(opportunity, "place", None)
        self.fields["wards"].queryset = place_wards(place)
        self.fields["kind"].template_name = "opportunities/includes/radios.html"
        for name in ("price_method", "exclusion_rule", "tie_break"):
            self.fields[name].template_name = "opportunities/includes/radios.html"
        if getattr(opportunity, "kind", "") == Kind.CALL_OFF:  # a call-off stays a call-off
            self.fields["kind"].choices = [(Kind.CALL_OFF.value, Kind.CALL_OFF.label)]

    @staticmethod
    def initial_for(opportunity) -> dict:
        initial = {
            name: getattr(opportunity, name) for name in DETAILS_FIELDS if name not in ("service_types", "wards")
        }
        initial["service_types"] = list(opportunity.service_types.all()) if opportunity.pk else []
        initial["wards"] = list(opportunity.wards.all()) if opportunity.pk else []
        if opportunity.estimated_value is not None:
            initial["estimated_value"] = plain_number(opportunity.estimated_value)
        initial.update({name: getattr(opportunity, name) for name in DATE_FIELDS})
        for moment, day, time in MOMENTS:
            initial[day], initial[time] = london_parts(getattr(opportunity, moment))
        return initial

    def clean(self):
        data = super().clean()
        for _moment, day, time in MOMENTS:
            if data.get(time) and not data.get(day) and day not in self.errors:
                self.add_error(day, f"Enter the day for {self.fields[day].label.lower()}, as well as the time.")
        return data

    def changes(self) -> dict:
        """Every field as the service takes it: the days and times joined into moments."""
        data = self.cleaned_data
        changes = {name: data.get(name) for name in DETAILS_FIELDS + DATE_FIELDS}
        changes["summary"] = data.get("summary", "")
        changes["route"] = data.get("route", "")
        changes["stages"] = list(data.get("stages") or [])
        for name in ("price_method", "exclusion_rule", "tie_break"):
            if not changes.get(name):
                changes.pop(name, None)  # not answered: the current choice stands
        for moment, day, time in MOMENTS:
            changes[moment] = at_london_time(data.get(day), data.get(time))
        return changes


class SpecificationForm(Form):
    specification = forms.CharField(
        label="Specification",
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Be tight about the outcomes and loose about how providers achieve them: describe the people, the "
        "need and what must change, not a method.",
    )
    outcomes = forms.CharField(
        label="Outcomes",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One outcome on each line, for example “Fewer people say they feel lonely”.",
    )


# Rows: lots, eligibility items, criteria ------------------------------------------------------------------------


class RowForm(Form):
    """One row of a list edited as a whole. Ticking "remove" drops the row when the list is saved."""

    row_fields: tuple[str, ...] = ()

    def row(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.row_fields}


class LotForm(RowForm):
    row_fields = ("title", "description", "value")

    title = forms.CharField(
        label="Lot title", max_length=200, error_messages={"required": "Enter a title for the lot."}
    )
    description = forms.CharField(
        label="What the lot covers", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    value = PoundsField(label="Value of the lot", help_text="In pounds, for example 150000.")

    width_classes = {"value": "govuk-input--width-10"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value"].error_messages["required"] = "Enter the value of the lot, in pounds."


class EligibilityForm(RowForm):
    row_fields = ("text", "essential", "evidence_kind")

    text = forms.CharField(
        label="Requirement",
        max_length=500,
        help_text="For example “Registered charity, charitable company or community interest company”.",
        error_messages={"required": "Enter the requirement.", "max_length": "Keep it to 500 characters or fewer."},
    )
    essential = forms.BooleanField(label="Essential: applications that do not meet it cannot succeed", required=False)
    evidence_kind = forms.ChoiceField(
        label=gettext_lazy("Accreditation evidence that shows it"),
        required=False,
        choices=[("", gettext_lazy("None: the bidder confirms it"))]
        + [(k.value, label) for k, label in EVIDENCE_LABELS.items()],
        help_text=gettext_lazy(
            "If the organisation holds this evidence, verified and in date, the item counts as met. "
            "Otherwise the bidder confirms it with yes or no."
        ),
    )


class CriterionForm(RowForm):
    row_fields = (
        "section",
        "name",
        "description",
        "weight",
        "scale",
        "word_limit",
        "min_mark",
        "is_price",
        "template",
    )

    section = forms.CharField(
        label="Section", required=False, max_length=120, help_text="For example “Quality” or “Social value”."
    )
    name = forms.CharField(
        label="Criterion", max_length=200, error_messages={"required": "Enter the name of the criterion."}
    )
    description = forms.CharField(
        label="What a good answer shows",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    weight = WeightField(label="Weight (%)", error_messages={"required": "Enter the weight, from 0 to 100."})
    scale = forms.ChoiceField(
        label="Scoring scale",
        choices=[(s.value, s.label) for s in Scale],
        initial=Scale.ZERO_FIVE.value,
        error_messages={"invalid_choice": "Choose a scoring scale."},
    )
    word_limit = CountField(label="Word limit", required=False, maximum=10_000)
    min_mark = CountField(
        label="Minimum mark",
        required=False,
        maximum=100,
        help_text="Optional. A bid must reach at least this mark on this criterion.",
    )
    is_price = forms.BooleanField(label="This criterion scores the price", required=False)
    template = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    width_classes = {"weight": "govuk-input--width-4", "word_limit": "govuk-input--width-5"}


class BaseRowFormSet(forms.BaseFormSet):
    """Rows edited together; blank new rows are ignored, rows ticked for removal are dropped."""

    def rows(self) -> list[dict]:
        """The rows to save, in page order. ``self.kept`` maps each row's position back to its form."""
        self.kept: list[int] = []
        rows = []
        for index, form in enumerate(self.forms):
            if not form.has_changed() and form.empty_permitted:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            self.kept.append(index)
            rows.append(form.row())
        return rows


def row_formset(form: type[RowForm], *, extra: int = 1, max_num: int = 50):
    return forms.formset_factory(
        form,
        formset=BaseRowFormSet,
        extra=extra,
        can_delete=True,
        max_num=max_num,
        validate_max=True,
        absolute_max=max_num + 10,
    )


LotFormSet = row_formset(LotForm, max_num=20)
EligibilityFormSet = row_formset(EligibilityForm, max_num=40)
CriterionFormSet = row_formset(CriterionForm, extra=0, max_num=30)


def with_extra_row(data, prefix: str, values: dict | None = None):
    """The posted data with one more row (filled with ``values``): adding a row works without JavaScript."""
    data = data.copy()
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", "0"))
    except ValueError:
        total = 0
    for name, value in (values or {}).items():
        if isinstance(value, bool):
            if value:
                data[f"{prefix}-{total}-{name}"] = "on"
        elif value is not None:
            data[f"{prefix}-{total}-{name}"] = str(value)
    data[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
    return data


def weight_total(formset) -> Decimal:
    """The running total of the weights typed so far (rows being removed or not yet valid count as typed)."""
    total = Decimal(0)
    for form in formset.forms:
        prefix = form.prefix
        if formset.is_bound:
            if form.data.get(f"{prefix}-DELETE"):
                continue
            raw = str(form.data.get(f"{prefix}-weight", "")).replace("%", "").strip()
        else:
            raw = str(form.initial.get("weight", "") if form.initial else "")
        try:
            value = Decimal(raw) if raw else Decimal(0)
        except InvalidOperation:
            continue
        if value.is_finite() and Decimal(0) <= value <= Decimal(100):
            total += value
    return total


def plain_number(value: Decimal) -> str:
    """25.00 as “25”, 12.50 as “12.5”: how a person would type it."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# Documents and status changes -----------------------------------------------------------------------------------


class DocumentForm(Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example “Specification”, “Pricing schedule” or “Draft grant agreement”.",
        error_messages={"required": "Enter a title for the document."},
    )
    file = forms.FileField(
        label="Upload a file",
        help_text="PDF, Word, Excel, OpenDocument text, PNG or JPEG, smaller than 10 MB.",
        error_messages={"required": "Select a file to upload.", "empty": "The selected file is empty."},
    )

    def __init__(self, *args, max_bytes: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        if max_bytes:
            self.fields[
                "file"
            ].help_text = (
                f"PDF, Word, Excel, OpenDocument text, PNG or JPEG, smaller than {max_bytes // (1024 * 1024)} MB."
            )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if self.max_bytes and upload.size > self.max_bytes:
            raise ValidationError(f"The selected file must be smaller than {self.max_bytes // (1024 * 1024)} MB.")
        return upload


class ReasonForm(Form):
    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Everyone who was interested is told why.",
        error_messages={"required": "Enter the reason."},
    )


# Frameworks and call-offs ----------------------------------------------------------------------------------------


class FrameworkMembersForm(Form):
    """Which providers are on an awarded framework: tick those who bid, or add others from the directory by org-id."""

    organisations = forms.MultipleChoiceField(
        label="Providers on this framework",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick every provider appointed to the framework. Untick one to take it off.",
    )
    org_ids = forms.CharField(
        label="Add providers from the directory by org-id",
        required=False,
        max_length=2000,
        help_text="Optional. One or more org-ids from the directory, separated by commas or spaces, for example "
        "GB-CHC-1234567.",
    )

    def __init__(self, *args, choices: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if choices:
            self.fields["organisations"].choices = list(choices)
        else:
            del self.fields["organisations"]

    def chosen(self) -> list[str]:
        """The org-ids ticked and typed, each once, in order."""
        typed = self.cleaned_data.get("org_ids", "").replace(",", " ").split()
        ticked = list(self.cleaned_data.get("organisations", []))
        return list(dict.fromkeys(ticked + typed))


class CallOffForm(Form):
    title = forms.CharField(
        label="Title of the call-off",
        max_length=200,
        help_text="For example “Winter befriending in the east of the borough”.",
        error_messages={
            "required": "Enter a title for the call-off.",
            "max_length": "Keep the title to 200 characters.",
        },
    )
