"""Documents published with an opportunity (specification, pricing schedule, draft contract), stored by the one
upload service for documents (``organisations.services.uploaded_document_store``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from trellis.core.models import Person
from trellis.core.permissions import require
from trellis.opportunities import permissions as perms
from trellis.opportunities.models import Opportunity, OpportunityDocument
from trellis.opportunities.services.common import content_changed, lock, refresh_from
from trellis.organisations import services as directory


@transaction.atomic
def document_add(*, actor: Person, opportunity: Opportunity, upload, title: str = "") -> OpportunityDocument:
    """Attach a document, checked by its content (type and size) before anything is stored."""
    require(perms.can_edit_opportunity(actor, opportunity))
    locked = lock(opportunity)
    require(perms.can_edit_opportunity(actor, locked))

    def record(document: Any) -> None:
        content_changed(
            actor=actor,
            opportunity=locked,
            what="document_added",
            data={
                "document": str(document.public_id),
                "title": document.title,
                "sha256": document.sha256,
                "size": document.size,
            },
        )

    document = OpportunityDocument(opportunity=locked)
    directory.uploaded_document_store(document=document, upload=upload, title=title, actor=actor, then=record)
    refresh_from(opportunity, locked)
    return document


@transaction.atomic
def document_remove(*, actor: Person, document: OpportunityDocument) -> None:
    opportunity = document.opportunity
    require(perms.can_edit_opportunity(actor, opportunity))
    locked = lock(opportunity)
    require(perms.can_edit_opportunity(actor, locked))
    data = {"document": str(document.public_id), "title": document.title, "sha256": document.sha256}
    directory.uploaded_document_discard(document=document)
    content_changed(actor=actor, opportunity=locked, what="document_removed", data=data)
