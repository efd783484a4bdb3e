"""Reading evaluations: the one door to an evaluation, the scheme and marks as the engine takes them, who still
has to mark what, the totals and ranking, and the bids a panel member may read."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from trellis.bids import selectors as bid_selectors
from trellis.core.errors import NotFound, PermissionDenied
from trellis.evaluation import permissions as perms
from trellis.evaluation.domain import (
    BidInput,
    CriterionSpec,
    EvaluationInput,
    EvaluationResult,
    Scheme,
    evaluate,
    input_as_json,
    result_as_json,
    workflow,
)
from trellis.evaluation.domain.low_price import Outcome as LowPriceOutcome
from trellis.evaluation.domain.price import PriceMethod
from trellis.evaluation.domain.scheme import Exclusion, TieBreak
from trellis.evaluation.models import ConsensusMark, Evaluation, LowPriceReview, Mark, PanelMember, ScoreSheet
from trellis.opportunities.domain.criteria import Scale

if TYPE_CHECKING:
    from trellis.bids.models import Bid
    from trellis.core.models import Person
    from trellis.opportunities.models import Criterion, Opportunity


def evaluation_get_for(*, actor: Person, public_id) -> Evaluation:
    """The evaluation, if ``actor`` may see it (officers and its panel); missing and forbidden look the same."""
    try:
        evaluation = Evaluation.objects.select_related("opportunity", "opportunity__place").get(public_id=public_id)
    except (Evaluation.DoesNotExist, ValueError) as exc:
        raise NotFound("No such evaluation.") from exc
    if not perms.can_view_evaluation(actor, evaluation):
        raise NotFound("No such evaluation.")
    return evaluation


def evaluation_of(opportunity: Opportunity) -> Evaluation | None:
    return Evaluation.objects.filter(opportunity=opportunity).first()


def panel(evaluation: Evaluation) -> QuerySet[PanelMember]:
    return evaluation.members.select_related("person").prefetch_related("criteria").order_by("added_at", "id")


def organisers(evaluation: Evaluation) -> list:
    """Who runs the evaluation and hears about its problems: whoever started it and the panel's moderators."""
    people = {m.person.pk: m.person for m in panel(evaluation) if m.is_moderator}
    if evaluation.created_by is not None:
        people.setdefault(evaluation.created_by.pk, evaluation.created_by)
    return [p for p in people.values() if p.is_active]


def member_names(member_ids: Iterable[int]) -> list[str]:
    members = PanelMember.objects.filter(pk__in=list(member_ids)).select_related("person")
    return sorted(m.person.get_full_name() or m.person.email for m in members)


def bids(evaluation: Evaluation) -> list:
    """The bids being evaluated: the opened, submitted bids of the opportunity's final stage."""
    return list(bid_selectors.opened_bids(evaluation.opportunity))


# The scheme and marks, as the engine takes them ----------------------------------------------------------------


def criterion_key(criterion: Criterion) -> str:
    return str(criterion.pk)


def bid_key(bid: Bid) -> str:
    """Within one lot each organisation has one bid, so its org-id names the bid in the engine's input."""
    return bid.organisation.org_id


def scheme_for(evaluation: Evaluation) -> Scheme:
    """The scheme the opportunity published — its criteria with their minimum marks, and its methodology — with
    the panel's divergence threshold."""
    opportunity = evaluation.opportunity
    return Scheme(
        criteria=tuple(
            CriterionSpec(
                key=criterion_key(c),
                name=c.name,
                section=c.section,
                weight=c.weight,  # a pass or fail gate is published with weight 0 (criteria.parse_criteria)
                scale=Scale(c.scale),
                is_price=c.is_price,
                min_mark=c.min_mark,
            )
            for c in opportunity.criteria.all()
        ),
        price_method=PriceMethod(opportunity.price_method),
        min_quality_percent=opportunity.min_quality_percent,
        exclusion=Exclusion(opportunity.exclusion_rule),
        tie_break=TieBreak(opportunity.tie_break),
        divergence_threshold=evaluation.divergence_threshold,
    )


def _full_cost(bid) -> Decimal | None:
    totals = (bid.budget_result or {}).get("totals") or {}
    value = totals.get("full_cost")
    return Decimal(str(value)) if value is not None else None


def engine_input(evaluation: Evaluation, lot_bids: list) -> EvaluationInput:
    """One lot's bids (or all of them, without lots) with their submitted marks and consensus marks."""
    by_id = {bid.pk: bid for bid in lot_bids}
    marks: dict[str, dict[str, dict[str, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    submitted = Mark.objects.filter(
        sheet__bid_id__in=by_id, sheet__submitted_at__isnull=False, sheet__member__evaluation=evaluation
    ).select_related("sheet__member__person")
    for mark in submitted:
        person = mark.sheet.member.person
        evaluator = person.get_full_name() or person.email
        marks[evaluator][bid_key(by_id[mark.sheet.bid_id])][str(mark.criterion_id)] = mark.score
    consensus: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for agreed in ConsensusMark.objects.filter(bid_id__in=by_id):
        consensus[bid_key(by_id[agreed.bid_id])][str(agreed.criterion_id)] = agreed.score
    disregarded = dict(
        LowPriceReview.objects.filter(
            evaluation=evaluation, bid_id__in=by_id, outcome=LowPriceOutcome.DISREGARDED
        ).values_list("bid_id", "reason")
    )
    return EvaluationInput(
        scheme=scheme_for(evaluation),
        bids=tuple(
            BidInput(key=bid_key(b), price=b.price, full_cost=_full_cost(b), disregarded=disregarded.get(b.pk, ""))
            for b in lot_bids
        ),
        marks={k: {b: dict(c) for b, c in v.items()} for k, v in marks.items()},
        consensus=dict(consensus),
    )


def _by_lot(all_bids: list) -> dict[int | None, list]:
    lots: dict[int | None, list] = defaultdict(list)
    for bid in all_bids:
        lots[bid.lot.number if bid.lot else None].append(bid)
    return dict(sorted(lots.items(), key=lambda item: (item[0] is not None, item[0] or 0)))


@dataclass
class Outcome:
    """The engine's result for each lot (``None`` without lots), the bids it ranks first, and the snapshot kept
    with the award decision (input and output, so the decision can be recomputed)."""

    results: dict[int | None, EvaluationResult]
    bids: dict[int | None, dict[str, Any]]
    winners: list = field(default_factory=list)
    as_json: dict[str, Any] = field(default_factory=dict)


def evaluation_outcome(evaluation: Evaluation) -> Outcome:
    results: dict[int | None, EvaluationResult] = {}
    keyed: dict[int | None, dict[str, Any]] = {}
    winners = []
    snapshot: dict[str, Any] = {"lots": []}
    for lot, lot_bids in _by_lot(bids(evaluation)).items():
        data = engine_input(evaluation, lot_bids)
        result = evaluate(data)
        results[lot] = result
        keyed[lot] = {bid_key(b): b for b in lot_bids}
        if result.winner is not None:
            winners.append(keyed[lot][result.winner])
        snapshot["lots"].append({"lot": lot, "input": input_as_json(data), "result": result_as_json(result)})
    return Outcome(results=results, bids=keyed, winners=winners, as_json=snapshot)


@dataclass(frozen=True)
class LowPrice:
    """A tender whose price is flagged as possibly abnormally low (or was, before it was disregarded), why, and
    the steps recorded for it."""

    bid: Bid
    reasons: tuple[str, ...]
    review: LowPriceReview | None

    @property
    def decided(self) -> bool:
        return self.review is not None and bool(self.review.outcome)


def low_prices(evaluation: Evaluation, outcome: Outcome | None = None) -> list[LowPrice]:
    """Every tender flagged now, and every tender with a review already (a disregarded one is no longer flagged)."""
    outcome = outcome or evaluation_outcome(evaluation)
    reviews = {r.bid_id: r for r in LowPriceReview.objects.filter(evaluation=evaluation)}
    found = []
    for lot, result in outcome.results.items():
        for bid_result in result.bids:
            bid = outcome.bids[lot][bid_result.key]
            if bid_result.abnormally_low or bid.pk in reviews:
                found.append(LowPrice(bid, bid_result.abnormally_low_reasons, reviews.get(bid.pk)))
    return found


def low_prices_undecided(evaluation: Evaluation, outcome: Outcome | None = None) -> list[LowPrice]:
    return [item for item in low_prices(evaluation, outcome) if not item.decided]


# Who still has to do what -------------------------------------------------------------------------------------


def assignments(evaluation: Evaluation, bid: Bid) -> list[workflow.Assignment]:
    """Each marker's duty for ``bid``: their criteria, whether they are recused (a conflict with any bidder in the
    bid's lot), whether they have submitted."""
    conflicted = perms.lot_conflicted_people(bid)
    submitted = set(ScoreSheet.objects.filter(bid=bid, submitted_at__isnull=False).values_list("member_id", flat=True))
    return [
        workflow.Assignment(
            member=m.pk,
            criteria=frozenset(c.pk for c in m.criteria.all() if not c.is_price),
            conflicted=m.person_id in conflicted,
            submitted=m.pk in submitted,
        )
        for m in panel(evaluation)
    ]


def consensus_missing(evaluation: Evaluation) -> list[tuple[Any, Any]]:
    """The (bid, criterion) pairs still without a consensus mark: every marked criterion of every bid needs one."""
    agreed = set(ConsensusMark.objects.filter(evaluation=evaluation).values_list("bid_id", "criterion_id"))
    criteria = [c for c in evaluation.opportunity.criteria.all() if not c.is_price]
    return [(bid, c) for bid in bids(evaluation) for c in criteria if (bid.pk, c.pk) not in agreed]


def quality_moderated(evaluation: Evaluation) -> bool:
    return not consensus_missing(evaluation)


# What a panel member sees -------------------------------------------------------------------------------------


def bid_for_member(*, actor: Person, evaluation: Evaluation, public_id):
    """One bid with its content, for a panel member who has declared no conflict with its bidder."""
    found = next((b for b in bids(evaluation) if str(b.public_id) == str(public_id)), None)
    if found is None:
        raise NotFound("No such bid in this evaluation.")
    decision = perms.can_read_bid(actor, evaluation, found)
    if not decision:
        raise PermissionDenied(decision.reason)
    return found


def own_sheet(member: PanelMember, bid: Bid) -> ScoreSheet | None:
    return ScoreSheet.objects.filter(member=member, bid=bid).prefetch_related("marks").first()


def marks_side_by_side(*, actor: Person, evaluation: Evaluation, bid: Bid) -> dict[int, list[Mark]]:
    """Every submitted mark for ``bid`` by criterion, for those allowed to see colleagues' marks."""
    decision = perms.can_see_colleagues_marks(actor, evaluation, bid)
    if not decision:
        raise PermissionDenied(decision.reason)
    by_criterion: dict[int, list[Mark]] = defaultdict(list)
    for mark in Mark.objects.filter(sheet__bid=bid, sheet__submitted_at__isnull=False).select_related(
        "sheet__member__person"
    ):
        by_criterion[mark.criterion_id].append(mark)
    return dict(by_criterion)


def consensus_for(bid: Bid) -> dict[int, ConsensusMark]:
    return {c.criterion_id: c for c in ConsensusMark.objects.filter(bid=bid)}
