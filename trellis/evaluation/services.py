"""Evaluation use cases: set up the panel and rules, declare conflicts, mark independently, moderate, recommend,
approve the award, and the award steps after it: the award notice and its standstill, a challenge and its
suspension, the exclusion checks, and the contract. Keyword-only arguments, the acting person first;
each checks permission, validates (naming every field that is wrong, writing nothing), runs in a transaction,
records an audit event and sends its notifications once the transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from trellis.bids import selectors as bid_selectors
from trellis.bids import services as bid_services
from trellis.core import roles
from trellis.core.domain.roles import AUTHORITY_ROLES
from trellis.core.errors import InvalidTransition, ValidationFailed
from trellis.core.models import Person
from trellis.core.permissions import deny, require
from trellis.core.services import audit_record, notify
from trellis.evaluation import messages, selectors
from trellis.evaluation import permissions as perms
from trellis.evaluation.domain import award, low_price, workflow
from trellis.evaluation.domain.scheme import scheme_errors
from trellis.evaluation.domain.summary import WITHHOLDING_GROUNDS
from trellis.evaluation.domain.workflow import Move, PanelRole, State
from trellis.evaluation.models import (
    AwardDecision,
    Challenge,
    ConsensusMark,
    Evaluation,
    LowPriceReview,
    Mark,
    PanelMember,
    ScoreSheet,
)
from trellis.opportunities import selectors as opportunity_selectors
from trellis.opportunities import services as opportunity_services
from trellis.opportunities.domain.lifecycle import Status
from trellis.routes.domain.calendar import Standstill

if TYPE_CHECKING:
    from trellis.bids.models import Bid
    from trellis.opportunities.models import Criterion, Opportunity


def _lock(evaluation: Evaluation) -> Evaluation:
    return Evaluation.objects.select_for_update().select_related("opportunity").get(pk=evaluation.pk)


def _refresh_from(target: Evaluation, source: Evaluation) -> None:
    for f in Evaluation._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))


def _audit(actor: Person | None, verb: str, evaluation: Evaluation, data: dict[str, Any] | None = None) -> None:
    audit_record(
        actor=actor,
        verb=verb,
        target=evaluation,
        data={"opportunity": evaluation.opportunity.reference, **(data or {})},
    )


def _text(value: Any) -> str:
    return str(value or "").strip()


# Setting up --------------------------------------------------------------------------------------------------------


@transaction.atomic
def evaluation_start(*, actor: Person, opportunity: Opportunity, now: datetime | None = None) -> Evaluation:
    """Start setting up the evaluation of an opportunity under evaluation (its bids opened). Once only."""
    now = now or timezone.now()
    if not perms.is_officer(actor):
        require(deny(perms.OFFICERS_ONLY))
    if opportunity.status != Status.UNDER_EVALUATION:
        raise InvalidTransition("Start the opportunity's evaluation (on its Manage page) once its bids are opened.")
    bid_selectors.opened_bids(opportunity)  # PermissionDenied while the bids are sealed
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(opportunity=opportunity, created_by=actor, created_at=now)
    except IntegrityError as exc:
        raise InvalidTransition("This opportunity's evaluation has already been started.") from exc
    _audit(actor, "evaluation.started", evaluation)
    return evaluation


def _decimal(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return Decimal("NaN")
    return number


@transaction.atomic
def evaluation_rules_set(*, actor: Person, evaluation: Evaluation, rules: Mapping[str, Any]) -> Evaluation:
    """The panel's working settings: how far evaluators' marks may differ before a criterion is flagged for
    moderation (a share of the scale), and whether prices stay in a sealed envelope until quality is moderated.
    The scoring methodology itself was published with the opportunity and cannot change. Fixed once scoring
    starts."""
    require(perms.can_set_up_panel(actor, evaluation))
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for name in rules:
        if name not in ("divergence_threshold", "price_envelope"):
            errors[name] = ["This was published with the opportunity and cannot be changed now."]
    if "divergence_threshold" in rules:
        spread = _decimal(rules["divergence_threshold"])
        if spread is None or not spread.is_finite() or not Decimal("0.01") <= spread <= Decimal(1):
            errors["divergence_threshold"] = ["Enter the allowed spread as a share of the scale, from 1% to 100%."]
        else:
            clean["divergence_threshold"] = spread.quantize(Decimal("0.01"))
    if "price_envelope" in rules:
        clean["price_envelope"] = bool(rules["price_envelope"])
    if errors:
        raise ValidationFailed.of(errors, "The settings have not been saved.")
    locked = _lock(evaluation)
    changed = {k: v for k, v in clean.items() if getattr(locked, k) != v}
    for name, value in changed.items():
        setattr(locked, name, value)
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
        _audit(actor, "evaluation.rules_set", locked, {k: str(v) for k, v in changed.items()})
    _refresh_from(evaluation, locked)
    return evaluation


@transaction.atomic
def panel_member_set(
    *,
    actor: Person,
    evaluation: Evaluation,
    person: Person,
    role: str,
    criteria: Iterable[Any] = (),
    is_moderator: bool = False,
    now: datetime | None = None,
) -> PanelMember:
    """Add a person to the panel, or change their role, criteria or moderation. ``criteria`` are ids of the
    opportunity's criteria they mark (a finance officer might mark only price and viability)."""
    now = now or timezone.now()
    require(perms.can_set_up_panel(actor, evaluation))
    errors: dict[str, list[str]] = {}
    try:
        panel_role = PanelRole(str(role))
    except ValueError:
        errors["role"] = ["Choose what the person is on the panel as."]
        panel_role = None
    if panel_role is not None and not roles.has_role(person, workflow.PANEL_ROLES[panel_role]):
        needed = " or ".join(sorted(r.label.lower() for r in workflow.PANEL_ROLES[panel_role]))
        errors["person"] = [f"To sit on the panel as {panel_role.label.lower()}, the person must be a {needed}."]
    elif not roles.has_role(person, AUTHORITY_ROLES):
        errors.setdefault("person", ["Only the council's people, evaluators and citizen commissioners sit on panels."])
    own = {c.pk: c for c in evaluation.opportunity.criteria.all()}
    wanted: set[int] = set()
    for raw in criteria:
        try:
            wanted.add(int(raw))
        except (TypeError, ValueError):
            errors["criteria"] = ["Choose criteria from the list."]
    if wanted - set(own):
        errors["criteria"] = ["Choose criteria of this opportunity."]
    if not wanted and not is_moderator and "criteria" not in errors:
        errors["criteria"] = ["Choose the criteria this person marks (or make them the moderator)."]
    if errors:
        raise ValidationFailed.of(errors, "The panel has not been changed.")
    assert panel_role is not None
    member, created = PanelMember.objects.get_or_create(
        evaluation=evaluation,
        person=person,
        defaults={"role": panel_role.value, "is_moderator": bool(is_moderator), "added_by": actor, "added_at": now},
    )
    if not created:
        member.role = panel_role.value
        member.is_moderator = bool(is_moderator)
        member.save(update_fields=["role", "is_moderator"])
    member.criteria.set([own[pk] for pk in sorted(wanted)])
    _audit(
        actor,
        "evaluation.panel_member_set",
        evaluation,
        {
            "person": person.pk,
            "role": panel_role.value,
            "criteria": sorted(wanted),
            "moderator": bool(is_moderator),
            "added": created,
        },
    )
    return member


@transaction.atomic
def panel_member_remove(*, actor: Person, member: PanelMember) -> None:
    require(perms.can_set_up_panel(actor, member.evaluation))
    _audit(actor, "evaluation.panel_member_removed", member.evaluation, {"person": member.person_id})
    member.delete()


def _start_problems(evaluation: Evaluation) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    members = list(evaluation.members.prefetch_related("criteria"))
    if not any(m.is_moderator for m in members):
        errors["moderator"] = ["Choose a moderator for the panel."]
    marked = {c.pk for m in members for c in m.criteria.all()}
    for criterion in evaluation.opportunity.criteria.all():
        if not criterion.is_price and criterion.pk not in marked:
            errors.setdefault("criteria", []).append(f"Nobody on the panel marks “{criterion.name}”.")
    problems = scheme_errors(selectors.scheme_for(evaluation))
    if problems:
        errors.setdefault("rules", []).extend(message for messages in problems.values() for message in messages)
    if not bid_selectors.opened_bids(evaluation.opportunity).exists():
        errors["bids"] = ["There are no opened bids to evaluate."]
    return errors


def evaluation_move(*, actor: Person, evaluation: Evaluation, move: str, now: datetime | None = None) -> Evaluation:
    """Start scoring (the panel and rules are then fixed; the panel is told)."""
    now = now or timezone.now()
    if move != Move.START_SCORING:
        raise InvalidTransition("Use the recommendation, approval and contract steps for those moves.")
    require(perms.can_set_up_panel(actor, evaluation))
    with transaction.atomic():
        locked = _lock(evaluation)
        errors = _start_problems(locked)
        if errors:
            raise ValidationFailed.of(errors, "Scoring cannot start yet.")
        locked.state = workflow.next_state(locked.state, move).value
        locked.save(update_fields=["state", "updated_at"])
        _audit(actor, "evaluation.scoring_started", locked, {"at": now.isoformat()})
        notify(
            recipients=[m.person for m in locked.members.select_related("person")],
            message=messages.scoring_started(locked),
            email=True,
        )
        _refresh_from(evaluation, locked)
    return evaluation


# Conflicts, marks, moderation ---------------------------------------------------------------------------------


def conflict_declare(
    *, actor: Person, evaluation: Evaluation, bid: Bid, conflict: bool, details: str = "", now: datetime | None = None
):
    """A panel member's declaration for one bid, before seeing it. A conflict recuses them from it everywhere and
    tells the officers, who may need to add another marker."""
    require(perms.can_declare(actor, evaluation, bid))
    with transaction.atomic():
        declaration = bid_services.conflict_declare(actor=actor, bid=bid, conflict=conflict, details=details, now=now)
        if conflict:
            notify(
                recipients=selectors.organisers(evaluation), message=messages.conflict_declared(evaluation), email=False
            )
    return declaration


def bid_read(*, actor: Person, evaluation: Evaluation, bid: Bid) -> None:
    """Record that a panel member read a bid (every reading of a bid by the authority's people is audited)."""
    require(perms.can_read_bid(actor, evaluation, bid))
    audit_record(
        actor=actor,
        verb="bid.read",
        target=bid,
        data={"where": "evaluation", "evaluation": evaluation.pk, "opportunity": evaluation.opportunity.reference},
    )


@transaction.atomic
def marks_save(
    *,
    actor: Person,
    evaluation: Evaluation,
    bid: Bid,
    marks: Mapping[Any, tuple[Any, Any]],
    submit: bool = False,
    now: datetime | None = None,
) -> ScoreSheet:
    """Save the actor's marks for a bid (``{criterion_id: (score, justification)}``), and with ``submit`` submit
    them: every assigned criterion must then be marked, and the marks can no longer change. A mark without its
    justification, or off its scale, is refused and nothing is saved."""
    now = now or timezone.now()
    require(perms.can_score(actor, evaluation, bid))
    member = perms.member_for(actor, evaluation)
    assert member is not None
    assigned = {c.pk: c for c in member.criteria.filter(is_price=False)}
    errors: dict[str, list[str]] = {}
    clean: dict[int, tuple[Decimal, str]] = {}
    for raw_key, (raw_score, raw_text) in marks.items():
        try:
            key = int(raw_key)
        except (TypeError, ValueError):
            errors["marks"] = ["Mark only the criteria assigned to you."]
            continue
        if key not in assigned:
            errors["marks"] = ["Mark only the criteria assigned to you."]
            continue
        blank = str(raw_score or "").strip() == "" and not _text(raw_text)
        if blank and not submit:
            continue  # a draft may leave a criterion for later
        check = workflow.check_mark(assigned[key].name, assigned[key].scale, raw_score, raw_text)
        if check.score_problems:
            errors[f"mark-{key}"] = list(check.score_problems)
        if check.reason_problems:
            errors[f"justification-{key}"] = list(check.reason_problems)
        if check.ok:
            assert check.score is not None
            clean[key] = (check.score, check.reason)
    sheet, _ = ScoreSheet.objects.select_for_update().get_or_create(member=member, bid=bid)
    if sheet.submitted_at is not None:
        raise InvalidTransition("You have submitted your marks for this bid: they can no longer be changed.")
    if submit:
        existing = set(sheet.marks.values_list("criterion_id", flat=True))
        for key, criterion in assigned.items():
            if key not in clean and key not in existing and not {f"mark-{key}", f"justification-{key}"} & set(errors):
                errors[f"mark-{key}"] = [f"Enter a mark for “{criterion.name}”."]
    if errors:
        raise ValidationFailed.of(errors, "Your marks have not been saved.")
    changes = []
    for key, (score, text) in clean.items():
        mark, created = Mark.objects.get_or_create(
            sheet=sheet, criterion=assigned[key], defaults={"score": score, "justification": text}
        )
        if not created and (mark.score != score or mark.justification != text):
            changes.append({"criterion": key, "from": str(mark.score), "to": str(score)})
            mark.score, mark.justification = score, text
            mark.save(update_fields=["score", "justification", "updated_at"])
        elif created:
            changes.append({"criterion": key, "from": None, "to": str(score)})
    if submit:
        sheet.submitted_at = now
        sheet.save(update_fields=["submitted_at"])
    audit_record(
        actor=actor,
        verb="evaluation.marks_submitted" if submit else "evaluation.marks_saved",
        target=bid,
        data={"evaluation": evaluation.pk, "member": member.pk, "changes": changes},
    )
    return sheet


@transaction.atomic
def consensus_record(
    *,
    actor: Person,
    evaluation: Evaluation,
    bid: Bid,
    criterion: Criterion,
    score: Any,
    rationale: Any,
    now: datetime | None = None,
) -> ConsensusMark:
    """The moderator records the agreed mark and its rationale for one bid and criterion, once everyone assigned
    to mark it (and not recused) has submitted. Changing it later is allowed until the recommendation, audited."""
    now = now or timezone.now()
    require(perms.can_moderate(actor, evaluation, bid))
    if criterion.opportunity_id != evaluation.opportunity_id or criterion.is_price:
        raise ValidationFailed.of({"criterion": ["Choose one of this opportunity's quality criteria."]})
    waiting = workflow.awaiting(selectors.assignments(evaluation, bid), criterion.pk)
    if waiting:
        names = ", ".join(selectors.member_names(waiting))
        raise ValidationFailed.of(
            {"score": [f"“{criterion.name}” cannot be moderated until everyone marking it has submitted: {names}."]},
            "Not everyone has marked this yet.",
        )
    check = workflow.check_mark(criterion.name, criterion.scale, score, rationale)
    if not check.ok:
        errors = {"score": list(check.score_problems), "rationale": list(check.reason_problems)}
        raise ValidationFailed.of({k: v for k, v in errors.items() if v}, "The consensus mark has not been saved.")
    value, text = check.score, check.reason
    assert value is not None
    existing = ConsensusMark.objects.filter(bid=bid, criterion=criterion).first()
    before = None if existing is None else str(existing.score)
    if existing is None:
        existing = ConsensusMark(evaluation=evaluation, bid=bid, criterion=criterion)
    existing.score, existing.rationale, existing.recorded_by, existing.recorded_at = value, text, actor, now
    existing.save()
    audit_record(
        actor=actor,
        verb="evaluation.consensus_recorded",
        target=bid,
        data={"evaluation": evaluation.pk, "criterion": criterion.pk, "from": before, "to": str(value)},
    )
    return existing


# Abnormally low prices (s.19(4)–(5); the rules are in ``domain.low_price``) ----------------------------------------


def _flagged(evaluation: Evaluation, bid: Bid) -> selectors.LowPrice:
    found = next((item for item in selectors.low_prices(evaluation) if item.bid.pk == bid.pk), None)
    if found is None:
        raise ValidationFailed.of({"bid": ["This tender's price is not flagged as possibly abnormally low."]})
    return found


def low_price_ask(
    *, actor: Person, evaluation: Evaluation, bid: Bid, due_on: date | None, now: datetime | None = None
) -> LowPriceReview:
    """Ask the supplier to explain its flagged price by ``due_on``; its people are told at once."""
    now = now or timezone.now()
    require(perms.can_review_low_prices(actor, evaluation))
    with transaction.atomic():
        locked = _lock(evaluation)
        item = _flagged(locked, bid)
        if item.review is not None:
            raise InvalidTransition("The supplier has already been asked to explain this price.")
        asked_on = timezone.localdate(now)
        problems = low_price.request_problems(flagged=True, asked_on=asked_on, due_on=due_on, today=asked_on)
        if problems:
            raise ValidationFailed.of(problems, "The request has not been recorded.")
        assert due_on is not None
        review = LowPriceReview.objects.create(
            evaluation=locked, bid=bid, asked_on=asked_on, due_on=due_on, asked_by=actor
        )
        _audit(
            actor,
            "evaluation.low_price_explanation_requested",
            locked,
            {"bid": bid.organisation.org_id, "due_on": due_on.isoformat(), "why": list(item.reasons)},
        )
        people = list(opportunity_selectors.provider_people([bid.organisation_id]))
        if people:
            notify(recipients=people, message=messages.low_price_explanation_requested(bid, due_on=due_on), email=True)
    return review


def low_price_explanation_record(
    *,
    actor: Person,
    evaluation: Evaluation,
    bid: Bid,
    explanation: str,
    received_on: date | None,
    today: date | None = None,
) -> LowPriceReview:
    """Record the supplier's explanation of its price and the day it came."""
    today = today or timezone.localdate()
    require(perms.can_review_low_prices(actor, evaluation))
    with transaction.atomic():
        locked = _lock(evaluation)
        review = LowPriceReview.objects.select_for_update().filter(evaluation=locked, bid=bid).first()
        text = _text(explanation)
        problems = low_price.explanation_problems(
            asked_on=review.asked_on if review else None, explanation=text, received_on=received_on, today=today
        )
        if not problems and review is not None and review.outcome:
            raise InvalidTransition("The decision on this price is already recorded.")
        if problems:
            raise ValidationFailed.of(problems, "The explanation has not been recorded.")
        assert review is not None and received_on is not None
        review.explanation, review.received_on = text, received_on
        review.save(update_fields=["explanation", "received_on"])
        _audit(
            actor,
            "evaluation.low_price_explained",
            locked,
            {"bid": bid.organisation.org_id, "received_on": received_on.isoformat(), "explanation": text},
        )
    return review


def low_price_decide(
    *,
    actor: Person,
    evaluation: Evaluation,
    bid: Bid,
    outcome: str,
    reason: str,
    now: datetime | None = None,
) -> LowPriceReview:
    """Accept the tender, or disregard it for its abnormally low price with the reason (then the engine excludes
    it, and its assessment summary says why)."""
    now = now or timezone.now()
    require(perms.can_review_low_prices(actor, evaluation))
    with transaction.atomic():
        locked = _lock(evaluation)
        review = LowPriceReview.objects.select_for_update().filter(evaluation=locked, bid=bid).first()
        text = _text(reason)
        problems = low_price.decision_problems(
            asked_on=review.asked_on if review else None,
            due_on=review.due_on if review else None,
            explained=bool(review and review.received_on),
            outcome=outcome,
            reason=text,
            today=timezone.localdate(now),
        )
        if problems:
            raise ValidationFailed.of(problems, "The decision has not been recorded.")
        assert review is not None
        if review.outcome:
            raise InvalidTransition("The decision on this price is already recorded.")
        review.outcome, review.reason, review.decided_by, review.decided_at = outcome, text, actor, now
        review.save(update_fields=["outcome", "reason", "decided_by", "decided_at"])
        _audit(
            actor,
            "evaluation.low_price_decided",
            locked,
            {"bid": bid.organisation.org_id, "outcome": outcome, "reason": text},
        )
    return review


# Recommendation, decision, contract -------------------------------------------------------------------------


def recommendation_make(
    *,
    actor: Person,
    evaluation: Evaluation,
    rationale: str,
    award: bool = True,
    reason_for_bidders: str = "",
    withheld: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> AwardDecision:
    """Recommend the top-ranked bid (or no award), with the reasons, once every bid's quality criteria have their
    consensus mark. The totals, ranks, flags and what would change the winner are kept with the decision. The
    rationale is internal; for no award, ``reason_for_bidders`` is what every bidder's letter says (Procurement
    Regulations 2024 reg 31). ``withheld`` ``{criterion id: ground}`` withholds the winning tender's reasons for
    those quality criteria from the other bidders' summaries, which say so and why (s.94)."""
    now = now or timezone.now()
    require(perms.can_recommend(actor, evaluation))
    text = _text(rationale)
    for_bidders = _text(reason_for_bidders) if not award else ""
    with transaction.atomic():
        locked = _lock(evaluation)
        errors: dict[str, list[str]] = {}
        missing = selectors.consensus_missing(locked)
        if missing:
            errors["consensus"] = [f"Record the consensus marks first: {len(missing)} still to agree."]
        if not text:
            errors["rationale"] = ["Explain the recommendation: why this bid, or why no award."]
        elif len(text) > workflow.MAX_TEXT:
            errors["rationale"] = ["Keep the explanation to 10,000 characters or fewer."]
        if not award and not for_bidders:
            errors["reason_for_bidders"] = [
                "Say what every bidder will be told about why no award is made: the reasons above are internal."
            ]
        elif len(for_bidders) > workflow.MAX_TEXT:
            errors["reason_for_bidders"] = ["Keep what bidders are told to 10,000 characters or fewer."]
        hidden = {str(k): str(v) for k, v in (withheld or {}).items() if v}
        quality = {str(c.pk) for c in locked.opportunity.criteria.all() if not c.is_price}
        if any(k not in quality or v not in WITHHOLDING_GROUNDS for k, v in hidden.items()):
            errors["withheld"] = ["Withhold only the reasons for a quality criterion, on one of the grounds listed."]
        elif hidden and not award:
            errors["withheld"] = ["There is no successful tender whose reasons could be withheld."]
        outcome = None if missing else selectors.evaluation_outcome(locked)
        undecided = selectors.low_prices_undecided(locked, outcome) if outcome else []
        if undecided:
            names = ", ".join(item.bid.organisation.name for item in undecided)
            errors["low_prices"] = [
                f"Decide first on each price that may be abnormally low, after asking the supplier to explain it "
                f"(Procurement Act 2023 s.19(4)–(5)): {names}."
            ]
        if errors:
            raise ValidationFailed.of(errors, "The recommendation has not been made.")
        assert outcome is not None
        winners = outcome.winners if award else []
        if award and not winners:
            raise ValidationFailed.of({"award": ["No bid is ranked, so none can be recommended: recommend no award."]})
        decision = AwardDecision.objects.create(
            evaluation=locked,
            rationale=text,
            reason_for_bidders=for_bidders,
            withheld=hidden,
            result=outcome.as_json,
            recommended_by=actor,
            recommended_at=now,
        )
        decision.winning_bids.set(winners)
        locked.state = workflow.next_state(locked.state, Move.RECOMMEND).value
        locked.save(update_fields=["state", "updated_at"])
        _audit(
            actor,
            "evaluation.recommended",
            locked,
            {
                "winners": [bid.organisation.org_id for bid in winners],
                "rationale": text,
                "for_bidders": for_bidders,
                "withheld": hidden,
            },
        )
        notify(
            recipients=[p for p in opportunity_selectors.opportunity_officers(locked.opportunity) if p.pk != actor.pk],
            message=messages.recommendation_to_approve(locked),
            email=True,
        )
        _refresh_from(evaluation, locked)
    return decision


def decision_send_back(*, actor: Person, evaluation: Evaluation, reason: str) -> Evaluation:
    """The approver returns the recommendation to the panel with a reason; the recommendation is withdrawn."""
    require(perms.can_decide(actor, evaluation))
    text = _text(reason)
    if not text:
        raise ValidationFailed.of({"reason": ["Say why the recommendation is sent back."]})
    with transaction.atomic():
        locked = _lock(evaluation)
        decision = locked.decision
        _audit(
            actor,
            "evaluation.sent_back",
            locked,
            {"reason": text, "recommended_by": decision.recommended_by_id, "rationale": decision.rationale},
        )
        recommender = decision.recommended_by
        decision.delete()
        locked.state = workflow.next_state(locked.state, Move.SEND_BACK).value
        locked.save(update_fields=["state", "updated_at"])
        told = {p.pk: p for p in [recommender, *selectors.organisers(locked)] if p.is_active and p.pk != actor.pk}
        notify(
            recipients=list(told.values()),
            message=messages.recommendation_sent_back(locked, reason=text),
            email=True,
        )
        _refresh_from(evaluation, locked)
    return evaluation


#: What the approver confirms before approving: anyone who can influence the decision must have no conflict of
#: interest (Procurement Act 2023 s.81), not only the panel.
APPROVER_DECLARATION = "I have no conflict of interest with any bidder in this evaluation."


def decision_approve(
    *, actor: Person, evaluation: Evaluation, declares_no_conflict: bool = False, now: datetime | None = None
) -> AwardDecision:
    """Approve the recommendation: the approver declares no conflict with any bidder, the opportunity is awarded
    (or not), every bidder is told with a link to its assessment summary, and the standstill starts where it
    applies."""
    now = now or timezone.now()
    require(perms.can_decide(actor, evaluation))
    if not declares_no_conflict:
        raise ValidationFailed.of(
            {
                "declaration": [
                    "Declare that you have no conflict of interest with any bidder before you approve the decision "
                    "(Procurement Act 2023 s.81). If you have one, another commissioner must approve it."
                ]
            },
            "The decision has not been approved.",
        )
    with transaction.atomic():
        locked = _lock(evaluation)
        decision = AwardDecision.objects.select_for_update().get(evaluation=locked)
        opportunity = locked.opportunity
        rule = opportunity_selectors.award_standstill(opportunity)
        decision.approved_by, decision.approved_at = actor, now
        decision.approver_declared_no_conflict = True
        decision.standstill_applies = rule.required and decision.is_award
        decision.standstill_reason = award.standstill_words(rule)[:300]
        decision.save()
        locked.state = workflow.next_state(locked.state, Move.APPROVE).value
        locked.save(update_fields=["state", "updated_at"])
        opportunity_services.opportunity_transition(
            actor=actor,
            opportunity=opportunity,
            action="award" if decision.is_award else "not_award",
            reason="" if decision.is_award else decision.rationale,
            now=now,
            award_approved=True,
        )
        _audit(
            actor,
            "evaluation.approved",
            locked,
            {
                "winners": sorted(bid.organisation.org_id for bid in decision.winning_bids.all()),
                "summaries_sent": True,
                "standstill": decision.standstill_reason,
            },
        )
        _notify_bidders(locked, decision)
        _refresh_from(evaluation, locked)
    return decision


def _notify_bidders(evaluation: Evaluation, decision: AwardDecision) -> None:
    opportunity = evaluation.opportunity
    winners = set(decision.winning_bids.values_list("pk", flat=True))
    for bid in bid_selectors.opened_bids(opportunity):
        people = list(opportunity_selectors.provider_people([bid.organisation_id]))
        if not people:
            continue
        message = messages.outcome(bid, successful=bid.pk in winners, standstill_follows=decision.standstill_applies)
        notify(recipients=people, message=message, email=True)


# The award steps after approval (the guards are in ``domain.award``; the order in ``workflow.LIFECYCLE``) -----------


def _award_step(actor: Person, evaluation: Evaluation, move: Move, problem: str | None, field: str) -> Evaluation:
    """Lock, check the step is allowed from the evaluation's state and that its guard holds; the locked copy."""
    require(perms.can_record_award_steps(actor, evaluation))
    locked = _lock(evaluation)
    workflow.next_state(locked.state, move)
    if problem:
        raise ValidationFailed.of({field: [problem]}, problem)
    return locked


def _advance(actor: Person, evaluation: Evaluation, locked: Evaluation, move: Move, verb: str, data: dict) -> None:
    locked.state = workflow.next_state(locked.state, move).value
    locked.save(update_fields=["state", "updated_at"])
    _audit(actor, verb, locked, data)
    _refresh_from(evaluation, locked)


@transaction.atomic
def award_notice_publish(
    *,
    actor: Person,
    evaluation: Evaluation,
    published_on: date | None,
    voluntary_days: int | None = None,
    today: date | None = None,
) -> AwardDecision:
    """Record the day the award notice was published: the standstill starts from it, counted by the route's
    regime (mandatory, a voluntary one the authority chose, or none), and every bidder is told its dates."""
    today = today or timezone.localdate()
    decision = AwardDecision.objects.select_for_update().get(evaluation=evaluation)
    rule = opportunity_selectors.award_standstill(evaluation.opportunity)
    assert decision.approved_at is not None
    problem = award.award_notice_problem(
        rule=rule,
        is_award=decision.is_award,
        approved_on=timezone.localdate(decision.approved_at),
        published_on=published_on,
        today=today,
        voluntary_days=voluntary_days,
    )
    locked = _award_step(actor, evaluation, Move.PUBLISH_AWARD_NOTICE, problem, "published_on")
    assert published_on is not None
    period = rule.period(published_on, voluntary_days=voluntary_days)
    decision.award_notice_published_on, decision.award_notice_recorded_by = published_on, actor
    decision.standstill_kind = award.standstill_kind(rule, voluntary_days)
    decision.standstill_last_day = period.last_day if period else None
    decision.standstill_source = (
        f"{period.source}; working days as defined by {period.calendar_source}" if period else rule.source
    )
    decision.save()
    _advance(
        actor,
        evaluation,
        locked,
        Move.PUBLISH_AWARD_NOTICE,
        "evaluation.award_notice_published",
        {
            "notice": rule.notice,
            "published_on": published_on.isoformat(),
            "standstill": decision.standstill_kind,
            "last_day": period.last_day.isoformat() if period else None,
        },
    )
    _notify_standstill(locked, decision)
    return decision


def _notify_standstill(evaluation: Evaluation, decision: AwardDecision) -> None:
    for bid in bid_selectors.opened_bids(evaluation.opportunity):
        people = list(opportunity_selectors.provider_people([bid.organisation_id]))
        if people:
            notify(recipients=people, message=messages.award_notice_published(bid, decision), email=True)


def standstill_of(decision: AwardDecision) -> Standstill | None:
    """The standstill as recorded with the decision (None before the notice, or when there is none)."""
    if decision.award_notice_published_on is None or decision.standstill_last_day is None:
        return None
    return Standstill(
        decision.award_notice_published_on, None, None, decision.standstill_last_day, "", decision.standstill_source
    )


@transaction.atomic
def challenge_record(
    *,
    actor: Person,
    evaluation: Evaluation,
    claimant: str,
    notified_on: date | None,
    summary: str,
    now: datetime | None = None,
) -> Challenge:
    """Record a claim notified during the standstill: entry into the contract is suspended (s.101)."""
    now = now or timezone.now()
    decision = AwardDecision.objects.select_for_update().get(evaluation=evaluation)
    who, what = _text(claimant)[:200], _text(summary)
    problem = award.challenge_problem(
        standstill=standstill_of(decision),
        notified_on=notified_on,
        today=timezone.localdate(now),
        claimant=who,
        summary=what,
        until_contract=opportunity_selectors.award_standstill(evaluation.opportunity).regime == "PCR2015",
    )
    locked = _award_step(actor, evaluation, Move.RECORD_CHALLENGE, problem, "challenge")
    assert notified_on is not None
    challenge = Challenge.objects.create(
        decision=decision, claimant=who, notified_on=notified_on, summary=what, recorded_by=actor, recorded_at=now
    )
    if decision.exclusions_checked_on:  # the checks are made again once the suspension ends
        decision.exclusions_checked_on, decision.exclusions_checked_by = None, None
        decision.save(update_fields=["exclusions_checked_on", "exclusions_checked_by"])
    _advance(
        actor,
        evaluation,
        locked,
        Move.RECORD_CHALLENGE,
        "evaluation.challenge_recorded",
        {"claimant": who, "notified_on": notified_on.isoformat(), "summary": what},
    )
    return challenge


@transaction.atomic
def suspension_end(
    *, actor: Person, evaluation: Evaluation, how: str, ended_on: date | None, note: str = "", today: date | None = None
) -> Challenge:
    """Record that the suspension ended: the court lifted it (s.102(1)(a)) or the claim was withdrawn."""
    today = today or timezone.localdate()
    decision = AwardDecision.objects.select_for_update().get(evaluation=evaluation)
    challenge = decision.challenges.filter(ended_on__isnull=True).last()
    if challenge is None:
        workflow.next_state(evaluation.state, Move.END_SUSPENSION)
        raise InvalidTransition("No challenge stands, so there is no suspension to end.")
    problem = award.suspension_end_problem(how=how, ended_on=ended_on, notified_on=challenge.notified_on, today=today)
    locked = _award_step(actor, evaluation, Move.END_SUSPENSION, problem, "ended")
    assert ended_on is not None
    challenge.ended_on, challenge.ended_how, challenge.end_note, challenge.ended_by = (
        ended_on,
        how,
        _text(note),
        actor,
    )
    challenge.save()
    _advance(
        actor,
        evaluation,
        locked,
        Move.END_SUSPENSION,
        "evaluation.suspension_ended",
        {"claimant": challenge.claimant, "how": how, "ended_on": ended_on.isoformat(), "note": challenge.end_note},
    )
    return challenge


@transaction.atomic
def exclusions_check(
    *,
    actor: Person,
    evaluation: Evaluation,
    grounds_checked: bool,
    debarment_checked: bool,
    checked_on: date | None,
    note: str = "",
    today: date | None = None,
) -> AwardDecision:
    """Record that the exclusion grounds and the debarment list were checked for every winning supplier."""
    today = today or timezone.localdate()
    decision = AwardDecision.objects.select_for_update().get(evaluation=evaluation)
    assert decision.approved_at is not None
    not_before = decision.award_notice_published_on or timezone.localdate(decision.approved_at)
    problem = award.exclusion_check_problem(
        grounds_checked=grounds_checked,
        debarment_checked=debarment_checked,
        checked_on=checked_on,
        not_before=not_before,
        today=today,
    )
    if not problem and not decision.is_award:
        problem = "No award was made, so there is no supplier to check."
    if not problem and not opportunity_selectors.is_procurement(evaluation.opportunity):
        problem = "A grant is not a procurement: the exclusion and debarment checks do not apply."
    locked = _award_step(actor, evaluation, Move.CHECK_EXCLUSIONS, problem, "checks")
    if locked.state == State.DECIDED and opportunity_selectors.award_standstill(locked.opportunity).notice:
        raise InvalidTransition("Record that the award notice is published first: the checks follow it.")
    assert checked_on is not None
    decision.exclusions_checked_on, decision.exclusions_checked_by = checked_on, actor
    decision.exclusions_note = _text(note)
    decision.save(update_fields=["exclusions_checked_on", "exclusions_checked_by", "exclusions_note"])
    _advance(
        actor,
        evaluation,
        locked,
        Move.CHECK_EXCLUSIONS,
        "evaluation.exclusions_checked",
        {"checked_on": checked_on.isoformat(), "note": decision.exclusions_note},
    )
    return decision


@transaction.atomic
def contract_enter(
    *, actor: Person, evaluation: Evaluation, on: date | None = None, today: date | None = None
) -> AwardDecision:
    """Record that the contract (or grant agreement) is entered into: never during the standstill or while a
    suspension stands, and after the exclusion checks; the notice due after it gets its last day."""
    today = today or timezone.localdate()
    on = on or today
    require(perms.can_record_award_steps(actor, evaluation))
    decision = AwardDecision.objects.select_for_update().get(evaluation=evaluation)
    if not decision.is_award:
        raise InvalidTransition("No award was made, so there is no contract to record.")
    if evaluation.state == State.SUSPENDED:
        raise InvalidTransition(award.SUSPENDED, code="suspended")
    if decision.standstill_last_day and on <= decision.standstill_last_day:
        raise InvalidTransition(award.during_standstill(decision.standstill_last_day), code="standstill")
    if evaluation.state in (State.DECIDED, State.STANDSTILL) and opportunity_selectors.is_procurement(
        evaluation.opportunity
    ):
        raise InvalidTransition(_next_step_before_contract(evaluation))
    problem = award.contract_problem(
        standstill_last_day=decision.standstill_last_day,
        checked_on=decision.exclusions_checked_on,
        entered_on=on,
        today=today,
    )
    locked = _award_step(actor, evaluation, Move.ENTER_CONTRACT, problem, "on")
    due = award.notice_due(on, opportunity_selectors.notice_after_contract(locked.opportunity))
    decision.contract_entered_on, decision.contract_entered_by = on, actor
    if due:
        decision.contract_notice_name, decision.contract_notice_due, decision.contract_notice_source = (
            due.name,
            due.due,
            due.source,
        )
    decision.save()
    _advance(
        actor,
        evaluation,
        locked,
        Move.ENTER_CONTRACT,
        "evaluation.contract_entered",
        {"on": on.isoformat(), "notice_due": due.due.isoformat() if due else None},
    )
    return decision


def _next_step_before_contract(evaluation: Evaluation) -> str:
    """What must be recorded before the contract of a procurement whose decision is approved."""
    if evaluation.state == State.DECIDED and opportunity_selectors.award_standstill(evaluation.opportunity).notice:
        return "Record that the award notice is published, then the exclusion checks, before the contract."
    return "Record the exclusion and debarment checks before the contract."


__all__ = [
    "State",
    "award_notice_publish",
    "bid_read",
    "challenge_record",
    "conflict_declare",
    "consensus_record",
    "contract_enter",
    "decision_approve",
    "decision_send_back",
    "evaluation_move",
    "evaluation_rules_set",
    "evaluation_start",
    "exclusions_check",
    "low_price_ask",
    "low_price_decide",
    "low_price_explanation_record",
    "marks_save",
    "panel_member_remove",
    "panel_member_set",
    "recommendation_make",
    "suspension_end",
]
