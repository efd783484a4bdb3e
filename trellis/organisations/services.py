"""Directory use cases. Each takes the acting person, checks permission, writes in one
transaction, records an audit event and schedules notifications on commit.

``check_permission=False`` is only for operator commands run with shell access (``trellis demo
load``, command-line imports); views and the API never pass it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from trellis.core import roles
from trellis.core.domain.roles import Role
from trellis.core.errors import ValidationFailed
from trellis.core.models import Membership, Person
from trellis.core.permissions import require
from trellis.core.services import audit_record, notify
from trellis.organisations import permissions as perms
from trellis.organisations.domain import accreditation
from trellis.organisations.domain.accreditation import EvidenceKind, Tier
from trellis.organisations.domain.identifiers import InvalidIdentifier, parse_org_id
from trellis.organisations.domain.sizes import income_band
from trellis.organisations.domain.uploads import DOCUMENT_TYPES, UploadRefused, check_upload, safe_filename
from trellis.organisations.models import (
    ClientGroup,
    Consortium,
    ConsortiumMember,
    EvidenceDocument,
    EvidenceStatus,
    LegalForm,
    Organisation,
    OtherIdentifier,
    PartnerInterest,
    PartnerRequest,
    Sector,
    ServiceType,
)

if TYPE_CHECKING:
    from trellis.places.models import Place, Ward

#: Fields a provider admin may change through a profile edit.
PROFILE_FIELDS = (
    "name",
    "legal_form",
    "sector",
    "description",
    "vat_number",
    "annual_income",
    "staff_count",
    "volunteer_count",
    "founded_year",
    "borough_wide",
    "works_outside_place",
    "registered_office_in_place",
    "active_locally_since",
    "staff_local_pct",
    "trustees_local_pct",
    "website",
    "email",
    "phone",
    "address",
    "postcode",
    "contact_name",
    "contact_email",
    "contact_phone",
)
M2M_FIELDS = ("wards", "client_groups", "service_types")


def _raise_validation(exc: ValidationError) -> None:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    raise ValidationFailed.of(errors) from exc


def _unique_slug(name: str, exclude_pk: int = 0) -> str:
    base = slugify(name)[:200] or "organisation"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def normalise_org_id(raw: str, field: str = "org_id") -> str:
    try:
        return str(parse_org_id(raw))
    except InvalidIdentifier as exc:
        raise ValidationFailed(str(exc), errors={field: [str(exc)]}, field=field) from exc


def _check_identifiers_free(org_ids: Iterable[str], exclude_pk: int = 0) -> None:
    for value in org_ids:
        taken = Organisation.objects.filter(org_id=value).exclude(pk=exclude_pk).first() or getattr(
            OtherIdentifier.objects.filter(identifier=value).exclude(organisation_id=exclude_pk).first(),
            "organisation",
            None,
        )
        if taken:
            msg = f"{value} is already used by {taken.name}."
            raise ValidationFailed(msg, errors={"org_id": [msg]}, field="org_id")


def _apply(org: Organisation, changes: dict[str, Any]) -> dict[str, list[Any]]:
    """Set plain fields; return {field: [old, new]} for what changed (for the audit event)."""
    diff: dict[str, list[Any]] = {}
    for name in PROFILE_FIELDS:
        if name in changes:
            value = changes[name]
            if isinstance(value, str):
                value = value.strip()
            old = getattr(org, name)
            if old != value:
                diff[name] = [old, value]
                setattr(org, name, value)
    if "vat_number" in diff and org.vat_number:
        from trellis.organisations.domain.identifiers import parse_vat_number

        try:
            org.vat_number = parse_vat_number(org.vat_number)
        except InvalidIdentifier as exc:
            raise ValidationFailed(str(exc), errors={"vat_number": [str(exc)]}, field="vat_number") from exc
    try:
        org.income_band = income_band(org.annual_income)
    except ValueError as exc:
        raise ValidationFailed(str(exc), errors={"annual_income": [str(exc)]}, field="annual_income") from exc
    return diff


def _set_m2m(org: Organisation, changes: dict[str, Any], diff: dict[str, list[Any]]) -> None:
    for name in M2M_FIELDS:
        if name in changes:
            new = list(changes[name])
            old_keys = sorted(str(k) for k in getattr(org, name).values_list("pk", flat=True))
            new_keys = sorted(str(getattr(x, "pk", x)) for x in new)
            if old_keys != new_keys:
                getattr(org, name).set(new)
                diff[name] = [old_keys, new_keys]


def _validate(org: Organisation) -> None:
    try:
        org.full_clean(exclude=["slug", "public_id"])
    except ValidationError as exc:
        _raise_validation(exc)


@transaction.atomic
def organisation_create(
    *,
    actor: Person | None,
    name: str,
    org_id: str,
    legal_form: str,
    other_identifiers: Iterable[str] = (),
    place: Place | None = None,
    check_permission: bool = True,
    **fields: Any,
) -> Organisation:
    """Add an organisation to the directory (commissioners, procurement officers, imports, demo)."""
    if check_permission:
        require(perms.can_manage_directory(actor))
    primary = normalise_org_id(org_id)
    others = [normalise_org_id(x, "other_identifiers") for x in other_identifiers if x and x.strip()]
    _check_identifiers_free([primary, *others])
    org = Organisation(name=name.strip(), org_id=primary, legal_form=legal_form, place=place)
    m2m = {k: fields.pop(k) for k in M2M_FIELDS if k in fields}
    _apply(org, {k: v for k, v in fields.items() if k in PROFILE_FIELDS})
    org.slug = _unique_slug(org.name)
    _validate(org)
    org.save()
    for value in others:
        OtherIdentifier.objects.create(organisation=org, identifier=value)
    _set_m2m(org, m2m, {})
    audit_record(actor=actor, verb="organisation.created", target=org, data={"org_id": primary, "name": org.name})
    return org


def _update(
    *, actor: Person | None, organisation: Organisation, changes: dict[str, Any], audit_extra: dict[str, Any]
) -> tuple[Organisation, dict[str, list[Any]]]:
    """Apply changes to an entry (inside the caller's transaction); returns it and what changed."""
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    diff = _apply(org, changes)
    if "other_identifiers" in changes:
        values = [normalise_org_id(x, "other_identifiers") for x in changes["other_identifiers"] if x.strip()]
        _check_identifiers_free(values, exclude_pk=org.pk)
        current = sorted(org.other_identifiers.values_list("identifier", flat=True))
        if sorted(values) != current:
            org.other_identifiers.all().delete()
            OtherIdentifier.objects.bulk_create([OtherIdentifier(organisation=org, identifier=v) for v in values])
            diff["other_identifiers"] = [current, sorted(values)]
    _validate(org)
    org.save()
    _set_m2m(org, changes, diff)
    if diff:
        audit_record(actor=actor, verb="organisation.updated", target=org, data={"changes": diff, **audit_extra})
    return org, diff


@transaction.atomic
def organisation_update(*, actor: Person, organisation: Organisation, changes: dict[str, Any]) -> Organisation:
    """Edit a profile. Only the fields given change; nothing is saved if anything is invalid."""
    require(perms.can_edit_organisation(actor, organisation))
    return _update(actor=actor, organisation=organisation, changes=changes, audit_extra={})[0]


def _organisation_admins(org: Organisation) -> list[Person]:
    return list(
        Person.objects.filter(
            memberships__organisation=org, memberships__role=Role.PROVIDER_ADMIN, is_active=True
        ).distinct()
    )


def _commissioners() -> list[Person]:
    return list(Person.objects.filter(memberships__role=Role.COMMISSIONER, is_active=True).distinct())


@transaction.atomic
def evidence_upload(
    *,
    actor: Person,
    organisation: Organisation,
    kind: str,
    title: str,
    filename: str,
    content: bytes,
    expires_on: date | None,
    today: date | None = None,
    check_permission: bool = True,
) -> EvidenceDocument:
    """Store a document once for reuse everywhere; it replaces the current one of the same kind."""
    if check_permission:
        require(perms.can_upload_evidence(actor, organisation))
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    try:
        kind_enum = EvidenceKind(kind)
    except ValueError:
        errors["kind"] = ["Choose what kind of document this is."]
    else:
        if kind_enum in accreditation.EXPIRY_REQUIRED and expires_on is None:
            errors["expires_on"] = ["Enter the date this document expires."]
    if expires_on is not None and expires_on < today:
        errors["expires_on"] = ["The expiry date must be today or in the future: this document has expired."]
    if not (title or "").strip():
        errors["title"] = ["Enter a title for the document."]
    try:
        file_type = check_upload(filename, content, DOCUMENT_TYPES, settings.TRELLIS_MAX_UPLOAD_BYTES)
    except UploadRefused as exc:
        errors["file"] = [str(exc)]
    if errors:
        raise ValidationFailed.of(errors)
    now = timezone.now()
    EvidenceDocument.objects.filter(organisation=organisation, kind=kind, superseded_at__isnull=True).update(
        superseded_at=now
    )
    name = safe_filename(filename)
    doc = EvidenceDocument(
        organisation=organisation,
        kind=kind,
        title=title.strip()[:200],
        original_filename=name,
        content_type=file_type.content_type,
        size_bytes=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        expires_on=expires_on,
        uploaded_by=actor,
    )
    doc.file.save(name, ContentFile(content), save=False)
    doc.save()
    _recompute_tier(organisation, actor=actor, today=today)
    audit_record(
        actor=actor,
        verb="evidence.uploaded",
        target=doc,
        data={"organisation": organisation.org_id, "kind": kind, "sha256": doc.sha256, "expires_on": expires_on},
    )
    notify(
        recipients=_commissioners(),
        subject=f"Evidence to verify: {organisation.name}",
        body=f"{organisation.name} uploaded “{doc.title}” ({doc.kind_label}). Please check and verify it.",
        url=f"/directory/verify/{doc.public_id}/",
    )
    return doc


def _evidence_items(org: Organisation) -> list[accreditation.Evidence]:
    return [
        accreditation.Evidence(EvidenceKind(d.kind), d.status == EvidenceStatus.VERIFIED, d.expires_on)
        for d in EvidenceDocument.objects.filter(organisation=org, superseded_at__isnull=True)
    ]


def _recompute_tier(org: Organisation, *, actor: Person | None, today: date) -> Tier:
    tier = accreditation.tier_reached(_evidence_items(org), today)
    if tier != org.accreditation_tier:
        old = org.accreditation_tier
        Organisation.objects.filter(pk=org.pk).update(accreditation_tier=tier)
        org.accreditation_tier = tier
        audit_record(actor=actor, verb="organisation.tier_changed", target=org, data={"from": old, "to": int(tier)})
    return tier


@transaction.atomic
def evidence_review(
    *, actor: Person, document: EvidenceDocument, verified: bool, note: str = "", today: date | None = None
) -> EvidenceDocument:
    """A commissioner verifies (or declines) a document; the organisation's tier follows."""
    require(perms.can_verify_evidence(actor, document))
    if not verified and not note.strip():
        raise ValidationFailed(
            "Say why the document is not accepted, so the organisation can put it right.",
            errors={"note": ["Say why the document is not accepted."]},
        )
    if document.superseded_at is not None:
        raise ValidationFailed("A newer document of this kind has been uploaded: review that one instead.")
    document.status = EvidenceStatus.VERIFIED if verified else EvidenceStatus.REJECTED
    document.reviewed_by = actor
    document.reviewed_at = timezone.now()
    document.review_note = note.strip()
    document.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note", "updated_at"])
    _recompute_tier(document.organisation, actor=actor, today=today or timezone.localdate())
    audit_record(
        actor=actor,
        verb=f"evidence.{document.status}",
        target=document,
        data={"organisation": document.organisation.org_id, "kind": document.kind, "note": document.review_note},
    )
    outcome = "verified" if verified else "not accepted"
    notify(
        recipients=_organisation_admins(document.organisation),
        subject=f"Your {document.kind_label.lower()} was {outcome}",
        body=f"“{document.title}” was {outcome} by {actor.get_full_name()}." + (f"\n\n{note}" if note else ""),
        url=f"/directory/{document.organisation.slug}/evidence/",
    )
    return document


def evidence_send_reminders(*, today: date | None = None) -> int:
    """Remind organisations of documents that expire soon (60, 30, 7 days, and on the day);
    recompute tiers of organisations whose evidence has just expired. Returns reminders sent."""
    today = today or timezone.localdate()
    sent = 0
    docs = EvidenceDocument.objects.filter(
        superseded_at__isnull=True,
        expires_on__isnull=False,
        expires_on__lte=today + timedelta(days=max(accreditation.REMINDER_DAYS)),
    ).select_related("organisation")
    for doc in docs.iterator():
        due = accreditation.reminder_due(doc.expires_on, today, doc.last_reminder_days)
        if due is None or doc.expires_on is None:
            continue
        with transaction.atomic():
            EvidenceDocument.objects.filter(pk=doc.pk).update(last_reminder_days=due)
            when = "today" if due == 0 else f"in {(doc.expires_on - today).days} days"
            if doc.expires_on < today:
                when = f"on {doc.expires_on:%-d %B %Y} (it has expired)"
            notify(
                recipients=_organisation_admins(doc.organisation),
                subject=f"{doc.kind_label} expires {when}",
                body=(
                    f"Your {doc.kind_label.lower()} “{doc.title}” expires {when} "
                    f"({doc.expires_on:%-d %B %Y}). Upload the new one so your accreditation stays current."
                ),
                url=f"/directory/{doc.organisation.slug}/evidence/",
            )
            audit_record(actor=None, verb="evidence.reminder_sent", target=doc, data={"days_before": due})
            if doc.expires_on < today:
                _recompute_tier(doc.organisation, actor=None, today=today)
        sent += 1
    return sent


@transaction.atomic
def membership_grant(
    *, actor: Person | None, person: Person, organisation: Organisation, role: Role, check_permission: bool = True
) -> Membership:
    """Give a person a role through an organisation (an org's admin adds provider members;
    platform admins grant anything)."""
    if check_permission:
        provider_role = role in (Role.PROVIDER_ADMIN, Role.PROVIDER_MEMBER)
        allowed = roles.is_platform_admin(actor) or (provider_role and perms.is_admin_of(actor, organisation))
        require(perms.Decision(allowed, "Only the organisation's admins or a platform admin can add people."))
    membership, created = Membership.objects.get_or_create(person=person, organisation=organisation, role=role)
    if created:
        roles.forget_roles(person)
        audit_record(
            actor=actor,
            verb="membership.granted",
            target=organisation,
            data={"person": person.pk, "role": role.value},
        )
    return membership


@transaction.atomic
def consortium_create(
    *,
    actor: Person | None,
    name: str,
    lead_model: str,
    lead: Organisation,
    members: list[tuple[Organisation, str, Decimal | None]],
    description: str = "",
    org_id: str = "",
    legal_form: str = LegalForm.CONSORTIUM,
    check_permission: bool = True,
) -> Consortium:
    """Set up a consortium: its own directory entry, a lead and members with roles and shares."""
    if check_permission:
        require(perms.can_create_consortium(actor, lead))
    errors: dict[str, list[str]] = {}
    member_orgs = [m[0] for m in members]
    if lead not in member_orgs and lead_model != "external_lead":
        errors["members"] = ["The lead organisation must also be a member (or choose an external lead body)."]
    if len(set(o.pk for o in member_orgs)) != len(member_orgs):
        errors["members"] = ["Each organisation can be a member only once."]
    if len(member_orgs) < 2:
        errors["members"] = ["A consortium needs at least two member organisations."]
    shares = [m[2] for m in members if m[2] is not None]
    if shares and sum(shares) != 100:
        errors["members"] = [f"Members' shares must add up to 100%; they add up to {sum(shares)}%."]
    if not name.strip():
        errors["name"] = ["Enter the consortium's name."]
    if errors:
        raise ValidationFailed.of(errors)
    identifier = org_id or f"360G-trellis-consortium-{slugify(name)[:80]}"
    org = organisation_create(
        actor=actor,
        name=name,
        org_id=identifier,
        legal_form=legal_form,
        check_permission=False,
        description=description,
        sector=Sector.VCSE,
        place=lead.place,
        borough_wide=False,
    )
    Organisation.objects.filter(pk=org.pk).update(is_consortium=True)
    org.is_consortium = True
    # The consortium works where its members work and does what they do.
    org.wards.set({w for m in member_orgs for w in m.wards.all()})
    org.service_types.set({s for m in member_orgs for s in m.service_types.all()})
    org.client_groups.set({c for m in member_orgs for c in m.client_groups.all()})
    Organisation.objects.filter(pk=org.pk).update(borough_wide=any(m.borough_wide for m in member_orgs))
    consortium = Consortium.objects.create(organisation=org, lead_model=lead_model, lead=lead, created_by=actor)
    ConsortiumMember.objects.bulk_create(
        [ConsortiumMember(consortium=consortium, organisation=o, role=r.strip(), share_pct=s) for o, r, s in members]
    )
    audit_record(
        actor=actor,
        verb="consortium.created",
        target=org,
        data={
            "lead": lead.org_id,
            "lead_model": lead_model,
            "members": [[o.org_id, r, str(s) if s is not None else None] for o, r, s in members],
        },
    )
    notify(
        recipients={p for o in member_orgs for p in _organisation_admins(o)} - ({actor} if actor else set()),
        subject=f"Your organisation is a member of {name}",
        body=f"{lead.name} has set up the consortium “{name}” with your organisation as a member.",
        url=f"/directory/{org.slug}/",
    )
    return consortium


@transaction.atomic
def partner_request_create(
    *,
    actor: Person,
    organisation: Organisation,
    title: str,
    description: str,
    service_types: Iterable[ServiceType] = (),
    client_groups: Iterable[ClientGroup] = (),
    wards: Iterable[Ward] = (),
    opportunity_reference: str = "",
    closes_on: date | None = None,
    check_permission: bool = True,
) -> PartnerRequest:
    if check_permission:
        require(perms.can_act_for(actor, organisation))
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = ["Enter a title that says what kind of partner you are looking for."]
    if not description.strip():
        errors["description"] = ["Describe what you are looking for and why."]
    if closes_on is not None and closes_on < timezone.localdate():
        errors["closes_on"] = ["The closing date must be today or in the future."]
    if errors:
        raise ValidationFailed.of(errors)
    req = PartnerRequest.objects.create(
        organisation=organisation,
        title=title.strip(),
        description=description.strip(),
        opportunity_reference=opportunity_reference.strip(),
        closes_on=closes_on,
        created_by=actor,
    )
    req.service_types.set(service_types)
    req.client_groups.set(client_groups)
    req.wards.set(wards)
    audit_record(actor=actor, verb="partner_request.created", target=req, data={"organisation": organisation.org_id})
    return req


@transaction.atomic
def partner_interest_express(
    *,
    actor: Person | None,
    partner_request: PartnerRequest,
    organisation: Organisation,
    message: str,
    check_permission: bool = True,
) -> PartnerInterest:
    if check_permission:
        require(perms.can_express_interest(actor, partner_request, organisation))
    if not message.strip():
        raise ValidationFailed(
            "Write a short message about what your organisation would bring.",
            errors={"message": ["Write a short message."]},
        )
    if PartnerInterest.objects.filter(request=partner_request, organisation=organisation).exists():
        raise ValidationFailed(f"{organisation.name} has already replied to this request.")
    interest = PartnerInterest.objects.create(
        request=partner_request, organisation=organisation, message=message.strip(), created_by=actor
    )
    audit_record(
        actor=actor, verb="partner_request.interest", target=partner_request, data={"organisation": organisation.org_id}
    )
    notify(
        recipients=_organisation_admins(partner_request.organisation),
        subject=f"{organisation.name} is interested in “{partner_request.title}”",
        body=message.strip(),
        url=f"/directory/partners/{partner_request.public_id}/",
    )
    return interest


@transaction.atomic
def partner_request_close(*, actor: Person, partner_request: PartnerRequest) -> PartnerRequest:
    require(perms.can_act_for(actor, partner_request.organisation))
    if partner_request.is_open:
        partner_request.is_open = False
        partner_request.save(update_fields=["is_open", "updated_at"])
        audit_record(actor=actor, verb="partner_request.closed", target=partner_request)
    return partner_request


def directory_export_record(
    *, actor: Person | None, file_format: str, filters: dict[str, Any], row_count: int, include_private: bool
) -> None:
    """Log a download of the directory that holds contact details (personal data leaving the service)."""
    if not include_private:
        return
    audit_record(
        actor=actor,
        verb="directory.exported",
        target_type="organisations.directory",
        target_label="Provider directory with contact details",
        data={"format": file_format, "filters": filters, "rows": row_count},
    )


@transaction.atomic
def organisation_member_add(
    *, actor: Person, organisation: Organisation, email: str, role: Role | str, full_name: str = ""
) -> Membership:
    """An organisation's admin adds someone by e-mail, whether or not they already use Trellis.

    A new person gets an account with no password: they sign in with a one-time code sent to that address.
    """
    from django.core.validators import validate_email
    from django.urls import reverse

    require(perms.can_edit_organisation(actor, organisation))
    errors: dict[str, list[str]] = {}
    address = (email or "").strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        errors["email"] = ["Enter an e-mail address in the correct format, like name@example.org."]
    role_value = Role(role) if role in {r.value for r in Role} else None
    if role_value not in (Role.PROVIDER_MEMBER, Role.PROVIDER_ADMIN):
        errors["role"] = ["Choose whether this person is a provider member or a provider admin."]
    person = Person.objects.filter(email__iexact=address).first() if not errors else None
    if person is not None and not person.is_active:
        errors["email"] = [f"The account for {address} is closed. Ask a platform admin to reopen it."]
    elif person is not None and Membership.objects.filter(person=person, organisation=organisation, role=role).exists():
        errors["email"] = [f"{person.get_full_name()} is already a {Role(role).label.lower()} of {organisation.name}."]
    if errors:
        raise ValidationFailed.of(errors)
    assert role_value is not None
    is_new = person is None
    if person is None:
        person = Person.objects.create_user(address, full_name=(full_name or "").strip()[:200])
        audit_record(actor=actor, verb="person.invited", target=person, data={"organisation": organisation.org_id})
    membership = membership_grant(actor=actor, person=person, organisation=organisation, role=role_value)
    how = (
        f"To sign in, go to {settings.SITE_URL}{reverse('account_request_login_code')} and enter this e-mail "
        "address: we will send you a one-time code. You do not need a password."
        if is_new
        else "Sign in as usual to see it."
    )
    notify(
        recipients=[person],
        subject=f"You have been added to {organisation.name}",
        body=f"{actor.get_full_name()} has added you to {organisation.name} on Trellis as a "
        f"{role_value.label.lower()}.\n\n{how}",
        url=f"/directory/{organisation.slug}/",
    )
    return membership


@transaction.atomic
def organisation_update_from_import(
    *, actor: Person | None, organisation: Organisation, changes: dict[str, Any], check_permission: bool = True
) -> tuple[Organisation, bool]:
    """Apply one row of an import to an entry already in the directory. For those who maintain
    the directory (or the system, actor None, when an operator imports from the command line).
    Only the fields given change; nothing is saved if anything is invalid. Returns the entry and
    whether anything changed."""
    if check_permission:
        require(perms.can_manage_directory(actor))
    org, diff = _update(actor=actor, organisation=organisation, changes=changes, audit_extra={"source": "import"})
    return org, bool(diff)
