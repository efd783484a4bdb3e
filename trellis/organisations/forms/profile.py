"""Forms for an organisation's own pages: its profile, its evidence, its people, and verification."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from trellis.core.domain.roles import Role
from trellis.core.forms import Form, ModelForm
from trellis.organisations.domain.accreditation import EVIDENCE_LABELS, TIER_ADDS, Tier
from trellis.organisations.models import ClientGroup, Organisation, ServiceType
from trellis.organisations.services import M2M_FIELDS, PROFILE_FIELDS
from trellis.places.selectors import wards as place_wards

NUMERIC = {"inputmode": "numeric", "spellcheck": "false"}


class PoundsField(forms.DecimalField):
    """A sum of whole pounds, forgiving of the ways people write money: £45,000 or 45 000."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={**NUMERIC, "autocomplete": "off"}))
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("decimal_places", 0)
        kwargs.setdefault("max_digits", 14)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("£", "").replace(",", "").replace(" ", "").strip()
            if value.endswith(".00"):
                value = value[:-3]
        try:
            return super().to_python(value)
        except ValidationError:
            raise ValidationError(f"{self.label} must be a number of pounds, like 45000.", code="invalid") from None


class YearField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs=NUMERIC))
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        this_year = timezone.localdate().year
        if value is not None and not 1800 <= value <= this_year:
            raise ValidationError(f"{self.label} must be a year between 1800 and {this_year}, like 1998.")


class CountField(forms.IntegerField):
    def __init__(self, *, maximum: int | None = None, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs=NUMERIC))
        self.maximum = maximum
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(",", "").replace("%", "").strip()
        try:
            return super().to_python(value)
        except ValidationError:
            raise ValidationError(f"{self.label} must be a whole number, like 12.", code="invalid") from None

    def validate(self, value):
        super().validate(value)
        if value is not None and value < 0:
            raise ValidationError(f"{self.label} cannot be less than 0.")
        if value is not None and self.maximum is not None and value > self.maximum:
            raise ValidationError(f"{self.label} cannot be more than {self.maximum}.")


#: The profile form's sections, in page order: (heading, fields).
PROFILE_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("About", ("name", "legal_form", "sector", "description", "founded_year", "vat_number", "other_identifiers")),
    ("Size", ("annual_income", "staff_count", "volunteer_count")),
    (
        "Where you work and who you serve",
        ("borough_wide", "wards", "works_outside_place", "client_groups", "service_types"),
    ),
    ("Local roots", ("registered_office_in_place", "active_locally_since", "staff_local_pct", "trustees_local_pct")),
    ("Public contact details", ("website", "email", "phone", "address", "postcode")),
    ("Private contact (only you and commissioners see this)", ("contact_name", "contact_email", "contact_phone")),
)


class ProfileForm(ModelForm):
    """Everything a provider admin may change about their organisation. The org-id is not here:
    it is how other systems know the organisation, so only a platform admin changes it."""

    other_identifiers = forms.CharField(
        label="Other identifiers",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text="Any other registration numbers, one on each line, written as an org-id. "
        "For example GB-COH-01234567 for a Companies House number.",
    )
    annual_income = PoundsField(
        label="Annual income",
        required=False,
        help_text="Total income in your latest accounts, in pounds. It sets your size band and the accreditation "
        "tier commissioners may ask for.",
    )
    staff_count = CountField(label="Paid staff", required=False, help_text="Full-time and part-time, as a head count.")
    volunteer_count = CountField(
        label="Volunteers", required=False, help_text="Regular volunteers, including trustees."
    )
    founded_year = YearField(label="Year founded", required=False)
    active_locally_since = YearField(label="Year you started working here", required=False)
    staff_local_pct = CountField(
        label="Staff who live locally (%)", maximum=100, required=False, help_text="A percentage from 0 to 100."
    )
    trustees_local_pct = CountField(
        label="Trustees or directors who live locally (%)",
        maximum=100,
        required=False,
        help_text="A percentage from 0 to 100.",
    )
    website = forms.URLField(
        label="Website",
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text="For example https://www.example.org.uk",
        widget=forms.URLInput(attrs={"spellcheck": "false"}),
    )
    wards = forms.ModelMultipleChoiceField(
        queryset=place_wards().none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Wards you work in",
        help_text="Select all that apply. Leave them all clear if you work across the whole area.",
    )
    client_groups = forms.ModelMultipleChoiceField(
        queryset=ClientGroup.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Who you serve",
        help_text="Select all that apply.",
    )
    service_types = forms.ModelMultipleChoiceField(
        queryset=ServiceType.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="What you do",
        help_text="Select all that apply.",
    )

    width_classes = {
        "vat_number": "govuk-input--width-10",
        "annual_income": "govuk-input--width-10",
        "staff_count": "govuk-input--width-5",
        "volunteer_count": "govuk-input--width-5",
        "founded_year": "govuk-input--width-4",
        "active_locally_since": "govuk-input--width-4",
        "staff_local_pct": "govuk-input--width-3",
        "trustees_local_pct": "govuk-input--width-3",
        "phone": "govuk-input--width-20",
        "contact_phone": "govuk-input--width-20",
        "postcode": "govuk-input--width-10",
    }

    class Meta:
        model = Organisation
        fields = (*PROFILE_FIELDS, *M2M_FIELDS)
        labels = {
            "name": "Organisation name",
            "description": "What your organisation does",
            "vat_number": "VAT registration number",
            "borough_wide": "We work across the whole area",
            "works_outside_place": "We also work outside the area",
            "registered_office_in_place": "Our registered office is in the area",
            "email": "Public e-mail address",
            "phone": "Public phone number",
            "address": "Address",
            "postcode": "Postcode",
            "contact_name": "Contact name",
            "contact_email": "Contact e-mail address",
            "contact_phone": "Contact phone number",
        }
        help_texts = {
            "description": "Shown in the directory. Say what you do, for whom and where, in a few sentences.",
            "vat_number": "Only if you are registered for VAT, for example GB 980 7806 84.",
            "contact_name": "The person commissioners should contact about funding and contracts.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "vat_number": forms.TextInput(attrs={"spellcheck": "false"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "contact_phone": forms.TextInput(attrs={"type": "tel"}),
            "email": forms.EmailInput(attrs={"spellcheck": "false"}),
            "contact_email": forms.EmailInput(attrs={"spellcheck": "false"}),
            "postcode": forms.TextInput(attrs={"autocomplete": "postal-code"}),
        }

    def __init__(self, *args, place_name: str = "the area", **kwargs):
        super().__init__(*args, **kwargs)
        org = self.instance
        self.fields["wards"].queryset = place_wards(org.place) if org.place_id else place_wards()
        self.fields["borough_wide"].label = f"We work across the whole of {place_name}"
        self.fields["works_outside_place"].label = f"We also work outside {place_name}"
        self.fields["registered_office_in_place"].label = f"Our registered office is in {place_name}"
        if org.pk and not self.is_bound:
            self.initial["other_identifiers"] = "\n".join(org.other_identifiers.values_list("identifier", flat=True))

    def clean_other_identifiers(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data.get("other_identifiers", "").splitlines()]
        return list(dict.fromkeys(line for line in lines if line))

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(heading, [self[name] for name in names]) for heading, names in PROFILE_SECTIONS]

    def changes(self) -> dict:
        """What to hand to the service: every field on the form."""
        return dict(self.cleaned_data)


class GovukDateWidget(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes."""

    template_name = "organisations/includes/_profile_date_widget.html"
    parts = (("day", "Day", "govuk-input--width-2"), ("month", "Month", "govuk-input--width-2"))
    parts += (("year", "Year", "govuk-input--width-4"),)

    def __init__(self, attrs=None):
        super().__init__({name: forms.TextInput(attrs=NUMERIC) for name, _, _ in self.parts}, attrs)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def id_for_label(self, id_):
        return f"{id_}_day" if id_ else id_

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        own_id = context["widget"]["attrs"].get("id")
        for sub, (part, label, width) in zip(context["widget"]["subwidgets"], self.parts, strict=True):
            sub["label"] = label
            if own_id:
                sub["attrs"]["id"] = f"{own_id}_{part}"
            css = sub["attrs"].get("class", "govuk-input")
            sub["attrs"]["class"] = f"{css} govuk-date-input__input {width}"
        return context


class GovukDateField(forms.Field):
    """A date typed into three boxes, with GOV.UK's error messages."""

    widget = GovukDateWidget

    def __init__(self, **kwargs):
        kwargs.setdefault("template_name", "organisations/includes/_profile_date_field.html")
        super().__init__(**kwargs)

    def to_python(self, value):
        parts = [str(v or "").strip() for v in (value or [None, None, None])]
        if not any(parts):
            return None
        label = self.label or "The date"
        missing = [name for name, v in zip(("a day", "a month", "a year"), parts, strict=True) if not v]
        if missing:
            raise ValidationError(f"{label} must include {' and '.join(missing)}.", code="incomplete")
        if not all(p.isdigit() for p in parts):
            raise ValidationError(f"{label} must be a real date, written in numbers, like 31 3 2026.")
        day, month, year = (int(p) for p in parts)
        if len(parts[2]) != 4:
            raise ValidationError(f"Year must include 4 numbers, like {timezone.localdate().year + 1}.")
        try:
            return datetime.date(year, month, day)
        except ValueError:
            raise ValidationError(f"{label} must be a real date.", code="invalid") from None


def evidence_kind_choices() -> list[tuple[str, str]]:
    """Every kind of document, in the order of the tiers that ask for it."""
    choices = [("", "Choose the kind of document")]
    for tier in (Tier.FOUNDATION, Tier.ESTABLISHED, Tier.COMMISSIONING_READY):
        choices += [(kind.value, EVIDENCE_LABELS[kind]) for kind in TIER_ADDS[tier]]
    return choices


class EvidenceUploadForm(Form):
    kind = forms.ChoiceField(
        label="What kind of document is it?",
        choices=evidence_kind_choices,
        error_messages={"required": "Choose the kind of document.", "invalid_choice": "Choose the kind of document."},
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example, Public liability insurance 2025 to 2026.",
        error_messages={"required": "Enter a title for the document."},
    )
    expires_on = GovukDateField(
        label="Expiry date",
        required=False,
        help_text="For example, 31 3 2026. Insurance certificates, accounts and quality marks need one. "
        "Leave it blank for a policy or governing document that does not expire.",
    )
    file = forms.FileField(
        label="Upload a file",
        help_text="PDF, Word, Excel, OpenDocument text, PNG or JPEG, smaller than 10 MB.",
        error_messages={"required": "Select a file to upload.", "empty": "The selected file is empty."},
    )

    def __init__(self, *args, max_bytes: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if max_bytes:
            self.fields[
                "file"
            ].help_text = (
                f"PDF, Word, Excel, OpenDocument text, PNG or JPEG, smaller than {max_bytes // (1024 * 1024)} MB."
            )


class ReviewForm(Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("verify", "Verify"), ("reject", "Do not accept")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to verify the document or not accept it."},
    )
    note = forms.CharField(
        label="Note to the organisation",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed if you do not accept the document: say what is wrong, so they can put it right.",
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("note") or "").strip():
            self.add_error("note", "Say why the document is not accepted, so the organisation can put it right.")
        return data

    @property
    def verified(self) -> bool:
        return self.cleaned_data["decision"] == "verify"


class MemberAddForm(Form):
    email = forms.EmailField(
        label="E-mail address",
        widget=forms.EmailInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        error_messages={
            "required": "Enter the person's e-mail address.",
            "invalid": "Enter an e-mail address in the correct format, like name@example.org.",
        },
    )
    full_name = forms.CharField(
        label="Full name",
        required=False,
        max_length=200,
        help_text="Only needed if they have not used Trellis before.",
    )
    role = forms.ChoiceField(
        label="What can they do?",
        widget=forms.RadioSelect,
        choices=[
            (Role.PROVIDER_MEMBER.value, "Provider member: act for the organisation, such as finding partners"),
            (Role.PROVIDER_ADMIN.value, "Provider admin: also edit the profile, upload evidence and add people"),
        ],
        error_messages={"required": "Choose what they can do."},
    )
