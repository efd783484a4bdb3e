"""The route advisor's questions, one form per page, and the form that saves a decision.

Field names are the names of the facts the engine takes (``trellis.routes.domain.Facts``), so an answer
goes from a page into the facts unchanged. Each form checks what it can on its own page; the engine checks
the whole set again before it advises.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from trellis.core.forms import Form, error_links
from trellis.organisations import selectors as directory
from trellis.organisations.forms.profile import NUMERIC, GovukDateField, PoundsField
from trellis.places.selectors import wards as place_wards
from trellis.routes.domain import DIRECT_AWARD_JUSTIFICATIONS, SCENARIOS

EARLIEST_START = datetime.date(2015, 1, 1)
LATEST_START = datetime.date(2100, 12, 31)
MAX_VALUE = 10_000_000_000
MAX_MONTHS = 240

YES_NO = [("yes", "Yes"), ("no", "No")]


class Radios(forms.RadioSelect):
    """Radios that can carry a hint under each option (``hints``: value -> text)."""

    def __init__(self, *args, hints: dict[str, str] | None = None, inline: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.hints = hints or {}
        self.inline = inline

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["hint"] = self.hints.get(str(value), "")
        if option["hint"]:
            option["attrs"]["aria-describedby"] = f"{option['attrs']['id']}-hint"
        return option


class YesNoField(forms.TypedChoiceField):
    def __init__(self, *, label: str, required_message: str, **kwargs):
        super().__init__(
            label=label,
            choices=YES_NO,
            coerce=lambda v: v == "yes",
            widget=Radios(inline=True),
            error_messages={"required": required_message, "invalid_choice": required_message},
            **kwargs,
        )

    def prepare_value(self, value):
        if value is True:
            return "yes"
        if value is False:
            return "no"
        return value


def _radios(label: str, choices: list[tuple[str, str, str]], message: str, **kwargs) -> forms.ChoiceField:
    """A required choice drawn as radios; each choice is (value, label, hint)."""
    return forms.ChoiceField(
        label=label,
        choices=[(value, text) for value, text, _ in choices],
        widget=Radios(hints={value: hint for value, _, hint in choices if hint}),
        error_messages={"required": message, "invalid_choice": message},
        **kwargs,
    )


class QuestionForm(Form):
    """One page of questions. ``answers()`` gives the facts it sets, ready to keep in the session.

    With a single question on the page, that question is the page's heading (GOV.UK "one question per page")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        visible = [f for f in self.fields.values() if not f.widget.is_hidden]
        for f in self.fields.values():
            f.is_page_heading = len(visible) == 1
            if isinstance(f.widget, Radios):
                f.template_name = "routes/includes/radios.html"
            elif isinstance(f, GovukDateField):
                f.template_name = "routes/includes/date.html"

    @property
    def error_links(self) -> list[tuple[str, str]]:
        return error_links(self)

    @property
    def is_single_question(self) -> bool:
        return any(getattr(f, "is_page_heading", False) for f in self.fields.values())

    def answers(self) -> dict[str, Any]:
        return dict(self.cleaned_data)

    @classmethod
    def initial_from(cls, answers: dict[str, Any]) -> dict[str, Any]:
        return {name: answers[name] for name in cls.base_fields if name in answers}


# 1. The need ---------------------------------------------------------------------------------------


class NeedForm(QuestionForm):
    need_title = forms.CharField(
        label="What is the need called?",
        max_length=200,
        help_text="A short title, for example “Befriending for isolated older people in the east of the borough”.",
        error_messages={
            "required": "Enter a short title for the need.",
            "max_length": "The title must be 200 characters or fewer.",
        },
    )
    need_description = forms.CharField(
        label="Describe the need",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Who it is for, what should change for them, and what is there now.",
        error_messages={"max_length": "The description must be 5,000 characters or fewer."},
    )
    place = forms.ChoiceField(
        label="Which place is it for?", error_messages={"required": "Choose the place the need is in."}
    )
    service_types = forms.MultipleChoiceField(
        label="What kind of service would meet it?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. Trellis counts the providers in the directory that offer them.",
        error_messages={"invalid_choice": "Choose services from the list."},
    )
    wards = forms.MultipleChoiceField(
        label="Where is it needed?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select the wards. Leave them all empty if it is needed across the whole area.",
        error_messages={"invalid_choice": "Choose wards from the list."},
    )

    def __init__(self, *args, places: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.places = {p.slug: p for p in places}
        self.fields["place"].choices = [(p.slug, p.name) for p in places]
        if len(places) <= 1:
            self.fields["place"].widget = forms.HiddenInput()
            self.fields["place"].initial = places[0].slug if places else ""
        self.fields["service_types"].choices = [(s.code, s.name) for s in directory.service_types()]
        chosen = self.places.get(self.data.get("place") or self.initial.get("place") or "")
        self.fields["wards"].choices = [(w.gss_code, w.name) for w in place_wards(chosen)]

    def clean_need_title(self) -> str:
        return " ".join(self.cleaned_data["need_title"].split())


# 2–4. What kind of arrangement ----------------------------------------------------------------------

PURPOSES = [
    (
        "buy_service",
        "The council is buying a service it needs",
        "The council sets what is to be delivered and gets it in return for payment: a contract.",
    ),
    (
        "fund_own_activity",
        "The council is funding an organisation's own activity",
        "The organisation proposes and runs the activity for public benefit; the council gets nothing "
        "in return but the outcome: a grant.",
    ),
    (
        "community_led_small_grants",
        "Small grants decided with the community",
        "Many small awards to community groups, for example through participatory budgeting.",
    ),
]

CATEGORIES = [
    (
        "light_touch",
        "Social, health, education or community services for people",
        "Services provided directly to people or groups, such as support, advice, care or youth work "
        "(light touch services).",
    ),
    (
        "health_care",
        "Health care services",
        "For example drug and alcohol treatment, sexual health or health visiting: the NHS Provider "
        "Selection Regime applies.",
    ),
    ("goods_services", "Other goods or services", "For example equipment, cleaning, IT or consultancy."),
    ("works", "Building or civil engineering works", "Construction, refurbishment or demolition."),
]

#: Procurement Regulations 2024 reg 44 and Schedule 2 list the central government authorities, NHS England, NHS
#: trusts and NHS foundation trusts among them; every other contracting authority is sub-central (Procurement Act
#: 2023 Schedule 1 para 5(1)).
AUTHORITIES = [
    (
        "sub_central",
        "A local authority or another sub-central body",
        "Councils, combined and fire authorities, and any public body not listed as central government.",
    ),
    (
        "central",
        "A central government authority",
        "A government department, NHS England, an NHS trust or an NHS foundation trust, or another body listed as "
        "central government; lower thresholds apply.",
    ),
]


class PurposeForm(QuestionForm):
    purpose = _radios("What is the money for?", PURPOSES, "Select what the money is for.")


class CategoryForm(QuestionForm):
    service_category = _radios("What is being bought or funded?", CATEGORIES, "Select what is being bought or funded.")


class AuthorityForm(QuestionForm):
    authority_class = _radios("Who is buying or funding it?", AUTHORITIES, "Select who is buying or funding it.")


# 5–6. Value, length and start ------------------------------------------------------------------------


class ValueForm(QuestionForm):
    estimated_value_gbp = PoundsField(
        label="Estimated whole-life value, including VAT",
        help_text="In pounds, for every year and any extensions, including VAT. For example 450000.",
        max_value=MAX_VALUE - 1,
        error_messages={
            "required": "Enter the estimated whole-life value in pounds.",
            "min_value": "The value must be £0 or more.",
            "max_value": "The value must be less than £10,000,000,000.",
            "max_digits": "The value must be less than £10,000,000,000.",
        },
    )
    duration_months = forms.IntegerField(
        label="How long will it run, in months?",
        min_value=1,
        max_value=MAX_MONTHS,
        help_text="Including any extensions. For example 36 for three years.",
        widget=forms.TextInput(attrs=NUMERIC),
        error_messages={
            "required": "Enter how many months it will run.",
            "invalid": "How long it will run must be a whole number of months, like 36.",
            "min_value": "It must run for at least 1 month.",
            "max_value": f"It must run for {MAX_MONTHS} months (20 years) or fewer.",
        },
    )
    width_classes = {"estimated_value_gbp": "govuk-input--width-10", "duration_months": "govuk-input--width-3"}

    def answers(self) -> dict[str, Any]:
        value = self.cleaned_data["estimated_value_gbp"]
        return {"estimated_value_gbp": int(value), "duration_months": self.cleaned_data["duration_months"]}


class StartForm(QuestionForm):
    procurement_start = GovukDateField(
        label="When will the procurement or funding round start?",
        help_text="The day you first publish a notice or invite applications. For example, 1 4 2026.",
        error_messages={"required": "Enter the date the procurement or funding round will start."},
    )

    def clean_procurement_start(self) -> datetime.date:
        start = self.cleaned_data["procurement_start"]
        if not EARLIEST_START <= start <= LATEST_START:
            raise ValidationError("The start date must be between 1 January 2015 and 31 December 2100.")
        return start

    def answers(self) -> dict[str, Any]:
        return {"procurement_start": self.cleaned_data["procurement_start"].isoformat()}

    @classmethod
    def initial_from(cls, answers: dict[str, Any]) -> dict[str, Any]:
        start = answers.get("procurement_start")
        return {"procurement_start": datetime.date.fromisoformat(start)} if start else {}


# 7. Capable providers ---------------------------------------------------------------------------------


class ProvidersForm(QuestionForm):
    capable_providers = forms.IntegerField(
        label="How many providers could deliver it?",
        min_value=0,
        help_text="Organisations able and willing to deliver this service in these wards.",
        widget=forms.TextInput(attrs=NUMERIC),
        error_messages={
            "required": "Enter how many providers could deliver it.",
            "invalid": "The number of providers must be a whole number, like 6.",
            "min_value": "The number of providers must be 0 or more.",
        },
    )
    capable_small_or_local = forms.IntegerField(
        label="How many of them are small or local?",
        min_value=0,
        help_text="Small: an annual income under £100,000. Local: registered office in the area.",
        widget=forms.TextInput(attrs=NUMERIC),
        error_messages={
            "required": "Enter how many of them are small or local.",
            "invalid": "The number of small or local providers must be a whole number, like 3.",
            "min_value": "The number of small or local providers must be 0 or more.",
        },
    )
    width_classes = {"capable_providers": "govuk-input--width-4", "capable_small_or_local": "govuk-input--width-4"}

    def clean(self):
        data = super().clean()
        total, small = data.get("capable_providers"), data.get("capable_small_or_local")
        if total is not None and small is not None and small > total:
            self.add_error(
                "capable_small_or_local",
                "The number of small or local providers cannot be more than all the providers.",
            )
        return data


# 8. Incumbent -------------------------------------------------------------------------------------

#: None, or one of the seven scenarios of Appendix E of the five boroughs' partnering report (as the engine has them).
INCUMBENT_SCENARIOS = [("0", "No: there is no current provider proposing a deal", "")] + [
    (str(number), f"Scenario {number}: {scenario.title}", scenario.description)
    for number, scenario in sorted(SCENARIOS.items())
]


class IncumbentForm(QuestionForm):
    incumbent_scenario = forms.TypedChoiceField(
        label="Is the current provider proposing a deal to carry on without a new competition?",
        choices=[(value, text) for value, text, _ in INCUMBENT_SCENARIOS],
        coerce=int,
        widget=Radios(hints={value: hint for value, _, hint in INCUMBENT_SCENARIOS if hint}),
        error_messages={
            "required": "Select whether the current provider is proposing a deal.",
            "invalid_choice": "Select whether the current provider is proposing a deal.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.initial.get("incumbent_scenario") is not None:
            self.initial["incumbent_scenario"] = str(self.initial["incumbent_scenario"])


# 9–11. Co-design, other authorities, urgency -----------------------------------------------------------


class CodesignForm(QuestionForm):
    needs_codesign = YesNoField(
        label="Does the service need to be designed with providers and the people who will use it?",
        required_message="Select yes if the service needs to be designed with providers and the people who use it.",
    )
    innovation = YesNoField(
        label="Is it new or untested: something to try out or develop?",
        required_message="Select yes if the service is new or untested.",
    )


CROSS_AUTHORITY = [
    ("none", "No, just this authority", ""),
    ("lead_authority", "Yes, several authorities together, with one leading", "For example neighbouring councils."),
    (
        "framework_access",
        "Yes, using another body's framework through an access agreement",
        "For example a regional framework another council or a purchasing body set up.",
    ),
]


class CrossAuthorityForm(QuestionForm):
    cross_authority = _radios(
        "Is this being bought or funded with other authorities?",
        CROSS_AUTHORITY,
        "Select whether this is being bought or funded with other authorities.",
    )
    existing_framework = YesNoField(
        label="Is there already a suitable framework the authority could call off from?",
        required_message="Select yes if there is already a suitable framework.",
    )


URGENCY = [
    ("normal", "No particular urgency", ""),
    ("urgent", "Urgent", "It must start sooner than a normal process allows."),
    (
        "extreme",
        "Extreme and unavoidable urgency",
        "An emergency the authority did not cause and could not foresee, for example a provider collapsing.",
    ),
]
RISK = [
    ("low", "Low", "Little harm if it goes wrong; easy to put right."),
    ("medium", "Medium", ""),
    ("high", "High", "Vulnerable people, safeguarding, or a service that is hard to replace."),
]


class UrgencyForm(QuestionForm):
    urgency = _radios("How urgent is it?", URGENCY, "Select how urgent it is.")
    risk = _radios("How risky is the service?", RISK, "Select how risky the service is.")


# 12. Direct award -------------------------------------------------------------------------------


def direct_award_choices() -> list[tuple[str, str, str]]:
    choices = [
        (key, f"{j.title} (Schedule 5 paragraph {j.paragraph})", j.text)
        for key, j in DIRECT_AWARD_JUSTIFICATIONS.items()
    ]
    return [("", "None of these", ""), *choices]


class DirectAwardForm(QuestionForm):
    direct_award_justification = forms.ChoiceField(
        label="Does one of these legal grounds for awarding directly, without a competition, apply?",
        required=False,
        widget=Radios(),
        help_text="A direct award is lawful only on a ground in Schedule 5 to the Procurement Act 2023. "
        "Choose “None of these” if you are not sure.",
        error_messages={"invalid_choice": "Select a ground from the list, or “None of these”."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = direct_award_choices()
        field = self.fields["direct_award_justification"]
        field.choices = [(value, text) for value, text, _ in choices]
        field.widget.hints = {value: hint for value, _, hint in choices if hint}
        if "direct_award_justification" not in self.initial:
            self.initial["direct_award_justification"] = ""


# Saving a decision ------------------------------------------------------------------------------


class DecisionForm(Form):
    chosen_route = forms.ChoiceField(
        label="Which route have you decided on?",
        widget=Radios(),
        error_messages={
            "required": "Select the route you have decided on.",
            "invalid_choice": "Select one of the suitable routes.",
        },
    )
    rationale = forms.CharField(
        label="Why this route?",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Needed if you chose a route other than the recommended one. Say what you weighed up: "
        "people who read the record later will rely on it.",
        error_messages={"max_length": "The reasons must be 5,000 characters or fewer."},
    )

    def __init__(self, *args, routes: list[tuple[str, str, str]], every_route: list[str], **kwargs):
        """``routes``: (key, label, hint) for each route offered. Any route the advisor knows is accepted here:
        whether it is suitable is the service's decision, so a tampered form meets the same check."""
        super().__init__(*args, **kwargs)
        field = self.fields["chosen_route"]
        field.choices = [(key, key) for key in every_route]
        field.widget.choices = [(key, label) for key, label, _ in routes]
        field.widget.hints = {key: hint for key, _, hint in routes if hint}
        field.template_name = "routes/includes/radios.html"

    @property
    def error_links(self) -> list[tuple[str, str]]:
        return error_links(self)
