"""The directory's search and filter form (a GET form: bookmarkable, works without JavaScript).

Filter values come from links people share and bookmark, so an unknown code (a renamed ward, a
tampered address) is dropped rather than refused: the page still answers with what it understood.
Only what a person types — the search words — can be wrong enough to need an error message.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.http import QueryDict

from trellis.core.forms import Form
from trellis.organisations import selectors
from trellis.organisations.domain.accreditation import Tier
from trellis.organisations.domain.sizes import BANDS
from trellis.organisations.models import Sector
from trellis.places.selectors import wards

MAX_QUERY_LENGTH = 200

#: Query parameters that hold lists, in the order their tags are shown.
LIST_FILTERS = ("ward", "client_group", "service_type", "band", "tier", "sector")


class LenientMultipleChoiceField(forms.MultipleChoiceField):
    """Keeps the values it knows and quietly drops the rest."""

    def clean(self, value):
        known = {str(key) for key, _ in self.choices}
        return [v for v in self.to_python(value) if v in known]


class LenientChoiceField(forms.ChoiceField):
    """Falls back to the default when the value is not one of the choices."""

    def clean(self, value):
        value = self.to_python(value)
        return value if value in {str(key) for key, _ in self.choices} else ""


class FlagCheckbox(forms.CheckboxInput):
    """A checkbox whose value is 1; "0", "false" or "off" in a link mean unticked."""

    def __init__(self, attrs=None):
        super().__init__({"value": "1", **(attrs or {})})

    def value_from_datadict(self, data, files, name) -> bool:
        return str(data.get(name, "")).strip().lower() not in {"", "0", "false", "off", "no"}


@dataclass(frozen=True)
class ChosenFilter:
    """One filter in use, with the query string that removes just that filter."""

    group: str
    label: str
    remove_query: str


class DirectoryForm(Form):
    q = forms.CharField(
        label="Search by name or what they do",
        required=False,
        help_text="For example “food bank”, “carers” or an organisation's name",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )
    ward = LenientMultipleChoiceField(label="Ward", required=False, widget=forms.CheckboxSelectMultiple)
    service_type = LenientMultipleChoiceField(label="What they do", required=False, widget=forms.CheckboxSelectMultiple)
    client_group = LenientMultipleChoiceField(
        label="Who they help", required=False, widget=forms.CheckboxSelectMultiple
    )
    band = LenientMultipleChoiceField(label="Size (yearly income)", required=False, widget=forms.CheckboxSelectMultiple)
    tier = LenientMultipleChoiceField(label="Accreditation", required=False, widget=forms.CheckboxSelectMultiple)
    sector = LenientMultipleChoiceField(
        label="Type of organisation", required=False, widget=forms.CheckboxSelectMultiple
    )
    local = forms.BooleanField(label="Registered office in the area only", required=False, widget=FlagCheckbox())
    sort = LenientChoiceField(label="Sort by", required=False)

    def __init__(self, data: QueryDict, *, place_name: str = "", **kwargs):
        super().__init__(data, **kwargs)
        self.fields["ward"].choices = [(w.gss_code, w.name) for w in wards()]
        self.fields["service_type"].choices = [(s.code, s.name) for s in selectors.service_types()]
        self.fields["client_group"].choices = [(c.code, c.name) for c in selectors.client_groups()]
        self.fields["band"].choices = [(b.band.value, f"{b.label} ({b.range_label})") for b in BANDS]
        self.fields["tier"].choices = [(str(t.value), t.label) for t in sorted(Tier, reverse=True)]
        self.fields["sector"].choices = list(Sector.choices)
        self.fields["sort"].choices = [(key, label) for key, (_, label) in selectors.SORTS.items()]
        if place_name:
            self.fields["local"].label = f"Registered office in {place_name} only"
        self.fields["q"].widget.attrs["class"] += " govuk-!-margin-bottom-0"
        self.fields["sort"].widget.attrs["class"] += " govuk-!-width-full"

    def clean_q(self) -> str:
        q = " ".join(self.cleaned_data.get("q", "").split())
        if len(q) > MAX_QUERY_LENGTH:
            raise forms.ValidationError(
                f"Search words must be {MAX_QUERY_LENGTH} characters or fewer. "
                "Try a shorter search: one or two words usually find the most."
            )
        return q

    def filters(self) -> selectors.DirectoryFilters:
        """What was understood, as the one search function's input. Call after is_valid()."""
        data = self.cleaned_data
        return selectors.DirectoryFilters(
            q=data.get("q", ""),
            wards=data.get("ward", []),
            client_groups=data.get("client_group", []),
            service_types=data.get("service_type", []),
            bands=data.get("band", []),
            tiers=[int(t) for t in data.get("tier", [])],
            sectors=data.get("sector", []),
            local_only=bool(data.get("local")),
        )

    @property
    def sort_key(self) -> str:
        return self.cleaned_data.get("sort", "") if hasattr(self, "cleaned_data") else ""

    @property
    def selected_counts(self) -> dict[str, int]:
        """How many values of each list filter are in use (shown on collapsed filter groups)."""
        data = getattr(self, "cleaned_data", {})
        return {name: len(data.get(name, [])) for name in LIST_FILTERS}

    def chosen(self) -> list[ChosenFilter]:
        """Each filter in use, with a link target that removes only that one (and goes back to page 1)."""
        data = self.cleaned_data
        chosen: list[ChosenFilter] = []
        if data.get("q"):
            chosen.append(ChosenFilter("Search", f"“{data['q']}”", self._without("q")))
        for name in LIST_FILTERS:
            labels = dict(self.fields[name].choices)
            for value in data.get(name, []):
                chosen.append(ChosenFilter(str(self.fields[name].label), labels[value], self._without(name, value)))
        if data.get("local"):
            chosen.append(ChosenFilter("Local", str(self.fields["local"].label), self._without("local")))
        return chosen

    def _without(self, name: str, value: str | None = None) -> str:
        params = self.data.copy()
        params.pop("page", None)
        if value is None:
            params.pop(name, None)
        else:
            params.setlist(name, [v for v in params.getlist(name) if v != value])
        encoded = params.urlencode()
        return f"?{encoded}" if encoded else "?"
