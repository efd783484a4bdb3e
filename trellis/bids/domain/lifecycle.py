"""A bid's states as people see them: the label and tag colour of each.

The states themselves and the rules for moving between them (a draft or withdrawn bid can be changed and submitted;
a submitted one withdrawn before the deadline) are in ``bidding``.
"""

from __future__ import annotations

from .bidding import BidStatus

#: The label of each state, as anyone who may see the bid reads it.
STATUS_LABELS: dict[BidStatus, str] = {
    BidStatus.DRAFT: "Draft",
    BidStatus.SUBMITTED: "Submitted",
    BidStatus.WITHDRAWN: "Withdrawn",
}
#: The label the bidder sees on its own bid: a bid that is not submitted says so.
OWN_LABELS: dict[BidStatus, str] = {
    BidStatus.DRAFT: "Draft: not submitted",
    BidStatus.SUBMITTED: "Submitted",
    BidStatus.WITHDRAWN: "Withdrawn: not submitted",
}
#: The colour of each state's tag (a GOV.UK tag colour).
STATUS_COLOURS: dict[BidStatus, str] = {
    BidStatus.DRAFT: "blue",
    BidStatus.SUBMITTED: "green",
    BidStatus.WITHDRAWN: "grey",
}


def status_shown(status: str, *, own: bool = False) -> tuple[str, str]:
    """The label and tag colour a bid's status is shown with; ``own`` for the bidder's own view of it."""
    state = BidStatus(status)
    return (OWN_LABELS if own else STATUS_LABELS)[state], STATUS_COLOURS[state]
