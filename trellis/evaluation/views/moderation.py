"""Moderation and results.

- **Moderate** (the panel's moderator, once they have declared no conflict with the bidder): every submitted mark
  for each criterion of one bid side by side, the spread and whether it is more than the agreed amount, who is still
  to submit, and the consensus form for each criterion that everyone assigned has marked.
- **Results** (officers and moderators): the engine's outcome for each lot — the ranking, the flags, the
  divergences and what it would take to change the winner — each explained in words. Prices and price points stay
  hidden while the price envelope is sealed (``permissions.can_see_prices``).

``results_context`` is also the results summary on the recommendation page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_safe

from trellis.core.errors import PermissionDenied, TrellisError, ValidationFailed
from trellis.core.web import error_links, require, show_service_errors, signed_in
from trellis.evaluation import permissions as perms
from trellis.evaluation import selectors, services
from trellis.evaluation.domain import workflow
from trellis.evaluation.domain.results import BidResult, EvaluationResult
from trellis.evaluation.domain.scheme import MarkRule, mark_rule
from trellis.evaluation.domain.winner_margin import in_words
from trellis.evaluation.forms.moderation import ConsensusForm, plain
from trellis.evaluation.models import ConsensusMark, Evaluation, Mark
from trellis.evaluation.views.common import load_evaluation
from trellis.opportunities.domain.criteria import Scale

NOT_MODERATOR = "Only the panel's moderator sees every mark side by side and records the consensus marks."
#: Where each part of the results is explained (docs/evaluation-methods.md), named in words.
METHOD_GUIDE = "the evaluation methods guide (docs/evaluation-methods.md in the Trellis source)"
SECTIONS = {
    "ranking": "sections 3 to 5, “Points and totals”, “Price scoring methods” and “Ranking and the tie-break”",
    "flags": "section 1, “Gates, minimum marks and the disqualification rule”, and section 6, “Abnormally low prices”",
    "divergences": "section 2, “The mark used, spread and divergence”",
    "change_the_winner": "section 7, “What would change the winner”",
}


def _bid_in(evaluation: Evaluation, bid_id):
    """One of the evaluation's bids by its public id; 404 if it is not one of them."""
    found = next((b for b in selectors.bids(evaluation) if str(b.public_id) == str(bid_id)), None)
    if found is None:
        raise Http404("No such bid in this evaluation.")
    return found


def _url(name: str, *args: Any) -> str:
    return reverse(f"evaluation:{name}", args=args)


# Moderation ------------------------------------------------------------------------------------------------------


@dataclass
class CriterionRow:
    """What the moderator sees for one criterion of the bid."""

    criterion: Any
    rule: MarkRule
    marks: list[Mark]
    allowed: Decimal  # divergence threshold × the scale's maximum
    waiting: list[str]  # who is still to submit
    consensus: ConsensusMark | None
    form: ConsensusForm | None = None
    spread: Decimal | None = None
    divergent: bool = False
    marks_shown: list[tuple[str, str, str]] = field(default_factory=list)  # (evaluator, mark, justification)

    def __post_init__(self) -> None:
        scores = [m.score for m in self.marks]
        if scores:
            self.spread = max(scores) - min(scores)
            self.divergent = self.spread > self.allowed
        self.marks_shown = sorted(
            (_person_name(m.sheet.member.person), plain(m.score), m.justification) for m in self.marks
        )

    @property
    def spread_text(self) -> str:
        return plain(self.spread)

    @property
    def allowed_text(self) -> str:
        return plain(self.allowed.normalize())


def _person_name(person) -> str:
    return person.get_full_name() or person.email


def _consensus_form(criterion, consensus: ConsensusMark | None, data=None) -> ConsensusForm:
    initial = {}
    if consensus is not None:
        initial = {"score": plain(consensus.score), "rationale": consensus.rationale}
    return ConsensusForm(data, criterion=criterion, initial=initial, prefix=f"c{criterion.pk}")


def _criterion_rows(evaluation: Evaluation, bid, marks: dict[int, list[Mark]]) -> list[CriterionRow]:
    duties = selectors.assignments(evaluation, bid)
    agreed = selectors.consensus_for(bid)
    rows = []
    for criterion in evaluation.opportunity.criteria.all():
        if criterion.is_price:
            continue  # the price is scored by the published formula, not by marks
        rule = mark_rule(Scale(criterion.scale))
        rows.append(
            CriterionRow(
                criterion=criterion,
                rule=rule,
                marks=marks.get(criterion.pk, []),
                allowed=evaluation.divergence_threshold * rule.maximum,
                waiting=selectors.member_names(workflow.awaiting(duties, criterion.pk)),
                consensus=agreed.get(criterion.pk),
            )
        )
    return rows


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def moderate(request: HttpRequest, public_id, bid_id) -> HttpResponse:
    evaluation = load_evaluation(request, public_id)
    bid = _bid_in(evaluation, bid_id)
    member = perms.member_for(request.user, evaluation)
    if member is None or not member.is_moderator:
        raise PermissionDenied(NOT_MODERATOR)
    context: dict[str, Any] = {"evaluation": evaluation, "opp": evaluation.opportunity, "bid": bid}
    readable = perms.can_read_bid(request.user, evaluation, bid)
    if not readable:
        if readable.reason != perms.DECLARE_FIRST:
            raise PermissionDenied(readable.reason)
        return render(request, "evaluation/moderate.html", {**context, "declare_first": readable.reason})
    marks = selectors.marks_side_by_side(actor=request.user, evaluation=evaluation, bid=bid)
    recording = perms.can_moderate(request.user, evaluation, bid)
    rows = _criterion_rows(evaluation, bid, marks)
    page_errors: list[str] = []
    posted = None
    if request.method == "POST":
        require(recording)
        target = next((r for r in rows if str(r.criterion.pk) == request.POST.get("criterion", "")), None)
        if target is None:
            page_errors.append("Choose one of this opportunity's quality criteria to moderate.")
        else:
            posted = target
            target.form = _consensus_form(target.criterion, target.consensus, request.POST)
            if target.form.is_valid():
                try:
                    services.consensus_record(
                        actor=request.user,
                        evaluation=evaluation,
                        bid=bid,
                        criterion=target.criterion,
                        score=target.form.cleaned_data["score"],
                        rationale=target.form.cleaned_data["rationale"],
                    )
                except TrellisError as exc:
                    show_service_errors(target.form, exc, {"criterion": "__all__"}, refusal_on_form=True)
                else:
                    messages.success(request, f"The consensus mark for “{target.criterion.name}” is recorded.")
                    url = _url("moderate", evaluation.public_id, bid.public_id)
                    return redirect(f"{url}#criterion-{target.criterion.pk}")
    for row in rows:
        if row.form is None and recording and not row.waiting:
            row.form = _consensus_form(row.criterion, row.consensus)
    context.update(
        rows=rows,
        recording=recording,
        page_errors=page_errors,
        error_links=error_links(posted.form) if posted is not None and posted.form is not None else [],
        divergent_count=sum(1 for r in rows if r.divergent),
        agreed_count=sum(1 for r in rows if r.consensus is not None),
    )
    return render(request, "evaluation/moderate.html", context)


# Results ---------------------------------------------------------------------------------------------------------


def _points(value: float | None) -> str:
    """Points to 2 decimal places, for display only (the engine's numbers stay unrounded)."""
    return "" if value is None else f"{value:.2f}"


def _number(value: float) -> str:
    """A weight or mark without trailing zeros: 50, 45.71."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _named(text: str, names: dict[str, str]) -> str:
    """The engine names bids by their key (the bidder's org-id): say the bidder's name instead."""
    for key, name in names.items():
        text = text.replace(key, name)
    return text


def _row(bid: BidResult, names: dict[str, str], bids: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": bid.key,
        "name": names.get(bid.key, bid.key),
        "lot": bids[bid.key].lot if bid.key in bids else None,
        "rank": bid.rank,
        "quality": _points(bid.quality_points),
        "price": bid.price,
        "price_points": _points(bid.price_points),
        "total": _points(bid.total),
        "excluded": bid.excluded,
        "reasons": [_named(r, names) for r in bid.reasons],
        "abnormally_low": bid.abnormally_low,
        "low_reasons": [_named(r, names) for r in bid.abnormally_low_reasons],
    }


def _lot(
    lot: int | None,
    result: EvaluationResult,
    bids: dict[str, Any],
    criteria: dict[str, str],
    prices: bool,
    lots: dict[int, Any],
) -> dict[str, Any]:
    names = {key: bid.organisation.name for key, bid in bids.items()}
    rows = [_row(b, names, bids) for b in result.bids]
    if not prices:  # the envelope is sealed: quality only, in order of quality, with nothing derived from price
        rows.sort(key=lambda r: (-float(r["quality"] or 0), r["name"]))
    divergences = [
        {
            "bidder": names.get(d.bid, d.bid),
            "criterion": criteria.get(d.criterion, d.criterion),
            "marks": sorted((who, _number(mark)) for who, mark in d.marks.items()),
            "spread": _number(d.spread),
            "allowed": _number(d.allowed),
            "consensus": None if d.consensus is None else _number(d.consensus),
        }
        for d in result.divergences
    ]
    return {
        "lot": lots.get(lot) if lot is not None else None,
        "number": lot,
        "rows": rows,
        "excluded": [r for r in rows if r["excluded"] or r["reasons"]],
        "abnormally_low": [r for r in rows if r["abnormally_low"]] if prices else [],
        "divergences": divergences,
        "winner": names.get(result.winner) if result.winner else None,
        "change_the_winner": in_words(result.change_the_winner, names) if prices else None,
        "notes": [_named(n, names) for n in result.notes],
        "price_method": result.price_method.label if result.price_method else "",
        "tie_break": result.tie_break.label,
        "exclusion": result.exclusion.label,
    }


def results_context(actor, evaluation: Evaluation) -> dict[str, Any]:
    """The outcome for each lot, ready to show; ``problems`` instead when the marks cannot be evaluated yet."""
    missing = selectors.consensus_missing(evaluation)
    prices = perms.can_see_prices(actor, evaluation, quality_moderated=not missing)
    criteria = {selectors.criterion_key(c): c.name for c in evaluation.opportunity.criteria.all()}
    context: dict[str, Any] = {
        "missing": len(missing),
        "prices": prices,
        "is_officer": perms.is_officer(actor),
        "guide": METHOD_GUIDE,
        "sections": SECTIONS,
        "results": [],
        "problems": [],
    }
    try:
        outcome = selectors.evaluation_outcome(evaluation)
    except ValidationFailed as exc:
        names = {selectors.bid_key(b): b.organisation.name for b in selectors.bids(evaluation)}
        context["problems"] = [_named(m, names) for ms in exc.errors.values() for m in ms] or [exc.message]
        return context
    lots = {lot.number: lot for lot in evaluation.opportunity.lots.all()}
    context["results"] = [
        _lot(lot, result, outcome.bids[lot], criteria, bool(prices), lots) for lot, result in outcome.results.items()
    ]
    return context


@signed_in
@require_safe
def results(request: HttpRequest, public_id) -> HttpResponse:
    evaluation = load_evaluation(request, public_id)
    decision = perms.can_see_results(request.user, evaluation)
    require(decision)
    context = {"evaluation": evaluation, "opp": evaluation.opportunity, **results_context(request.user, evaluation)}
    context["can_recommend"] = perms.can_recommend(request.user, evaluation)
    return render(request, "evaluation/results.html", context)


urlpatterns = [
    path("<uuid:public_id>/bids/<uuid:bid_id>/moderate/", moderate, name="moderate"),
    path("<uuid:public_id>/results/", results, name="results"),
]
