"""Directory reads: search and filters behind one function, profile pages, evidence."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404

from trellis.organisations import permissions as perms
from trellis.organisations.domain.search import fts5_query, terms, tsquery
from trellis.organisations.models import (
    ClientGroup,
    Consortium,
    EvidenceDocument,
    EvidenceStatus,
    Organisation,
    PartnerRequest,
    ServiceType,
)

SORTS = {
    "name": ("name", "Name (A to Z)"),
    "-name": ("-name", "Name (Z to A)"),
    "size": ("income_band_order", "Size (smallest first)"),
    "-size": ("-income_band_order", "Size (largest first)"),
    "local": ("-active_locally_since_rank", "Years active locally"),
}


@dataclass
class DirectoryFilters:
    """What a person searched for. Empty lists mean 'any'."""

    q: str = ""
    wards: list[str] = field(default_factory=list)  # ward GSS codes
    client_groups: list[str] = field(default_factory=list)
    service_types: list[str] = field(default_factory=list)
    bands: list[str] = field(default_factory=list)
    tiers: list[int] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    local_only: bool = False
    include_consortia: bool = True

    @property
    def is_empty(self) -> bool:
        return not (
            self.q
            or self.wards
            or self.client_groups
            or self.service_types
            or self.bands
            or self.tiers
            or self.sectors
            or self.local_only
        )


def _text_match(qs: QuerySet[Organisation], text: str) -> QuerySet[Organisation]:
    """Full-text match over name and description: SQLite FTS5 or PostgreSQL tsvector (GIN)."""
    if not terms(text):
        return qs
    if connection.vendor == "postgresql":
        return qs.filter(
            id__in=RawSQL(
                "SELECT id FROM organisations_organisation WHERE "
                "to_tsvector('simple', name || ' ' || description) @@ to_tsquery('simple', %s)",
                [tsquery(text)],
            )
        )
    return qs.filter(
        id__in=RawSQL("SELECT rowid FROM organisations_fts WHERE organisations_fts MATCH %s", [fts5_query(text)])
    )


def search(filters: DirectoryFilters, *, sort: str = "") -> QuerySet[Organisation]:
    """The one search function for pages, API, exports and benchmarks."""
    qs = Organisation.objects.filter(is_active=True)
    if not filters.include_consortia:
        qs = qs.filter(is_consortium=False)
    qs = _text_match(qs, filters.q)
    if filters.wards:
        through = Organisation.wards.through
        qs = qs.filter(
            Q(borough_wide=True)
            | Exists(through.objects.filter(organisation_id=OuterRef("pk"), ward__gss_code__in=filters.wards))
        )
    if filters.client_groups:
        through = Organisation.client_groups.through
        qs = qs.filter(
            Exists(through.objects.filter(organisation_id=OuterRef("pk"), clientgroup_id__in=filters.client_groups))
        )
    if filters.service_types:
        through = Organisation.service_types.through
        qs = qs.filter(
            Exists(through.objects.filter(organisation_id=OuterRef("pk"), servicetype_id__in=filters.service_types))
        )
    if filters.bands:
        qs = qs.filter(income_band__in=filters.bands)
    if filters.tiers:
        qs = qs.filter(accreditation_tier__in=filters.tiers)
    if filters.sectors:
        qs = qs.filter(sector__in=filters.sectors)
    if filters.local_only:
        qs = qs.filter(registered_office_in_place=True)
    order = SORTS.get(sort, SORTS["name"])[0]
    if "income_band_order" in order:
        from django.db.models import Case, IntegerField, Value, When

        from trellis.organisations.domain.sizes import BAND_ORDER

        qs = qs.annotate(
            income_band_order=Case(
                *[When(income_band=b.value, then=Value(i)) for i, b in enumerate(BAND_ORDER)],
                default=Value(len(BAND_ORDER)),
                output_field=IntegerField(),
            )
        )
        return qs.order_by(order, "name", "id")
    if "active_locally_since_rank" in order:
        return qs.order_by("active_locally_since", "name", "id")
    return qs.order_by(order, "id")


def with_listing_data(qs: QuerySet[Organisation]) -> QuerySet[Organisation]:
    """What a results page shows for each organisation, in a fixed number of queries."""
    return qs.prefetch_related("service_types", "wards", "client_groups")


def organisation_get_for(*, actor, slug: str) -> Organisation:
    """The one door to an organisation's page; a hidden one looks the same as a missing one."""
    org = (
        Organisation.objects.select_related("place")
        .prefetch_related("service_types", "client_groups", "wards", "other_identifiers")
        .filter(slug=slug)
        .first()
    )
    if org is None or not perms.can_view_organisation(actor, org):
        raise Http404("No organisation here")
    return org


def organisation_by_org_id(org_id: str) -> Organisation | None:
    return Organisation.objects.filter(org_id=org_id).first()


def current_evidence(*, organisation: Organisation) -> QuerySet[EvidenceDocument]:
    return EvidenceDocument.objects.filter(organisation=organisation, superseded_at__isnull=True).select_related(
        "reviewed_by", "uploaded_by"
    )


def evidence_get_for(*, actor, public_id) -> EvidenceDocument:
    doc = EvidenceDocument.objects.select_related("organisation").filter(public_id=public_id).first()
    if doc is None or not perms.can_view_evidence(actor, doc.organisation):
        raise Http404("No document here")
    return doc


def evidence_awaiting_verification() -> QuerySet[EvidenceDocument]:
    return (
        EvidenceDocument.objects.filter(status=EvidenceStatus.PENDING, superseded_at__isnull=True)
        .select_related("organisation", "uploaded_by")
        .order_by("created_at")
    )


def service_types() -> QuerySet[ServiceType]:
    return ServiceType.objects.all()


def client_groups() -> QuerySet[ClientGroup]:
    return ClientGroup.objects.all()


def consortia() -> QuerySet[Consortium]:
    return (
        Consortium.objects.select_related("organisation", "lead")
        .prefetch_related(
            Prefetch("members", queryset=Consortium.members.rel.related_model.objects.select_related("organisation"))
        )
        .order_by("organisation__name")
    )


def open_partner_requests() -> QuerySet[PartnerRequest]:
    return (
        PartnerRequest.objects.filter(is_open=True)
        .select_related("organisation")
        .prefetch_related("service_types", "wards", "client_groups", "interests__organisation")
    )


def organisations_for_person(person) -> QuerySet[Organisation]:
    if person is None or not person.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__person=person).distinct().order_by("name")


def organisations_by_ids(ids: Iterable[int]) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=list(ids))
