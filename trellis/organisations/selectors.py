"""Directory reads: search and filters behind one function, profile pages, evidence."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from trellis.core.errors import NotFound
from trellis.core.models import Membership
from trellis.organisations import permissions as perms
from trellis.organisations import search_index
from trellis.organisations.domain import accreditation
from trellis.organisations.domain.search import IndexQuery, index_query, terms
from trellis.organisations.domain.sizes import IncomeBand
from trellis.organisations.models import (
    ClientGroup,
    Consortium,
    ConsortiumMember,
    EvidenceDocument,
    EvidenceStatus,
    Organisation,
    PartnerRequest,
    ServiceType,
)
from trellis.places.models import Ward

if TYPE_CHECKING:
    from trellis.places.models import Place

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


def index_query_for(filters: DirectoryFilters) -> IndexQuery:
    """The search as one index query: what was typed and every filter (ward codes become ward ids)."""
    ward_ids = []
    if filters.wards:
        ward_ids = list(Ward.objects.filter(gss_code__in=filters.wards).values_list("id", flat=True))
    return index_query(
        filters.q,
        ward_ids=ward_ids,
        wards_chosen=bool(filters.wards),
        service_types=filters.service_types,
        client_groups=filters.client_groups,
        bands=filters.bands,
        tiers=filters.tiers,
        sectors=filters.sectors,
        local_only=filters.local_only,
        include_consortia=filters.include_consortia,
    )


def search(filters: DirectoryFilters, *, sort: str = "") -> QuerySet[Organisation]:
    """The one search function for pages, API, exports and benchmarks.

    Words and filters are one query of the search index (``search_index``), which also counts the matches;
    the count decides whether the first page is read by walking the names in order or by sorting the matches.
    With nothing typed or chosen, every active organisation is listed straight from the table.
    """
    query = index_query_for(filters)
    if not query.has_filters:
        qs = Organisation.objects.filter(is_active=True)
    else:
        matches = search_index.match(query, id_limit=search_index.WALK_FROM)
        found = matches.count
        if matches.ids is not None:  # few enough to have every id in hand: sort them
            qs = Organisation.objects.filter(search_index.AmongIds(matches.ids))
        else:  # many: walk the names in order and check each (only the name sorts can walk)
            walk = sort in ("", "name", "-name")
            qs = Organisation.objects.filter(search_index.IndexMatch(query, lead=not walk))
            if walk:  # the index only matches active organisations; saying so lets the name index lead
                qs = qs.filter(is_active=True)
        qs = search_index.with_known_count(qs, found)
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
    """What a results page shows for each organisation, in a fixed number of queries.

    Each organisation's ``listed_service_types``, ``listed_wards`` and ``listed_client_groups`` come from one
    query for the whole page (``Organisation.listing``, listing.py).
    """
    return qs.prefetch_related("listing")  # type: ignore[misc]  # a custom prefetcher the type plugin cannot see


def organisation_get_for(*, actor, slug: str) -> Organisation:
    """The one door to an organisation's page; a hidden one looks the same as a missing one."""
    org = (
        Organisation.objects.select_related("place")
        .prefetch_related("service_types", "client_groups", "wards", "other_identifiers")
        .filter(slug=slug)
        .first()
    )
    if org is None or not perms.can_view_organisation(actor, org):
        raise NotFound("No organisation here")
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
        raise NotFound("No document here")
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
        .prefetch_related(Prefetch("members", queryset=ConsortiumMember.objects.select_related("organisation")))
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


def consortium_by_name(name: str) -> Consortium | None:
    return Consortium.objects.filter(organisation__name=name).select_related("organisation").first()


def organisation_get_by_org_id_for(*, actor, org_id: str) -> Organisation:
    """The API's door to one organisation by its org-id (any case, spaces ignored); hidden looks like missing."""
    import contextlib

    from trellis.organisations.domain.identifiers import InvalidIdentifier, parse_org_id

    value = (org_id or "").strip()
    with contextlib.suppress(InvalidIdentifier):  # not a valid org-id: look it up as typed (and find nothing)
        value = str(parse_org_id(value))
    org = with_listing_data(
        Organisation.objects.select_related("place").prefetch_related("other_identifiers").filter(org_id=value)
    ).first()
    if org is None or not perms.can_view_organisation(actor, org):
        raise NotFound("No organisation here")
    return org


def consortium_for(*, organisation: Organisation) -> Consortium | None:
    """The consortium an organisation record stands for, with its lead and members, or None."""
    if not organisation.is_consortium:
        return None
    return consortia().filter(organisation=organisation).first()


def consortium_memberships_of(*, organisation: Organisation) -> QuerySet:
    """The listed consortia an organisation belongs to, each with its own record and lead."""
    return organisation.consortium_memberships.filter(consortium__organisation__is_active=True).select_related(
        "consortium__organisation", "consortium__lead"
    )


def open_partner_requests_of(*, organisation: Organisation) -> QuerySet[PartnerRequest]:
    """Partner requests an organisation has posted that are still open, newest first."""
    return open_partner_requests().filter(organisation=organisation).order_by("-created_at")


def evidence_history(*, organisation: Organisation) -> QuerySet[EvidenceDocument]:
    """Documents replaced by a newer one of the same kind, newest first."""
    return (
        EvidenceDocument.objects.filter(organisation=organisation, superseded_at__isnull=False)
        .select_related("reviewed_by")
        .order_by("-superseded_at")
    )


def evidence_expiring(*, today: date, days: int = 30) -> QuerySet[EvidenceDocument]:
    """Current documents that expire between today and ``days`` from now, soonest first."""
    return (
        EvidenceDocument.objects.filter(
            superseded_at__isnull=True, expires_on__gte=today, expires_on__lte=today + timedelta(days=days)
        )
        .select_related("organisation")
        .order_by("expires_on", "organisation__name")
    )


def accreditation_progress(*, organisation: Organisation, today: date) -> accreditation.TierProgress:
    """The tier an organisation has reached, the tier proportionate to its size and what is missing."""
    items = [
        accreditation.Evidence(accreditation.EvidenceKind(d.kind), d.status == EvidenceStatus.VERIFIED, d.expires_on)
        for d in EvidenceDocument.objects.filter(organisation=organisation, superseded_at__isnull=True)
    ]
    return accreditation.progress(items, IncomeBand(organisation.income_band), today)


def organisation_members(*, organisation: Organisation) -> QuerySet[Membership]:
    """People holding roles through an organisation, one row per role held there."""
    return (
        Membership.objects.filter(organisation=organisation, person__is_active=True)
        .select_related("person")
        .order_by("person__full_name", "person__email", "role")
    )


# Partner finder ------------------------------------------------------------------------------------


def partner_request_get_for(*, actor, public_id) -> PartnerRequest:
    """The one door to a partner request page; a request of a hidden organisation looks missing."""
    req = (
        PartnerRequest.objects.select_related("organisation", "created_by")
        .prefetch_related("service_types", "client_groups", "wards")
        .filter(public_id=public_id)
        .first()
    )
    if req is None or not perms.can_view_organisation(actor, req.organisation):
        raise NotFound("No partner request here")
    return req


def partner_request_search(
    *, q: str = "", service_type: str = "", ward: str = "", today: date | None = None
) -> QuerySet[PartnerRequest]:
    """Open requests still before their closing date, newest first, each with ``interest_count``.
    A ward filter also finds requests that name no ward (they are open to the whole area)."""
    from django.db.models import Count
    from django.utils import timezone

    today = today or timezone.localdate()
    qs = PartnerRequest.objects.filter(is_open=True, organisation__is_active=True).filter(
        Q(closes_on__isnull=True) | Q(closes_on__gte=today)
    )
    for word in terms(q):
        qs = qs.filter(
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(opportunity_reference__icontains=word)
            | Q(organisation__name__icontains=word)
        )
    if service_type:
        services = PartnerRequest.service_types.through.objects
        qs = qs.filter(Exists(services.filter(partnerrequest_id=OuterRef("pk"), servicetype_id=service_type)))
    if ward:
        wards = PartnerRequest.wards.through.objects
        qs = qs.filter(
            Exists(wards.filter(partnerrequest_id=OuterRef("pk"), ward__gss_code=ward))
            | ~Exists(wards.filter(partnerrequest_id=OuterRef("pk")))
        )
    return (
        qs.select_related("organisation")
        .prefetch_related("service_types", "wards")
        .annotate(interest_count=Count("interests", distinct=True))
        .order_by("-created_at", "-id")
    )


def partner_interests_visible_to(*, actor, partner_request: PartnerRequest) -> QuerySet:
    """Replies the posting organisation's people see in full; anyone else sees only their own
    organisations' replies (and the total count, shown separately)."""
    from trellis.core import roles
    from trellis.core.domain.roles import PROVIDER_ROLES

    qs = partner_request.interests.select_related("organisation", "created_by").order_by("created_at", "pk")
    if perms.can_act_for(actor, partner_request.organisation):
        return qs
    return qs.filter(organisation_id__in=roles.organisation_ids_with(actor, PROVIDER_ROLES))


_BAND_VALUES = frozenset(b.value for b in IncomeBand)


@dataclass(frozen=True)
class PartnerSuggestion:
    organisation: Organisation
    score: int
    reasons: tuple[str, ...]


def _match_profiles(orgs: QuerySet[Organisation]) -> list:
    """Matching profiles for these organisations in four queries, however many there are."""
    from trellis.organisations.domain.matching import OrgProfile

    services: dict[int, set[str]] = {}
    groups: dict[int, set[str]] = {}
    places: dict[int, set[str]] = {}
    ids = orgs.values("pk")
    for org_id, code in Organisation.service_types.through.objects.filter(organisation_id__in=ids).values_list(
        "organisation_id", "servicetype_id"
    ):
        services.setdefault(org_id, set()).add(code)
    for org_id, code in Organisation.client_groups.through.objects.filter(organisation_id__in=ids).values_list(
        "organisation_id", "clientgroup_id"
    ):
        groups.setdefault(org_id, set()).add(code)
    for org_id, code in Organisation.wards.through.objects.filter(organisation_id__in=ids).values_list(
        "organisation_id", "ward__gss_code"
    ):
        places.setdefault(org_id, set()).add(code)
    return [
        OrgProfile(
            id=pk,
            service_types=frozenset(services.get(pk, ())),
            client_groups=frozenset(groups.get(pk, ())),
            wards=frozenset(places.get(pk, ())),
            borough_wide=borough_wide,
            income_band=IncomeBand(band) if band in _BAND_VALUES else IncomeBand.UNKNOWN,
            local=local,
        )
        for pk, band, borough_wide, local in orgs.values_list(
            "pk", "income_band", "borough_wide", "registered_office_in_place"
        )
    ]


def partner_suggestions(*, partner_request: PartnerRequest, limit: int = 8) -> list[PartnerSuggestion]:
    """Organisations that would complement the one asking: services it lacks, the same wards and
    client groups, a mix of sizes. Active providers only (not public bodies or consortia)."""
    from trellis.organisations.domain import matching
    from trellis.organisations.models import Sector
    from trellis.places.models import Ward

    seeker_org = partner_request.organisation
    (seeker,) = _match_profiles(Organisation.objects.filter(pk=seeker_org.pk))
    candidates = _match_profiles(
        Organisation.objects.filter(is_active=True, is_consortium=False)
        .exclude(sector=Sector.PUBLIC)
        .exclude(pk=seeker_org.pk)
    )
    need = matching.Need(
        service_types=frozenset(s.pk for s in partner_request.service_types.all()),
        client_groups=frozenset(c.pk for c in partner_request.client_groups.all()),
        wards=frozenset(w.gss_code for w in partner_request.wards.all()),
    )
    labels = matching.Labels(
        service_types=dict(ServiceType.objects.values_list("code", "name")),
        client_groups=dict(ClientGroup.objects.values_list("code", "name")),
        wards=dict(Ward.objects.values_list("gss_code", "name")),
    )
    ranked = matching.rank(seeker, need, candidates, labels=labels, limit=limit)
    orgs = Organisation.objects.in_bulk([s.candidate_id for s in ranked])
    return [PartnerSuggestion(orgs[s.candidate_id], s.score, s.reasons) for s in ranked if s.candidate_id in orgs]


# The local sector profile -----------------------------------------------------------------------


def sector_profile(*, place: Place) -> dict:
    """Counts of the place's organisations (active, not consortia) by size band, service type, ward,
    sector, legal form and accreditation tier, and how many are local — in nine aggregate queries.

    An organisation belongs to the place when its record says so or it works in one of its wards.
    Ward counts include every borough-wide organisation (``borough_wide`` on each ward row)."""
    from django.db.models import Count

    from trellis.organisations.domain.sizes import BANDS
    from trellis.organisations.models import LegalForm, Sector
    from trellis.places.models import Ward

    ward_link = Organisation.wards.through
    service_link = Organisation.service_types.through
    base = Organisation.objects.filter(is_active=True, is_consortium=False).filter(
        Q(place=place) | Exists(ward_link.objects.filter(organisation_id=OuterRef("pk"), ward__place=place))
    )
    ids = base.values("pk")
    aggregated = base.aggregate(
        n_total=Count("pk"),
        n_local=Count("pk", filter=Q(registered_office_in_place=True)),
        n_borough_wide=Count("pk", filter=Q(borough_wide=True)),
        n_no_wards=Count(
            "pk", filter=Q(borough_wide=False) & ~Exists(ward_link.objects.filter(organisation_id=OuterRef("pk")))
        ),
        n_no_service_types=Count("pk", filter=~Exists(service_link.objects.filter(organisation_id=OuterRef("pk")))),
    )
    totals = {key.removeprefix("n_"): value for key, value in aggregated.items()}

    def counts(field_name: str) -> dict:
        return dict(base.order_by().values(field_name).annotate(n=Count("pk")).values_list(field_name, "n"))

    by_band = counts("income_band")
    bands = [
        {"code": b.band.value, "label": b.label, "range": b.range_label, "count": by_band.get(b.band.value, 0)}
        for b in BANDS
    ]
    bands.append(
        {
            "code": IncomeBand.UNKNOWN.value,
            "label": "Not known",
            "range": "income not known",
            "count": by_band.get(IncomeBand.UNKNOWN.value, 0),
        }
    )

    by_service = dict(
        service_link.objects.filter(organisation_id__in=ids)
        .values("servicetype_id")
        .annotate(n=Count("organisation_id"))
        .values_list("servicetype_id", "n")  # type: ignore[misc]  # "n" is the annotation
    )
    service_rows = [
        {"code": code, "label": name, "count": by_service.get(code, 0)}
        for code, name in ServiceType.objects.values_list("code", "name")
    ]
    service_rows.sort(key=lambda r: -r["count"])  # stable: ties keep the vocabulary's order

    by_ward = dict(
        ward_link.objects.filter(organisation_id__in=base.filter(borough_wide=False).values("pk"), ward__place=place)
        .values("ward_id")
        .annotate(n=Count("organisation_id"))
        .values_list("ward_id", "n")  # type: ignore[misc]  # "n" is the annotation
    )
    wide = totals["borough_wide"]
    ward_rows = [
        {
            "code": code,
            "label": name,
            "own": by_ward.get(pk, 0),
            "borough_wide": wide,
            "count": by_ward.get(pk, 0) + wide,
        }
        for pk, code, name in Ward.objects.filter(place=place).order_by("name").values_list("pk", "gss_code", "name")
    ]

    by_sector = counts("sector")
    sectors = [{"code": code, "label": label, "count": by_sector.get(code, 0)} for code, label in Sector.choices]
    by_form = counts("legal_form")
    legal_forms = [
        {"code": code, "label": label, "count": by_form[code]} for code, label in LegalForm.choices if by_form.get(code)
    ]
    legal_forms.sort(key=lambda r: -r["count"])
    by_tier = counts("accreditation_tier")
    tiers = [
        {"code": int(t), "label": t.label, "count": by_tier.get(int(t), 0)}
        for t in sorted(accreditation.Tier, reverse=True)
    ]
    return {
        **totals,
        "bands": bands,
        "service_types": service_rows,
        "wards": ward_rows,
        "sectors": sectors,
        "legal_forms": legal_forms,
        "tiers": tiers,
    }
