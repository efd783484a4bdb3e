"""Forms for the partner finder and for setting up a consortium.

The organisation a person acts for is chosen from a list of their own organisations, but the field
accepts any listed organisation: whether the person may act for it is the services' decision, so a
tampered form meets the same permission check (and the same 403) as every other route in.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from trellis.core.forms import Form
from trellis.organisations import selectors
from trellis.organisations.forms.profile import GovukDateField
from trellis.organisations.models import LeadModel, Organisation
from trellis.places.selectors import wards as place_wards

MEMBER_ROWS = 8
MAX_QUERY_LENGTH = 200


def _org_label(org: Organisation) -> str:
    return f"{org.name} ({org.org_id})"


class ActingOrganisationField(forms.ModelChoiceField):
    """Accepts any listed organisation; offers only the ones given to ``offer``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Organisation.objects.filter(is_active=True))
        super().__init__(**kwargs)

    def offer(self, organisations) -> None:
        choices = [(o.pk, o.name) for o in organisations]
        self.widget.choices = ([("", "Choose an organisation")] if len(choices) > 1 else []) + choices

    def label_from_instance(self, obj):
        return obj.name


class PartnerSearchForm(Form):
    """The partner finder's search: a GET form, so the list can be bookmarked and shared."""

    q = forms.CharField(
        label="Search partner requests",
        required=False,
        help_text="For example “carers”, “food” or an organisation's name",
        widget=forms.TextInput(attrs={"type": "search", "spellcheck": "false"}),
    )
    service_type = forms.ChoiceField(label="Service", required=False)
    ward = forms.ChoiceField(
        label="Ward", required=False, help_text="Requests that name no ward are open to the whole area and show too."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_type"].choices = [("", "Any service")] + [
            (s.code, s.name) for s in selectors.service_types()
        ]
        self.fields["ward"].choices = [("", "Any ward")] + [(w.gss_code, w.name) for w in place_wards()]

    def clean_q(self) -> str:
        q = " ".join(self.cleaned_data.get("q", "").split())
        if len(q) > MAX_QUERY_LENGTH:
            raise ValidationError(f"Search words must be {MAX_QUERY_LENGTH} characters or fewer.")
        return q

    def search_terms(self) -> dict[str, str]:
        """What was understood; a value that is not one of the choices is simply left out."""
        data = self.cleaned_data if self.is_valid() else {}
        return {"q": data.get("q", ""), "service_type": data.get("service_type", ""), "ward": data.get("ward", "")}


class PartnerRequestForm(Form):
    organisation = ActingOrganisationField(
        label="Which organisation are you posting for?",
        error_messages={"required": "Choose the organisation you are posting for."},
    )
    title = forms.CharField(
        label="What kind of partner are you looking for?",
        max_length=200,
        help_text="A short title, for example “A befriending partner for a carers' support bid”.",
        error_messages={"required": "Enter a title that says what kind of partner you are looking for."},
    )
    description = forms.CharField(
        label="Describe what you are looking for and why",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Say what you would bring, what you need a partner to bring, and how you would like to work.",
        error_messages={"required": "Describe what you are looking for and why."},
    )
    service_types = forms.ModelMultipleChoiceField(
        label="Services you need a partner for",
        queryset=selectors.service_types(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. Trellis suggests organisations that offer them.",
    )
    client_groups = forms.ModelMultipleChoiceField(
        label="Who the service is for",
        queryset=selectors.client_groups(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    wards = forms.ModelMultipleChoiceField(
        label="Wards",
        queryset=place_wards(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Where the service would run. Leave empty if it is anywhere in the area.",
    )
    opportunity_reference = forms.CharField(
        label="Upcoming opportunity",
        max_length=200,
        required=False,
        help_text="The tender, grant round or contract you want to bid for together, if there is one.",
    )
    closes_on = GovukDateField(
        label="Closing date",
        required=False,
        help_text="The last day for replies, for example 27 3 2026. Leave empty to keep it open until you close it.",
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].offer(organisations)
        self.fields["wards"].label_from_instance = lambda w: w.name


class InterestForm(Form):
    organisation = ActingOrganisationField(
        label="Which organisation are you replying for?",
        error_messages={"required": "Choose the organisation you are replying for."},
    )
    message = forms.CharField(
        label="What would your organisation bring?",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The services, wards and experience you would add, and how to get in touch.",
        error_messages={"required": "Write a short message about what your organisation would bring."},
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].offer(organisations)


class ShareField(forms.DecimalField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}))
        super().__init__(min_value=0, max_value=100, max_digits=5, decimal_places=2, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("%", "").strip()
        try:
            return super().to_python(value)
        except ValidationError:
            raise ValidationError(f"{self.label} must be a number, like 40 or 33.33.", code="invalid") from None


#: What each way of leading a consortium means (NCVO's three legal structures for consortium delivery).
LEAD_MODEL_HINTS = {
    LeadModel.NEW_ENTITY: "The members set up a company or charity together, and it holds the contract.",
    LeadModel.MEMBER_LEAD: "The lead organisation holds the contract and subcontracts to the other members.",
    LeadModel.EXTERNAL_LEAD: (
        "An organisation that does not deliver the service, such as the CVS, holds and manages the contract."
    ),
}


class ConsortiumForm(Form):
    name = forms.CharField(
        label="Name of the consortium",
        max_length=200,
        error_messages={"required": "Enter the consortium's name."},
    )
    description = forms.CharField(
        label="What the consortium does",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="This appears on its page in the directory.",
    )
    lead_model = forms.ChoiceField(
        label="Who will hold the contract?",
        choices=LeadModel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who will hold the contract."},
    )
    lead = ActingOrganisationField(
        label="Lead organisation",
        help_text="An organisation you are an admin of. It leads the consortium (or is the external lead body).",
        error_messages={"required": "Choose the lead organisation."},
    )
    org_id = forms.CharField(
        label="The consortium's own identifier",
        required=False,
        max_length=120,
        help_text=(
            "If the consortium is registered, for example GB-COH-01234567 for a company. "
            "Leave empty and Trellis gives it an identifier of its own."
        ),
    )

    def __init__(self, *args, leads=(), members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].offer(leads)
        member_choices = [("", "Choose an organisation")] + [(o.org_id, _org_label(o)) for o in members]
        self.member_orgs = {o.org_id: o for o in members}
        for i in range(1, MEMBER_ROWS + 1):
            self.fields[f"member_{i}"] = forms.ChoiceField(
                label=f"Member {i}: organisation", required=False, choices=member_choices
            )
            self.fields[f"role_{i}"] = forms.CharField(label=f"Member {i}: role", required=False, max_length=200)
            self.fields[f"share_{i}"] = ShareField(label=f"Member {i}: share of the work (%)", required=False)
            # GovukFormMixin styled the fields it saw at start-up; style these rows the same way.
            for name, kind, css in (
                (f"member_{i}", "select", "govuk-select govuk-!-width-full"),
                (f"role_{i}", "input", "govuk-input"),
                (f"share_{i}", "input", "govuk-input govuk-input--width-4"),
            ):
                self.fields[name].widget.attrs["class"] = css
                self.fields[name].widget.kind = kind

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if selectors.consortium_by_name(name) is not None:
            raise ValidationError(f"A consortium called {name} is already listed. Choose another name.")
        return name

    def lead_model_options(self) -> list[tuple[forms.BoundField, str]]:
        """Each radio option with the hint that explains it."""
        return [(option, LEAD_MODEL_HINTS[LeadModel(option.data["value"])]) for option in self["lead_model"]]

    def member_rows(self) -> list[tuple[int, forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [(i, self[f"member_{i}"], self[f"role_{i}"], self[f"share_{i}"]) for i in range(1, MEMBER_ROWS + 1)]

    def clean(self):
        data = super().clean()
        members: list[tuple[Organisation, str, Decimal | None]] = []
        for i in range(1, MEMBER_ROWS + 1):
            code, role, share = data.get(f"member_{i}"), (data.get(f"role_{i}") or "").strip(), data.get(f"share_{i}")
            if not code:
                if role or share is not None:
                    self.add_error(
                        f"member_{i}", f"Choose the organisation for member {i}, or clear its role and share."
                    )
                continue
            org = self.member_orgs[code]
            if not role:
                self.add_error(f"role_{i}", f"Enter what {org.name} will do in the consortium.")
            members.append((org, role, share))
        data["members"] = members
        return data
