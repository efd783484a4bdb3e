"""Evaluation use cases: set up the panel and rules, declare conflicts, mark independently, moderate, recommend,
approve the award, and the award steps after it: the award notice and its standstill, a challenge and its
suspension, the exclusion checks, and the contract. Keyword-only arguments, the acting person first;
each checks permission, validates (naming every field that is wrong, writing nothing), runs in a transaction,
records an audit event and sends its notifications once the transaction commits.

One module per part: ``setup``, ``scoring``, ``low_prices``, ``decision`` and ``award`` (``common`` holds what they
share); every public name is importable from here.
"""

from trellis.evaluation.domain.workflow import State
from trellis.evaluation.services.award import (
    award_notice_publish,
    challenge_record,
    contract_enter,
    exclusions_check,
    standstill_of,
    suspension_end,
)
from trellis.evaluation.services.decision import (
    APPROVER_DECLARATION,
    decision_approve,
    decision_send_back,
    recommendation_make,
)
from trellis.evaluation.services.low_prices import low_price_ask, low_price_decide, low_price_explanation_record
from trellis.evaluation.services.scoring import bid_read, conflict_declare, consensus_record, marks_save
from trellis.evaluation.services.setup import (
    evaluation_move,
    evaluation_rules_set,
    evaluation_start,
    panel_member_remove,
    panel_member_set,
)

__all__ = [
    "APPROVER_DECLARATION",
    "State",
    "award_notice_publish",
    "bid_read",
    "challenge_record",
    "conflict_declare",
    "consensus_record",
    "contract_enter",
    "decision_approve",
    "decision_send_back",
    "evaluation_move",
    "evaluation_rules_set",
    "evaluation_start",
    "exclusions_check",
    "low_price_ask",
    "low_price_decide",
    "low_price_explanation_record",
    "marks_save",
    "panel_member_remove",
    "panel_member_set",
    "recommendation_make",
    "standstill_of",
    "suspension_end",
]
