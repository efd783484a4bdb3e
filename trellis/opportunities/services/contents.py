"""What is published with an opportunity besides its fields: lots, the eligibility checklist and the evaluation
criteria. Each list is replaced as a whole; the rows are checked by the domain (``domain/fields.py``,
``domain/criteria.py``) before anything is written."""

from __future__ import annotations

from django.db import transaction

from trellis.core.models import Person
from trellis.core.permissions import require
from trellis.opportunities import permissions as perms
from trellis.opportunities.domain import criteria as criteria_rules
from trellis.opportunities.domain import fields as field_rules
from trellis.opportunities.models import Criterion, EligibilityItem, Lot, Opportunity
from trellis.opportunities.services.common import content_changed, lock, refresh_from


def _editable(actor: Person, opportunity: Opportunity) -> Opportunity:
    """Check, lock, check again (it may have been published meanwhile)."""
    require(perms.can_edit_opportunity(actor, opportunity))
    locked = lock(opportunity)
    require(perms.can_edit_opportunity(actor, locked))
    return locked


@transaction.atomic
def lots_set(*, actor: Person, opportunity: Opportunity, lots: list[dict]) -> list[Lot]:
    """Replace the lots. Each needs a title and a value; together they cannot exceed the estimated value."""
    locked = _editable(actor, opportunity)
    clean = field_rules.clean_lots(lots, estimated_value=locked.estimated_value)
    locked.lots.all().delete()
    saved = Lot.objects.bulk_create(
        [
            Lot(opportunity=locked, number=i + 1, title=row.title, description=row.description, value=row.value)
            for i, row in enumerate(clean)
        ]
    )
    content_changed(
        actor=actor,
        opportunity=locked,
        what="lots_set",
        data={"lots": [{"title": lot.title, "value": str(lot.value)} for lot in saved]},
    )
    refresh_from(opportunity, locked)
    return saved


@transaction.atomic
def eligibility_set(*, actor: Person, opportunity: Opportunity, items: list[dict]) -> list[EligibilityItem]:
    """Replace the published eligibility checklist: what an organisation must meet to bid (Birmingham's checklist)."""
    locked = _editable(actor, opportunity)
    clean = field_rules.clean_eligibility(items)
    locked.eligibility_items.all().delete()
    saved = EligibilityItem.objects.bulk_create(
        [
            EligibilityItem(
                opportunity=locked, order=i + 1, text=row.text, essential=row.essential, evidence_kind=row.evidence_kind
            )
            for i, row in enumerate(clean)
        ]
    )
    content_changed(
        actor=actor,
        opportunity=locked,
        what="eligibility_set",
        data={
            "items": [
                {"text": row.text, "essential": row.essential, "evidence_kind": row.evidence_kind} for row in clean
            ]
        },
    )
    refresh_from(opportunity, locked)
    return saved


@transaction.atomic
def criteria_set(*, actor: Person, opportunity: Opportunity, criteria: list[dict]) -> list[Criterion]:
    """Replace the evaluation criteria. Each row is checked; a draft may be saved with weights that do not yet add
    up to 100, but it cannot be published until they do."""
    locked = _editable(actor, opportunity)
    rows = field_rules.rows(criteria, "criteria", field_rules.MAX_CRITERIA)
    parsed = criteria_rules.parse_criteria(rows, complete=False)
    locked.criteria.all().delete()
    saved = Criterion.objects.bulk_create(
        [
            Criterion(
                opportunity=locked,
                order=i + 1,
                section=c.section,
                name=c.name,
                description=c.description,
                weight=c.weight,
                scale=c.scale.value,
                word_limit=c.word_limit,
                is_price=c.is_price,
                template=c.template,
                min_mark=c.min_mark,
            )
            for i, c in enumerate(parsed)
        ]
    )
    content_changed(
        actor=actor,
        opportunity=locked,
        what="criteria_set",
        data={
            "criteria": [{"name": c.name, "weight": str(c.weight), "scale": c.scale.value} for c in parsed],
            "total_weight": str(criteria_rules.total_weight([c.weight for c in parsed])),
        },
    )
    refresh_from(opportunity, locked)
    return saved
