"""The one upload service for documents attached to records (an opportunity's, a bid's): checked by content
before anything is stored, every field filled the same way, and nothing left behind when anything fails."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from trellis.core.errors import ValidationFailed
from trellis.opportunities import services as opportunity_services
from trellis.opportunities.models import OpportunityDocument
from trellis.organisations import services

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def opportunity(commissioner, place):
    return opportunity_services.opportunity_create(
        actor=commissioner, place=place, title="Community transport", kind="open_tender"
    )


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_checked_upload_is_stored_with_every_field_filled(opportunity, commissioner):
    seen = []
    document = services.uploaded_document_store(
        document=OpportunityDocument(opportunity=opportunity),
        upload=SimpleUploadedFile("Pricing schedule (v2).pdf", PDF),
        title="",
        actor=commissioner,
        then=seen.append,
    )
    saved = OpportunityDocument.objects.get(pk=document.pk)
    assert (saved.title, saved.original_filename, saved.content_type) == (
        "Pricing schedule v2",
        "Pricing-schedule-v2.pdf",
        "application/pdf",
    )
    assert (saved.size, saved.sha256, saved.uploaded_by) == (len(PDF), hashlib.sha256(PDF).hexdigest(), commissioner)
    assert seen == [document]
    with saved.file.open("rb") as handle:
        assert handle.read() == PDF
    assert stored_files() == [Path(saved.file.path)]
    assert saved.file.name.startswith(f"opportunities/{opportunity.pk}/")


def test_an_upload_that_is_not_what_it_claims_is_refused_and_nothing_is_stored(opportunity, commissioner):
    called = []
    with pytest.raises(ValidationFailed) as exc:
        services.uploaded_document_store(
            document=OpportunityDocument(opportunity=opportunity),
            upload=SimpleUploadedFile("spec.pdf", b"MZ\x90\x00 a program"),
            title="Specification",
            actor=commissioner,
            then=called.append,
        )
    assert exc.value.message == "The document has not been added."
    assert exc.value.errors == {
        "file": ["The selected file is a Windows program, not a document. It has not been uploaded."]
    }
    assert not OpportunityDocument.objects.exists() and stored_files() == [] and called == []


def test_the_owners_own_problems_are_reported_with_the_uploads(opportunity, commissioner):
    with pytest.raises(ValidationFailed) as exc:
        services.uploaded_document_store(
            document=OpportunityDocument(opportunity=opportunity),
            upload=SimpleUploadedFile("spec.pdf", PDF),
            title="x" * 201,
            actor=commissioner,
            problems={"file": ["A bid can have up to 20 documents. Remove one to add another."]},
        )
    assert exc.value.errors == {
        "title": ["Keep the title to 200 characters or fewer."],
        "file": ["A bid can have up to 20 documents. Remove one to add another."],
    }
    assert not OpportunityDocument.objects.exists() and stored_files() == []


def test_when_what_goes_with_the_document_fails_the_file_is_removed_again(opportunity, commissioner):
    def broken(document):
        raise RuntimeError("the audit log is unavailable")

    with pytest.raises(RuntimeError, match="audit log"):
        services.uploaded_document_store(
            document=OpportunityDocument(opportunity=opportunity),
            upload=SimpleUploadedFile("spec.pdf", PDF),
            title="Specification",
            actor=commissioner,
            then=broken,
        )
    assert stored_files() == []


def test_discarding_deletes_the_row_now_and_the_file_once_committed(
    opportunity, commissioner, django_capture_on_commit_callbacks
):
    document = services.uploaded_document_store(
        document=OpportunityDocument(opportunity=opportunity),
        upload=SimpleUploadedFile("spec.pdf", PDF),
        title="Specification",
        actor=commissioner,
    )
    path = Path(document.file.path)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.uploaded_document_discard(document=document)
    assert not OpportunityDocument.objects.exists()
    assert path.exists()  # until the transaction commits: a rollback would keep row and file together
    for callback in callbacks:
        callback()
    assert not path.exists()
