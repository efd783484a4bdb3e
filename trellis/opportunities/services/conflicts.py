"""The conflicts assessment: recorded before the tender notice is published and reviewed while the procurement runs
(Procurement Act 2023 s.83). Each review is a new record; the audit log keeps what it said."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from trellis.core.errors import ValidationFailed
from trellis.core.models import Person
from trellis.core.permissions import require
from trellis.core.services import audit_record
from trellis.opportunities import permissions as perms
from trellis.opportunities.domain import conflicts as rules
from trellis.opportunities.models import ConflictsAssessment, Opportunity
from trellis.opportunities.services.common import lock


@transaction.atomic
def conflicts_assessment_record(
    *,
    actor: Person,
    opportunity: Opportunity,
    conflicts: str,
    mitigation: str = "",
    declarations_sought: bool = False,
    now: datetime | None = None,
) -> ConflictsAssessment:
    """Record the conflicts assessment (or a review of it): the conflicts found, the steps taken, and that everyone
    who can influence the procurement was asked to declare. Bad input is refused and nothing is written."""
    require(perms.can_assess_conflicts(actor, opportunity))
    found, steps = str(conflicts or "").strip(), str(mitigation or "").strip()
    problems = rules.assessment_problems(conflicts=found, mitigation=steps, declarations_sought=declarations_sought)
    if problems:
        raise ValidationFailed.of(problems, "The conflicts assessment has not been recorded.")
    locked = lock(opportunity)
    require(perms.can_assess_conflicts(actor, locked))
    assessment = ConflictsAssessment.objects.create(
        opportunity=locked,
        conflicts=found,
        mitigation=steps,
        declarations_sought=True,
        recorded_by=actor,
        recorded_at=now or timezone.now(),
    )
    audit_record(
        actor=actor,
        verb="opportunity.conflicts_assessed",
        target=locked,
        data={"conflicts": found, "mitigation": steps, "declarations_sought": True},
    )
    return assessment
