"""What every evaluation use case shares: locking the evaluation's row, copying the saved state back, recording
an audit event, and cleaning a piece of text."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from trellis.core.models import Person
from trellis.core.services import audit_record
from trellis.evaluation.models import (
    Evaluation,
)

if TYPE_CHECKING:
    pass


def lock(evaluation: Evaluation) -> Evaluation:
    return Evaluation.objects.select_for_update().select_related("opportunity").get(pk=evaluation.pk)


def refresh_from(target: Evaluation, source: Evaluation) -> None:
    for f in Evaluation._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))


def audit(actor: Person | None, verb: str, evaluation: Evaluation, data: dict[str, Any] | None = None) -> None:
    audit_record(
        actor=actor,
        verb=verb,
        target=evaluation,
        data={"opportunity": evaluation.opportunity.reference, **(data or {})},
    )


def cleaned_text(value: Any) -> str:
    return str(value or "").strip()
