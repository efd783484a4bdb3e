"""The read side of the evaluation's documents: each bidder's assessment summary and the evaluation report.

Both are drawn from the award decision's snapshot (the engine's input for each lot, kept when the recommendation was
made) worked out again by the pure engine, so they show exactly what was decided; the rationales and marks are read
from the panel's records. Bid content is reached through ``trellis.bids.selectors`` only.

- ``summary_for(actor, bid_public_id)``: for the bidding organisation's people and the council's officers, once the
  decision is approved (research notes, uk-rules §1.7: summaries go to every assessed tender before the award
  notice).
- ``report_for(actor, evaluation)``: for the officers and the panel's moderators, from the recommendation on.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from trellis.bids import selectors as bid_selectors
from trellis.core import selectors as core_selectors
from trellis.core.errors import NotFound, PermissionDenied
from trellis.evaluation import permissions as perms
from trellis.evaluation import selectors
from trellis.evaluation.domain import (
    BidResult,
    CriterionLine,
    EvaluationInput,
    EvaluationResult,
    evaluate,
    parse_evaluation,
    result_as_json,
)
from trellis.evaluation.domain.summary import AssessmentSummary, CriterionInWords, build_summary, criterion_in_words
from trellis.evaluation.domain.totals import number
from trellis.evaluation.domain.winner_margin import in_words
from trellis.evaluation.models import AwardDecision, ConsensusMark, Evaluation, Mark, PanelMember
from trellis.opportunities.domain.kinds import Kind

#: The audit verbs that record a change to an evaluator's marks, and to a consensus mark.
MARK_VERBS = ("evaluation.marks_saved", "evaluation.marks_submitted")
CONSENSUS_VERB = "evaluation.consensus_recorded"


def _lot_of(bid) -> int | None:
    return bid.lot.number if bid.lot_id else None


def _decision(evaluation: Evaluation) -> AwardDecision | None:
    return (
        AwardDecision.objects.select_related("recommended_by", "approved_by", "contract_entered_by")
        .filter(evaluation=evaluation)
        .first()
    )


def _snapshots(decision: AwardDecision) -> list[dict[str, Any]]:
    return list((decision.result or {}).get("lots") or [])


#: The parts of a stored result that are the decision, compared when checking that the result worked out again is
#: the one kept. The authority's own analysis beside them is left out: it has changed form over time (results kept
#: before the winner-margin analysis hold an older one), and it is not part of the decision.
DECISION_KEYS = ("winner", "price_method", "tie_break", "exclusion", "bids", "divergences", "notes")


def _recompute(snapshot: dict[str, Any]) -> tuple[EvaluationInput, EvaluationResult]:
    """The engine's input kept with the decision, and its result worked out again."""
    data = parse_evaluation(snapshot["input"])
    return data, evaluate(data)


def _decided(result: dict[str, Any]) -> dict[str, Any]:
    """A stored or recomputed result as JSON, the decision only (``DECISION_KEYS``)."""
    return {key: result.get(key) for key in DECISION_KEYS}


def _name(person) -> str:
    return person.get_full_name() or person.email


# Assessment summaries -----------------------------------------------------------------------------------------


@dataclass
class SummaryPage:
    """A bid's assessment summary with what the page and the letter show around it."""

    summary: AssessmentSummary
    bid: Any
    opportunity: Any
    evaluation: Evaluation
    decision: AwardDecision
    lot: int | None


def _address(organisation) -> str:
    return ", ".join(part for part in (organisation.address.strip(), organisation.postcode.strip()) if part)


def summary_for(actor, bid_public_id) -> SummaryPage:
    """The assessment summary of one bid. A bid this person may not read is a 404 (missing and forbidden look the
    same); for one they may read, ``PermissionDenied`` says why the summary is not theirs, or not ready yet."""
    bid = bid_selectors.bid_get_for(actor=actor, public_id=bid_public_id)
    evaluation = selectors.evaluation_of(bid.opportunity)
    if evaluation is None:
        raise NotFound("No assessment summary for this bid.")
    allowed = perms.can_view_summary(actor, bid, evaluation)
    if not allowed:
        raise PermissionDenied(allowed.reason)
    decision = _decision(evaluation)
    lot = _lot_of(bid)
    lot_bids = [b for b in selectors.bids(evaluation) if _lot_of(b) == lot]
    snapshot = next((s for s in _snapshots(decision) if s.get("lot") == lot), None) if decision else None
    if decision is None or snapshot is None or bid.pk not in {b.pk for b in lot_bids}:
        raise NotFound("No assessment summary for this bid: it was not one of the bids assessed.")
    data, result = _recompute(snapshot)
    winner = next((w for w in decision.winning_bids.all() if _lot_of(w) == lot), None)
    wanted = [bid] + ([winner] if winner is not None and winner.pk != bid.pk else [])
    rationales = {
        selectors.bid_key(b): {str(k): c.rationale for k, c in selectors.consensus_for(b).items()} for b in wanted
    }
    opportunity = bid.opportunity
    summary = build_summary(
        data.scheme,
        result,
        rationales,
        selectors.bid_key(bid),
        selectors.bid_key(winner) if winner is not None else None,
        {selectors.bid_key(b): b.organisation.name for b in lot_bids},
        {selectors.bid_key(b): b.organisation.org_id for b in lot_bids},
        addresses={selectors.bid_key(b): _address(b.organisation) for b in lot_bids},
        emails={selectors.bid_key(b): b.organisation.email or b.organisation.contact_email for b in lot_bids},
        plain=opportunity.kind == Kind.GRANT_ROUND,
        no_award_reason=decision.reason_for_bidders if winner is None else "",
        withheld=decision.withheld,
    )
    return SummaryPage(summary, bid, opportunity, evaluation, decision, lot)


# The evaluation report -----------------------------------------------------------------------------------------


@dataclass
class MarkRow:
    evaluator: str
    role: str
    score: Decimal
    justification: str
    submitted_at: datetime | None


@dataclass
class CriterionRecord:
    """Every submitted mark for one bid and criterion, the consensus, and the mark the engine used."""

    key: str
    name: str
    line: CriterionLine
    marks: list[MarkRow]
    consensus: ConsensusMark | None


@dataclass
class BidRecord:
    bid: Any
    name: str
    identifier: str
    result: BidResult
    is_winner: bool
    criteria: list[CriterionRecord]


@dataclass
class DivergenceRow:
    bid: str
    criterion: str
    marks: list[tuple[str, str]]  # (evaluator, mark)
    spread: str
    allowed: str
    consensus: str


@dataclass
class LotRecord:
    lot: int | None
    title: str
    result: EvaluationResult
    bids: list[BidRecord]
    divergences: list[DivergenceRow]
    change_the_winner: str  # what it would take to change the winner, in words (for the authority only)
    reproduced: bool  # the result worked out again equals the one kept with the decision


@dataclass
class ConflictRow:
    person: str
    bid: str
    details: str
    declared_at: datetime


@dataclass
class PanelRow:
    name: str
    role: str
    criteria: list[str]
    is_moderator: bool


@dataclass
class AuditCounts:
    mark_saves: int = 0  # every audited save or submission of an evaluator's marks
    mark_changes: int = 0  # marks changed after they were first saved
    consensus_changes: int = 0  # consensus marks changed after they were first recorded


@dataclass
class Report:
    evaluation: Evaluation
    opportunity: Any
    decision: AwardDecision
    rules: list[tuple[str, str]]
    criteria: list[CriterionInWords]
    panel: list[PanelRow]
    conflicts: list[ConflictRow]
    no_conflict_count: int
    lots: list[LotRecord]
    winners: list[str]
    audit: AuditCounts
    generated_at: datetime = field(default_factory=timezone.now)


def _rules(evaluation: Evaluation, data: EvaluationInput | None) -> list[tuple[str, str]]:
    scheme = data.scheme if data is not None else selectors.scheme_for(evaluation)
    rows = []
    if scheme.price_criterion is not None:
        rows.append(("Price method", f"{scheme.price_method.label}: {scheme.price_method.formula}."))
    rows += [
        ("A bid that fails a pass or fail question or a minimum", f"{scheme.exclusion.label}."),
        ("Tie-break", f"{scheme.tie_break.label}."),
        (
            "Minimum quality score",
            "None"
            if scheme.min_quality_percent is None
            else f"{number(float(scheme.min_quality_percent))}% of the quality points",
        ),
        (
            "Divergent marks",
            f"Flagged for moderation when evaluators' marks spread more than "
            f"{number(float(scheme.divergence_threshold) * 100)}% of the scale",
        ),
        (
            "Price envelope",
            "Yes: prices were hidden from the quality evaluators until quality was moderated"
            if evaluation.price_envelope
            else "No",
        ),
    ]
    return rows


def _panel(evaluation: Evaluation) -> list[PanelRow]:
    rows = []
    for member in selectors.panel(evaluation):
        rows.append(
            PanelRow(
                name=_name(member.person),
                role=member.role_label,
                criteria=[c.name for c in member.criteria.all()],
                is_moderator=member.is_moderator,
            )
        )
    return rows


def _conflicts(all_bids: list) -> tuple[list[ConflictRow], int]:
    names = {b.pk: b.organisation.name for b in all_bids}
    rows, clear = [], 0
    for declaration in bid_selectors.conflict_declarations([b.pk for b in all_bids]).order_by("declared_at", "id"):
        if not declaration.conflict:
            clear += 1
            continue
        rows.append(
            ConflictRow(
                person=_name(declaration.person),
                bid=names.get(declaration.bid_id, ""),
                details=declaration.details,
                declared_at=declaration.declared_at,
            )
        )
    return rows, clear


def _marks(evaluation: Evaluation, bid_ids: list[int]) -> dict[tuple[int, int], list[MarkRow]]:
    found: dict[tuple[int, int], list[MarkRow]] = defaultdict(list)
    submitted = (
        Mark.objects.filter(
            sheet__bid_id__in=bid_ids, sheet__submitted_at__isnull=False, sheet__member__evaluation=evaluation
        )
        .select_related("sheet__member__person")
        .order_by("sheet__member__added_at", "sheet__member_id", "id")
    )
    for mark in submitted:
        member: PanelMember = mark.sheet.member
        found[(mark.sheet.bid_id, mark.criterion_id)].append(
            MarkRow(
                evaluator=_name(member.person),
                role=member.role_label,
                score=mark.score,
                justification=mark.justification,
                submitted_at=mark.sheet.submitted_at,
            )
        )
    return found


def _consensus(evaluation: Evaluation, bid_ids: list[int]) -> dict[tuple[int, int], ConsensusMark]:
    agreed = ConsensusMark.objects.filter(evaluation=evaluation, bid_id__in=bid_ids).select_related("recorded_by")
    return {(c.bid_id, c.criterion_id): c for c in agreed}


def _divergences(result: EvaluationResult, names: dict[str, str], criteria: dict[str, str]) -> list[DivergenceRow]:
    return [
        DivergenceRow(
            bid=names.get(d.bid, d.bid),
            criterion=criteria.get(d.criterion, d.criterion),
            marks=[(who, number(mark)) for who, mark in d.marks.items()],
            spread=number(d.spread),
            allowed=number(d.allowed),
            consensus="Not agreed" if d.consensus is None else number(d.consensus),
        )
        for d in result.divergences
    ]


def _lot(
    evaluation: Evaluation, snapshot: dict[str, Any], lot_bids: list, winner_ids: set[int]
) -> tuple[EvaluationInput, LotRecord]:
    stored = snapshot.get("result") or {}
    data, result = _recompute(snapshot)
    reproduced = _decided(json.loads(json.dumps(result_as_json(result)))) == _decided(stored)
    by_key = {selectors.bid_key(b): b for b in lot_bids}
    names = {key: b.organisation.name for key, b in by_key.items()}
    criteria = {c.key: c.name for c in data.scheme.criteria}
    ids = [b.pk for b in lot_bids]
    marks, agreed = _marks(evaluation, ids), _consensus(evaluation, ids)
    records = []
    for bid_result in result.bids:
        bid = by_key.get(bid_result.key)
        rows = [
            CriterionRecord(
                key=line.criterion,
                name=line.name,
                line=line,
                marks=marks.get((bid.pk, int(line.criterion)), []) if bid is not None else [],
                consensus=agreed.get((bid.pk, int(line.criterion))) if bid is not None else None,
            )
            for line in bid_result.lines
        ]
        records.append(
            BidRecord(
                bid=bid,
                name=names.get(bid_result.key, bid_result.key),
                identifier=bid_result.key,
                result=bid_result,
                is_winner=bid is not None and bid.pk in winner_ids,
                criteria=rows,
            )
        )
    lot = snapshot.get("lot")
    title = ""
    if lot is not None and lot_bids and lot_bids[0].lot is not None:
        title = str(lot_bids[0].lot)
    return data, LotRecord(
        lot=lot,
        title=title,
        result=result,
        bids=records,
        divergences=_divergences(result, names, criteria),
        change_the_winner=in_words(result.change_the_winner, names),
        reproduced=reproduced,
    )


def _audit(evaluation: Evaluation, all_bids: list) -> AuditCounts:
    counts = AuditCounts()
    for bid in all_bids:
        events = core_selectors.audit_events_for(target_type=bid._meta.label_lower, target_id=str(bid.pk)).filter(
            verb__in=(*MARK_VERBS, CONSENSUS_VERB)
        )
        for event in events:
            data = event.data or {}
            if data.get("evaluation") != evaluation.pk:
                continue
            if event.verb == CONSENSUS_VERB:
                counts.consensus_changes += data.get("from") is not None
                continue
            counts.mark_saves += 1
            counts.mark_changes += sum(1 for change in data.get("changes") or [] if change.get("from") is not None)
    return counts


def report_for(actor, evaluation: Evaluation) -> Report:
    """The evaluation report for the decision-maker and the audit file: the rules, the panel, the conflicts
    declared, every submitted mark with its justification, the consensus and its rationale, divergences, totals,
    ranks and flags, what would change the winner, the recommendation and its approval, the standstill, and how
    many marks changed."""
    allowed = perms.can_view_report(actor, evaluation)
    if not allowed:
        raise PermissionDenied(allowed.reason)
    decision = _decision(evaluation)
    if decision is None:
        raise NotFound("There is no recommendation for this evaluation.")
    all_bids = selectors.bids(evaluation)
    winners = list(decision.winning_bids.all())
    winner_ids = {w.pk for w in winners}
    lots, data = [], None
    for snapshot in _snapshots(decision):
        lot_bids = [b for b in all_bids if _lot_of(b) == snapshot.get("lot")]
        data, record = _lot(evaluation, snapshot, lot_bids, winner_ids)
        lots.append(record)
    conflicts, clear = _conflicts(all_bids)
    criteria = [criterion_in_words(c, data.scheme) for c in data.scheme.criteria] if data is not None else []
    return Report(
        evaluation=evaluation,
        opportunity=evaluation.opportunity,
        decision=decision,
        rules=_rules(evaluation, data),
        criteria=criteria,
        panel=_panel(evaluation),
        conflicts=conflicts,
        no_conflict_count=clear,
        lots=lots,
        winners=[w.organisation.name for w in winners],
        audit=_audit(evaluation, all_bids),
    )
