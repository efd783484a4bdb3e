"""/api/v1/opportunities: published opportunities as JSON, for anyone (no token needed).

Only what the public page shows: never a draft, never who asked a question. Reading goes through the same
selectors as the web pages.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.urls import reverse
from ninja import Field, Query, Router, Schema

from trellis.core.api_pages import page_of
from trellis.core.errors import ValidationFailed
from trellis.opportunities import selectors
from trellis.opportunities.domain.kinds import Kind
from trellis.opportunities.domain.lifecycle import Status
from trellis.organisations import selectors as directory
from trellis.organisations.api.schemas import Coded, Problem, WardOut
from trellis.places import selectors as place_selectors

router = Router(tags=["opportunities"])


class OpportunityQuery(Schema):
    """Filters, as on the forward plan. Repeat a parameter to allow several values (any of them matches)."""

    q: str = Field("", max_length=200, description="Words to find in the title or summary (all must match).")
    kind: list[str] = Field(
        [], description="grant_round, open_tender, competitive_flexible, market_engagement, framework."
    )
    service_type: list[str] = Field([], description="Service type code (see /vocabularies).")
    ward: list[str] = Field([], description="Ward GSS code. Opportunities for the whole area match every ward.")
    page: int = Field(1, ge=1, description="Page number, from 1.")
    page_size: int = Field(20, ge=1, le=100, description="Results per page, at most 100.")


class OpportunitySummary(Schema):
    public_id: UUID
    reference: str = Field(..., description="The council's reference, e.g. NBR-2026-0007.")
    title: str
    url: str = Field(..., description="Path of the opportunity's page.")
    kind: str
    kind_label: str
    status: str = Field(..., description="published (open for bids), closed, under_evaluation, awarded, …")
    summary: str
    estimated_value: Decimal | None = Field(None, description="Whole-life value including VAT, in pounds.")
    duration_months: int | None = None
    consortium_bids_invited: bool
    service_types: list[Coded]
    wards: list[WardOut] = Field(..., description="Where it is needed; empty means the whole area.")
    published_at: datetime | None = None
    questions_close_at: datetime | None = None
    closes_at: datetime | None = Field(None, description="The deadline for bids (server time, ISO 8601 with offset).")


class LotOut(Schema):
    number: int
    title: str
    description: str
    value: Decimal


class EligibilityOut(Schema):
    text: str
    essential: bool
    evidence_kind: str = Field(
        "", description="The kind of accreditation evidence that meets it when verified and in date (blank: none)."
    )


class CriterionOut(Schema):
    section: str
    name: str
    description: str
    weight: Decimal = Field(..., description="Per cent of the total score.")
    scale: str
    scale_label: str
    word_limit: int | None = None
    min_mark: Decimal | None = Field(None, description="The least mark a bid must reach on this criterion, if any.")
    is_price: bool


class MethodologyOut(Schema):
    price_method: str = Field(..., description="How prices are scored, e.g. relative_to_lowest.")
    price_formula: str
    exclusion_rule: str = Field(..., description="exclude or flag: a bid failing a gate or a minimum.")
    tie_break: str = Field(..., description="highest_quality or lowest_price.")
    min_quality_percent: Decimal | None = None


class DocumentOut(Schema):
    title: str
    url: str
    content_type: str
    size: int
    sha256: str


class ClarificationOut(Schema):
    question: str
    answer: str
    published_at: datetime | None = None


class PrequalificationOut(Schema):
    level: str
    title: str
    asks: str
    required_evidence: list[str] = Field(..., description="Evidence kinds asked for (see /vocabularies).")


class FrameworkOut(Schema):
    public_id: UUID
    reference: str
    title: str


class OpportunityDetail(OpportunitySummary):
    framework: FrameworkOut | None = Field(
        None, description="For a call-off: the framework it calls off from (only that framework's providers can bid)."
    )
    specification: str
    outcomes: list[str]
    stages: list[str]
    current_stage: str = Field(
        "", description="For a procedure run in stages: the stage it is in now (one of `stages`); else empty."
    )
    award_expected_on: date | None = None
    service_starts_on: date | None = None
    lots: list[LotOut]
    eligibility: list[EligibilityOut]
    criteria: list[CriterionOut]
    methodology: MethodologyOut = Field(..., description="How the scores are used, published with the criteria.")
    prequalification: PrequalificationOut
    documents: list[DocumentOut]
    clarifications: list[ClarificationOut] = Field(..., description="Published questions and answers, anonymised.")


class OpportunityPage(Schema):
    count: int
    page: int
    page_size: int
    next: str | None = None
    previous: str | None = None
    results: list[OpportunitySummary]


def _summary(opp) -> dict[str, Any]:
    return {
        "public_id": opp.public_id,
        "reference": opp.reference,
        "title": opp.title,
        "url": reverse("opportunities:detail", args=[opp.public_id]),
        "kind": opp.kind,
        "kind_label": opp.kind_label,
        "status": opp.status,
        "summary": opp.summary,
        "estimated_value": opp.estimated_value,
        "duration_months": opp.duration_months,
        "consortium_bids_invited": opp.consortium_bids_invited,
        "service_types": [{"code": s.code, "name": s.name} for s in opp.service_types.all()],
        "wards": [{"gss_code": w.gss_code, "name": w.name} for w in opp.wards.all()],
        "published_at": opp.published_at,
        "questions_close_at": opp.questions_close_at,
        "closes_at": opp.closes_at,
    }


def _detail(opp) -> dict[str, Any]:
    pq = selectors.prequalification_for(opp)
    framework = opp.framework
    return _summary(opp) | {
        "framework": (
            {"public_id": framework.public_id, "reference": framework.reference, "title": framework.title}
            if framework
            else None
        ),
        "specification": opp.specification,
        "outcomes": opp.outcome_lines(),
        "stages": list(opp.stages),
        "current_stage": selectors.current_stage(opp),
        "award_expected_on": opp.award_expected_on,
        "service_starts_on": opp.service_starts_on,
        "lots": [
            {"number": lot.number, "title": lot.title, "description": lot.description, "value": lot.value}
            for lot in opp.lots.all()
        ],
        "eligibility": [
            {"text": i.text, "essential": i.essential, "evidence_kind": i.evidence_kind}
            for i in opp.eligibility_items.all()
        ],
        "criteria": [
            {
                "section": c.section,
                "name": c.name,
                "description": c.description,
                "weight": c.weight,
                "scale": c.scale,
                "scale_label": c.scale_label,
                "word_limit": c.word_limit,
                "min_mark": c.min_mark,
                "is_price": c.is_price,
            }
            for c in opp.criteria.all()
        ],
        "methodology": {
            "price_method": opp.price_method,
            "price_formula": selectors.methodology_of(opp)["price_method"].formula,
            "exclusion_rule": opp.exclusion_rule,
            "tie_break": opp.tie_break,
            "min_quality_percent": opp.min_quality_percent,
        },
        "prequalification": {
            "level": pq.level.value,
            "title": pq.title,
            "asks": pq.asks,
            "required_evidence": [k.value for k in pq.required],
        },
        "documents": [
            {
                "title": d.title,
                "url": reverse("opportunities:document", args=[opp.public_id, d.public_id]),
                "content_type": d.content_type,
                "size": d.size,
                "sha256": d.sha256,
            }
            for d in opp.documents.all()
        ],
        "clarifications": [
            {"question": c.question, "answer": c.answer, "published_at": c.published_at}
            for c in selectors.clarifications_published(opp)
        ],
    }


def _check_filters(params: OpportunityQuery) -> None:
    """An unknown code is an error naming the parameter, not an empty result."""
    errors: dict[str, list[str]] = {}
    known = {
        "kind": {k.value for k in Kind},
        "service_type": set(
            directory.service_types().filter(code__in=params.service_type).values_list("code", flat=True)
        ),
        "ward": set(place_selectors.wards().filter(gss_code__in=params.ward).values_list("gss_code", flat=True)),
    }
    for name in ("kind", "service_type", "ward"):
        bad = [v for v in getattr(params, name) if v not in known[name]]
        if bad:
            errors[name] = [f"Unknown {name.replace('_', ' ')} {', '.join(bad)}: see /api/v1/vocabularies."]
    if errors:
        raise ValidationFailed.of(errors)


@router.get(
    "",
    response={200: OpportunityPage, 404: Problem, 422: Problem},
    summary="Opportunities open for bids",
    url_name="opportunities",
)
def opportunity_list(request, params: Query[OpportunityQuery]):
    """Published opportunities that are open for bids now, soonest deadline first, one page at a time.

    Unknown filter codes are refused with a 422 problem naming the parameter. A page past the last one is a 404."""
    _check_filters(params)
    filters = selectors.ForwardPlanFilters(
        q=params.q,
        kinds=params.kind,
        service_types=params.service_type,
        wards=params.ward,
        statuses=[Status.PUBLISHED.value],
    )
    return page_of(
        request, selectors.forward_plan(filters), page=params.page, page_size=params.page_size, render=_summary
    )


@router.get(
    "/{public_id}",
    response={200: OpportunityDetail, 404: Problem},
    summary="One opportunity",
    url_name="opportunity",
)
def opportunity_detail(request, public_id: UUID):
    """A published opportunity (open, closed or decided) with its lots, eligibility checklist, evaluation
    criteria and weights, documents and published clarifications. Drafts are not found (404)."""
    return _detail(selectors.opportunity_get_for(actor=None, public_id=public_id))
