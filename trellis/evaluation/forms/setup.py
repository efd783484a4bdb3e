"""Setting up an evaluation: the rules it publishes, and the panel (who sits on it, as what, marking which
criteria, and who moderates).

The forms turn what was typed into the values ``trellis.evaluation.services`` takes; the services check the rules
again (who may sit on a panel as what, criteria of this opportunity) and their errors are shown beside the field
they name.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from trellis.core.domain.roles import AUTHORITY_ROLES, Role
from trellis.core.forms import Form
from trellis.core.models import Person
from trellis.evaluation.domain.workflow import PANEL_ROLES, PanelRole
from trellis.routes.forms import Radios

RADIOS_TEMPLATE = "opportunities/includes/radios.html"
HUNDRED = Decimal(100)
#: A service error about the stored fraction is shown on the percentage the form asks for.
RULES_FIELD_MAP = {"divergence_threshold": "divergence_percent"}


def _number(text: str) -> Decimal | None:
    """“40”, “40%” or “12.5” as a Decimal; None when it is not a number."""
    value = text.strip().rstrip("%").strip()
    try:
        number = Decimal(value)
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def plain(number: Decimal) -> str:
    """A Decimal without trailing zeros: 40.00 → “40”, 12.50 → “12.5”."""
    return f"{number.normalize():f}"


# The rules -----------------------------------------------------------------------------------------------------


class RulesForm(Form):
    """The panel's working settings. The divergence threshold is asked for as a percentage of the scale and stored
    as a fraction (25% → 0.25). The scoring methodology was published with the opportunity and is shown, not
    edited, here."""

    divergence_percent = forms.CharField(
        label="Divergence threshold (% of the scale)",
        max_length=10,
        help_text="When evaluators’ marks for a criterion are further apart than this share of the scale’s top "
        "mark, the criterion is flagged for moderation. For example, 25 on a 0 to 5 scale flags marks more than "
        "1.25 apart.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false", "autocomplete": "off"}),
        error_messages={"required": "Enter the divergence threshold as a percentage of the scale, like 25."},
    )
    price_envelope = forms.BooleanField(
        label="Put the prices in a sealed envelope",
        required=False,
        help_text="Evaluators who do not mark price see the prices only once the quality marks are moderated.",
    )

    width_classes = {"divergence_percent": "govuk-input--width-5"}

    @staticmethod
    def initial_for(evaluation: Any) -> dict[str, Any]:
        return {
            "divergence_percent": plain(Decimal(evaluation.divergence_threshold) * HUNDRED),
            "price_envelope": evaluation.price_envelope,
        }

    def clean_divergence_percent(self) -> Decimal:
        number = _number(self.cleaned_data.get("divergence_percent") or "")
        if number is None or number != number.to_integral_value() or not 1 <= number <= HUNDRED:
            raise forms.ValidationError(
                "Enter the divergence threshold as a whole number from 1 to 100, like 25.", code="invalid"
            )
        return number

    def rules(self) -> dict[str, Any]:
        """The rules as ``services.evaluation_rules_set`` takes them."""
        data = self.cleaned_data
        return {
            "divergence_threshold": data["divergence_percent"] / HUNDRED,
            "price_envelope": bool(data["price_envelope"]),
        }


# The panel -----------------------------------------------------------------------------------------------------


def panel_candidates() -> list[Person]:
    """The active people who hold an authority role (commissioner, procurement officer, evaluator, citizen
    commissioner): the people who may sit on a panel, each with ``authority_roles`` (their role labels)."""
    wanted = {r.value for r in AUTHORITY_ROLES}
    people = list(
        Person.objects.filter(is_active=True, memberships__role__in=wanted)
        .distinct()
        .prefetch_related("memberships")
        .order_by("full_name", "email")
    )
    order = list(Role)
    for person in people:
        held = sorted({Role(m.role) for m in person.memberships.all() if m.role in wanted}, key=order.index)
        person.authority_roles = [r.label for r in held]  # type: ignore[attr-defined]
    return people


def _person_label(person: Person) -> str:
    roles = ", ".join(getattr(person, "authority_roles", []))
    name = person.get_full_name()
    who = name if name == person.email else f"{name} ({person.email})"
    return f"{who}: {roles}" if roles else who


def criterion_label(criterion: Any) -> str:
    weight = plain(Decimal(criterion.weight))
    if criterion.is_price:
        return f"{criterion.name} ({weight}%, the price: scored by the formula; whoever marks it sees the prices)"
    return f"{criterion.name} ({weight}%)"


def _role_hint(role: PanelRole) -> str:
    needed = " or ".join(sorted(r.label.lower() for r in PANEL_ROLES[role]))
    return f"Must be a {needed}."


class PanelMemberForm(Form):
    """Add a person to the panel, or change what an existing member does (choosing someone already on the panel
    changes their place)."""

    person = forms.ChoiceField(
        label="Person",
        help_text="The council’s people, evaluators and citizen commissioners. Choose someone already on the panel "
        "to change what they do.",
        error_messages={
            "required": "Choose the person to put on the panel.",
            "invalid_choice": "Choose the person to put on the panel from the list.",
        },
    )
    role = forms.ChoiceField(
        label="On the panel as",
        choices=[(r.value, r.label) for r in PanelRole],
        widget=Radios(hints={r.value: _role_hint(r) for r in PanelRole}),
        error_messages={
            "required": "Choose what the person is on the panel as.",
            "invalid_choice": "Choose what the person is on the panel as.",
        },
    )
    criteria = forms.MultipleChoiceField(
        label="Criteria they mark",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. A moderator who only chairs moderation need not mark anything.",
        error_messages={"invalid_choice": "Choose criteria from the list."},
    )
    is_moderator = forms.BooleanField(
        label="Moderator",
        required=False,
        help_text="Chairs the moderation meeting and records the agreed mark and its reason for each criterion.",
    )

    def __init__(self, *args: Any, people: Iterable[Person], criteria: Iterable[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.people = {str(p.pk): p for p in people}
        self.fields["person"].choices = [("", "Choose a person")] + [
            (key, _person_label(p)) for key, p in self.people.items()
        ]
        self.fields["criteria"].choices = [(str(c.pk), criterion_label(c)) for c in criteria]
        self.fields["role"].template_name = RADIOS_TEMPLATE
        self.fields["person"].widget.attrs["class"] += " govuk-!-width-two-thirds"

    @staticmethod
    def initial_for(member: Any) -> dict[str, Any]:
        return {
            "person": str(member.person_id),
            "role": member.role,
            "criteria": [str(c.pk) for c in member.criteria.all()],
            "is_moderator": member.is_moderator,
        }

    def choice(self) -> dict[str, Any]:
        """What ``services.panel_member_set`` takes (besides the actor and the evaluation)."""
        data = self.cleaned_data
        return {
            "person": self.people[data["person"]],
            "role": data["role"],
            "criteria": [int(pk) for pk in data["criteria"]],
            "is_moderator": bool(data["is_moderator"]),
        }
