"""Opportunity use cases. Keyword-only arguments, the acting person first; each checks permission, validates
(naming every field that is wrong, writing nothing), runs in a transaction, records an audit event and
sends its notifications once the transaction commits.

Field errors in rows are named ``<list>-<index>-<field>`` (``lots-0-value``, ``eligibility-2-text``,
``criteria-1-weight``), as a Django formset with that prefix names its fields; the list as a whole is named
by the list (``lots``, ``criteria``). The fields and rows are cleaned by ``domain/fields.py``.

One module per section: ``editing`` (create, update), ``contents`` (lots, eligibility, criteria), ``documents``,
``conflicts`` (the conflicts assessment),
``lifecycle`` (moves, closing, reminders), ``stages``, ``questions``, ``alerts`` and ``frameworks``; every public
name is importable from here.
"""

from trellis.opportunities.services.alerts import alert_subscription_remove, alert_subscription_set
from trellis.opportunities.services.conflicts import conflicts_assessment_record
from trellis.opportunities.services.contents import criteria_set, eligibility_set, lots_set
from trellis.opportunities.services.documents import document_add, document_remove
from trellis.opportunities.services.editing import opportunity_create, opportunity_update
from trellis.opportunities.services.frameworks import call_off_create, framework_members_set
from trellis.opportunities.services.lifecycle import (
    close_due_opportunities,
    opportunity_send_deadline_reminders,
    opportunity_transition,
)
from trellis.opportunities.services.questions import clarification_answer, clarification_ask, clarification_withdraw
from trellis.opportunities.services.stages import opportunity_invite_next_stage, opportunity_stage_advance

__all__ = [
    "alert_subscription_remove",
    "alert_subscription_set",
    "call_off_create",
    "clarification_answer",
    "clarification_ask",
    "clarification_withdraw",
    "close_due_opportunities",
    "conflicts_assessment_record",
    "criteria_set",
    "document_add",
    "document_remove",
    "eligibility_set",
    "framework_members_set",
    "lots_set",
    "opportunity_create",
    "opportunity_invite_next_stage",
    "opportunity_send_deadline_reminders",
    "opportunity_stage_advance",
    "opportunity_transition",
    "opportunity_update",
]
