"""Loads the fictional borough of Northbridge (data/northbridge.json) through the services,
so the demo is built exactly as real use would build it: validated, audited, idempotent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from importlib import resources
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from trellis.core.domain.roles import Role
from trellis.core.models import Person
from trellis.core.services import audit_batched, notifications_muted
from trellis.demo.bids import load_bids
from trellis.demo.commissioning import load_commissioning
from trellis.demo.evaluation import load_evaluations
from trellis.demo.pdf import simple_pdf
from trellis.organisations import selectors as org_selectors
from trellis.organisations import services as org_services
from trellis.organisations.domain.accreditation import EVIDENCE_LABELS, EvidenceKind
from trellis.places import services as place_services

if TYPE_CHECKING:
    from trellis.organisations.models import Organisation
    from trellis.places.models import Place

DEMO_FILE = "data/northbridge.json"


def demo_data() -> dict[str, Any]:
    return json.loads(resources.files("trellis.demo").joinpath(DEMO_FILE).read_text("utf-8"))


@dataclass
class LoadReport:
    organisations_created: int = 0
    people_created: int = 0
    documents_created: int = 0
    consortia_created: int = 0
    partner_requests_created: int = 0
    opportunities_created: int = 0
    skipped: list[str] = field(default_factory=list)


def _active_since(item: dict[str, Any], today: date) -> int | None:
    years = item.get("years_active_locally")
    return today.year - int(years) if years is not None else None


def _profile_fields(item: dict[str, Any], ward_by_code: dict, today: date) -> dict[str, Any]:
    wards = item.get("wards") or []
    borough_wide = "*" in wards
    return {
        "sector": item.get("sector", "vcse"),
        "description": item.get("description", ""),
        "annual_income": Decimal(item["annual_income_gbp"]) if item.get("annual_income_gbp") is not None else None,
        "staff_count": item.get("staff"),
        "volunteer_count": item.get("volunteers"),
        "founded_year": item.get("founded_year"),
        "borough_wide": borough_wide,
        "works_outside_place": bool(item.get("works_outside_place")),
        "registered_office_in_place": bool(item.get("registered_office_in_place")),
        "active_locally_since": _active_since(item, today),
        "staff_local_pct": item.get("staff_local_pct"),
        "trustees_local_pct": item.get("trustees_local_pct"),
        "website": item.get("website", ""),
        "email": item.get("email", ""),
        "phone": item.get("phone", ""),
        "address": item.get("address", ""),
        "postcode": item.get("postcode", ""),
        "contact_name": item.get("contact_name", ""),
        "contact_email": item.get("email", ""),
        "contact_phone": item.get("phone", ""),
        "wards": [ward_by_code[c] for c in wards if c != "*"],
        "client_groups": item.get("client_groups", []),
        "service_types": item.get("service_types", []),
    }


def _evidence_pdf(org_name: str, kind: EvidenceKind, title: str, expires_on: date | None) -> bytes:
    lines = [
        title,
        "",
        f"Organisation: {org_name}",
        f"Document: {EVIDENCE_LABELS[kind]}",
        f"Valid until: {expires_on:%d %B %Y}" if expires_on else "No expiry date",
        "",
        "Demonstration document for the fictional borough of Northbridge.",
        "It is not a real certificate or policy.",
    ]
    return simple_pdf(lines)


def _people(data: dict[str, Any], report: LoadReport) -> dict[str, Person]:
    people: dict[str, Person] = {}
    shared_hash = ""  # every demo person has the same password: hash it once, not once per person (seconds each)
    for item in data.get("people", []):
        email = item["email"].lower()
        person = Person.objects.filter(email=email).first()
        if person is None:
            shared_hash = shared_hash or make_password(settings.TRELLIS_DEMO_PASSWORD)
            person = Person.objects.create_user(
                email, None, full_name=item["name"], job_title=item.get("job_title", "")
            )
            person.password = shared_hash
            person.save(update_fields=["password"])
            report.people_created += 1
        for r in item.get("roles", []):
            org = org_selectors.organisation_by_org_id(r["organisation"])
            if org is None:
                report.skipped.append(f"{email}: no organisation {r['organisation']}")
                continue
            org_services.membership_grant(
                actor=None, person=person, organisation=org, role=Role(r["role"]), check_permission=False
            )
        people[email] = person
    return people


def _verifier(data: dict[str, Any], people: dict[str, Person]) -> Person | None:
    for item in data.get("people", []):
        if any(r["role"] == Role.COMMISSIONER for r in item.get("roles", [])):
            return people.get(item["email"].lower())
    return None


def load(*, today: date | None = None) -> LoadReport:
    """Create whatever of the demo place is missing. Running it again changes nothing.
    No notifications are sent: the demo people would otherwise get hundreds of messages. Its audit events
    (over a thousand) are chained as usual and written together at the end."""
    with notifications_muted(), transaction.atomic(), audit_batched():
        return _load(today or timezone.localdate())


def _load(today: date) -> LoadReport:
    """The demo in the order of the cycle: the place, its organisations and people, their evidence, consortia and
    partner requests, then commissioning, bids and evaluations."""
    data = demo_data()
    report = LoadReport()
    place = _place(data)
    ward_by_code = {w.gss_code: w for w in place.wards.all()}
    new_orgs = _organisations(data, place, ward_by_code, today, report)
    people = _people(data, report)
    verifier = _verifier(data, people)
    for org, item in new_orgs:
        _evidence(org, item, verifier, today, report)
    _consortia(data, report)
    _partner_requests(data, ward_by_code, today, report)
    report.opportunities_created = load_commissioning(place=place, people=people, today=today)
    load_bids(place=place, people=people)
    report.opportunities_created += load_evaluations(place=place, people=people, today=today)
    return report


def _place(data: dict[str, Any]) -> Place:
    p = data["place"]
    return place_services.place_upsert(
        actor=None,
        name=p["name"],
        gss_code=p["gss_code"],
        authority_name=p["authority_name"],
        wards=data["wards"],
        authority_org_id=p.get("org_id", ""),
        region=p.get("region", ""),
        population=p.get("population"),
        description=p.get("description", ""),
    )


def _organisations(
    data: dict[str, Any], place: Place, ward_by_code: dict, today: date, report: LoadReport
) -> list[tuple[Organisation, dict[str, Any]]]:
    """The organisations not yet in the directory, created; each with its entry in the data file."""
    new_orgs = []
    for item in data["organisations"]:
        if org_selectors.organisation_by_org_id(item["org_id"]) is not None:
            continue
        org = org_services.organisation_create(
            actor=None,
            check_permission=False,
            name=item["name"],
            org_id=item["org_id"],
            legal_form=item["legal_form"],
            other_identifiers=item.get("other_identifiers", []),
            place=place,
            **_profile_fields(item, ward_by_code, today),
        )
        new_orgs.append((org, item))
        report.organisations_created += 1
    return new_orgs


def _evidence(
    org: Organisation, item: dict[str, Any], verifier: Person | None, today: date, report: LoadReport
) -> None:
    """An organisation's evidence documents, stored and (where the data says so) verified, in one bulk call."""
    documents = []
    for ev in item.get("evidence", []):
        kind = EvidenceKind(ev["kind"])
        days = ev.get("expires_in_days")
        expires_on = today + timedelta(days=days) if days is not None else None
        documents.append(
            org_services.EvidenceToLoad(
                kind=kind.value,
                title=ev["title"],
                filename=f"{kind.value.replace('_', '-')}.pdf",
                content=_evidence_pdf(org.name, kind, ev["title"], expires_on),
                expires_on=expires_on,
                uploaded_on=min(today, expires_on - timedelta(days=1)) if expires_on else today,
                verified=bool(ev.get("verified")),
            )
        )
    loaded = org_services.evidence_load(organisation=org, items=documents, verifier=verifier, today=today)
    report.documents_created += len(loaded)


def _consortia(data: dict[str, Any], report: LoadReport) -> None:
    for c in data.get("consortia", []):
        lead = org_selectors.organisation_by_org_id(c["lead"])
        entity = c.get("entity") or {}
        if lead is None or org_selectors.consortium_by_name(c["name"]) is not None:
            continue
        members = []
        for m in c["members"]:
            member = org_selectors.organisation_by_org_id(m["organisation"])
            if member is not None:
                share = Decimal(str(m["share_pct"])) if m.get("share_pct") is not None else None
                members.append((member, m["role"], share))
        org_services.consortium_create(
            actor=None,
            check_permission=False,
            name=c["name"],
            lead_model=c["lead_model"],
            lead=lead,
            members=members,
            description=c.get("description", ""),
            org_id=entity.get("org_id", ""),
            legal_form=entity.get("legal_form", "consortium"),
        )
        report.consortia_created += 1


def _partner_requests(data: dict[str, Any], ward_by_code: dict, today: date, report: LoadReport) -> None:
    for r in data.get("partner_requests", []):
        org = org_selectors.organisation_by_org_id(r["organisation"])
        if org is None or org.partner_requests.filter(title=r["title"]).exists():
            continue
        req = org_services.partner_request_create(
            actor=None,
            check_permission=False,
            organisation=org,
            title=r["title"],
            description=r["description"],
            service_types=r.get("service_types", []),
            client_groups=r.get("client_groups", []),
            wards=[ward_by_code[c] for c in r.get("wards", []) if c in ward_by_code],
            opportunity_reference=r.get("opportunity", ""),
            closes_on=today + timedelta(days=r["closes_in_days"]) if r.get("closes_in_days") else None,
        )
        for interest in r.get("interests", []):
            other = org_selectors.organisation_by_org_id(interest["organisation"])
            if other is not None:
                org_services.partner_interest_express(
                    actor=None,
                    check_permission=False,
                    partner_request=req,
                    organisation=other,
                    message=interest["message"],
                )
        report.partner_requests_created += 1


def accounts() -> list[tuple[str, str, str, str]]:
    """(role label, name, e-mail, organisation) for the first demo person holding each role."""
    data = demo_data()
    seen: dict[str, tuple[str, str, str, str]] = {}
    names = {o["org_id"]: o["name"] for o in data["organisations"]}
    for item in data.get("people", []):
        for r in item.get("roles", []):
            role = Role(r["role"])
            if role.value not in seen:
                seen[role.value] = (role.label, item["name"], item["email"], names.get(r["organisation"], ""))
    return [seen[r.value] for r in Role if r.value in seen]
