"""The evaluation scheme and its input: criteria (grouped in sections), weights, scales, gates, minimum marks, the
published disqualification and tie-break rules, and the bids, prices and marks to evaluate.

The scales are the ones published with the opportunity (``trellis.opportunities.domain.criteria.SCALES``). A mark
must be one of a scale's levels; where a level is a band (9–10, 70–89), any whole number in the band. A pass or fail
criterion is a gate: weight 0, marked 1 (pass) or 0 (fail). Minimum thresholds and pass or fail questions are lawful
when the assessment methodology states them, with whether failing one disqualifies the bid (Procurement Act 2023
s.23(3); research notes, uk-rules §1.6 and §3.3).

``check_scheme`` and ``check_marks`` raise ``ValidationFailed`` whose ``errors`` name every problem by its path:
``criteria[2].weight``, ``bids.Alpha.price``, ``marks.Evaluator 1.Alpha.delivery``, ``consensus.Alpha.delivery``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from trellis.core.errors import ValidationFailed
from trellis.evaluation.domain.price import MAX_PRICE, PriceMethod, price_problem
from trellis.evaluation.domain.price import is_number as _is_number
from trellis.opportunities.domain.criteria import NAME_MAX, SCALES, SECTION_MAX, Scale
from trellis.opportunities.domain.methodology import Exclusion, TieBreak

HUNDRED = Decimal(100)
CENTI = Decimal("0.01")
#: The allowed spread of evaluators' marks, as a fraction of the scale's maximum, before a criterion is flagged for
#: moderation. A design choice, not a rule (research notes, uk-rules §3.4: ``moderation_needed(scores, threshold)``).
DEFAULT_DIVERGENCE = Decimal("0.25")
#: Limits that keep one evaluation to a size a panel can hold (and a request a server can answer).
MAX_CRITERIA = 200
MAX_BIDS = 2000
MAX_EVALUATORS = 100
MAX_KEY = 120

_BAND = re.compile(r"^(\d+)\s*[–-]\s*(\d+)$")


@dataclass(frozen=True)
class MarkRule:
    """Which marks a scale accepts, derived from its published levels."""

    maximum: Decimal
    allowed: frozenset[Decimal]
    text: str  # "a whole number from 0 to 5"


@cache
def mark_rule(scale: Scale) -> MarkRule:
    """The marks a scale accepts: its levels, each band (9–10) giving every whole number in it; 1 or 0 for a gate."""
    info = SCALES[scale]
    if info.max_points is None:
        return MarkRule(Decimal(1), frozenset({Decimal(0), Decimal(1)}), "1 (pass) or 0 (fail)")
    values: set[int] = set()
    for level in info.levels:
        band = _BAND.match(level.score)
        if band:
            values.update(range(int(band.group(1)), int(band.group(2)) + 1))
        else:
            values.add(int(level.score))
    maximum = info.max_points
    if values == set(range(int(maximum) + 1)):
        text = f"a whole number from 0 to {maximum}"
    else:
        ordered = sorted(values)
        text = ", ".join(f"{v} ({_level_label(scale, v)})" for v in ordered[:-1])
        text += f" or {ordered[-1]} ({_level_label(scale, ordered[-1])})"
    return MarkRule(maximum, frozenset(Decimal(v) for v in values), text)


def _level_label(scale: Scale, value: int) -> str:
    for level in SCALES[scale].levels:
        if level.score == str(value):
            return level.label.lower()
    return str(value)


@dataclass(frozen=True)
class CriterionSpec:
    """One criterion of the scheme. A ``Scale.PASS_FAIL`` criterion is a gate with weight 0; ``min_mark`` is a
    minimum quality threshold on the criterion's own scale."""

    key: str
    name: str
    section: str
    weight: Decimal
    scale: Scale
    is_price: bool = False
    min_mark: Decimal | None = None

    @property
    def is_gate(self) -> bool:
        return self.scale is Scale.PASS_FAIL

    @property
    def is_quality(self) -> bool:
        """Scored by marks (not the price, not a gate)."""
        return not self.is_price and not self.is_gate

    @property
    def is_marked(self) -> bool:
        """Evaluators give marks for it (every criterion but the price)."""
        return not self.is_price

    @property
    def max_mark(self) -> Decimal:
        return mark_rule(self.scale).maximum


@dataclass(frozen=True)
class Scheme:
    criteria: tuple[CriterionSpec, ...]
    price_method: PriceMethod = PriceMethod.RELATIVE_TO_LOWEST
    min_quality_percent: Decimal | None = None
    exclusion: Exclusion = Exclusion.EXCLUDE
    tie_break: TieBreak = TieBreak.HIGHEST_QUALITY
    divergence_threshold: Decimal = DEFAULT_DIVERGENCE

    @property
    def price_criterion(self) -> CriterionSpec | None:
        return next((c for c in self.criteria if c.is_price), None)

    @property
    def quality_criteria(self) -> tuple[CriterionSpec, ...]:
        return tuple(c for c in self.criteria if c.is_quality)

    @property
    def marked_criteria(self) -> tuple[CriterionSpec, ...]:
        return tuple(c for c in self.criteria if c.is_marked)

    @property
    def scored_criteria(self) -> tuple[CriterionSpec, ...]:
        """The criteria with a weight: quality criteria and the price, in scheme order."""
        return tuple(c for c in self.criteria if not c.is_gate)

    @property
    def quality_weight(self) -> Decimal:
        return sum((c.weight for c in self.quality_criteria), Decimal(0))

    @property
    def top_quality_criterion(self) -> CriterionSpec | None:
        """The most heavily weighted quality criterion (the first of equals), for the tie-break."""
        best: CriterionSpec | None = None
        for c in self.quality_criteria:
            if best is None or c.weight > best.weight:
                best = c
        return best

    def criterion(self, key: str) -> CriterionSpec:
        for c in self.criteria:
            if c.key == key:
                return c
        raise KeyError(key)


@dataclass(frozen=True)
class BidInput:
    key: str
    price: Decimal | None
    full_cost: Decimal | None = None
    #: why the authority disregarded this tender for an abnormally low price, after asking the supplier to explain
    #: it (Procurement Act 2023 s.19(4)–(5)); "" when it was not: a disregarded tender is excluded with this reason
    disregarded: str = ""


Marks = Mapping[str, Mapping[str, Decimal]]  # bid -> criterion -> mark


@dataclass(frozen=True)
class EvaluationInput:
    """What the engine needs: the scheme, the bids with their prices, every evaluator's marks
    (``marks[evaluator][bid][criterion]``) and the agreed (moderated) marks (``consensus[bid][criterion]``).
    The consensus mark is used where there is one, otherwise the mean of the evaluators' marks."""

    scheme: Scheme
    bids: tuple[BidInput, ...]
    marks: Mapping[str, Marks]
    consensus: Marks = field(default_factory=dict)


# Checks ------------------------------------------------------------------------------------------------------------


class _Errors(dict[str, list[str]]):
    def add(self, path: str, message: str) -> None:
        self.setdefault(path, []).append(message)

    def failure(self, what: str) -> ValidationFailed:
        count = sum(len(m) for m in self.values())
        noun = "problem" if count == 1 else "problems"
        return ValidationFailed.of(dict(self), message=f"{what}: {count} {noun} to put right.")


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _text_ok(value: object, limit: int) -> bool:
    return isinstance(value, str) and 0 < len(value.strip()) <= limit


def scheme_errors(scheme: Scheme) -> dict[str, list[str]]:
    """Every problem with a scheme, by path (empty when it is sound)."""
    errors = _Errors()
    if not isinstance(scheme.criteria, tuple | list) or not scheme.criteria:
        errors.add("criteria", "Give at least one criterion.")
        return dict(errors)
    if len(scheme.criteria) > MAX_CRITERIA:
        errors.add("criteria", f"Give at most {MAX_CRITERIA} criteria.")
        return dict(errors)
    seen: set[str] = set()
    for i, c in enumerate(scheme.criteria):
        _criterion_errors(i, c, seen, errors)
    if sum(1 for c in scheme.criteria if c.is_price) > 1:
        errors.add("criteria", "Only one criterion can be the price.")
    if not any(f"criteria[{i}].weight" in errors for i in range(len(scheme.criteria))):
        total = sum((c.weight for c in scheme.criteria if not c.is_gate), Decimal(0))
        if total != HUNDRED:
            errors.add(
                "criteria", f"The weights of the scored criteria must add up to 100. They add up to {_plain(total)}."
            )
    _setting_errors(scheme, errors)
    return dict(errors)


def _criterion_errors(i: int, c: CriterionSpec, seen: set[str], errors: _Errors) -> None:
    path = f"criteria[{i}]"
    if not _text_ok(c.key, MAX_KEY):
        errors.add(f"{path}.key", f"Give the criterion a key of 1 to {MAX_KEY} characters, such as “delivery”.")
    elif c.key in seen:
        errors.add(f"{path}.key", f"Two criteria have the key “{c.key}”. Give each a different key.")
    else:
        seen.add(c.key)
    if not _text_ok(c.name, NAME_MAX):
        errors.add(f"{path}.name", f"Give the criterion a name of 1 to {NAME_MAX} characters.")
    if not isinstance(c.section, str) or len(c.section) > SECTION_MAX:
        errors.add(f"{path}.section", f"The section must be text of {SECTION_MAX} characters or fewer.")
    if not isinstance(c.scale, Scale):
        errors.add(f"{path}.scale", "Choose a scale: " + ", ".join(s.value for s in Scale) + ".")
        return
    w = c.weight
    if not _is_number(w):
        errors.add(f"{path}.weight", "The weight must be a number of per cent, such as 20.")
    elif w < 0 or w > HUNDRED:
        errors.add(f"{path}.weight", "The weight must be between 0 and 100.")
    elif Decimal(w) != Decimal(w).quantize(CENTI):
        errors.add(f"{path}.weight", "The weight can have at most 2 decimal places.")
    elif c.is_gate and w != 0:
        errors.add(f"{path}.weight", "A pass or fail criterion is a gate, not a score: give it a weight of 0.")
    elif not c.is_gate and w == 0:
        errors.add(
            f"{path}.weight", "A scored criterion needs a weight above 0. Use the pass or fail scale for a gate."
        )
    if c.is_price and c.scale in (Scale.PASS_FAIL, Scale.MET_EXCEEDED):
        errors.add(f"{path}.scale", "The price is scored by a formula: choose a points scale such as 0-100.")
    if c.min_mark is not None:
        if c.is_price:
            errors.add(f"{path}.min_mark", "The price has no minimum mark: it is scored by the price formula.")
        elif c.is_gate:
            errors.add(f"{path}.min_mark", "A pass or fail criterion is already a gate: leave out its minimum mark.")
        elif not _is_number(c.min_mark) or c.min_mark not in mark_rule(c.scale).allowed:
            errors.add(f"{path}.min_mark", f"The minimum mark must be on the scale: {mark_rule(c.scale).text}.")


def _setting_errors(scheme: Scheme, errors: _Errors) -> None:
    if not isinstance(scheme.price_method, PriceMethod):
        errors.add("price_method", "Choose a price method: " + ", ".join(m.value for m in PriceMethod) + ".")
    elif (
        scheme.price_method == PriceMethod.PRICE_PER_QUALITY_POINT
        and scheme.price_criterion is not None
        and not scheme.quality_criteria
    ):
        errors.add("price_method", "Price per quality point needs at least one quality criterion with a weight.")
    if not isinstance(scheme.exclusion, Exclusion):
        errors.add("exclusion", "Choose what happens to a bid that fails a gate or minimum: exclude or flag.")
    if not isinstance(scheme.tie_break, TieBreak):
        errors.add("tie_break", "Choose a tie-break rule: " + ", ".join(t.value for t in TieBreak) + ".")
    m = scheme.min_quality_percent
    if m is not None:
        if not _is_number(m) or m <= 0 or m > HUNDRED:
            errors.add("min_quality_percent", "The minimum quality score must be a percentage above 0, up to 100.")
        elif not scheme.quality_criteria:
            errors.add("min_quality_percent", "A minimum quality score needs at least one quality criterion.")
    t = scheme.divergence_threshold
    if not _is_number(t) or t < 0 or t > 1:
        errors.add(
            "divergence_threshold",
            "The allowed spread of marks must be a fraction of the scale's maximum from 0 to 1, such as 0.25.",
        )


def check_scheme(scheme: Scheme) -> None:
    """Raise ``ValidationFailed`` naming every problem with the scheme (weights of the scored criteria total exactly
    100, keys unique, at most one price criterion, gates weigh 0, minimum marks on their scale, …)."""
    errors = scheme_errors(scheme)
    if errors:
        raise _Errors(errors).failure("The evaluation scheme is not valid")


def input_errors(data: EvaluationInput) -> dict[str, list[str]]:
    """Every problem with the bids, prices and marks of an input whose scheme is sound (empty when all is well)."""
    errors = _Errors()
    scheme = data.scheme
    bids = _bid_errors(data.bids, scheme.price_criterion is not None, errors)
    criteria = {c.key: c for c in scheme.criteria}
    rules = {c.key: mark_rule(c.scale) for c in scheme.marked_criteria}
    marked: dict[str, set[str]] = {}  # bid -> criteria with at least one mark
    if not isinstance(data.marks, Mapping):
        errors.add("marks", "The marks must map each evaluator to their marks for each bid.")
    elif len(data.marks) > MAX_EVALUATORS:
        errors.add("marks", f"Give the marks of at most {MAX_EVALUATORS} evaluators.")
    else:
        for evaluator, per_bid in data.marks.items():
            if not _text_ok(evaluator, MAX_KEY):
                errors.add("marks", f"Each evaluator needs a name of 1 to {MAX_KEY} characters.")
                continue
            _marks_errors(f"marks.{evaluator}", per_bid, bids, criteria, rules, errors, marked)
    if not isinstance(data.consensus, Mapping):
        errors.add("consensus", "The consensus marks must map each bid to its agreed marks.")
    else:
        _marks_errors("consensus", data.consensus, bids, criteria, rules, errors, marked)
    if not errors:
        for bid in bids:
            for key in rules:
                if key not in marked.get(bid, ()):
                    errors.add(
                        f"consensus.{bid}.{key}",
                        f"Nobody has marked “{criteria[key].name}” for {bid}: give a consensus mark "
                        "or at least one evaluator's mark.",
                    )
    return dict(errors)


def _bid_errors(bids: tuple[BidInput, ...], priced: bool, errors: _Errors) -> set[str]:
    keys: set[str] = set()
    if not bids:
        errors.add("bids", "Give at least one bid.")
        return keys
    if len(bids) > MAX_BIDS:
        errors.add("bids", f"Give at most {MAX_BIDS:,} bids.")
        return keys
    for bid in bids:
        if not _text_ok(bid.key, MAX_KEY):
            errors.add("bids", f"Each bid needs a name of 1 to {MAX_KEY} characters.")
            continue
        if bid.key in keys:
            errors.add(f"bids.{bid.key}", f"Two bids are called “{bid.key}”. Give each a different name.")
        keys.add(bid.key)
        if bid.price is None:
            if priced:
                errors.add(f"bids.{bid.key}.price", f"Give the price of {bid.key}'s bid: the scheme scores price.")
        else:
            problem = price_problem(bid.price)
            if problem:
                errors.add(f"bids.{bid.key}.price", f"The price of {bid.key}'s bid {problem}")
        if bid.full_cost is not None and (
            not _is_number(bid.full_cost) or bid.full_cost < 0 or bid.full_cost > MAX_PRICE
        ):
            errors.add(f"bids.{bid.key}.full_cost", f"The full cost of {bid.key}'s bid must be an amount of pounds.")
    return keys


def _marks_errors(
    prefix: str,
    per_bid: object,
    bids: set[str],
    criteria: Mapping[str, CriterionSpec],
    rules: Mapping[str, MarkRule],
    errors: _Errors,
    marked: dict[str, set[str]],
) -> None:
    if not isinstance(per_bid, Mapping):
        errors.add(prefix, "The marks must map each bid to its marks for each criterion.")
        return
    for bid, per_criterion in per_bid.items():
        path = f"{prefix}.{bid}"
        if bid not in bids:
            errors.add(path, f"There is no bid called “{bid}”.")
            continue
        if not isinstance(per_criterion, Mapping):
            errors.add(path, "The marks for a bid must map each criterion's key to a mark.")
            continue
        for key, mark in per_criterion.items():
            rule = rules.get(key)
            if rule is not None:
                try:
                    if mark in rule.allowed and mark.__class__ is not bool:
                        continue  # the usual case, kept lean: evaluations hold tens of thousands of marks
                except TypeError:  # an unhashable value: certainly not a mark
                    pass
                c = criteria[key]
                errors.add(f"{path}.{key}", f"The mark for “{c.name}” must be {rule.text}, not {_shown(mark)}.")
            elif key in criteria:
                errors.add(f"{path}.{key}", "The price is scored by the price formula, not by marks.")
            else:
                errors.add(f"{path}.{key}", f"There is no criterion with the key “{key}”.")
        marked.setdefault(bid, set()).update(per_criterion)  # used only when there are no errors at all


def _shown(value: object) -> str:
    text = repr(value) if not isinstance(value, Decimal) else _plain(value) if value.is_finite() else str(value)
    return text[:40]


def check_marks(data: EvaluationInput) -> None:
    """Raise ``ValidationFailed`` naming every problem with the bids and marks: unknown bids or criteria, marks
    outside the scale (``marks.<evaluator>.<bid>.<criterion>``), prices of zero or less (``bids.<bid>.price``), and a
    criterion nobody has marked for a bid (``consensus.<bid>.<criterion>``). Assumes a sound scheme."""
    errors = input_errors(data)
    if errors:
        raise _Errors(errors).failure("The marks and bids are not valid")


def check_input(data: EvaluationInput) -> None:
    """``check_scheme`` and then ``check_marks``, as one failure naming every problem."""
    errors = scheme_errors(data.scheme)
    if errors:
        raise _Errors(errors).failure("The evaluation scheme is not valid")
    check_marks(data)
