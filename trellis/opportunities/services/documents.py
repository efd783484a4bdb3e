"""Documents published with an opportunity (specification, pricing schedule, draft contract)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from trellis.core.errors import ValidationFailed
from trellis.core.models import Person
from trellis.core.permissions import require
from trellis.opportunities import permissions as perms
from trellis.opportunities.models import Opportunity, OpportunityDocument
from trellis.opportunities.services.common import content_changed, lock, refresh_from
from trellis.organisations.domain.uploads import check_document_upload


@transaction.atomic
def document_add(*, actor: Person, opportunity: Opportunity, upload, title: str = "") -> OpportunityDocument:
    """Attach a document, checked by its content (type and size) before anything is stored."""
    require(perms.can_edit_opportunity(actor, opportunity))
    locked = lock(opportunity)
    require(perms.can_edit_opportunity(actor, locked))
    checked = check_document_upload(upload, title, max_bytes=settings.TRELLIS_MAX_UPLOAD_BYTES)
    if checked.errors or checked.file_type is None:
        raise ValidationFailed.of(checked.errors, "The document has not been added.")
    content, file_type, title, stored_name = checked.content, checked.file_type, checked.title, checked.stored_name
    document = OpportunityDocument(
        opportunity=locked,
        title=title,
        original_filename=stored_name,
        content_type=file_type.content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=actor,
    )
    document.file.save(stored_name, ContentFile(content), save=False)
    document.save()
    content_changed(
        actor=actor,
        opportunity=locked,
        what="document_added",
        data={"document": str(document.public_id), "title": title, "sha256": document.sha256, "size": document.size},
    )
    refresh_from(opportunity, locked)
    return document


@transaction.atomic
def document_remove(*, actor: Person, document: OpportunityDocument) -> None:
    opportunity = document.opportunity
    require(perms.can_edit_opportunity(actor, opportunity))
    locked = lock(opportunity)
    require(perms.can_edit_opportunity(actor, locked))
    data = {"document": str(document.public_id), "title": document.title, "sha256": document.sha256}
    stored = document.file.name
    document.delete()
    if stored:
        transaction.on_commit(lambda: document.file.storage.delete(stored))
    content_changed(actor=actor, opportunity=locked, what="document_removed", data=data)
