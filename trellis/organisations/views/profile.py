"""An organisation's own pages: editing its profile, its evidence and accreditation, its people;
and the commissioners' verification of evidence."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from trellis.core import roles
from trellis.core.domain.roles import Role
from trellis.core.errors import TrellisError
from trellis.core.services import audit_record
from trellis.core.web import require, show_service_errors, signed_in
from trellis.organisations import permissions as perms
from trellis.organisations import selectors, services
from trellis.organisations.domain.accreditation import (
    EVIDENCE_LABELS,
    TIER_ADDS,
    TIER_LABELS,
    Tier,
    expiry_status,
    why_not_counted,
)
from trellis.organisations.forms.profile import EvidenceUploadForm, MemberAddForm, ProfileForm, ReviewForm
from trellis.organisations.models import Organisation

EXPIRING_WITHIN_DAYS = 30


# --- Profile ---------------------------------------------------------------------------------


@signed_in
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    org = selectors.organisation_get_for(actor=request.user, slug=slug)
    require(perms.can_edit_organisation(request.user, org))
    # The form checks its input against a copy, so a refused edit leaves the page's record as it was.
    draft = Organisation.objects.get(pk=org.pk)
    place_name = org.place.name if org.place else settings.TRELLIS_PLACE_NAME
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=draft, place_name=place_name)
    if request.method == "POST" and form.is_valid():
        try:
            updated = services.organisation_update(actor=request.user, organisation=org, changes=form.changes())
        except TrellisError as exc:
            show_service_errors(form, exc, {"org_id": "other_identifiers"})
        else:
            messages.success(request, f"{updated.name}’s profile has been updated.")
            return redirect("organisations:detail", slug=updated.slug)
    return render(request, "organisations/edit.html", {"organisation": org, "form": form})


# --- Evidence and accreditation --------------------------------------------------------------


def _kind_rows(documents, today) -> list[dict]:
    """One row per kind of document a tier asks for, with the current document if there is one."""
    by_kind = {d.kind: d for d in documents}
    groups = []
    for tier in (Tier.FOUNDATION, Tier.ESTABLISHED, Tier.COMMISSIONING_READY):
        rows = []
        for kind in TIER_ADDS[tier]:
            doc = by_kind.get(kind.value)
            rows.append(
                {
                    "kind": kind,
                    "label": EVIDENCE_LABELS[kind],
                    "document": doc,
                    "expiry": expiry_status(doc.expires_on, today, EXPIRING_WITHIN_DAYS) if doc else None,
                }
            )
        groups.append({"tier": tier, "label": TIER_LABELS[tier], "rows": rows})
    return groups


def _note(doc, today) -> str:
    return why_not_counted(doc.status, doc.expires_on, today) if doc else ""


@signed_in
@require_http_methods(["GET", "POST"])
def evidence(request: HttpRequest, slug: str) -> HttpResponse:
    org = selectors.organisation_get_for(actor=request.user, slug=slug)
    if not perms.can_view_evidence(request.user, org):
        raise Http404("No evidence here")
    may_upload = perms.can_upload_evidence(request.user, org)
    max_bytes = settings.TRELLIS_MAX_UPLOAD_BYTES
    form = EvidenceUploadForm(max_bytes=max_bytes) if may_upload else None
    if request.method == "POST":
        require(may_upload)
        form = EvidenceUploadForm(request.POST, request.FILES, max_bytes=max_bytes)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > max_bytes:
                form.add_error("file", f"The selected file must be smaller than {max_bytes // (1024 * 1024)} MB.")
            else:
                try:
                    doc = services.evidence_upload(
                        actor=request.user,
                        organisation=org,
                        kind=form.cleaned_data["kind"],
                        title=form.cleaned_data["title"],
                        filename=upload.name,
                        content=upload.read(),
                        expires_on=form.cleaned_data["expires_on"],
                    )
                except TrellisError as exc:
                    show_service_errors(form, exc)
                else:
                    messages.success(
                        request, f"“{doc.title}” has been uploaded. A commissioner will check it and verify it."
                    )
                    return redirect("organisations:evidence", slug=org.slug)
    today = timezone.localdate()
    progress = selectors.accreditation_progress(organisation=org, today=today)
    current = list(selectors.current_evidence(organisation=org))
    by_kind = {d.kind: d for d in current}
    context = {
        "organisation": org,
        "groups": _kind_rows(current, today),
        "history": selectors.evidence_history(organisation=org),
        "progress": progress,
        "missing": [
            {"label": EVIDENCE_LABELS[k], "note": _note(by_kind.get(k.value), today)} for k in progress.missing_for_next
        ],
        "band": org.band_info,
        "form": form,
        "may_upload": bool(may_upload),
    }
    return render(request, "organisations/evidence.html", context)


@require_GET
def evidence_download(request: HttpRequest, public_id) -> FileResponse:
    doc = selectors.evidence_get_for(actor=request.user, public_id=public_id)
    try:
        handle = doc.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404("The file is missing") from exc
    if roles.is_staff_member(request.user):  # council staff looking at a provider's documents
        audit_record(
            actor=request.user,
            verb="evidence.downloaded",
            target=doc,
            data={"organisation": doc.organisation.org_id, "kind": doc.kind},
        )
    response = FileResponse(handle, as_attachment=True, filename=doc.original_filename, content_type=doc.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Verification (commissioners) -----------------------------------------------------------


@signed_in
@require_GET
def verification_queue(request: HttpRequest) -> HttpResponse:
    require(perms.can_use_verification_queue(request.user))
    today = timezone.localdate()
    context = {
        "awaiting": selectors.evidence_awaiting_verification(),
        "expiring": selectors.evidence_expiring(today=today, days=EXPIRING_WITHIN_DAYS),
        "days": EXPIRING_WITHIN_DAYS,
        "today": today,
    }
    return render(request, "organisations/verification_queue.html", context)


@signed_in
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, public_id) -> HttpResponse:
    doc = selectors.evidence_get_for(actor=request.user, public_id=public_id)
    require(perms.can_verify_evidence(request.user, doc))
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_review(
                actor=request.user, document=doc, verified=form.verified, note=form.cleaned_data["note"]
            )
        except TrellisError as exc:
            show_service_errors(form, exc)
        else:
            outcome = "verified" if form.verified else "marked as not accepted"
            messages.success(request, f"“{doc.title}” from {doc.organisation.name} has been {outcome}.")
            return redirect("organisations:verification_queue")
    today = timezone.localdate()
    context = {
        "document": doc,
        "organisation": doc.organisation,
        "form": form,
        "expiry": expiry_status(doc.expires_on, today, EXPIRING_WITHIN_DAYS),
        "progress": selectors.accreditation_progress(organisation=doc.organisation, today=today),
    }
    return render(request, "organisations/evidence_review.html", context)


# --- People ----------------------------------------------------------------------------------


@signed_in
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, slug: str) -> HttpResponse:
    org = selectors.organisation_get_for(actor=request.user, slug=slug)
    require(perms.can_edit_organisation(request.user, org))
    form = MemberAddForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.organisation_member_add(
                actor=request.user,
                organisation=org,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                full_name=form.cleaned_data["full_name"],
            )
        except TrellisError as exc:
            show_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{membership.person.get_full_name()} is now a {Role(membership.role).label.lower()} of {org.name}. "
                "We have sent them a message.",
            )
            return redirect("organisations:members", slug=org.slug)
    people: dict[int, dict] = {}
    for m in selectors.organisation_members(organisation=org):
        row = people.setdefault(m.person_id, {"person": m.person, "roles": []})
        row["roles"].append(Role(m.role).label)
    context = {
        "organisation": org,
        "people": list(people.values()),
        "form": form,
    }
    return render(request, "organisations/members.html", context)


urlpatterns = [
    path("verify/", verification_queue, name="verification_queue"),
    path("verify/<uuid:public_id>/", verify, name="verify"),
    path("evidence/<uuid:public_id>/download/", evidence_download, name="evidence_download"),
    path("<slug:slug>/edit/", edit, name="edit"),
    path("<slug:slug>/evidence/", evidence, name="evidence"),
    path("<slug:slug>/members/", members, name="members"),
]
