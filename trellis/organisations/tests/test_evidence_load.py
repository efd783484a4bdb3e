"""The bulk path for evidence (`evidence_load`, used by the demo loader): the same documents, tiers and audit events
as uploading and verifying each document one at a time, or nothing at all."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from trellis.core.errors import PermissionDenied, ValidationFailed
from trellis.core.models import AuditEvent, Notification
from trellis.core.services import audit_verify
from trellis.organisations import services
from trellis.organisations.domain.accreditation import EvidenceKind, Tier
from trellis.organisations.models import EvidenceDocument
from trellis.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
TODAY = date(2026, 11, 20)

#: A small charity's file: Tier 1's three documents verified, one of them replaced by a newer one (also verified),
#: a Tier 2 document waiting for a commissioner, and a safeguarding policy uploaded before its insurance expired.
STORY = [
    (EvidenceKind.GOVERNING_DOCUMENT, None, TODAY - timedelta(days=30), True),
    (EvidenceKind.SAFEGUARDING_POLICY, None, TODAY - timedelta(days=20), True),
    (EvidenceKind.PUBLIC_LIABILITY_INSURANCE, TODAY + timedelta(days=5), TODAY - timedelta(days=10), True),
    (EvidenceKind.SAFEGUARDING_POLICY, None, TODAY - timedelta(days=2), True),
    (EvidenceKind.ANNUAL_ACCOUNTS, TODAY + timedelta(days=300), TODAY - timedelta(days=1), False),
]


def _items():
    return [
        services.EvidenceToLoad(
            kind=kind.value,
            title=f"Our {kind.value.replace('_', ' ')}",
            filename=f"{kind.value}.pdf",
            content=PDF,
            expires_on=expires_on,
            uploaded_on=uploaded_on,
            verified=verified,
        )
        for kind, expires_on, uploaded_on, verified in STORY
    ]


def _one_at_a_time(org, verifier) -> None:
    for item in _items():
        doc = services.evidence_upload(
            actor=None,
            check_permission=False,
            organisation=org,
            kind=item.kind,
            title=item.title,
            filename=item.filename,
            content=item.content,
            expires_on=item.expires_on,
            today=item.uploaded_on,
        )
        if item.verified:
            services.evidence_review(actor=verifier, document=doc, verified=True, today=TODAY)


def _documents(org) -> list[tuple]:
    return [
        (d.kind, d.title, d.status, d.reviewed_by_id, d.superseded_at is None, d.expires_on, d.sha256)
        for d in EvidenceDocument.objects.filter(organisation=org).order_by("pk")
    ]


def _events(org) -> list[tuple]:
    """What was recorded, with the organisation and document named in the same way for both organisations."""
    documents = {
        str(pk): n
        for n, pk in enumerate(
            EvidenceDocument.objects.filter(organisation=org).order_by("pk").values_list("pk", flat=True)
        )
    }
    rows = []
    for e in AuditEvent.objects.order_by("seq"):
        if e.target_type == "organisations.organisation" and e.target_id == str(org.pk):
            rows.append((e.verb, "organisation", e.actor_label, e.data))
        elif e.target_type == "organisations.evidencedocument" and e.target_id in documents:
            data = {k: v for k, v in e.data.items() if k != "organisation"}
            rows.append((e.verb, documents[e.target_id], e.actor_label, data))
    return rows


def test_the_bulk_path_writes_what_one_at_a_time_writes(commissioner):
    by_hand = OrganisationFactory(name="Brookfield Community Pantry", slug="brookfield")
    bulk = OrganisationFactory(name="Mill Hill Men's Shed", slug="mill-hill-mens-shed")
    _one_at_a_time(by_hand, commissioner)
    loaded = services.evidence_load(organisation=bulk, items=_items(), verifier=commissioner, today=TODAY)

    assert len(loaded) == len(STORY)
    assert _documents(bulk) == _documents(by_hand)
    by_hand.refresh_from_db()
    bulk.refresh_from_db()
    assert bulk.accreditation_tier == by_hand.accreditation_tier == Tier.FOUNDATION
    assert _events(bulk) == _events(by_hand)
    verbs = [e[0] for e in _events(bulk)]
    assert verbs.count("evidence.uploaded") == 5 and verbs.count("evidence.verified") == 4
    # Tier 1 when the insurance is verified; lost while the newer safeguarding policy waits; back once it is verified.
    changes = [e[3] for e in _events(bulk) if e[0] == "organisation.tier_changed"]
    assert changes == [{"from": 0, "to": 1}, {"from": 1, "to": 0}, {"from": 0, "to": 1}]
    assert audit_verify()[1] is None
    assert not Notification.objects.exists()


def test_a_bad_document_stops_the_whole_load(commissioner):
    org = OrganisationFactory(name="Riverside Food Bank", slug="riverside-food-bank")
    items = _items()
    items[3] = services.EvidenceToLoad(**{**items[3].__dict__, "content": b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56})
    with pytest.raises(ValidationFailed) as refused:
        services.evidence_load(organisation=org, items=items, verifier=commissioner, today=TODAY)
    assert "file" in refused.value.errors
    assert not EvidenceDocument.objects.filter(organisation=org).exists()
    assert not AuditEvent.objects.exists()
    org.refresh_from_db()
    assert org.accreditation_tier == Tier.NONE


def test_the_verifier_must_be_allowed_to_verify(provider_admin, charity):
    with pytest.raises(PermissionDenied):
        services.evidence_load(organisation=charity, items=_items(), verifier=provider_admin, today=TODAY)
    assert not EvidenceDocument.objects.exists() and not AuditEvent.objects.exists()
