"""Cleaning an opportunity's fields and rows: pure checks on what a form, the API or the demo file sends.

``clean_fields(data)`` checks the opportunity's own fields (text, money, choices, dates and moments) and returns
the clean values with every problem named by field. Lookups that need the database (service types, wards) stay
with the service, which adds their errors after these.

Rows (lots, eligibility items) are mappings; their problems are named ``<list>-<index>-<field>`` as a Django
formset with that prefix names its fields, and the list as a whole by its name (``lots``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from trellis.core.errors import ValidationFailed
from trellis.organisations.domain.accreditation import EvidenceKind
from trellis.routes.domain import Regime, Route

from . import stages as stage_rules
from .kinds import Kind
from .methodology import Exclusion, PriceMethod, TieBreak

Errors = dict[str, list[str]]

MAX_VALUE = Decimal("10000000000")
MAX_DURATION_MONTHS = 240
TEXT_LIMITS = {"title": 200, "summary": 600, "specification": 50_000, "outcomes": 10_000}
TEXT_FIELDS = tuple(TEXT_LIMITS)
BOOL_FIELDS = ("consortium_bids_invited", "show_bid_count_before_opening")
DATE_FIELDS = ("planned_publish_on", "award_expected_on", "service_starts_on")
MOMENT_FIELDS = ("questions_close_at", "closes_at")
#: Many-to-many fields, checked against the directory and the place by the service.
RELATION_FIELDS = ("service_types", "wards")
#: The published assessment methodology (domain/methodology.py), with the message when a choice is not known.
METHODOLOGY_CHOICES = {
    "price_method": (PriceMethod, "Choose how prices are scored."),
    "exclusion_rule": (Exclusion, "Choose what happens to a bid that fails a pass or fail question or a minimum."),
    "tie_break": (TieBreak, "Choose the tie-break rule."),
}
#: Choices that may be left blank, with the message when one is not known.
OPTIONAL_CHOICES: dict[str, tuple[Iterable[Any], str]] = {
    "route": (Route, "Choose a route from the list."),
    "regime": (Regime, "Choose a legal regime from the list."),
}
METHODOLOGY_FIELDS = (*METHODOLOGY_CHOICES, "min_quality_percent")
#: Every field ``opportunity_update`` accepts (and ``opportunity_create`` as ``**fields``).
EDITABLE_FIELDS = frozenset(
    {
        *TEXT_FIELDS,
        *BOOL_FIELDS,
        *DATE_FIELDS,
        *MOMENT_FIELDS,
        *RELATION_FIELDS,
        "kind",
        "estimated_value",
        "duration_months",
        "route",
        "regime",
        "stages",
        *METHODOLOGY_FIELDS,
    }
)
REQUIRED_MESSAGES = {"title": "Enter a title for the opportunity."}
MAX_LOTS = 20
MAX_ELIGIBILITY_ITEMS = 40
MAX_CRITERIA = 30
LOT_TITLE_MAX = 200
ELIGIBILITY_TEXT_MAX = 500
QUESTION_MAX = 5000
ANSWER_MAX = 10_000
CALL_OFF_FROM_FRAMEWORK = "A call-off is started from its framework's page, and stays a call-off."


def parse_money(value: Any) -> tuple[Decimal | None, str]:
    """An amount in pounds (``£1,500.50`` is fine), or None when blank; with the problem, if any."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, ""
    try:
        amount = Decimal(str(value).replace(",", "").replace("£", "").strip())
    except InvalidOperation:
        return None, "Enter an amount in pounds, like 150000."
    if not amount.is_finite() or amount < 0:
        return None, "Enter an amount of 0 or more, in pounds."
    if amount >= MAX_VALUE:
        return None, "Enter an amount under £10 billion."
    if amount != amount.quantize(Decimal("0.01")):
        return None, "Enter pounds and pence, with at most 2 decimal places."
    return amount.quantize(Decimal("0.01")), ""


def codes(values: Iterable[Any] | None, attr: str) -> list[str]:
    """The codes of chosen objects (their ``attr``), or the codes themselves when given as text."""
    return [str(getattr(v, attr, v)) for v in values or []]


def _text_fields(data: Mapping[str, Any], clean: dict[str, Any], errors: Errors) -> None:
    for name in TEXT_FIELDS:
        if name in data:
            text = "" if data[name] is None else str(data[name]).strip()
            if name in REQUIRED_MESSAGES and not text:
                errors[name] = [REQUIRED_MESSAGES[name]]
            elif len(text) > TEXT_LIMITS[name]:
                errors[name] = [f"Keep it to {TEXT_LIMITS[name]:,} characters or fewer."]
            clean[name] = text
    for name in BOOL_FIELDS:
        if name in data:
            clean[name] = bool(data[name])


def _duration(raw: Any) -> tuple[int | None, str]:
    if raw in (None, ""):
        return None, ""
    try:
        months = int(str(raw).strip())
    except ValueError:
        months = -1
    if not 1 <= months <= MAX_DURATION_MONTHS:
        return months, f"Enter a length from 1 to {MAX_DURATION_MONTHS} months."
    return months, ""


def _numbers(data: Mapping[str, Any], clean: dict[str, Any], errors: Errors) -> None:
    if "kind" in data:
        try:
            clean["kind"] = Kind(str(data["kind"])).value
        except ValueError:
            errors["kind"] = ["Choose the type of opportunity."]
    if "estimated_value" in data:
        clean["estimated_value"], problem = parse_money(data["estimated_value"])
        if problem:
            errors["estimated_value"] = [problem]
    if "duration_months" in data:
        clean["duration_months"], problem = _duration(data["duration_months"])
        if problem:
            errors["duration_months"] = [problem]


def _choices(data: Mapping[str, Any], clean: dict[str, Any], errors: Errors) -> None:
    for name, (choices, message) in OPTIONAL_CHOICES.items():
        if name in data:
            value = str(data[name] or "")
            if value and value not in {c.value for c in choices}:
                errors[name] = [message]
            clean[name] = value
    for name, (methods, message) in METHODOLOGY_CHOICES.items():
        if name in data:
            value = str(data[name] or "")
            if value not in {c.value for c in methods}:
                errors[name] = [message]
            clean[name] = value
    if "min_quality_percent" in data:
        minimum, problem = parse_money(data["min_quality_percent"])
        if problem or (minimum is not None and not Decimal(0) <= minimum <= Decimal(100)):
            errors["min_quality_percent"] = ["Enter the minimum quality score as a percentage from 0 to 100."]
        clean["min_quality_percent"] = minimum
    if "stages" in data:
        stages = [str(s) for s in (data["stages"] or [])]
        problems = stage_rules.plan_errors(stages) if stages else []
        if problems:
            errors["stages"] = problems
        clean["stages"] = stages


def _moments(data: Mapping[str, Any], clean: dict[str, Any], errors: Errors) -> None:
    for name in DATE_FIELDS:
        if name in data:
            value = data[name]
            if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
                errors[name] = ["Enter a real date."]
            clean[name] = value
    for name in MOMENT_FIELDS:
        if name in data:
            value = data[name]
            if value is not None and not isinstance(value, datetime):
                errors[name] = ["Enter a real date and time."]
            elif value is not None and value.utcoffset() is None:
                errors[name] = ["Enter the time with its time zone."]
            clean[name] = value


def clean_fields(data: Mapping[str, Any]) -> tuple[dict[str, Any], Errors]:
    """Check each given field except the relations (``RELATION_FIELDS``); returns (clean values, errors).

    A field not in ``EDITABLE_FIELDS`` is an error of its own. Every problem is named, by field."""
    clean: dict[str, Any] = {}
    errors: Errors = {name: ["This field cannot be changed here."] for name in sorted(set(data) - EDITABLE_FIELDS)}
    _text_fields(data, clean, errors)
    _numbers(data, clean, errors)
    _choices(data, clean, errors)
    _moments(data, clean, errors)
    return clean, errors


def call_off_errors(*, kind: str, is_call_off: bool) -> Errors:
    """A call-off is made only from its framework (``is_call_off``), and stays one: the kind must agree."""
    if (kind == Kind.CALL_OFF) != is_call_off:
        return {"kind": [CALL_OFF_FROM_FRAMEWORK]}
    return {}


# Rows ------------------------------------------------------------------------------------------------------------


def rows(value: Any, name: str, limit: int) -> list[Mapping[str, Any]]:
    """The rows of a list (``lots``, ``eligibility``, ``criteria``): a sequence of mappings, at most ``limit``.
    Raises ``ValidationFailed`` naming the list, or the first row that is not a mapping."""
    if not isinstance(value, Sequence) or isinstance(value, str | bytes):
        raise ValidationFailed.of({name: [f"The {name} must be a list."]})
    if len(value) > limit:
        raise ValidationFailed.of({name: [f"There can be at most {limit} {name}."]})
    bad = [i for i, row in enumerate(value) if not isinstance(row, Mapping)]
    if bad:
        raise ValidationFailed.of({f"{name}-{bad[0]}-title": ["Each row must be a set of named values."]})
    return list(value)


@dataclass(frozen=True)
class LotRow:
    title: str
    description: str
    value: Decimal


def clean_lots(value: Any, *, estimated_value: Decimal | None) -> list[LotRow]:
    """The lots, each with a title and a value; together they cannot exceed the opportunity's estimated value.
    Raises ``ValidationFailed`` naming every problem (``lots-<index>-title``, ``lots-<index>-value``, ``lots``)."""
    errors: Errors = {}
    clean: list[tuple[str, str, Decimal | None]] = []
    for i, row in enumerate(rows(value, "lots", MAX_LOTS)):
        title = str(row.get("title") or "").strip()
        description = str(row.get("description") or "").strip()
        amount, problem = parse_money(row.get("value"))
        if not title:
            errors[f"lots-{i}-title"] = ["Enter a title for the lot."]
        elif len(title) > LOT_TITLE_MAX:
            errors[f"lots-{i}-title"] = [f"Keep the title to {LOT_TITLE_MAX} characters or fewer."]
        if problem or amount is None:
            errors[f"lots-{i}-value"] = [problem or "Enter the value of the lot, in pounds."]
        clean.append((title, description, amount))
    total = sum((v for _, _, v in clean if v is not None), Decimal(0))
    if not errors and estimated_value is not None and total > estimated_value:
        errors["lots"] = [
            f"The lots add up to £{total:,.2f}, more than the estimated value of £{estimated_value:,.2f}."
        ]
    if errors:
        raise ValidationFailed.of(errors, "The lots cannot be saved.")
    return [LotRow(t, d, v) for t, d, v in clean if v is not None]


@dataclass(frozen=True)
class EligibilityRow:
    text: str
    essential: bool
    evidence_kind: str = ""  # the accreditation evidence that shows the item is met, if any


#: The accreditation evidence a checklist item may name as showing it is met.
EVIDENCE_KINDS = frozenset(k.value for k in EvidenceKind)


def clean_eligibility(value: Any) -> list[EligibilityRow]:
    """The eligibility checklist: each item's requirement (``text``), whether it is essential (the default) and the
    kind of accreditation evidence that shows it is met (``evidence_kind``, optional). Raises ``ValidationFailed``
    naming every problem (``eligibility-<index>-text``, ``eligibility-<index>-evidence_kind``)."""
    errors: Errors = {}
    clean = []
    for i, row in enumerate(rows(value, "eligibility", MAX_ELIGIBILITY_ITEMS)):
        text = str(row.get("text") or "").strip()
        if not text:
            errors[f"eligibility-{i}-text"] = ["Enter the requirement."]
        elif len(text) > ELIGIBILITY_TEXT_MAX:
            errors[f"eligibility-{i}-text"] = [f"Keep it to {ELIGIBILITY_TEXT_MAX} characters or fewer."]
        kind = str(row.get("evidence_kind") or "").strip()
        if kind and kind not in EVIDENCE_KINDS:
            errors[f"eligibility-{i}-evidence_kind"] = ["Choose a kind of evidence from the list, or none."]
        clean.append(EligibilityRow(text, bool(row.get("essential", True)), kind))
    if errors:
        raise ValidationFailed.of(errors, "The checklist cannot be saved.")
    return clean


# Clarification questions -----------------------------------------------------------------------------------------


def clean_question(question: str | None) -> str:
    """A provider's question, trimmed; raises ``ValidationFailed`` on ``question`` when empty or too long."""
    text = (question or "").strip()
    if not text:
        raise ValidationFailed.of({"question": ["Enter your question."]})
    if len(text) > QUESTION_MAX:
        raise ValidationFailed.of({"question": [f"Keep your question to {QUESTION_MAX:,} characters or fewer."]})
    return text


def clean_answer(answer: str | None, *, withdrawn: bool) -> str:
    """The answer to a question, trimmed; raises ``ValidationFailed`` on ``answer`` when the question was withdrawn,
    or the answer is empty or too long."""
    text = (answer or "").strip()
    if withdrawn:
        raise ValidationFailed.of({"answer": ["This question was withdrawn."]})
    if not text:
        raise ValidationFailed.of({"answer": ["Enter the answer."]})
    if len(text) > ANSWER_MAX:
        raise ValidationFailed.of({"answer": [f"Keep the answer to {ANSWER_MAX:,} characters or fewer."]})
    return text
