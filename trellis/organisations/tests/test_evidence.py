"""Accreditation evidence through the web pages and the command line: upload, verification,
download and expiry reminders."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from trellis.cli import main as trellis_main
from trellis.core.domain.roles import Role
from trellis.core.models import AuditEvent, Membership, Notification
from trellis.organisations import services
from trellis.organisations.domain.accreditation import EvidenceKind, Tier
from trellis.organisations.models import EvidenceDocument, EvidenceStatus, Organisation
from trellis.organisations.tasks import send_evidence_reminders

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"


def today():
    return timezone.localdate()


def evidence_url(org):
    return f"/directory/{org.slug}/evidence/"


def upload(org, admin, kind, *, expires_on=None, title=None, content=PDF, filename="document.pdf"):
    return services.evidence_upload(
        actor=admin,
        organisation=org,
        kind=kind,
        title=title or f"Our {kind.replace('_', ' ')}",
        filename=filename,
        content=content,
        expires_on=expires_on,
    )


def tier_one_set(org, admin):
    """The three documents of Tier 1: Foundation, uploaded and awaiting verification."""
    return [
        upload(org, admin, EvidenceKind.GOVERNING_DOCUMENT),
        upload(org, admin, EvidenceKind.SAFEGUARDING_POLICY),
        upload(org, admin, EvidenceKind.PUBLIC_LIABILITY_INSURANCE, expires_on=today() + timedelta(days=200)),
    ]


def upload_post(*, kind="public_liability_insurance", title="Public liability insurance 2026", expires=None, file=None):
    expires = expires if expires is not None else today() + timedelta(days=300)
    data = {"kind": kind, "title": title}
    if isinstance(expires, tuple):
        data.update(dict(zip(("expires_on_day", "expires_on_month", "expires_on_year"), expires, strict=True)))
    elif expires:
        data.update({"expires_on_day": expires.day, "expires_on_month": expires.month, "expires_on_year": expires.year})
    data["file"] = file or SimpleUploadedFile("Insurance Certificate 2026.pdf", PDF, content_type="application/pdf")
    return data


def stored_files():
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def member_commissioner(council, charity, make_person):
    """A commissioner who is also a member of the charity (say, its volunteer treasurer)."""
    person = make_person(Role.COMMISSIONER, council, full_name="Nadia Hussain")
    Membership.objects.create(person=person, organisation=charity, role=Role.PROVIDER_MEMBER)
    return person


# --- The evidence page ---------------------------------------------------------------------------


def test_the_admin_sees_progress_explanation_and_the_upload_form(client, provider_admin, charity):
    client.force_login(provider_admin)
    response = client.get(evidence_url(charity))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Upload each document once: it is reused for every application" in html
    assert "To reach Tier 1: Foundation, add:" in html
    assert "Safeguarding policy" in html
    assert 'enctype="multipart/form-data"' in html
    assert 'name="expires_on_day"' in html and 'name="expires_on_month"' in html and 'name="expires_on_year"' in html
    assert '<label class="govuk-label govuk-date-input__label" for="id_expires_on_day">Day</label>' in html
    assert html.count("<h1") == 1


def test_the_page_shows_status_expiry_and_what_is_missing(client, provider_admin, commissioner, charity):
    docs = tier_one_set(charity, provider_admin)
    services.evidence_review(actor=commissioner, document=docs[0], verified=True)
    services.evidence_review(actor=commissioner, document=docs[1], verified=False, note="This is unsigned.")
    soon = upload(charity, provider_admin, EvidenceKind.ANNUAL_ACCOUNTS, expires_on=today() + timedelta(days=10))
    client.force_login(provider_admin)
    html = client.get(evidence_url(charity)).content.decode()
    assert '<strong class="govuk-tag govuk-tag--green">Verified</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--red">Not accepted</strong>' in html
    assert "This is unsigned." in html
    assert '<strong class="govuk-tag govuk-tag--blue">Awaiting verification</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--yellow">Expires soon</strong>' in html
    assert f"/directory/evidence/{soon.public_id}/download/" in html
    assert "To reach Tier 1: Foundation, add:" in html
    assert (
        'Safeguarding policy <span class="govuk-hint govuk-!-display-inline">(not accepted: upload a new one)' in html
    )
    assert "(uploaded, awaiting verification)" in html


def test_a_member_sees_the_evidence_but_not_the_upload_form(client, provider_member, charity):
    client.force_login(provider_member)
    response = client.get(evidence_url(charity))
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' not in response.content.decode()


def test_a_commissioner_sees_the_evidence(client, commissioner, provider_admin, charity):
    doc = upload(charity, provider_admin, EvidenceKind.GOVERNING_DOCUMENT, title="Constitution 2019")
    client.force_login(commissioner)
    response = client.get(evidence_url(charity))
    assert response.status_code == 200
    assert "Constitution 2019" in response.content.decode()
    assert f"/directory/evidence/{doc.public_id}/download/" in response.content.decode()


@pytest.mark.parametrize("who", ["resident", "other_provider_admin"])
def test_the_evidence_page_is_not_found_for_others(client, request, charity, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(evidence_url(charity)).status_code == 404


def test_signed_out_people_are_asked_to_sign_in_for_the_evidence_page(client, charity):
    response = client.get(evidence_url(charity))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


# --- Uploading -----------------------------------------------------------------------------------


def test_a_good_upload_is_stored_pending_and_commissioners_are_told(
    client, provider_admin, commissioner, charity, django_capture_on_commit_callbacks
):
    client.force_login(provider_admin)
    expires = today() + timedelta(days=300)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(evidence_url(charity), upload_post(expires=expires))
    assert response.status_code == 302
    assert response.url == evidence_url(charity)
    doc = EvidenceDocument.objects.get(organisation=charity)
    assert doc.status == EvidenceStatus.PENDING
    assert doc.kind == "public_liability_insurance"
    assert doc.expires_on == expires
    assert doc.original_filename == "Insurance-Certificate-2026.pdf"
    assert doc.content_type == "application/pdf"
    assert doc.uploaded_by == provider_admin
    assert doc.file.read() == PDF
    assert Path(doc.file.path).is_relative_to(Path(settings.MEDIA_ROOT))
    note = Notification.objects.get(recipient=commissioner)
    assert note.subject == f"Evidence to verify: {charity.name}"
    assert note.url == f"/directory/verify/{doc.public_id}/"
    assert AuditEvent.objects.filter(verb="evidence.uploaded", target_id=str(doc.pk)).exists()
    assert "has been uploaded" in client.get(response.url).content.decode()


def test_an_executable_renamed_pdf_is_refused_and_nothing_is_stored(client, provider_admin, commissioner, charity):
    client.force_login(provider_admin)
    events = AuditEvent.objects.count()
    bad = SimpleUploadedFile("insurance.pdf", ELF, content_type="application/pdf")
    response = client.post(evidence_url(charity), upload_post(file=bad))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "The selected file is a Linux program, not a document. It has not been uploaded." in html
    assert 'id="id_file_error"' in html
    assert not EvidenceDocument.objects.exists()
    assert stored_files() == []
    assert not Notification.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_pdf_that_is_really_a_picture_is_refused(client, provider_admin, charity):
    client.force_login(provider_admin)
    bad = SimpleUploadedFile("insurance.pdf", PNG, content_type="application/pdf")
    response = client.post(evidence_url(charity), upload_post(file=bad))
    assert "is called .pdf but its content is not a PDF file" in response.content.decode()
    assert not EvidenceDocument.objects.exists()
    assert stored_files() == []


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"expires": (31, 2, 2030)}, "expires_on", "Expiry date must be a real date."),
        ({"expires": ("", 3, 2030)}, "expires_on", "Expiry date must include a day."),
        ({"expires": (1, "March", 2030)}, "expires_on", "Expiry date must be a real date, written in numbers"),
        ({"expires": (1, 3, 30)}, "expires_on", "Year must include 4 numbers"),
        ({"expires": ("", "", "")}, "expires_on", "Enter the date this document expires."),
        ({"expires": (1, 1, 2000)}, "expires_on", "this document has expired"),
        ({"kind": ""}, "kind", "Choose the kind of document."),
        ({"kind": "passport"}, "kind", "Choose the kind of document."),
        ({"title": ""}, "title", "Enter a title for the document."),
    ],
)
def test_bad_upload_details_get_a_clear_error_and_store_nothing(
    client, provider_admin, charity, overrides, field, message
):
    client.force_login(provider_admin)
    response = client.post(evidence_url(charity), upload_post(**overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}_error"' in html
    assert not EvidenceDocument.objects.exists()
    assert stored_files() == []


def test_the_typed_date_is_kept_when_the_form_is_shown_again(client, provider_admin, charity):
    client.force_login(provider_admin)
    html = client.post(evidence_url(charity), upload_post(expires=(31, 2, 2030))).content.decode()
    assert 'name="expires_on_day" value="31"' in html
    assert "govuk-input--error" in html


def test_an_empty_file_is_refused(client, provider_admin, charity):
    client.force_login(provider_admin)
    empty = SimpleUploadedFile("insurance.pdf", b"", content_type="application/pdf")
    response = client.post(evidence_url(charity), upload_post(file=empty))
    assert "The selected file is empty." in response.content.decode()
    assert not EvidenceDocument.objects.exists()


def test_a_file_over_the_limit_is_refused(client, provider_admin, charity, settings):
    settings.TRELLIS_MAX_UPLOAD_BYTES = 1024 * 1024
    client.force_login(provider_admin)
    big = SimpleUploadedFile("insurance.pdf", PDF + b" " * (1024 * 1024), content_type="application/pdf")
    response = client.post(evidence_url(charity), upload_post(file=big))
    assert "The selected file must be smaller than 1 MB." in response.content.decode()
    assert not EvidenceDocument.objects.exists()
    assert stored_files() == []


@pytest.mark.parametrize("who", ["provider_member", "commissioner"])
def test_only_the_organisations_admins_may_upload(client, request, charity, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post(evidence_url(charity), upload_post())
    assert response.status_code == 403
    assert not EvidenceDocument.objects.exists()
    assert stored_files() == []


def test_another_organisations_admin_cannot_even_find_the_upload_page(client, other_provider_admin, charity):
    client.force_login(other_provider_admin)
    assert client.post(evidence_url(charity), upload_post()).status_code == 404
    assert not EvidenceDocument.objects.exists()


def test_a_new_document_replaces_the_old_one_which_moves_to_the_history(client, provider_admin, commissioner, charity):
    docs = tier_one_set(charity, provider_admin)
    for doc in docs:
        services.evidence_review(actor=commissioner, document=doc, verified=True)
    assert Organisation.objects.get(pk=charity.pk).accreditation_tier == Tier.FOUNDATION
    client.force_login(provider_admin)
    response = client.post(
        evidence_url(charity),
        upload_post(kind="safeguarding_policy", title="Safeguarding policy 2026", expires=("", "", "")),
    )
    assert response.status_code == 302
    old = EvidenceDocument.objects.get(pk=docs[1].pk)
    assert old.superseded_at is not None
    # The new policy is not verified yet, so Tier 1 is not held until a commissioner checks it.
    assert Organisation.objects.get(pk=charity.pk).accreditation_tier == Tier.NONE
    html = client.get(evidence_url(charity)).content.decode()
    assert "Earlier documents that have been replaced (1)" in html
    assert f"/directory/evidence/{old.public_id}/download/" in html


# --- Verifying -----------------------------------------------------------------------------------


def verify_url(doc):
    return f"/directory/verify/{doc.public_id}/"


def test_verifying_a_full_tier_one_set_flips_the_tier(
    client, provider_admin, commissioner, charity, django_capture_on_commit_callbacks
):
    docs = tier_one_set(charity, provider_admin)
    client.force_login(commissioner)
    for doc in docs[:2]:
        assert client.post(verify_url(doc), {"decision": "verify"}).status_code == 302
    assert Organisation.objects.get(pk=charity.pk).accreditation_tier == Tier.NONE
    page = client.get(verify_url(docs[2]))
    assert page.status_code == 200
    assert f"/directory/evidence/{docs[2].public_id}/download/" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(verify_url(docs[2]), {"decision": "verify", "note": ""})
    assert response.status_code == 302
    assert response.url == "/directory/verify/"
    org = Organisation.objects.get(pk=charity.pk)
    assert org.accreditation_tier == Tier.FOUNDATION
    doc = EvidenceDocument.objects.get(pk=docs[2].pk)
    assert (doc.status, doc.reviewed_by) == (EvidenceStatus.VERIFIED, commissioner)
    changed = AuditEvent.objects.filter(verb="organisation.tier_changed", target_id=str(charity.pk)).get()
    assert changed.data == {"from": 0, "to": 1}
    assert Notification.objects.filter(recipient=provider_admin, subject__contains="was verified").exists()
    client.force_login(provider_admin)
    html = client.get(evidence_url(charity)).content.decode()
    assert "To reach Tier 2: Established, add:" in html
    assert "Meets its tier" in html


def test_not_accepting_needs_a_note_and_otherwise_changes_nothing(client, provider_admin, commissioner, charity):
    doc = upload(charity, provider_admin, EvidenceKind.SAFEGUARDING_POLICY)
    client.force_login(commissioner)
    response = client.post(verify_url(doc), {"decision": "reject", "note": "  "})
    assert response.status_code == 200
    assert "Say why the document is not accepted" in response.content.decode()
    assert 'id="id_note_error"' in response.content.decode()
    assert EvidenceDocument.objects.get(pk=doc.pk).status == EvidenceStatus.PENDING
    response = client.post(verify_url(doc), {"decision": "reject", "note": "It is not signed by a trustee."})
    assert response.status_code == 302
    doc.refresh_from_db()
    assert (doc.status, doc.review_note) == (EvidenceStatus.REJECTED, "It is not signed by a trustee.")


def test_a_decision_must_be_chosen(client, provider_admin, commissioner, charity):
    doc = upload(charity, provider_admin, EvidenceKind.SAFEGUARDING_POLICY)
    client.force_login(commissioner)
    response = client.post(verify_url(doc), {"note": "Looks fine"})
    assert "Choose whether to verify the document or not accept it." in response.content.decode()
    assert EvidenceDocument.objects.get(pk=doc.pk).status == EvidenceStatus.PENDING


def test_a_replaced_document_cannot_be_verified(client, provider_admin, commissioner, charity):
    old = upload(charity, provider_admin, EvidenceKind.SAFEGUARDING_POLICY)
    upload(charity, provider_admin, EvidenceKind.SAFEGUARDING_POLICY, title="Newer")
    client.force_login(commissioner)
    assert "A newer document of this kind has been uploaded" in client.get(verify_url(old)).content.decode()
    response = client.post(verify_url(old), {"decision": "verify"})
    assert "A newer document of this kind has been uploaded: review that one instead." in response.content.decode()
    assert EvidenceDocument.objects.get(pk=old.pk).status == EvidenceStatus.PENDING


def test_a_commissioner_who_belongs_to_the_organisation_is_refused_with_the_reason(
    client, provider_admin, member_commissioner, charity
):
    doc = upload(charity, provider_admin, EvidenceKind.SAFEGUARDING_POLICY)
    client.force_login(member_commissioner)
    response = client.get(verify_url(doc))
    assert response.status_code == 403
    assert "You cannot verify evidence of an organisation you belong to." in response.content.decode()
    assert client.post(verify_url(doc), {"decision": "verify"}).status_code == 403
    assert EvidenceDocument.objects.get(pk=doc.pk).status == EvidenceStatus.PENDING


@pytest.mark.parametrize("who", ["provider_admin", "procurement_officer"])
def test_only_commissioners_verify(client, request, provider_admin, charity, who):
    doc = upload(charity, provider_admin, EvidenceKind.SAFEGUARDING_POLICY)
    client.force_login(request.getfixturevalue(who))
    response = client.post(verify_url(doc), {"decision": "verify"})
    assert response.status_code == 403
    assert "Only commissioners can verify evidence." in response.content.decode()
    assert EvidenceDocument.objects.get(pk=doc.pk).status == EvidenceStatus.PENDING


def test_a_platform_admin_may_verify(client, provider_admin, platform_admin, charity):
    doc = upload(charity, provider_admin, EvidenceKind.SAFEGUARDING_POLICY)
    client.force_login(platform_admin)
    assert client.post(verify_url(doc), {"decision": "verify"}).status_code == 302
    assert EvidenceDocument.objects.get(pk=doc.pk).status == EvidenceStatus.VERIFIED


@pytest.mark.parametrize("who", ["resident", "other_provider_admin"])
def test_others_cannot_find_a_document_to_verify(client, request, provider_admin, charity, who):
    doc = upload(charity, provider_admin, EvidenceKind.SAFEGUARDING_POLICY)
    client.force_login(request.getfixturevalue(who))
    assert client.post(verify_url(doc), {"decision": "verify"}).status_code == 404
    assert EvidenceDocument.objects.get(pk=doc.pk).status == EvidenceStatus.PENDING


# --- The verification queue ----------------------------------------------------------------------


def test_the_queue_lists_pending_documents_oldest_first_and_those_expiring_soon(
    client, provider_admin, other_provider_admin, commissioner, charity, other_charity
):
    first = upload(charity, provider_admin, EvidenceKind.SAFEGUARDING_POLICY, title="First policy")
    EvidenceDocument.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=3))
    upload(other_charity, other_provider_admin, EvidenceKind.GOVERNING_DOCUMENT, title="Second constitution")
    soon = upload(
        charity, provider_admin, EvidenceKind.ANNUAL_ACCOUNTS, title="Accounts", expires_on=today() + timedelta(days=12)
    )
    services.evidence_review(actor=commissioner, document=soon, verified=True)
    upload(charity, provider_admin, EvidenceKind.QUALITY_MARK, title="Far", expires_on=today() + timedelta(days=45))
    client.force_login(commissioner)
    response = client.get("/directory/verify/")
    assert response.status_code == 200
    html = response.content.decode()
    awaiting, expiring = html.split("Expiring in the next 30 days")
    assert awaiting.index("First policy") < awaiting.index("Second constitution")
    assert "Accounts" not in awaiting
    assert "Latest annual accounts" in expiring
    assert "Quality mark" not in expiring
    assert f"/directory/verify/{first.public_id}/" in awaiting


@pytest.mark.parametrize("who", ["provider_admin", "resident", "procurement_officer"])
def test_the_queue_is_for_commissioners_only(client, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get("/directory/verify/")
    assert response.status_code == 403
    assert "Only commissioners can verify evidence." in response.content.decode()


def test_the_queue_asks_signed_out_people_to_sign_in(client):
    response = client.get("/directory/verify/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


# --- Downloading ---------------------------------------------------------------------------------


@pytest.fixture
def document(charity, provider_admin):
    return upload(
        charity,
        provider_admin,
        EvidenceKind.PUBLIC_LIABILITY_INSURANCE,
        filename="../../Insurance Certificate (2026).pdf",
        expires_on=today() + timedelta(days=100),
    )


def download_url(doc):
    return f"/directory/evidence/{doc.public_id}/download/"


@pytest.mark.parametrize("who", [None, "resident", "other_provider_admin"])
def test_downloads_are_not_found_for_anyone_else(client, request, document, who):
    if who:
        client.force_login(request.getfixturevalue(who))
    events = AuditEvent.objects.count()
    assert client.get(download_url(document)).status_code == 404
    assert AuditEvent.objects.count() == events


def test_a_member_downloads_the_document_as_an_attachment(client, provider_member, document):
    client.force_login(provider_member)
    events = AuditEvent.objects.count()
    response = client.get(download_url(document))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'attachment; filename="Insurance-Certificate-2026.pdf"'
    assert AuditEvent.objects.count() == events


def test_a_commissioners_download_is_audited(client, commissioner, document):
    client.force_login(commissioner)
    response = client.get(download_url(document))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    event = AuditEvent.objects.filter(verb="evidence.downloaded").get()
    assert (event.actor, event.target_id) == (commissioner, str(document.pk))


def test_a_missing_file_is_not_found_not_an_error(client, provider_admin, document):
    Path(document.file.path).unlink()
    client.force_login(provider_admin)
    assert client.get(download_url(document)).status_code == 404


def test_uploads_are_not_served_from_any_public_address(client, document):
    relative = Path(document.file.name)
    for url in (f"/media/{relative}", f"/uploads/{relative}", f"/static/{relative}", f"/{relative}"):
        assert client.get(url).status_code == 404


# --- Reminders -----------------------------------------------------------------------------------


@pytest.fixture
def insurance(charity, provider_admin):
    return upload(
        charity, provider_admin, EvidenceKind.PUBLIC_LIABILITY_INSURANCE, expires_on=today() + timedelta(days=90)
    )


def test_the_remind_command_sends_each_reminder_once(
    insurance, provider_admin, charity, django_capture_on_commit_callbacks
):
    on = insurance.expires_on - timedelta(days=30)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("evidence", "remind", "--date", on.isoformat(), stdout=out)
    assert out.getvalue().strip() == "1 reminder sent."
    note = Notification.objects.get(recipient=provider_admin)
    assert note.subject == "Public liability insurance certificate expires in 30 days"
    assert note.url == evidence_url(charity)
    assert EvidenceDocument.objects.get(pk=insurance.pk).last_reminder_days == 30
    again = io.StringIO()
    call_command("evidence", "remind", "--date", on.isoformat(), stdout=again)
    assert again.getvalue().strip() == "0 reminders sent."
    assert Notification.objects.filter(recipient=provider_admin).count() == 1


def test_the_remind_command_lets_expired_evidence_lapse(insurance, provider_admin, commissioner, charity):
    for doc in (
        insurance,
        upload(charity, provider_admin, EvidenceKind.GOVERNING_DOCUMENT),
        upload(charity, provider_admin, EvidenceKind.SAFEGUARDING_POLICY),
    ):
        services.evidence_review(actor=commissioner, document=doc, verified=True)
    assert Organisation.objects.get(pk=charity.pk).accreditation_tier == Tier.FOUNDATION
    out = io.StringIO()
    call_command("evidence", "remind", "--date", (insurance.expires_on + timedelta(days=1)).isoformat(), stdout=out)
    assert out.getvalue().strip() == "1 reminder sent."
    assert Organisation.objects.get(pk=charity.pk).accreditation_tier == Tier.NONE


@pytest.mark.parametrize("bad", ["2026-02-30", "31/03/2026", "tomorrow"])
def test_a_bad_date_is_a_clear_error_and_sends_nothing(insurance, bad):
    with pytest.raises(CommandError, match=rf"--date must be a real date written as YYYY-MM-DD.*“{bad}”"):
        call_command("evidence", "remind", "--date", bad)
    assert EvidenceDocument.objects.get(pk=insurance.pk).last_reminder_days is None
    assert not Notification.objects.exists()


def test_the_console_script_exits_non_zero_on_a_bad_date(insurance, capsys, monkeypatch):
    # Django closes every connection when a command fails from the command line; keep the test's open.
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    with pytest.raises(SystemExit) as exit_info:
        trellis_main(["evidence", "remind", "--date", "2026-13-01"])
    assert exit_info.value.code != 0
    assert "--date must be a real date" in capsys.readouterr().err
    assert EvidenceDocument.objects.get(pk=insurance.pk).last_reminder_days is None


def test_the_daily_task_runs_at_seven_and_sends_what_is_due(charity, provider_admin):
    doc = upload(charity, provider_admin, EvidenceKind.ANNUAL_ACCOUNTS, expires_on=today() + timedelta(days=7))
    assert send_evidence_reminders.call_local() == 1
    assert EvidenceDocument.objects.get(pk=doc.pk).last_reminder_days == 7
    assert send_evidence_reminders.call_local() == 0
    schedule = send_evidence_reminders.task_class().validate_datetime
    assert schedule(datetime(2026, 3, 16, 7, 0))
    assert not schedule(datetime(2026, 3, 16, 8, 0))
