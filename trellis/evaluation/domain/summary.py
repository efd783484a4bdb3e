"""Assessment summaries: what each bidder is told about its own tender and the winning one, built from the
moderated rationales.

Every supplier that submitted an assessed tender is given an assessment summary before the contract award notice
(Procurement Act 2023 s.50(3)). For the winning tender it gives the supplier's name, addresses and identifier; the
award criteria and methodology in summary (each criterion's title, its relative importance, how it was scored and
which scores were available); the tender's score for each criterion with an explanation by reference to the tender;
and its sub-totals and total. For every other tender it gives the same about the winning tender, the tender's own
scores and explanations, and any further reason it is not being awarded, such as disqualification (Procurement
Regulations 2024 reg 31; research notes, uk-rules §1.7). A grant round gives its applicants the same content in
plain words, as feedback on their application.

    summary = build_summary(scheme, result, rationales, bidder="GB-CHC-1", winner="GB-CHC-2",
                            names={...}, identifiers={...})
    summary.outcome, summary.bidder.lines[0].reason, summary.winner.total

Everything here is pure: the scheme, the engine's result (``trellis.evaluation.domain.evaluate``) and the agreed
rationales in, an ``AssessmentSummary`` out. Bad input raises ``ValidationFailed`` naming the field (``bidder``,
``winner``, ``scheme``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from trellis.core.errors import ValidationFailed
from trellis.evaluation.domain.results import BidResult, CriterionLine, EvaluationResult
from trellis.evaluation.domain.scheme import CriterionSpec, Exclusion, Scheme, mark_rule
from trellis.evaluation.domain.totals import RANK_PLACES, gbp, number
from trellis.opportunities.domain.criteria import SCALES, Level, Scale

NO_REASON = "No reason was recorded for this mark."
#: What happens to a bid that fails a gate or a minimum, under each published rule (Act s.23(3); uk-rules §1.6).
_FAILING = {
    Exclusion.EXCLUDE: "is excluded: it is not ranked, and its price is not compared with the others",
    Exclusion.FLAG: (
        "is still ranked, with the failure shown, if it is below a minimum mark; a tender that fails a pass or fail "
        "question is not evaluated further"
    ),
}


class Outcome(StrEnum):
    SUCCESSFUL = "successful"
    NOT_SUCCESSFUL = "not_successful"
    EXCLUDED = "excluded"
    NO_AWARD = "no_award"

    @property
    def label(self) -> str:
        return _OUTCOME_LABELS[self]


_OUTCOME_LABELS = {
    Outcome.SUCCESSFUL: "Successful",
    Outcome.NOT_SUCCESSFUL: "Not successful",
    Outcome.EXCLUDED: "Not successful: excluded",
    Outcome.NO_AWARD: "No award made",
}


class Kind(StrEnum):
    """How a criterion is scored: marks on a scale, the price formula, or a pass or fail gate."""

    QUALITY = "quality"
    PRICE = "price"
    GATE = "gate"


@dataclass(frozen=True)
class Supplier:
    key: str  # the bid's key in the engine (the organisation's identifier)
    name: str
    identifier: str
    address: str = ""
    email: str = ""


@dataclass(frozen=True)
class CriterionInWords:
    """One award criterion as the methodology publishes it: its title, relative importance and how it is scored."""

    key: str
    name: str
    section: str
    kind: Kind
    weight: Decimal  # per cent of the total (0 for a gate)
    importance: str  # "50% of the total score", "Pass or fail: no points"
    how_scored: str  # a sentence
    available: str  # the scores that could be given
    levels: tuple[Level, ...]  # the scale's published levels with their descriptors (none for the price)


@dataclass(frozen=True)
class ScoreLine:
    """One tender's score for one criterion, with the reason for it."""

    key: str
    name: str
    section: str
    kind: Kind
    weight: Decimal
    mark: float | None  # the mark used on the criterion's scale (None for the price)
    mark_text: str  # "4 out of 5 (Good)", "Pass", "£66,000"
    points: float | None  # out of ``weight``; None for a gate, or a price that was not scored
    points_text: str  # "40 of 50", "No points: a gate", "Not scored"
    reason: str  # the panel's agreed rationale, or how the price was scored
    passed: bool | None  # for a gate or a criterion with a minimum mark


@dataclass(frozen=True)
class Subtotal:
    section: str
    points: float
    weight: Decimal  # the most points the section could give


@dataclass(frozen=True)
class TenderScores:
    supplier: Supplier
    lines: tuple[ScoreLine, ...]
    subtotals: tuple[Subtotal, ...]
    quality_points: float
    quality_weight: Decimal
    price: Decimal | None
    price_points: float | None
    total: float | None  # out of 100; None when excluded
    rank: int | None
    excluded: bool
    failures: tuple[str, ...]  # each gate or minimum not met, in plain English

    @property
    def total_text(self) -> str:
        return "Not ranked: excluded" if self.total is None else f"{number(self.total)} out of 100"

    @property
    def rank_text(self) -> str:
        return "Not ranked" if self.rank is None else ordinal(self.rank)


@dataclass(frozen=True)
class AssessmentSummary:
    """What one bidder is told. ``winner`` is the winning tender (the bidder's own when it won; None without an
    award); ``reasons`` are the further reasons the bidder's tender is not being awarded."""

    plain: bool  # a grant round: the same content, in plain words
    title: str  # "Assessment summary" or "Feedback on your application"
    noun: str  # "tender" or "application"
    outcome: Outcome
    outcome_text: str
    reasons: tuple[str, ...]
    bidder: TenderScores
    winner: TenderScores | None
    criteria: tuple[CriterionInWords, ...]
    sections: tuple[Subtotal, ...]  # each section with the points it could give (points 0)
    price_method: str  # "" without a price criterion
    tie_break: str
    exclusion: str
    minimum_quality: str  # "" without an overall minimum
    ranked: int  # how many tenders were ranked
    assessed: int  # how many tenders were assessed
    #: what was withheld from this summary under s.94, and why, one sentence each (the bidder is told)
    withheld: tuple[str, ...] = ()

    @property
    def bidder_is_winner(self) -> bool:
        return self.winner is not None and self.winner.supplier.key == self.bidder.supplier.key


#: The grounds on which an authority may withhold information it would otherwise disclose (Procurement Act 2023
#: s.94(1), as Trellis reads it), by key.
WITHHOLDING_GROUNDS = {
    "commercial_interests": "disclosing it would prejudice the commercial interests of the supplier",
    "fair_competition": "disclosing it would prejudice fair competition between suppliers",
    "contrary_to_law": "disclosing it would be contrary to a legal obligation",
    "national_security": "there is an overriding interest in national security in not disclosing it",
}
WITHHELD_SOURCE = "Procurement Act 2023 s.94 (information that need not be disclosed)"


def withheld_reason(ground: str) -> str:
    return f"Withheld: {WITHHOLDING_GROUNDS[ground]} ({WITHHELD_SOURCE})."


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st…"""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _percent(weight: Decimal) -> str:
    return f"{number(float(weight))}%"


def _section(criterion: CriterionSpec) -> str:
    """The part of the scheme a criterion's points are added up in: its section, or by itself without one."""
    return criterion.section.strip() or criterion.name


def _level_label(scale: Scale, mark: float) -> str:
    """The published level a mark falls on ("Good"), or "" for a mark between levels (a mean of marks)."""
    if mark != int(mark):
        return ""
    for level in SCALES[scale].levels:  # quality scales only: every level is a number or a range of numbers
        low, _, high = level.score.replace("–", "-").partition("-")
        if int(low) <= mark <= int(high or low):
            return level.label
    return ""  # a whole mark between levels: the mean of 0 and 10 on the met-or-exceeded scale is 5


def criterion_in_words(criterion: CriterionSpec, scheme: Scheme) -> CriterionInWords:
    """How the methodology scores ``criterion``, in words (research notes, uk-rules §1.7: reg 31(2)(b))."""
    if criterion.is_price:
        method = scheme.price_method
        return CriterionInWords(
            key=criterion.key,
            name=criterion.name,
            section=_section(criterion),
            kind=Kind.PRICE,
            weight=criterion.weight,
            importance=f"{_percent(criterion.weight)} of the total score",
            how_scored=f"Scored by a formula, {method.label.lower()}: {method.formula}.",
            available=f"From 0 to {number(float(criterion.weight))} points.",
            levels=(),
        )
    rule = mark_rule(criterion.scale)
    if criterion.is_gate:
        return CriterionInWords(
            key=criterion.key,
            name=criterion.name,
            section=_section(criterion),
            kind=Kind.GATE,
            weight=Decimal(0),
            importance="Pass or fail: it gives no points, but must be passed",
            how_scored=f"The panel agrees whether the answer passes. A bid that fails {_FAILING[scheme.exclusion]}.",
            available="Pass or fail.",
            levels=SCALES[criterion.scale].levels,
        )
    how = (
        f"Marked on a scale of {criterion.scale.label.lower()}. The panel's agreed mark, divided by "
        f"{number(float(rule.maximum))} and multiplied by {number(float(criterion.weight))}, gives the points."
    )
    if criterion.min_mark is not None:
        how += f" A mark below {number(float(criterion.min_mark))} does not meet the minimum."
    return CriterionInWords(
        key=criterion.key,
        name=criterion.name,
        section=_section(criterion),
        kind=Kind.QUALITY,
        weight=criterion.weight,
        importance=f"{_percent(criterion.weight)} of the total score",
        how_scored=how,
        available=f"Marks: {rule.text}.",
        levels=SCALES[criterion.scale].levels,
    )


def _quality_line(c: CriterionSpec, line: CriterionLine, reason: str) -> ScoreLine:
    maximum = mark_rule(c.scale).maximum
    label = _level_label(c.scale, line.mark)
    mark_text = f"{number(line.mark)} out of {number(float(maximum))}" + (f" ({label})" if label else "")
    return ScoreLine(
        key=c.key,
        name=c.name,
        section=_section(c),
        kind=Kind.QUALITY,
        weight=c.weight,
        mark=line.mark,
        mark_text=mark_text,
        points=line.points,
        points_text=f"{number(line.points)} of {number(float(c.weight))}",
        reason=reason or NO_REASON,
        passed=line.passed,
    )


def _gate_line(c: CriterionSpec, line: CriterionLine, reason: str) -> ScoreLine:
    passed = bool(line.passed)
    return ScoreLine(
        key=c.key,
        name=c.name,
        section=_section(c),
        kind=Kind.GATE,
        weight=Decimal(0),
        mark=line.mark,
        mark_text="Pass" if passed else "Fail",
        points=None,
        points_text="No points: pass or fail",
        reason=reason or NO_REASON,
        passed=passed,
    )


def _price_line(c: CriterionSpec, bid: BidResult, scheme: Scheme) -> ScoreLine:
    price = gbp(bid.price) if bid.price is not None else "No price given"
    if bid.price_points is None:
        points_text = "Not scored: the bid was excluded before the prices were compared"
        reason = f"The price of {price} was not compared with the others, because the bid was excluded."
    else:
        points_text = f"{number(bid.price_points)} of {number(float(c.weight))}"
        reason = (
            f"The price of {price} was scored by the published formula ({scheme.price_method.label.lower()}): "
            f"{scheme.price_method.formula}."
        )
    return ScoreLine(
        key=c.key,
        name=c.name,
        section=_section(c),
        kind=Kind.PRICE,
        weight=c.weight,
        mark=None,
        mark_text=price,
        points=bid.price_points,
        points_text=points_text,
        reason=reason,
        passed=None,
    )


def _section_weights(scheme: Scheme) -> dict[str, Decimal]:
    weights: dict[str, Decimal] = {}
    for c in scheme.scored_criteria:
        name = _section(c)
        weights[name] = weights.get(name, Decimal(0)) + c.weight
    return weights


def tender_scores(scheme: Scheme, bid: BidResult, supplier: Supplier, rationales: Mapping[str, str]) -> TenderScores:
    """One tender's scores, criterion by criterion in the scheme's order, with the agreed reasons."""
    lines = []
    for c in scheme.criteria:
        if c.is_price:
            lines.append(_price_line(c, bid, scheme))
            continue
        line = bid.line(c.key)
        reason = str(rationales.get(c.key, "") or "").strip()
        lines.append(_gate_line(c, line, reason) if c.is_gate else _quality_line(c, line, reason))
    points: dict[str, float] = {}
    for score in lines:
        if score.points is not None:
            points[score.section] = points.get(score.section, 0.0) + score.points
    subtotals = tuple(
        Subtotal(section=name, points=points.get(name, 0.0), weight=weight)
        for name, weight in _section_weights(scheme).items()
    )
    return TenderScores(
        supplier=supplier,
        lines=tuple(lines),
        subtotals=subtotals,
        quality_points=bid.quality_points,
        quality_weight=scheme.quality_weight,
        price=bid.price,
        price_points=bid.price_points,
        total=bid.total,
        rank=bid.rank,
        excluded=bid.excluded,
        failures=bid.reasons,
    )


def _check(scheme: Scheme, result: EvaluationResult, bidder: str, winner: str | None) -> dict[str, BidResult]:
    keys = {b.key: b for b in result.bids}
    errors: dict[str, list[str]] = {}
    if bidder not in keys:
        errors["bidder"] = [f"The bidder “{bidder}” is not one of the evaluated bids."]
    if winner is not None:
        if winner not in keys:
            errors["winner"] = [f"The winner “{winner}” is not one of the evaluated bids."]
        elif keys[winner].rank is None:
            errors["winner"] = [f"The winner “{winner}” was excluded, so it cannot be the winning bid."]
    marked = {c.key for c in scheme.marked_criteria}
    for b in result.bids:
        if {line.criterion for line in b.lines} != marked:
            errors["scheme"] = ["The scheme does not match the evaluation result: give the scheme it was run with."]
            break
    if errors:
        raise ValidationFailed.of(errors, message="The assessment summary cannot be built.")
    return keys


def _supplier(
    key: str,
    names: Mapping[str, str],
    identifiers: Mapping[str, str],
    addresses: Mapping[str, str],
    emails: Mapping[str, str],
) -> Supplier:
    return Supplier(
        key=key,
        name=names.get(key) or key,
        identifier=identifiers.get(key) or key,
        address=addresses.get(key, ""),
        email=emails.get(key, ""),
    )


def _outcome(
    bidder: TenderScores, winner: TenderScores | None, noun: str, plain: bool, ranked: int, no_award_reason: str
) -> tuple[Outcome, str, tuple[str, ...]]:
    """The outcome, its headline sentence, and the further reasons the bidder's tender is not awarded."""
    reasons: tuple[str, ...] = ()
    if winner is None:
        thing = "grant" if plain else "contract"
        if no_award_reason.strip():
            reasons = (no_award_reason.strip(),)
        return Outcome.NO_AWARD, f"No {thing} is being awarded, so no {noun} has been successful.", reasons
    if winner.supplier.key == bidder.supplier.key:
        return Outcome.SUCCESSFUL, f"Your {noun} has been successful.", ()
    if bidder.excluded:
        text = (
            f"Your {noun} has not been successful. It was excluded from the ranking because it did not meet "
            "a published minimum requirement."
        )
        return Outcome.EXCLUDED, text, bidder.failures
    assert winner.total is not None and bidder.total is not None and bidder.rank is not None
    text = (
        f"Your {noun} has not been successful. It was ranked {ordinal(bidder.rank)} of {ranked}, with "
        f"{number(bidder.total)} points out of 100. The successful {noun}, from {winner.supplier.name}, scored "
        f"{number(winner.total)}."
    )
    if bidder.failures:  # flagged rather than excluded under the published rule: still a reason to give
        reasons = bidder.failures
    elif round(bidder.total, RANK_PLACES) == round(winner.total, RANK_PLACES):
        # the same total as the ranking counts it (reg 31(3)(c): the reason it is not being awarded)
        reasons = ("It scored the same total as the successful one; the published tie-break rule decided.",)
    elif number(bidder.total) == number(winner.total):
        reasons = (
            "Its total was lower than the successful one's by less than the 0.01 of a point the totals are shown to.",
        )
    return Outcome.NOT_SUCCESSFUL, text, reasons


def build_summary(
    scheme: Scheme,
    result: EvaluationResult,
    rationales: Mapping[str, Mapping[str, str]],
    bidder: str,
    winner: str | None,
    names: Mapping[str, str],
    identifiers: Mapping[str, str],
    *,
    addresses: Mapping[str, str] | None = None,
    emails: Mapping[str, str] | None = None,
    plain: bool = False,
    no_award_reason: str = "",
    withheld: Mapping[str, str] | None = None,
) -> AssessmentSummary:
    """The assessment summary for ``bidder`` (a bid's key in ``result``), given the winning bid's key (None when no
    award is made), the agreed rationales ``{bid_key: {criterion_key: text}}`` and each bid's name and identifier.
    ``plain`` words it for a grant round. ``no_award_reason`` is given to every bidder when there is no award.
    ``withheld`` ``{criterion_key: ground}`` withholds the winning tender's reasons for those criteria from the other
    bidders, saying so and why (s.94); a bidder always sees its own reasons."""
    keyed = _check(scheme, result, bidder, winner)
    addresses, emails = addresses or {}, emails or {}
    withheld = {k: g for k, g in (withheld or {}).items() if g in WITHHOLDING_GROUNDS}
    hidden = withheld if winner is not None and winner != bidder else {}

    def scores(key: str) -> TenderScores:
        supplier = _supplier(key, names, identifiers, addresses, emails)
        reasons = dict(rationales.get(key, {}))
        if key == winner:
            reasons.update({c: withheld_reason(g) for c, g in hidden.items()})
        return tender_scores(scheme, keyed[key], supplier, reasons)

    own = scores(bidder)
    best = scores(winner) if winner is not None else None
    noun = "application" if plain else "tender"
    ranked = sum(1 for b in result.bids if b.rank is not None)
    outcome, text, reasons = _outcome(own, best, noun, plain, ranked, no_award_reason)
    minimum = ""
    if scheme.min_quality_percent is not None:
        minimum = (
            f"A bid must score at least {number(float(scheme.min_quality_percent))}% of the quality points. "
            f"A bid below it {_FAILING[scheme.exclusion]}."
        )
    price = scheme.price_criterion
    return AssessmentSummary(
        plain=plain,
        title="Feedback on your application" if plain else "Assessment summary",
        noun=noun,
        outcome=outcome,
        outcome_text=text,
        reasons=tuple(reasons),
        bidder=own,
        winner=best,
        criteria=tuple(criterion_in_words(c, scheme) for c in scheme.criteria),
        sections=tuple(Subtotal(name, 0.0, weight) for name, weight in _section_weights(scheme).items()),
        price_method=(f"{scheme.price_method.label}: {scheme.price_method.formula}." if price is not None else ""),
        tie_break=f"{scheme.tie_break.label}.",
        exclusion=f"{scheme.exclusion.label}.",
        minimum_quality=minimum,
        ranked=ranked,
        assessed=len(result.bids),
        withheld=tuple(
            f"The successful {noun}'s reasons for “{c.name}” are withheld: {WITHHOLDING_GROUNDS[hidden[c.key]]} "
            f"({WITHHELD_SOURCE})."
            for c in scheme.criteria
            if c.key in hidden
        ),
    )
