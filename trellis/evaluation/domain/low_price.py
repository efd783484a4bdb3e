"""Abnormally low prices: the steps the authority records before deciding what to do with a flagged tender.

The engine flags a price that may be abnormally low (``totals.abnormally_low``); a flag is never a rejection. The
Procurement Act 2023 lets the authority disregard such a tender only after it has told the supplier and given it a
reasonable opportunity to show that it can perform the contract for the price (s.19(4)–(5)). So, for each flagged
tender, in order:

1. **Explanation asked for**, with the day it is due (the supplier is told, and given at least ``MIN_DAYS``);
2. **Explanation recorded**, with the day it came (or nothing, if none came by the day it was due);
3. **Decision**: accepted (the tender stays in the evaluation) or disregarded, with the reason, after which the
   engine excludes it and its assessment summary says why.

The recommendation waits until every flagged tender has its decision.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

SOURCE = (
    "Procurement Act 2023 s.19(4)–(5): a tender whose price is abnormally low may be disregarded only after the "
    "supplier has been told and given a reasonable opportunity to demonstrate that it will be able to perform the "
    "contract for the price offered"
)
#: The fewest days Trellis gives a supplier to explain its price (a Trellis assumption of a reasonable opportunity:
#: the Act sets no number; five working days is common practice, and a week lets a volunteer-run charity reply).
MIN_DAYS = 7
MAX_TEXT = 10_000


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    DISREGARDED = "disregarded"

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]


OUTCOME_LABELS = {
    Outcome.ACCEPTED: "Accepted: the tender stays in the evaluation",
    Outcome.DISREGARDED: "Disregarded: the tender is excluded for its abnormally low price",
}


def request_problems(*, flagged: bool, asked_on: date, due_on: date | None, today: date) -> dict[str, list[str]]:
    """Why the request for an explanation cannot be recorded (empty when it can)."""
    if not flagged:
        return {"bid": ["This tender's price is not flagged as possibly abnormally low."]}
    if due_on is None:
        return {"due_on": ["Enter the day the explanation is due."]}
    if (due_on - asked_on).days < MIN_DAYS:
        return {
            "due_on": [f"Give the supplier at least {MIN_DAYS} days to explain its price (a reasonable opportunity)."]
        }
    if asked_on > today:
        return {"due_on": ["The request is recorded when it is sent: today or earlier."]}
    return {}


def explanation_problems(
    *, asked_on: date | None, explanation: str, received_on: date | None, today: date
) -> dict[str, list[str]]:
    """Why the supplier's explanation cannot be recorded (empty when it can)."""
    if asked_on is None:
        return {"explanation": ["Ask the supplier to explain its price first."]}
    problems: dict[str, list[str]] = {}
    if not explanation:
        problems["explanation"] = ["Record what the supplier said, or a summary of it."]
    elif len(explanation) > MAX_TEXT:
        problems["explanation"] = ["Keep this to 10,000 characters or fewer."]
    if received_on is None:
        problems["received_on"] = ["Enter the day the explanation came."]
    elif received_on < asked_on or received_on > today:
        problems["received_on"] = ["Enter a day from the request to today."]
    return problems


def decision_problems(
    *,
    asked_on: date | None,
    due_on: date | None,
    explained: bool,
    outcome: str,
    reason: str,
    today: date,
) -> dict[str, list[str]]:
    """Why the decision cannot be recorded (empty when it can). Disregarding needs the supplier's explanation, or
    the day it was due to have passed without one (s.19(5)); either decision needs its reason."""
    if asked_on is None or due_on is None:
        return {"outcome": ["Ask the supplier to explain its price before deciding (Procurement Act 2023 s.19(5))."]}
    problems: dict[str, list[str]] = {}
    if outcome not in tuple(Outcome):
        problems["outcome"] = ["Choose whether to accept the tender or disregard it."]
    elif outcome == Outcome.DISREGARDED and not explained and today <= due_on:
        problems["outcome"] = [
            f"Wait for the supplier's explanation, due by {due_on:%-d %B %Y}, before disregarding the tender "
            f"(Procurement Act 2023 s.19(5))."
        ]
    if not reason:
        problems["reason"] = ["Give the reason for the decision, by reference to the explanation."]
    elif len(reason) > MAX_TEXT:
        problems["reason"] = ["Keep this to 10,000 characters or fewer."]
    return problems
