"""What the organisations API accepts and returns. Only public fields unless said otherwise."""

from __future__ import annotations

from decimal import Decimal

from ninja import Field, Schema


class Problem(Schema):
    """An RFC 7807 problem document (served as application/problem+json)."""

    type: str = Field(..., description="A URI naming the kind of problem.")
    title: str = Field(..., description="What went wrong, in plain English.")
    status: int = Field(..., description="The HTTP status code.")
    code: str = Field(..., description="A machine-readable code, e.g. validation_failed, not_found.")
    errors: dict[str, list[str]] | None = Field(
        None, description="For validation_failed: each field or parameter with what is wrong with it."
    )


class ListQuery(Schema):
    """Filters for the directory search. Repeat a parameter to allow several values (any of them matches)."""

    q: str = Field("", description="Words to find in the name or description (all must match; prefixes count).")
    ward: list[str] = Field(
        [], description="Ward GSS code, e.g. E05099001. Organisations working borough-wide match every ward."
    )
    client_group: list[str] = Field([], description="Client group code (see /vocabularies).")
    service_type: list[str] = Field([], description="Service type code (see /vocabularies).")
    band: list[str] = Field([], description="Income band: micro, small, medium, large, major or unknown.")
    tier: list[int] = Field([], description="Accreditation tier: 0 (none) to 3 (commissioning-ready).")
    sector: list[str] = Field([], description="Sector: vcse, private or public.")
    local: bool = Field(False, description="Only organisations with a registered office in the place.")
    sort: str = Field("name", description="name, -name, size, -size or local (years active locally).")
    page: int = Field(1, ge=1, description="Page number, from 1.")
    page_size: int = Field(20, ge=1, le=100, description="Results per page, at most 100.")


class Coded(Schema):
    code: str
    name: str


class WardOut(Schema):
    gss_code: str = Field(..., description="The ward's GSS code.")
    name: str


class OrganisationSummary(Schema):
    org_id: str = Field(..., description="The organisation's org-id identifier, e.g. GB-CHC-1164883.")
    name: str
    slug: str
    url: str = Field(..., description="Path of the organisation's page in the directory.")
    legal_form: str = Field(..., description="Legal form code (see /vocabularies).")
    sector: str
    income_band: str = Field(..., description="Size band by annual income (NCVO definitions).")
    staff: int | None = Field(None, description="Paid staff (headcount).")
    volunteers: int | None = None
    wards: list[WardOut] = Field(..., description="Wards it works in.")
    borough_wide: bool = Field(..., description="Works across the whole place.")
    service_types: list[Coded]
    client_groups: list[Coded]
    registered_office_in_place: bool
    active_locally_since: int | None = Field(None, description="Year it started working locally.")
    accreditation_tier: int = Field(..., description="0 (none) to 3 (commissioning-ready).")
    website: str
    email: str
    phone: str
    postcode: str
    is_consortium: bool


class OrganisationPage(Schema):
    count: int = Field(..., description="How many organisations match, across all pages.")
    page: int
    page_size: int
    next: str | None = Field(None, description="URL of the next page, if there is one.")
    previous: str | None = Field(None, description="URL of the previous page, if there is one.")
    results: list[OrganisationSummary]


class OrganisationRef(Schema):
    org_id: str
    name: str


class ConsortiumMemberOut(Schema):
    org_id: str
    name: str
    role: str
    share_pct: Decimal | None = Field(
        None, description='Share of the work or money, in per cent, as a decimal string, e.g. "40.00".'
    )


class ConsortiumOut(Schema):
    lead_model: str = Field(..., description="new_entity, member_lead or external_lead.")
    lead: OrganisationRef
    members: list[ConsortiumMemberOut]


class OrganisationDetail(OrganisationSummary):
    description: str
    other_identifiers: list[str] = Field(..., description="Other org-ids the organisation is known by.")
    vat_number: str
    address: str
    founded_year: int | None = None
    works_outside_place: bool
    staff_local_pct: int | None = Field(None, description="Percentage of staff living in the place.")
    trustees_local_pct: int | None = Field(None, description="Percentage of trustees living in the place.")
    consortium: ConsortiumOut | None = Field(None, description="Present when the organisation is a consortium.")
    contact_name: str | None = Field(
        None,
        description="Private: only sent to a token holder who belongs to the organisation or is a commissioner.",
    )
    contact_email: str | None = Field(None, description="Private, as contact_name.")
    contact_phone: str | None = Field(None, description="Private, as contact_name.")


class OrganisationPatch(Schema):
    """Any subset of the editable profile fields. Fields left out are not changed."""

    name: str | None = Field(None, min_length=1, max_length=200)
    legal_form: str | None = Field(None, description="Legal form code (see /vocabularies).")
    sector: str | None = None
    description: str | None = None
    vat_number: str | None = Field(None, description="UK VAT registration number; checked by its check digits.")
    annual_income: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=0, description="Pounds, whole.")
    staff_count: int | None = Field(None, ge=0)
    volunteer_count: int | None = Field(None, ge=0)
    founded_year: int | None = Field(None, ge=1000, le=9999)
    borough_wide: bool | None = None
    works_outside_place: bool | None = None
    registered_office_in_place: bool | None = None
    active_locally_since: int | None = Field(None, ge=1000, le=9999, description="Year")
    staff_local_pct: int | None = Field(None, ge=0, le=100)
    trustees_local_pct: int | None = Field(None, ge=0, le=100)
    website: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    postcode: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    other_identifiers: list[str] | None = Field(None, description="Replaces the list of other org-ids.")
    wards: list[str] | None = Field(None, description="Replaces the wards: a list of ward GSS codes.")
    service_types: list[str] | None = Field(None, description="Replaces the service types: a list of codes.")
    client_groups: list[str] | None = Field(None, description="Replaces the client groups: a list of codes.")


class BandOut(Schema):
    code: str
    name: str
    range: str = Field(..., description="The income range, e.g. £10,000 to £100,000.")


class TierOut(Schema):
    code: int
    name: str
    requires: list[str] = Field(..., description="Evidence kinds needed for this tier (and the tiers below).")


class SchemeOut(Schema):
    code: str
    name: str
    format: str
    example: str


class Vocabularies(Schema):
    service_types: list[Coded]
    client_groups: list[Coded]
    bands: list[BandOut]
    tiers: list[TierOut]
    legal_forms: list[Coded]
    sectors: list[Coded]
    org_id_schemes: list[SchemeOut]
    wards: list[WardOut]
    sorts: list[Coded]
