"""/api/v1/organisations and /api/v1/vocabularies: the provider directory as JSON.

Reading is open to anyone; contact people are shown only to a token holder allowed to see them;
editing needs a token. Every endpoint goes through the same selectors, permissions and services
as the web pages.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext
from ninja import Query, Router

from trellis.core.api_auth import TokenAuth
from trellis.core.api_pages import page_of
from trellis.core.errors import ValidationFailed
from trellis.core.models import Person
from trellis.organisations import permissions as perms
from trellis.organisations import selectors, services
from trellis.organisations.api.schemas import (
    ListQuery,
    OrganisationDetail,
    OrganisationPage,
    OrganisationPatch,
    Problem,
    Vocabularies,
)
from trellis.organisations.domain.accreditation import EVIDENCE_LABELS, Tier, required_for
from trellis.organisations.domain.identifiers import schemes
from trellis.organisations.domain.sizes import BAND_INFO, IncomeBand
from trellis.organisations.models import LegalForm, Organisation, Sector
from trellis.places import selectors as place_selectors

router = Router(tags=["organisations"])

#: Text fields where null in a PATCH body means "clear it".
_CLEARABLE_TEXT = (
    "description",
    "vat_number",
    "website",
    "email",
    "phone",
    "address",
    "postcode",
    "contact_name",
    "contact_email",
    "contact_phone",
)
_ANONYMOUS = "anonymous"


class OptionalTokenAuth(TokenAuth):
    """No Authorization header: an anonymous reader. A header with a bad token: 401, never a silent downgrade."""

    def __call__(self, request):
        if not request.headers.get(self.header):
            return _ANONYMOUS
        return super().__call__(request)


def _caller(request) -> Person | None:
    return request.auth if isinstance(request.auth, Person) else None


def _org_url(org: Organisation) -> str:
    return reverse("organisations:detail", args=[org.slug])


def _summary(org: Organisation) -> dict[str, Any]:
    return {
        "org_id": org.org_id,
        "name": org.name,
        "slug": org.slug,
        "url": _org_url(org),
        "legal_form": org.legal_form,
        "sector": org.sector,
        "income_band": org.income_band,
        "staff": org.staff_count,
        "volunteers": org.volunteer_count,
        "wards": [{"gss_code": w.gss_code, "name": w.name} for w in org.listed_wards],
        "borough_wide": org.borough_wide,
        "service_types": [{"code": s.code, "name": s.name} for s in org.listed_service_types],
        "client_groups": [{"code": c.code, "name": c.name} for c in org.listed_client_groups],
        "registered_office_in_place": org.registered_office_in_place,
        "active_locally_since": org.active_locally_since,
        "accreditation_tier": org.accreditation_tier,
        "website": org.website,
        "email": org.email,
        "phone": org.phone,
        "postcode": org.postcode,
        "is_consortium": org.is_consortium,
    }


def _detail(org: Organisation, actor: Person | None) -> dict[str, Any]:
    data = _summary(org) | {
        "description": org.description,
        "other_identifiers": [o.identifier for o in org.other_identifiers.all()],
        "vat_number": org.vat_number,
        "address": org.address,
        "founded_year": org.founded_year,
        "works_outside_place": org.works_outside_place,
        "staff_local_pct": org.staff_local_pct,
        "trustees_local_pct": org.trustees_local_pct,
        "consortium": None,
    }
    consortium = selectors.consortium_for(organisation=org)
    if consortium is not None:
        data["consortium"] = {
            "lead_model": consortium.lead_model,
            "lead": {"org_id": consortium.lead.org_id, "name": consortium.lead.name},
            "members": [
                {
                    "org_id": m.organisation.org_id,
                    "name": m.organisation.name,
                    "role": m.role,
                    "share_pct": m.share_pct,
                }
                for m in consortium.members.all()
            ],
        }
    if actor is not None and perms.can_view_private_details(actor, org):
        data |= {
            "contact_name": org.contact_name,
            "contact_email": org.contact_email,
            "contact_phone": org.contact_phone,
        }
    return data


def _check_filters(params: ListQuery) -> None:
    """Every code must be one we know: a typo should be an error, not an empty result."""
    errors: dict[str, list[str]] = {}

    def check(name: str, values: list, known: set, hint: str) -> None:
        bad = [str(v) for v in values if v not in known]
        if bad:
            errors[name] = [f"Unknown {name} {', '.join(bad)}: {hint}"]

    if params.ward:
        check(
            "ward",
            params.ward,
            set(place_selectors.wards().filter(gss_code__in=params.ward).values_list("gss_code", flat=True)),
            "use a ward GSS code listed at /api/v1/vocabularies.",
        )
    if params.client_group:
        check(
            "client_group",
            params.client_group,
            set(selectors.client_groups().filter(code__in=params.client_group).values_list("code", flat=True)),
            "use a client group code listed at /api/v1/vocabularies.",
        )
    if params.service_type:
        check(
            "service_type",
            params.service_type,
            set(selectors.service_types().filter(code__in=params.service_type).values_list("code", flat=True)),
            "use a service type code listed at /api/v1/vocabularies.",
        )
    check("band", params.band, {b.value for b in IncomeBand}, "use micro, small, medium, large, major or unknown.")
    check("tier", params.tier, {t.value for t in Tier}, "use 0, 1, 2 or 3.")
    check("sector", params.sector, set(Sector.values), "use vcse, private or public.")
    check("sort", [params.sort], set(selectors.SORTS), "use " + ", ".join(selectors.SORTS) + ".")
    if errors:
        raise ValidationFailed.of(errors)


@router.get(
    "",
    response={200: OrganisationPage, 404: Problem, 422: Problem},
    summary="Search the provider directory",
    url_name="organisations",
)
def organisation_list(request, params: Query[ListQuery]):
    """Organisations in the directory, filtered and sorted as on the directory page, one page at a time.

    Unknown filter codes are refused with a 422 problem naming the parameter. A page past the last one is a 404.
    """
    _check_filters(params)
    filters = selectors.DirectoryFilters(
        q=params.q,
        wards=params.ward,
        client_groups=params.client_group,
        service_types=params.service_type,
        bands=params.band,
        tiers=params.tier,
        sectors=params.sector,
        local_only=params.local,
    )
    qs = selectors.with_listing_data(selectors.search(filters, sort=params.sort))
    return page_of(
        request,
        qs,
        page=params.page,
        page_size=params.page_size,
        render=_summary,
        past_the_end=gettext("There is no page %(page)s: there are %(pages)s pages of results."),
    )


@router.get(
    "/{org_id}",
    response={200: OrganisationDetail, 401: Problem, 404: Problem},
    auth=OptionalTokenAuth(),
    exclude_unset=True,
    summary="One organisation",
    url_name="organisation",
)
def organisation_detail(request, org_id: str):
    """An organisation's public profile, by its org-id (e.g. GB-CHC-1164883).

    The contact person (contact_name, contact_email, contact_phone) is included only when the request carries a
    token of someone who belongs to the organisation or is a commissioner. A token that is not valid gets a 401.
    """
    actor = _caller(request)
    org = selectors.organisation_get_by_org_id_for(actor=actor, org_id=org_id)
    return _detail(org, actor)


def _codes_to_objects(name: str, codes: list[str], qs, key: str) -> list:
    found = {getattr(obj, key): obj for obj in qs.filter(**{f"{key}__in": codes})}
    unknown = [c for c in codes if c not in found]
    if unknown:
        msg = f"Unknown {name.replace('_', ' ')} code {', '.join(unknown)}: see /api/v1/vocabularies."
        raise ValidationFailed(msg, errors={name: [msg]}, field=name)
    return [found[c] for c in dict.fromkeys(codes)]


@router.patch(
    "/{org_id}",
    response={200: OrganisationDetail, 401: Problem, 403: Problem, 404: Problem, 422: Problem},
    auth=TokenAuth(),
    exclude_unset=True,
    summary="Edit an organisation's profile",
    url_name="organisation_update",
)
def organisation_patch(request, org_id: str, payload: OrganisationPatch):
    """Change any of the profile fields given; the others stay as they are. Needs a token.

    Only the organisation's own admins (and platform admins) may edit. If anything is invalid, nothing is saved
    and the 422 problem lists each field with what is wrong. wards, service_types and client_groups replace the
    current lists with the codes given.
    """
    actor = _caller(request)
    org = selectors.organisation_get_by_org_id_for(actor=actor, org_id=org_id)
    changes = payload.model_dump(exclude_unset=True)
    for name in _CLEARABLE_TEXT:
        if name in changes and changes[name] is None:
            changes[name] = ""
    for name in ("other_identifiers", "wards", "service_types", "client_groups"):
        if name in changes and changes[name] is None:
            changes[name] = []
    if changes.get("wards"):
        changes["wards"] = _codes_to_objects("wards", changes["wards"], place_selectors.wards(), "gss_code")
    if changes.get("service_types"):
        changes["service_types"] = _codes_to_objects(
            "service_types", changes["service_types"], selectors.service_types(), "code"
        )
    if changes.get("client_groups"):
        changes["client_groups"] = _codes_to_objects(
            "client_groups", changes["client_groups"], selectors.client_groups(), "code"
        )
    updated = services.organisation_update(actor=actor, organisation=org, changes=changes)
    fresh = selectors.organisation_get_by_org_id_for(actor=actor, org_id=updated.org_id)
    return _detail(fresh, actor)


vocabulary_router = Router(tags=["vocabularies"])


@vocabulary_router.get("", response=Vocabularies, summary="Codes used by the directory", url_name="vocabularies")
def vocabularies(request):
    """Every code the directory uses, with its name, so API clients can build forms and read results."""
    return {
        "service_types": [{"code": s.code, "name": s.name} for s in selectors.service_types()],
        "client_groups": [{"code": c.code, "name": c.name} for c in selectors.client_groups()],
        "bands": [
            {"code": band.value, "name": BAND_INFO[band].label, "range": BAND_INFO[band].range_label}
            for band in IncomeBand
        ],
        "tiers": [
            {"code": int(t), "name": t.label, "requires": [EVIDENCE_LABELS[k] for k in required_for(t)]} for t in Tier
        ],
        "legal_forms": [{"code": value, "name": str(label)} for value, label in LegalForm.choices],
        "sectors": [{"code": value, "name": str(label)} for value, label in Sector.choices],
        "org_id_schemes": [
            {"code": s.code, "name": s.name, "format": s.format, "example": s.example} for s in schemes().values()
        ],
        "wards": [{"gss_code": w.gss_code, "name": w.name} for w in place_selectors.wards()],
        "sorts": [{"code": key, "name": label} for key, (_, label) in selectors.SORTS.items()],
    }
