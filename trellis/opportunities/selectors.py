"""Opportunity reads: the forward plan, the one door to an opportunity, clarifications, alerts, and the checks
shown beside an opportunity (publication readiness, aggregation, proportionate pre-qualification)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from trellis.core import roles
from trellis.core.domain.roles import PROVIDER_ROLES, Role
from trellis.core.errors import NotFound
from trellis.core.models import Person
from trellis.opportunities import permissions as perms
from trellis.opportunities.domain import aggregation, dates, prequalification
from trellis.opportunities.domain import conflicts as conflict_rules
from trellis.opportunities.domain import stages as stage_rules
from trellis.opportunities.domain.criteria import weight_errors
from trellis.opportunities.domain.kinds import Kind
from trellis.opportunities.domain.lifecycle import PRIVATE_STATUSES, Status
from trellis.opportunities.domain.methodology import Exclusion, PriceMethod, TieBreak
from trellis.opportunities.models import (
    AlertSubscription,
    Clarification,
    ClarificationStatus,
    ConflictsAssessment,
    FrameworkMember,
    Opportunity,
    OpportunityDocument,
    StageParticipant,
)
from trellis.organisations import selectors as directory
from trellis.organisations.domain.accreditation import Evidence, EvidenceKind
from trellis.places import selectors as place_selectors
from trellis.routes import selectors as route_selectors
from trellis.routes.domain import (
    Facts,
    FactsInvalid,
    Route,
    StandstillRule,
    TimeLimit,
    after_contract_notice,
    no_standstill,
    regime_after_contract_notice,
    regime_standstill,
    standstill_for,
)
from trellis.routes.domain import sources as route_sources
from trellis.routes.domain.context import build_context
from trellis.routes.domain.notices import time_limits_for

if TYPE_CHECKING:
    from trellis.organisations.models import Organisation
    from trellis.places.models import Place

#: Providers are voluntary, community and social enterprise or private organisations; public bodies are buyers.
PROVIDER_SECTORS = ["vcse", "private"]
PLANNED = "planned"
OFFICER_ROLES = (Role.COMMISSIONER, Role.PROCUREMENT_OFFICER)


# The forward plan ------------------------------------------------------------------------------------------------


@dataclass
class ForwardPlanFilters:
    """What a person searched the forward plan for. Empty lists mean 'any'.

    ``statuses`` takes ``planned`` (not yet published, with a planned publication date) and ``published``
    (open now); ``service_types`` are service type codes and ``wards`` ward GSS codes."""

    q: str = ""
    kinds: list[str] = field(default_factory=list)
    service_types: list[str] = field(default_factory=list)
    wards: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    place: Any = None


def _first_when(condition: Q) -> Case:
    return Case(When(condition, then=Value(0)), default=Value(1), output_field=IntegerField())


def _planned() -> Q:
    return Q(status__in=[s.value for s in PRIVATE_STATUSES], planned_publish_on__isnull=False)


def forward_plan(filters: ForwardPlanFilters | None = None) -> QuerySet[Opportunity]:
    """Everything planned and open: open opportunities first (soonest deadline first), then planned ones (soonest
    publication first). Planned entries are not yet published: show their title, summary and dates only."""
    filters = filters or ForwardPlanFilters()
    wanted = set(filters.statuses)
    scope = Q()
    if not wanted or PLANNED in wanted:
        scope |= _planned()
    if not wanted or Status.PUBLISHED.value in wanted:
        scope |= Q(status=Status.PUBLISHED)
    if not scope:
        return Opportunity.objects.none()
    qs = Opportunity.objects.filter(scope)
    if filters.place is not None:
        qs = qs.filter(place=filters.place)
    for word in filters.q.split():
        qs = qs.filter(Q(title__icontains=word) | Q(summary__icontains=word) | Q(reference__iexact=word))
    if filters.kinds:
        qs = qs.filter(kind__in=filters.kinds)
    if filters.service_types:
        qs = qs.filter(service_types__code__in=filters.service_types)
    if filters.wards:
        # An opportunity for the whole place (no wards chosen) is for every ward.
        qs = qs.filter(Q(wards__gss_code__in=filters.wards) | Q(wards__isnull=True))
    if filters.service_types or filters.wards:
        qs = qs.distinct()
    return (
        qs.select_related("place")
        .prefetch_related("service_types", "wards")
        .annotate(
            open_first=Case(When(status=Status.PUBLISHED, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("open_first", "closes_at", "planned_publish_on", "title", "id")
    )


# One opportunity -------------------------------------------------------------------------------------------------


def _full(qs: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
    return qs.select_related("place", "created_by", "route_decision", "framework").prefetch_related(
        "service_types", "wards", "lots", "eligibility_items", "criteria", "documents"
    )


def opportunity_get_for(*, actor, public_id) -> Opportunity:
    """The one door to an opportunity. A draft or approved one is seen only by the council's people; to anyone
    else it looks the same as a missing one (404)."""
    try:
        opportunity = _full(Opportunity.objects.filter(public_id=public_id)).first()
    except (ValueError, TypeError, ValidationError):
        opportunity = None
    if opportunity is None or not perms.can_view_opportunity(actor, opportunity):
        raise NotFound("No opportunity here")
    return opportunity


def opportunity_by_reference(reference: str) -> Opportunity | None:
    return Opportunity.objects.filter(reference=reference).first()


def opportunity_exists(*, place: Place, title: str) -> bool:
    return Opportunity.objects.filter(place=place, title=title).exists()


def opportunities_for_staff(place: Place | None) -> QuerySet[Opportunity]:
    """Every opportunity for a place, in any state, most recently changed first (for the council's pages)."""
    qs = Opportunity.objects.all() if place is None else Opportunity.objects.filter(place=place)
    return (
        qs.select_related("place", "created_by")
        .annotate(questions_waiting=Count("clarifications", filter=Q(clarifications__status=ClarificationStatus.ASKED)))
        .order_by("-updated_at", "-id")
    )


# Clarifications --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedClarification:
    """A published question and answer: deliberately nothing about who asked."""

    public_id: Any
    question: str
    answer: str
    published_at: datetime | None


def clarifications_published(opportunity: Opportunity) -> list[PublishedClarification]:
    rows = (
        Clarification.objects.filter(opportunity=opportunity, status=ClarificationStatus.PUBLISHED)
        .order_by("published_at", "id")
        .values_list("public_id", "question", "answer", "published_at")
    )
    return [PublishedClarification(*row) for row in rows]


def clarifications_for_staff(opportunity: Opportunity) -> QuerySet[Clarification]:
    """Every question with who asked it, unanswered first (for the council's people only)."""
    return (
        Clarification.objects.filter(opportunity=opportunity)
        .select_related("asked_by", "asking_organisation", "answered_by")
        .annotate(
            waiting=Case(
                When(status=ClarificationStatus.ASKED, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("waiting", "created_at", "id")
    )


def my_clarifications(actor, opportunity: Opportunity) -> QuerySet[Clarification]:
    """The questions the actor's organisations asked, with their answers as they stand."""
    org_ids = roles.organisation_ids_with(actor, PROVIDER_ROLES)
    if not org_ids:
        return Clarification.objects.none()
    return (
        Clarification.objects.filter(opportunity=opportunity, asking_organisation_id__in=org_ids)
        .select_related("asking_organisation", "asked_by")
        .order_by("created_at", "id")
    )


def clarification_get_for(*, actor, public_id) -> Clarification:
    """The one door to a question: the council's people, or a member of the organisation that asked."""
    try:
        clarification = (
            Clarification.objects.select_related("opportunity", "asking_organisation", "asked_by")
            .filter(public_id=public_id)
            .first()
        )
    except (ValueError, TypeError, ValidationError):
        clarification = None
    if clarification is None:
        raise NotFound("No question here")
    if perms.can_view_staff_side(actor, clarification.opportunity):
        return clarification
    if roles.has_role(actor, PROVIDER_ROLES, clarification.asking_organisation_id):
        return clarification
    raise NotFound("No question here")


def asking_organisations_for(actor) -> list:
    """The organisations the actor may ask questions for (those they are a provider member or admin of)."""
    ids = roles.organisation_ids_with(actor, PROVIDER_ROLES)
    return list(directory.organisations_by_ids(ids).order_by("name")) if ids else []


# Alerts and who to tell ------------------------------------------------------------------------------------------


def alert_subscription_for(person) -> AlertSubscription | None:
    if person is None or not getattr(person, "is_authenticated", False):
        return None
    return AlertSubscription.objects.prefetch_related("service_types", "wards").filter(person=person).first()


def matching_subscriptions(opportunity: Opportunity) -> QuerySet[AlertSubscription]:
    """Subscriptions whose service types and wards match (an empty list on either side matches anything)."""
    qs = AlertSubscription.objects.select_related("person").filter(person__is_active=True)
    type_ids = list(opportunity.service_types.values_list("pk", flat=True))
    ward_ids = list(opportunity.wards.values_list("pk", flat=True))
    if type_ids:
        qs = qs.filter(Q(service_types__isnull=True) | Q(service_types__in=type_ids))
    if ward_ids:
        qs = qs.filter(Q(wards__isnull=True) | Q(wards__in=ward_ids))
    return qs.distinct().order_by("pk")


def provider_people(organisation_ids) -> QuerySet[Person]:
    """The active members and admins of these organisations (a list or a subquery of ids)."""
    return (
        Person.objects.filter(
            is_active=True,
            memberships__organisation_id__in=organisation_ids,
            memberships__role__in=[r.value for r in PROVIDER_ROLES],
        )
        .distinct()
        .order_by("pk")
    )


def people_of_asking_organisations(opportunity: Opportunity) -> QuerySet[Person]:
    """The members and admins of every organisation that asked a question about the opportunity."""
    return provider_people(Clarification.objects.filter(opportunity=opportunity).values("asking_organisation_id"))


def opportunity_officers(opportunity: Opportunity) -> list[Person]:
    """Who hears about new questions: the person who created it, or else every commissioner and procurement
    officer."""
    if opportunity.created_by is not None and opportunity.created_by.is_active:
        return [opportunity.created_by]
    return list(
        Person.objects.filter(is_active=True, memberships__role__in=[r.value for r in OFFICER_ROLES])
        .distinct()
        .order_by("pk")
    )


def due_to_close(*, now: datetime) -> QuerySet[Opportunity]:
    return Opportunity.objects.filter(status=Status.PUBLISHED, closes_at__lte=now).order_by("closes_at", "id")


def deadline_reminders_due(*, now: datetime) -> QuerySet[Opportunity]:
    """Open opportunities whose deadline is within a week (the service decides which reminder is due)."""
    return Opportunity.objects.filter(
        status=Status.PUBLISHED, closes_at__gt=now, closes_at__lte=now + timedelta(days=7)
    ).order_by("closes_at", "id")


# Checks shown beside an opportunity ------------------------------------------------------------------------------


def _route_and_context(opportunity: Opportunity):
    """The chosen route and the advisor's context from the opportunity's route decision (None without one)."""
    decision = opportunity.route_decision
    if decision is None or not opportunity.route:
        return None
    try:
        return Route(opportunity.route), build_context(Facts.from_dict(decision.facts))
    except (FactsInvalid, ValueError, LookupError):
        return None


def route_time_limits(opportunity: Opportunity) -> tuple[TimeLimit, ...]:
    """The route decision's time limits for the chosen route (none without a decision)."""
    found = _route_and_context(opportunity)
    return time_limits_for(*found) if found else ()


#: Kinds of opportunity that are not procurements: no award notice, standstill or exclusion regime.
NOT_PROCURED = frozenset({Kind.GRANT_ROUND, Kind.MARKET_ENGAGEMENT})
#: The regimes with their own award steps; an opportunity without one follows the Procurement Act 2023.
AWARD_REGIMES = ("PA2023", "PCR2015", "PSR")


def is_procurement(opportunity: Opportunity) -> bool:
    return opportunity.kind not in NOT_PROCURED and opportunity.regime != "not_procurement"


def award_standstill(opportunity: Opportunity) -> StandstillRule:
    """The standstill the opportunity's route sets before its contract, with the notice that starts it: from the
    route decision's facts where there is one; otherwise by the opportunity's kind under its regime."""
    if not is_procurement(opportunity):
        return no_standstill(f"No standstill. {route_sources.GRANT_NOT_PROCUREMENT}.")
    found = _route_and_context(opportunity)
    if found:
        return standstill_for(*found)
    regime = opportunity.regime if opportunity.regime in AWARD_REGIMES else "PA2023"
    if opportunity.kind == Kind.CALL_OFF:
        return regime_standstill(regime, "call_off")
    return regime_standstill(regime)


def notice_after_contract(opportunity: Opportunity) -> TimeLimit | None:
    """The notice due after the contract is entered into, and its time limit (None for a grant)."""
    if not is_procurement(opportunity):
        return None
    found = _route_and_context(opportunity)
    if found:
        return after_contract_notice(time_limits_for(*found))
    return regime_after_contract_notice(opportunity.regime if opportunity.regime in AWARD_REGIMES else "PA2023")


def minimum_period(opportunity: Opportunity) -> dates.MinimumPeriod:
    return dates.minimum_period(
        opportunity.kind,
        consortium_bids_invited=opportunity.consortium_bids_invited,
        route_limits=route_time_limits(opportunity),
    )


@dataclass
class PublicationCheck:
    """What stops an opportunity being published (``errors``, by field) and advice worth reading (``warnings``)."""

    errors: dict[str, list[str]]
    warnings: list[str]
    period: dates.MinimumPeriod

    @property
    def ready(self) -> bool:
        return not self.errors


def conflicts_assessment(opportunity: Opportunity) -> ConflictsAssessment | None:
    """The conflicts assessment that stands: the latest recorded."""
    return opportunity.conflicts_assessments.select_related("recorded_by").first()


def publication_check(opportunity: Opportunity, *, now: datetime | None = None) -> PublicationCheck:
    now = now or timezone.now()
    kind = Kind(opportunity.kind)
    errors: dict[str, list[str]] = {}
    warnings: list[str] = []
    scored = kind is not Kind.MARKET_ENGAGEMENT
    if not opportunity.summary.strip():
        errors["summary"] = ["Write a short summary for the forward plan."]
    if not opportunity.specification.strip():
        errors["specification"] = ["Write the specification: the outcomes sought."]
    if scored and opportunity.estimated_value is None:
        errors["estimated_value"] = ["Enter the budget or estimated value."]
    if kind is Kind.COMPETITIVE_FLEXIBLE:
        problems = stage_rules.plan_errors(opportunity.stages or [])
        if problems:
            errors["stages"] = problems
    if scored:
        weights = [c.weight for c in opportunity.criteria.all()]
        problems = weight_errors(weights)
        if problems:
            errors["criteria"] = problems
        if not opportunity.eligibility_items.exists():
            errors["eligibility"] = ["Add at least one item to the eligibility checklist."]
    lots_total = sum((lot.value for lot in opportunity.lots.all()), Decimal(0))
    if opportunity.estimated_value is not None and lots_total > opportunity.estimated_value:
        errors["lots"] = ["The lots add up to more than the estimated value."]
    period = minimum_period(opportunity)
    date_check = dates.check_for_publishing(
        dates.KeyDates(
            planned_publish_on=None,  # publishing now replaces the plan
            questions_close_at=opportunity.questions_close_at,
            closes_at=opportunity.closes_at,
            award_expected_on=opportunity.award_expected_on,
            service_starts_on=opportunity.service_starts_on,
        ),
        period,
        now,
    )
    for name, messages in date_check.errors.items():
        errors.setdefault(name, []).extend(messages)
    warnings.extend(date_check.warnings)
    if (
        conflict_rules.needs_assessment(opportunity.kind, opportunity.regime)
        and conflicts_assessment(opportunity) is None
    ):
        errors["conflicts"] = [
            "Record the conflicts assessment before the tender notice is published (Procurement Act 2023 s.83)."
        ]
    funding = dates.funding_length_warning(opportunity.kind, opportunity.duration_months)
    if funding:
        warnings.append(funding)
    warnings.extend(check.message for check in aggregation_warning(opportunity).values() if check.warn)
    return PublicationCheck(errors=errors, warnings=warnings, period=period)


def provider_band_counts(*, service_types: Iterable[str] = (), wards: Iterable[str] = ()) -> dict[str, int]:
    """How many providers in the directory (offering any of the services, working in any of the wards) fall in each
    income band. With no service types, every provider counts."""
    found = directory.search(
        directory.DirectoryFilters(
            service_types=sorted(set(service_types)),
            wards=sorted(set(wards)),
            sectors=PROVIDER_SECTORS,
            include_consortia=False,
        )
    )
    counts: dict[str, int] = {}
    for band in found.values_list("income_band", flat=True).order_by():
        counts[band] = counts.get(band, 0) + 1
    return counts


def aggregation_warning(opportunity: Opportunity) -> dict[int | None, aggregation.AggregationCheck]:
    """The aggregation check for each lot, by lot id (or, under ``None``, for the whole opportunity when it has
    no lots), against the directory's providers of the same services in the same wards. ``check.warn`` says
    whether to warn; ``check.message`` says so in words."""
    lots = list(opportunity.lots.all())
    if not lots and opportunity.estimated_value is None:
        return {}
    counts = provider_band_counts(
        service_types=opportunity.service_types.values_list("code", flat=True),
        wards=opportunity.wards.values_list("gss_code", flat=True),
    )
    if lots:
        return {lot.pk: aggregation.check_lot(lot.value, opportunity.duration_months, counts) for lot in lots}
    assert opportunity.estimated_value is not None
    return {None: aggregation.check_lot(opportunity.estimated_value, opportunity.duration_months, counts)}


def _threshold(opportunity: Opportunity) -> Decimal | None:
    decision = opportunity.route_decision
    if decision is None:
        return None
    threshold = (decision.advice or {}).get("threshold") or {}
    applied = threshold.get("applied_gbp")
    if not threshold.get("applies", True) or applied in (None, ""):
        return None
    try:
        return Decimal(str(applied))
    except ArithmeticError:
        return None


def prequalification_for(opportunity: Opportunity) -> prequalification.Prequalification:
    """The proportionate pre-qualification level, judged on the largest lot a provider could win."""
    values = [lot.value for lot in opportunity.lots.all()]
    value = max(values) if values else opportunity.estimated_value
    return prequalification.prequalification(value, _threshold(opportunity))


def readiness_for(
    *, opportunity: Opportunity, organisation: Organisation, today: date | None = None
) -> prequalification.ProviderReadiness:
    """How much of what the opportunity asks the organisation already holds as current, verified evidence."""
    today = today or timezone.localdate()
    held = [
        Evidence(kind=EvidenceKind(doc.kind), verified=doc.status == "verified", expires_on=doc.expires_on)
        for doc in directory.current_evidence(organisation=organisation)
    ]
    return prequalification.readiness(prequalification_for(opportunity), held, today)


def document_get_for(*, opportunity: Opportunity, public_id) -> OpportunityDocument:
    """A document of an opportunity the caller has already been let through to (``opportunity_get_for``)."""
    try:
        document = opportunity.documents.filter(public_id=public_id).first()
    except (ValueError, TypeError, ValidationError):
        document = None
    if document is None:
        raise NotFound("No document here")
    return document


def route_decisions_available(actor: Person, place: Place | None = None) -> QuerySet:
    """Saved route decisions an opportunity can start from: current ones (not replaced), newest first."""
    place = place or place_selectors.default_place()
    if place is None:
        return route_selectors.RouteDecision.objects.none()
    return route_selectors.decisions_for_place(actor=actor, place=place).filter(superseded_by__isnull=True)


def with_lists(qs: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
    """Lists pages show: service types and wards as plain lists (``listed_service_types``, ``listed_wards``)."""
    return qs.prefetch_related(
        Prefetch("service_types", to_attr="listed_service_types"), Prefetch("wards", to_attr="listed_wards")
    )


def opportunity_lock(opportunity_id: int) -> Opportunity:
    """The opportunity's row, locked until the current transaction ends.

    For work that must happen one at a time per opportunity: numbering bid receipts in a last-minute rush.
    """
    return Opportunity.objects.select_for_update().get(pk=opportunity_id)


# Frameworks and call-offs ----------------------------------------------------------------------------------------


def framework_members(framework: Opportunity) -> QuerySet[FrameworkMember]:
    """The providers appointed to a framework, by name."""
    return (
        FrameworkMember.objects.filter(framework=framework)
        .select_related("organisation", "appointed_by")
        .order_by("organisation__name", "id")
    )


#: A source of providers who could be appointed to an awarded framework: (person, framework) → organisations.
FrameworkCandidates = Callable[[Person, Opportunity], Iterable["Organisation"]]
_framework_candidate_sources: list[FrameworkCandidates] = []


def framework_candidates_from(source: FrameworkCandidates) -> None:
    """Offer the organisations ``source`` gives on an awarded framework's panel. Who bid for a framework is known to
    the bids app, later in the cycle than this one: it adds its source when it starts (``BidsConfig.ready``), so
    this app offers its bidders without importing it."""
    _framework_candidate_sources.append(source)


def framework_candidates(*, actor: Person, framework: Opportunity) -> list[Organisation]:
    """Who can be ticked on an awarded framework's panel: the organisations the later stages offer this person (the
    bidders, once their bids are opened and the person may read them) and the providers already on it; each once,
    by name."""
    offered = [org for source in _framework_candidate_sources for org in source(actor, framework)]
    members = [m.organisation for m in framework_members(framework)]
    by_org_id = {org.org_id: org for org in offered + members}
    return sorted(by_org_id.values(), key=lambda org: org.name.lower())


def is_framework_member(opportunity: Opportunity, organisation: Organisation | None) -> bool:
    """For a call-off: is ``organisation`` on its framework? Any other kind of opportunity is open to all."""
    if opportunity.kind != Kind.CALL_OFF:
        return True
    if organisation is None or opportunity.framework_id is None:
        return False
    return FrameworkMember.objects.filter(
        framework_id=opportunity.framework_id, organisation_id=organisation.pk
    ).exists()


def stage_entry_problem(opportunity: Opportunity, organisation: Organisation | None) -> str | None:
    """Why ``organisation`` may not bid in the opportunity's current stage (None when it may): a later stage of a
    procedure run in stages is only for the providers chosen to go on."""
    if opportunity.stages and opportunity.stage_index > 0:
        chosen = organisation is not None and (
            StageParticipant.objects.filter(
                opportunity_id=opportunity.pk,
                stage_index=opportunity.stage_index - 1,
                organisation_id=organisation.pk,
            ).exists()
        )
        if not chosen:
            return "Only the providers invited to this stage can take part in it."
    return None


def stage_participants(opportunity: Opportunity) -> QuerySet[StageParticipant]:
    """The providers chosen at the latest shortlist, dialogue or negotiation step (none before the first)."""
    step = latest_step_index(opportunity)
    if step is None:
        return StageParticipant.objects.none()
    return StageParticipant.objects.filter(opportunity=opportunity, stage_index=step).select_related("organisation")


def latest_step_index(opportunity: Opportunity) -> int | None:
    """The index of the latest step reached (a shortlist, dialogue or negotiation), or None."""
    plan = opportunity.stages or []
    for at in range(min(opportunity.stage_index, len(plan) - 1), -1, -1):
        if not stage_rules.is_submission(plan[at]):
            return at
    return None


def stage_participant_people(opportunity: Opportunity) -> QuerySet[Person]:
    """The active members and admins of the providers invited to the current stage."""
    return provider_people(stage_participants(opportunity).values("organisation_id"))


def methodology_of(opportunity: Opportunity) -> dict[str, Any]:
    """The published assessment methodology as its enums (each with a label; the price method with its formula)."""
    return {
        "price_method": PriceMethod(opportunity.price_method),
        "exclusion_rule": Exclusion(opportunity.exclusion_rule),
        "tie_break": TieBreak(opportunity.tie_break),
        "min_quality_percent": opportunity.min_quality_percent,
    }


def stage_progress(opportunity: Opportunity) -> list[stage_rules.StageStep]:
    return stage_rules.progress(opportunity.stages or [], opportunity.stage_index)


def current_stage(opportunity: Opportunity) -> str:
    """The value of the stage the opportunity is in, or "" when it is not run in stages."""
    stage = stage_rules.current(opportunity.stages or [], opportunity.stage_index)
    return stage.value if stage is not None else ""


def bidding_stage(opportunity: Opportunity) -> str:
    """The submission stage whose bids are current: the stage the opportunity is in, or at a shortlist, dialogue
    or negotiation step the stage before it; "" when it is not run in stages. Bids and openings are keyed by it."""
    plan = opportunity.stages or []
    at = stage_rules.last_submission_index(plan, opportunity.stage_index)
    return plan[at] if at is not None else ""


def call_offs_of(framework: Opportunity) -> QuerySet[Opportunity]:
    """Every call-off made under a framework, newest first."""
    return Opportunity.objects.filter(framework=framework, kind=Kind.CALL_OFF).order_by("-created_at", "-id")


def framework_member_people(framework: Opportunity) -> QuerySet[Person]:
    """The active members and admins of every provider on the framework (who hear about its call-offs)."""
    return provider_people(FrameworkMember.objects.filter(framework=framework).values("organisation_id"))
