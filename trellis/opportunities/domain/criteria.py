"""Evaluation criteria: scoring scales with their descriptors, weights, and ready-made templates.

Criteria, weights and scales are published with the opportunity from day one, so that providers know how
they will be scored before they write: "make sure you are aware of criteria and the scoring framework
before you start writing your bid" (seed 003, "Bidding for Contracts").

Rows come in as mappings (from a form, the API or the demo file) and are checked field by field:
``parse_criteria(rows, complete=...)`` returns the cleaned rows or raises ``ValidationFailed`` naming each
field as ``criteria-<index>-<field>`` (the index counts from 0, as in a Django formset with prefix
``criteria``) and ``criteria`` for problems with the set as a whole (the weights' total).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from trellis.core.errors import ValidationFailed

HUNDRED = Decimal(100)
MAX_WORD_LIMIT = 5000
NAME_MAX = 200
SECTION_MAX = 120


class Scale(StrEnum):
    ZERO_FOUR = "0-4"
    ZERO_FIVE = "0-5"
    ZERO_TEN = "0-10"
    ZERO_HUNDRED = "0-100"
    MET_EXCEEDED = "met_exceeded"
    PASS_FAIL = "pass_fail"

    @property
    def label(self) -> str:
        return SCALES[self].label

    @property
    def info(self) -> ScaleInfo:
        return SCALES[self]


@dataclass(frozen=True)
class Level:
    """One point (or band) on a scale, with what a bid must do to reach it."""

    score: str  # "4", "70–89", "Met"
    label: str
    descriptor: str


@dataclass(frozen=True)
class ScaleInfo:
    scale: Scale
    label: str
    max_points: Decimal | None  # None for pass or fail: a gate, not a score
    levels: tuple[Level, ...]
    source: str

    @property
    def is_scored(self) -> bool:
        return self.max_points is not None


_SCALE_SOURCE = (
    "Common UK practice: 0–4 or 0–5 with descriptors saying what a bidder must do to reach each level "
    "(research notes, uk-rules §3.3)"
)

SCALES: dict[Scale, ScaleInfo] = {
    Scale.ZERO_FOUR: ScaleInfo(
        Scale.ZERO_FOUR,
        "0 to 4",
        Decimal(4),
        (
            Level("4", "Excellent", "Fully meets the requirement with clear evidence and added value beyond it."),
            Level("3", "Good", "Meets the requirement with good evidence; minor points to clarify."),
            Level("2", "Satisfactory", "Meets most of the requirement; some gaps or limited evidence."),
            Level("1", "Poor", "Meets little of the requirement; significant gaps or little evidence."),
            Level("0", "Unacceptable", "No answer, or an answer that does not address the requirement."),
        ),
        _SCALE_SOURCE,
    ),
    Scale.ZERO_FIVE: ScaleInfo(
        Scale.ZERO_FIVE,
        "0 to 5",
        Decimal(5),
        (
            Level("5", "Excellent", "Fully meets the requirement, with convincing evidence and added value."),
            Level("4", "Good", "Meets the requirement with good evidence."),
            Level("3", "Acceptable", "Meets the requirement, with some limited evidence."),
            Level("2", "Minor reservations", "Meets most of the requirement; some gaps or doubts."),
            Level("1", "Serious reservations", "Meets little of the requirement; major gaps."),
            Level("0", "Unacceptable", "No answer, or an answer that does not address the requirement."),
        ),
        _SCALE_SOURCE,
    ),
    Scale.ZERO_TEN: ScaleInfo(
        Scale.ZERO_TEN,
        "0 to 10",
        Decimal(10),
        (
            Level("9–10", "Excellent", "Fully meets the requirement, with convincing evidence and added value."),
            Level("7–8", "Good", "Meets the requirement with good evidence."),
            Level("5–6", "Acceptable", "Meets the requirement, with some limited evidence."),
            Level("3–4", "Reservations", "Meets part of the requirement; clear gaps."),
            Level("1–2", "Poor", "Meets little of the requirement."),
            Level("0", "Unacceptable", "No answer, or an answer that does not address the requirement."),
        ),
        "A ten-point scoring range (Scottish Government construction procurement handbook, Annex D; "
        "research notes, uk-rules §3.3); the descriptors are Trellis's own",
    ),
    Scale.ZERO_HUNDRED: ScaleInfo(
        Scale.ZERO_HUNDRED,
        "0 to 100",
        HUNDRED,
        (
            Level("90–100", "Excellent", "Fully meets the requirement, with convincing evidence and added value."),
            Level("70–89", "Good", "Meets the requirement with good evidence."),
            Level("50–69", "Acceptable", "Meets the requirement, with some limited evidence."),
            Level("30–49", "Reservations", "Meets part of the requirement; clear gaps or doubts."),
            Level("10–29", "Serious reservations", "Meets little of the requirement; major gaps."),
            Level("1–9", "Very poor", "Touches on the requirement but gives almost no evidence."),
            Level("0", "Unacceptable", "No answer, or an answer that does not address the requirement."),
        ),
        "Percentage style: 'Good' is 70% of the marks, 'Excellent' 90% or more (research notes, uk-rules §3.3). "
        "No band is wider than 20 marks, so each mark has a descriptor that is clear, measurable and specific "
        "(Procurement Act 2023 s.23(2)(b)); a 0 to 5 scale is easier still to mark consistently and to explain",
    ),
    Scale.MET_EXCEEDED: ScaleInfo(
        Scale.MET_EXCEEDED,
        "Not met, met or exceeded",
        Decimal(10),
        (
            Level("10", "Exceeded", "Goes beyond the requirement, with evidence of how."),
            Level("7", "Met", "Meets the requirement in full."),
            Level("0", "Not met", "Does not meet the requirement."),
        ),
        "Seed 003, 'Bidding for Contracts': bids scored on a met or exceeded basis, meeting a criterion giving "
        "7 out of 10 and further points only for exceeding it",
    ),
    Scale.PASS_FAIL: ScaleInfo(
        Scale.PASS_FAIL,
        "Pass or fail",
        None,
        (
            Level("Pass", "Pass", "Meets the stated minimum."),
            Level("Fail", "Fail", "Does not meet the stated minimum: the bid is not evaluated further."),
        ),
        "Minimum thresholds and pass or fail questions are lawful if stated in the assessment methodology "
        "(Procurement Act 2023 s.23(3)(a); research notes, uk-rules §3.3)",
    ),
}


@dataclass(frozen=True)
class Template:
    """A ready-made criterion a commissioner can add and then adapt."""

    key: str
    section: str
    name: str
    description: str
    suggested_weight: Decimal
    scale: Scale
    word_limit: int
    source: str

    def as_row(self, weight: Decimal | None = None) -> dict[str, Any]:
        return {
            "section": self.section,
            "name": self.name,
            "description": self.description,
            "weight": weight if weight is not None else self.suggested_weight,
            "scale": self.scale.value,
            "word_limit": self.word_limit,
            "is_price": False,
            "template": self.key,
        }


TEMPLATES: dict[str, Template] = {
    t.key: t
    for t in (
        Template(
            key="social_value",
            section="Social value",
            name="Social value",
            description=(
                "What additional benefits will your delivery of this service bring to people in the area: for "
                "example local jobs, volunteering and training, support for community groups, or less harm to "
                "the environment? Say what you commit to, how you will measure it and how you will report it. "
                "Commitments you make here become terms of the agreement."
            ),
            suggested_weight=Decimal(10),
            scale=Scale.ZERO_FIVE,
            word_limit=750,
            source=(
                "PPN 002 (2025): social value weighted at least 10% of the total score, commitments becoming "
                "contract terms; binding on central government, which councils may follow (research notes, "
                "uk-rules §2.1–2.2); seed 002 §3.14–3.16 (social clauses and wider outcomes)"
            ),
        ),
        Template(
            key="local_connectedness",
            section="Local connectedness",
            name="Local knowledge and connections",
            description=(
                "How does your organisation's knowledge of the area and its communities, and your work with "
                "local services, strategies and partnerships, help you deliver the outcomes sought? Give "
                "examples of local partnerships you are part of and what they have achieved."
            ),
            suggested_weight=Decimal(10),
            scale=Scale.ZERO_FIVE,
            word_limit=500,
            source=(
                "Seed 000, point 3: commissioners 'can focus tender assessment criteria on relevance to local "
                "strategies, services, and partnerships, thus creating a more level playing field for those orgs "
                "who are rooted in communities'"
            ),
        ),
        Template(
            key="user_involvement",
            section="User involvement",
            name="Involving the people who use the service",
            description=(
                "How will people who use the service, and their families or carers, help shape, run and review "
                "it? Describe how you involve people now, what changed as a result, and how you will do it here."
            ),
            suggested_weight=Decimal(10),
            scale=Scale.ZERO_FIVE,
            word_limit=500,
            source=(
                "Seed 000, point 1: 'develop specifications which incentivise collaboration, test local "
                "connectedness and encourage user involvement'"
            ),
        ),
        Template(
            key="collaboration",
            section="Collaboration",
            name="Working with other organisations",
            description=(
                "How will you work with other local organisations (voluntary, community and statutory) to "
                "deliver joined-up support? If you bid as a consortium or with partners, say who does what and "
                "how you will manage the partnership."
            ),
            suggested_weight=Decimal(10),
            scale=Scale.ZERO_FIVE,
            word_limit=500,
            source=(
                "Seed 000, point 1: 'specifications which incentivise collaboration'; seed 003, 'Consortium "
                "Delivery' (division of roles, playing to strengths)"
            ),
        ),
    )
}


@dataclass(frozen=True)
class CriterionRow:
    """A checked criterion, ready to store."""

    section: str
    name: str
    description: str
    weight: Decimal
    scale: Scale
    word_limit: int | None
    is_price: bool
    template: str
    min_mark: Decimal | None = None


def _text(row: Mapping[str, Any], key: str) -> str:
    value = row.get(key)
    return "" if value is None else str(value).strip()


def _decimal(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        result = Decimal(str(value).strip().rstrip("%").strip())
    except (InvalidOperation, ValueError):
        return None
    return result if result.is_finite() else None


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def _word_limit(value: Any) -> tuple[int | None, str]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, ""
    try:
        number = int(str(value).strip())
    except ValueError:
        return None, "Enter the word limit as a whole number, for example 500."
    if number < 1 or number > MAX_WORD_LIMIT:
        return None, f"The word limit must be between 1 and {MAX_WORD_LIMIT:,}."
    return number, ""


def _parse_row(index: int, row: Mapping[str, Any], errors: dict[str, list[str]]) -> CriterionRow | None:
    prefix = f"criteria-{index}-"
    own: dict[str, list[str]] = {}
    name = _text(row, "name")
    if not name:
        own["name"] = ["Enter the criterion's name."]
    elif len(name) > NAME_MAX:
        own["name"] = [f"The name must be {NAME_MAX} characters or fewer."]
    section = _text(row, "section")
    if len(section) > SECTION_MAX:
        own["section"] = [f"The section must be {SECTION_MAX} characters or fewer."]
    try:
        scale = Scale(_text(row, "scale") or Scale.ZERO_FIVE.value)
    except ValueError:
        own["scale"] = ["Choose a scoring scale from the list."]
        scale = Scale.ZERO_FIVE
    is_price = _bool(row.get("is_price"))
    weight = _decimal(row.get("weight"))
    if weight is None:
        own["weight"] = ["Enter the weight as a percentage, for example 20."]
    elif weight < 0 or weight > HUNDRED:
        own["weight"] = ["The weight must be between 0 and 100."]
    elif weight != weight.quantize(Decimal("0.01")):
        own["weight"] = ["The weight can have at most 2 decimal places."]
    elif scale.info.is_scored and weight == 0:
        own["weight"] = ["A scored criterion needs a weight above 0. Use the pass or fail scale for a gate."]
    elif not scale.info.is_scored and weight != 0:
        own["weight"] = ["A pass or fail criterion is a gate, not a score: give it a weight of 0."]
    if is_price and scale in (Scale.PASS_FAIL, Scale.MET_EXCEEDED):
        own["scale"] = ["Price is scored by a formula: choose a points scale such as 0 to 100."]
    word_limit, problem = _word_limit(row.get("word_limit"))
    if problem:
        own["word_limit"] = [problem]
    template = _text(row, "template")
    if template and template not in TEMPLATES:
        own["template"] = ["That template does not exist."]
    min_mark, problem = _min_mark(row.get("min_mark"), scale, is_price)
    if problem:
        own["min_mark"] = [problem]
    for key, messages in own.items():
        errors[prefix + key] = messages
    if own:
        return None
    assert weight is not None
    return CriterionRow(
        section=section,
        name=name,
        description=_text(row, "description"),
        weight=weight.quantize(Decimal("0.01")),
        scale=scale,
        word_limit=word_limit,
        is_price=is_price,
        template=template,
        min_mark=min_mark,
    )


def _min_mark(raw: Any, scale: Scale, is_price: bool) -> tuple[Decimal | None, str]:
    """A minimum quality threshold on the criterion's own scale (Act s.23(3): lawful when published)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, ""
    value = _decimal(raw)
    maximum = scale.info.max_points
    if is_price or maximum is None:
        return None, "Only a scored quality criterion can have a minimum mark (a pass or fail question is one already)."
    if value is None or value != value.to_integral_value():
        return None, "Enter the minimum mark as a whole number, for example 2."
    if not Decimal(0) < value <= maximum:
        return None, f"The minimum mark must be between 1 and {maximum:.0f}."
    return value, ""


def total_weight(weights: Sequence[Decimal]) -> Decimal:
    return sum(weights, Decimal(0))


def weight_errors(weights: Sequence[Decimal]) -> list[str]:
    """What is wrong with a set of weights for publishing ([] when they are ready)."""
    if not weights:
        return ["Add at least one evaluation criterion."]
    total = total_weight(weights)
    if total != HUNDRED:
        return [f"The weights must add up to 100. They add up to {format(total.normalize(), 'f')}."]
    return []


def parse_criteria(rows: Sequence[Mapping[str, Any]], *, complete: bool) -> list[CriterionRow]:
    """Check every row; with ``complete`` also that the set is ready to publish (weights total 100).

    A draft may be saved with weights that do not yet add up; a published set must."""
    if not isinstance(rows, Sequence) or isinstance(rows, str | bytes):
        raise ValidationFailed("The criteria must be a list.", errors={"criteria": ["The criteria must be a list."]})
    errors: dict[str, list[str]] = {}
    parsed: list[CriterionRow] = []
    for index, row in enumerate(rows):
        if not isinstance(row, Mapping):
            errors[f"criteria-{index}-name"] = ["Each criterion must have a name, weight and scale."]
            continue
        checked = _parse_row(index, row, errors)
        if checked is not None:
            parsed.append(checked)
    if sum(1 for r in parsed if r.is_price) > 1:
        errors["criteria"] = ["Only one criterion can be the price."]
    if complete and not errors:
        problems = weight_errors([r.weight for r in parsed])
        if problems:
            errors["criteria"] = problems
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, errors=errors)
    return parsed


def split(rows: Sequence[CriterionRow]) -> tuple[Decimal, Decimal]:
    """(price weight, quality weight) of a set of criteria."""
    price = total_weight([r.weight for r in rows if r.is_price])
    return price, total_weight([r.weight for r in rows if not r.is_price])
