"""The questions in order, which of them apply, and the answers as a GOV.UK summary list.

Answers are kept in the session under ``SESSION_KEY`` as plain JSON: the need (title, description, place)
and the facts, by the engine's field names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from trellis.organisations import selectors as directory
from trellis.places.selectors import wards as place_wards
from trellis.routes import forms
from trellis.routes.domain import DIRECT_AWARD_JUSTIFICATIONS
from trellis.routes.domain.facts import FIELDS as FACT_FIELDS

SESSION_KEY = "routes_advisor"
NEED_FIELDS = ("need_title", "need_description", "place")


def direct_award_relevant(answers: dict[str, Any]) -> bool:
    """Ask about a direct award only when buying a service under the Act and something makes it plausible:
    extreme urgency, one capable provider or none, something new, a current provider's offer, or a light
    touch service where a person's own choice of provider could count."""
    if answers.get("purpose") != "buy_service" or answers.get("service_category") == "health_care":
        return False
    providers = answers.get("capable_providers")
    return bool(
        answers.get("urgency") == "extreme"
        or (providers is not None and providers <= 1)
        or answers.get("innovation")
        or answers.get("incumbent_scenario")
        or answers.get("service_category") == "light_touch"
    )


@dataclass(frozen=True)
class Step:
    slug: str
    form: type[forms.QuestionForm]
    title: str  # the page's heading (and the check page's section)
    fields: tuple[str, ...]
    relevant: Callable[[dict[str, Any]], bool] = field(default=lambda answers: True)

    def answered(self, answers: dict[str, Any]) -> bool:
        return all(name in answers for name in self.fields if name not in OPTIONAL_ANSWERS)


OPTIONAL_ANSWERS = {"need_description", "service_types", "wards"}

STEPS: tuple[Step, ...] = (
    Step("need", forms.NeedForm, "Describe the need", (*NEED_FIELDS, "service_types", "wards")),
    Step("purpose", forms.PurposeForm, "What is the money for?", ("purpose",)),
    Step("category", forms.CategoryForm, "What is being bought or funded?", ("service_category",)),
    Step("authority", forms.AuthorityForm, "Who is buying or funding it?", ("authority_class",)),
    Step(
        "value",
        forms.ValueForm,
        "How much is it worth and how long will it run?",
        ("estimated_value_gbp", "duration_months"),
    ),
    Step("start", forms.StartForm, "When will the procurement or funding round start?", ("procurement_start",)),
    Step(
        "providers",
        forms.ProvidersForm,
        "Who could deliver it?",
        ("capable_providers", "capable_small_or_local"),
    ),
    Step(
        "incumbent",
        forms.IncumbentForm,
        "Is the current provider proposing a deal to carry on without a new competition?",
        ("incumbent_scenario",),
    ),
    Step("codesign", forms.CodesignForm, "Co-design and innovation", ("needs_codesign", "innovation")),
    Step(
        "other-authorities",
        forms.CrossAuthorityForm,
        "Other authorities and frameworks",
        ("cross_authority", "existing_framework"),
    ),
    Step("urgency", forms.UrgencyForm, "Urgency and risk", ("urgency", "risk")),
    Step(
        "direct-award",
        forms.DirectAwardForm,
        "Does one of these legal grounds for awarding directly, without a competition, apply?",
        ("direct_award_justification",),
        relevant=direct_award_relevant,
    ),
)
STEP_BY_SLUG = {step.slug: step for step in STEPS}


def relevant_steps(answers: dict[str, Any]) -> list[Step]:
    return [step for step in STEPS if step.relevant(answers)]


def first_unanswered(answers: dict[str, Any]) -> Step | None:
    for step in relevant_steps(answers):
        if not step.answered(answers):
            return step
    return None


def previous_step(step: Step, answers: dict[str, Any]) -> Step | None:
    before = None
    for candidate in relevant_steps(answers):
        if candidate.slug == step.slug:
            return before
        before = candidate
    return before


def next_step(step: Step, answers: dict[str, Any]) -> Step | None:
    found = False
    for candidate in relevant_steps(answers):
        if found:
            return candidate
        found = candidate.slug == step.slug
    return None


def facts_from(answers: dict[str, Any]) -> dict[str, Any]:
    """The facts the engine takes, from the answers; a direct award ground only when the question applies."""
    facts = {name: answers[name] for name in FACT_FIELDS if name in answers}
    if not direct_award_relevant(answers):
        facts["direct_award_justification"] = ""
    return facts


def step_for_field(name: str) -> Step | None:
    for step in STEPS:
        if name in step.fields:
            return step
    return None


# The answers, for people to read ------------------------------------------------------------------


def _label(choices: list[tuple[str, str, str]], value: Any) -> str:
    for key, text, _ in choices:
        if key == str(value):
            return text
    return str(value)


def _yes_no(value: Any) -> str:
    return "Yes" if value else "No"


def _months(value: Any) -> str:
    months = int(value)
    years, rest = divmod(months, 12)
    text = f"{months} month{'s' if months != 1 else ''}"
    if years and not rest:
        text += f" ({years} year{'s' if years != 1 else ''})"
    return text


def _money(value: Any) -> str:
    amount = float(value)
    return f"£{amount:,.0f}" if amount == int(amount) else f"£{amount:,.2f}"


def _start(value: Any) -> str:
    from datetime import date

    day = date.fromisoformat(str(value))
    return f"{day.day} {day:%B %Y}"


def _justification(value: Any) -> str:
    if not value:
        return "None"
    ground = DIRECT_AWARD_JUSTIFICATIONS.get(str(value))
    return f"{ground.title} ({ground.citation})" if ground else str(value)


@dataclass(frozen=True)
class AnswerRow:
    key: str
    label: str
    value: str
    step: str


def answer_rows(answers: dict[str, Any], *, place_name: str = "") -> list[AnswerRow]:
    """Every answer given, in question order, as text."""
    services = dict(directory.service_types().values_list("code", "name"))
    ward_names = dict(place_wards().values_list("gss_code", "name"))
    shown: list[tuple[str, str, Callable[[Any], str]]] = [
        ("need_title", "Need", str),
        ("need_description", "Description", lambda v: v or "Not given"),
        ("place", "Place", lambda v: place_name or str(v)),
        ("service_types", "Services", lambda v: ", ".join(services.get(c, c) for c in v) or "None chosen"),
        ("wards", "Wards", lambda v: ", ".join(ward_names.get(c, c) for c in v) or "The whole area"),
        ("purpose", "What the money is for", lambda v: _label(forms.PURPOSES, v)),
        ("service_category", "What is bought or funded", lambda v: _label(forms.CATEGORIES, v)),
        ("authority_class", "Who is buying or funding it", lambda v: _label(forms.AUTHORITIES, v)),
        ("estimated_value_gbp", "Whole-life value, including VAT", _money),
        ("duration_months", "How long it will run", _months),
        ("procurement_start", "Procurement start", _start),
        ("capable_providers", "Providers who could deliver it", str),
        ("capable_small_or_local", "Of which small or local", str),
        ("incumbent_scenario", "Current provider's proposal", lambda v: _label(forms.INCUMBENT_SCENARIOS, v)),
        ("needs_codesign", "Needs co-design", _yes_no),
        ("innovation", "New or untested", _yes_no),
        ("cross_authority", "With other authorities", lambda v: _label(forms.CROSS_AUTHORITY, v)),
        ("existing_framework", "A suitable framework exists", _yes_no),
        ("urgency", "Urgency", lambda v: _label(forms.URGENCY, v)),
        ("risk", "Risk", lambda v: _label(forms.RISK, v)),
        ("direct_award_justification", "Ground for a direct award", _justification),
    ]
    rows = []
    for key, label, show in shown:
        step = step_for_field(key)
        if key not in answers or step is None or not step.relevant(answers):
            continue
        if key == "place" and not place_name:
            continue
        rows.append(AnswerRow(key, label, show(answers[key]), step.slug))
    return rows
