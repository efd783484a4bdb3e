"""The forward plan's search and filters (a GET form: bookmarkable, works without JavaScript) and the alerts form.

As in the provider directory, filter values come from links people share, so an unknown value is dropped
rather than refused; only the search words can be wrong enough to need an error message.
"""

from __future__ import annotations

from django import forms

from trellis.core.forms import Form
from trellis.opportunities.domain.kinds import Kind
from trellis.opportunities.domain.lifecycle import Status
from trellis.organisations import selectors as directory
from trellis.organisations.forms.directory import LenientMultipleChoiceField
from trellis.places.models import Ward
from trellis.places.selectors import wards as place_wards

MAX_QUERY_LENGTH = 200

#: The forward plan's status filter: what a provider asks ("what is coming?", "what can I bid for now?"),
#: as the values the forward plan selector takes.
STATUS_GROUPS: dict[str, tuple[str, str]] = {
    "planned": ("Planned", "planned"),
    "open": ("Open for bids", Status.PUBLISHED.value),
}
LIST_FILTERS = ("kind", "service_type", "ward", "status")


class ForwardPlanForm(Form):
    q = forms.CharField(
        label="Search by words",
        required=False,
        help_text="For example “befriending”, “food” or an opportunity's reference",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )
    status = LenientMultipleChoiceField(label="Status", required=False, widget=forms.CheckboxSelectMultiple)
    kind = LenientMultipleChoiceField(label="Type of opportunity", required=False, widget=forms.CheckboxSelectMultiple)
    service_type = LenientMultipleChoiceField(label="Service", required=False, widget=forms.CheckboxSelectMultiple)
    ward = LenientMultipleChoiceField(label="Ward", required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["status"].choices = [(key, label) for key, (label, _) in STATUS_GROUPS.items()]
        self.fields["kind"].choices = [(k.value, k.label) for k in Kind]
        self.fields["service_type"].choices = [(s.code, s.name) for s in directory.service_types()]
        self.fields["ward"].choices = [(w.gss_code, w.name) for w in place_wards()]
        self.fields["q"].widget.attrs["class"] += " govuk-!-margin-bottom-0"

    def clean_q(self) -> str:
        q = " ".join(self.cleaned_data.get("q", "").split())
        if len(q) > MAX_QUERY_LENGTH:
            raise forms.ValidationError(
                f"Search words must be {MAX_QUERY_LENGTH} characters or fewer. Try one or two words."
            )
        return q

    @property
    def terms(self) -> dict:
        """What was understood (call after is_valid()): the words, and each list of filter values."""
        data = getattr(self, "cleaned_data", {})
        statuses = [STATUS_GROUPS[group][1] for group in data.get("status", [])]
        return {
            "q": data.get("q", ""),
            "kinds": list(data.get("kind", [])),
            "service_types": list(data.get("service_type", [])),
            "wards": list(data.get("ward", [])),
            "statuses": statuses,
        }

    @property
    def in_use(self) -> bool:
        return any(self.terms.values())

    @property
    def selected_counts(self) -> dict[str, int]:
        data = getattr(self, "cleaned_data", {})
        return {name: len(data.get(name, [])) for name in LIST_FILTERS}


class AlertForm(Form):
    """What a provider wants to hear about. Nothing ticked in a group means "any"."""

    service_types = forms.ModelMultipleChoiceField(
        label="Services",
        queryset=directory.service_types().none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select the services you could provide. Leave them all clear to hear about every service.",
    )
    wards = forms.ModelMultipleChoiceField(
        label="Wards",
        queryset=Ward.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select where you work. Leave them all clear to hear about the whole area.",
    )
    email = forms.BooleanField(
        label="E-mail me as well as putting a message in my Trellis inbox",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_types"].queryset = directory.service_types()
        self.fields["wards"].queryset = place_wards()
