"""The rules of bidding, in pure Python: when a bid may be changed, submitted or withdrawn; word limits;
consortium shares; declarations; budget checks; and what is still missing before a bid can be submitted.

Deadlines are the server's time, compared as timezone-aware datetimes; messages show them in Europe/London.
Field names in errors follow the forms: ``answers-<criterion id>``, ``roles-<index>-<field>``, ``roles``,
``declarations``, ``budget``, ``price``, ``deadline``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from trellis.core.errors import DeadlinePassed, InvalidTransition

LONDON = ZoneInfo("Europe/London")
MAX_ANSWER_CHARACTERS = 100_000
MAX_PRICE = Decimal("10000000000")
HUNDRED = Decimal(100)


class BidStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"


#: A bid can be changed in these states (a submitted bid is withdrawn first, then changed and submitted again).
EDITABLE = frozenset({BidStatus.DRAFT, BidStatus.WITHDRAWN})
SUBMITTABLE = EDITABLE


#: What a bidder declares before submitting, in plain English. Every one is required.
DECLARATIONS: dict[str, str] = {
    "no_collusion": (
        "We have prepared this bid on our own (or with our named consortium partners only). We have not agreed "
        "prices or shared it with any other bidder."
    ),
    "information_true": "The information in this bid is true and complete, as far as we know.",
    "conflicts_declared": (
        "We have told the council about any conflict of interest, such as a family or business link with someone "
        "involved in this commissioning."
    ),
    "full_cost": (
        "We can deliver what we propose at the price we have given, and we understand what it costs us in full, "
        "including our share of overheads."
    ),
}


def format_deadline(moment: datetime) -> str:
    """``12:00pm on Friday 6 March 2026`` in Europe/London."""
    local = moment.astimezone(LONDON)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}:{local.minute:02d}{suffix} on {local:%A} {local.day} {local:%B %Y}"


def deadline_passed(deadline: datetime | None, now: datetime) -> bool:
    """At or after the deadline, the bid is locked. No deadline set means bids cannot be taken yet."""
    return deadline is None or now >= deadline


def _deadline_message(deadline: datetime | None) -> str:
    if deadline is None:
        return "This opportunity has no deadline for bids, so bids cannot be taken."
    return f"The deadline for bids was {format_deadline(deadline)}. Bids can no longer be changed or submitted."


def lock_reason(status: str, deadline: datetime | None, now: datetime, *, action: str = "edit") -> str | None:
    """Why the bid cannot be changed (``action="edit"``), submitted or withdrawn at ``now``; None if it can."""
    if deadline_passed(deadline, now):
        return _deadline_message(deadline)
    state = BidStatus(status)
    if action == "withdraw":
        if state != BidStatus.SUBMITTED:
            return "Only a submitted bid can be withdrawn."
        return None
    if action == "submit":
        if state == BidStatus.SUBMITTED:
            return "This bid has already been submitted."
        return None
    if state == BidStatus.SUBMITTED:
        return "This bid has been submitted. To change it, withdraw it first, then submit it again before the deadline."
    return None


def check(status: str, deadline: datetime | None, now: datetime, *, action: str = "edit") -> None:
    """Raise ``DeadlinePassed`` (naming the deadline) or ``InvalidTransition`` unless the action is allowed."""
    reason = lock_reason(status, deadline, now, action=action)
    if reason is None:
        return
    if deadline_passed(deadline, now):
        raise DeadlinePassed(reason, field="deadline")
    raise InvalidTransition(reason)


# Answers ---------------------------------------------------------------------------------------------------------

_WORD = re.compile(r"\S+")


def count_words(text: str) -> int:
    """Words are runs of characters between spaces, as word processors count them."""
    return len(_WORD.findall(text or ""))


@dataclass(frozen=True)
class CriterionRule:
    """What the bidding rules need to know about a criterion."""

    id: int
    name: str
    word_limit: int | None = None
    is_price: bool = False


def answer_field(criterion_id: int) -> str:
    return f"answers-{criterion_id}"


def answer_errors(answers: Mapping[Any, str], criteria: Sequence[CriterionRule]) -> dict[str, list[str]]:
    """Word limits, and answers only to this opportunity's criteria (the price criterion is answered by the price)."""
    by_id = {c.id: c for c in criteria}
    errors: dict[str, list[str]] = {}
    for raw_id, text in answers.items():
        try:
            criterion_id = int(raw_id)
        except (TypeError, ValueError):
            errors[f"answers-{raw_id}"] = ["This is not one of the questions for this opportunity."]
            continue
        rule = by_id.get(criterion_id)
        field = answer_field(criterion_id)
        if rule is None:
            errors[field] = ["This is not one of the questions for this opportunity."]
        elif rule.is_price:
            errors[field] = [f"“{rule.name}” is scored on your price: enter it with your budget."]
        elif not isinstance(text, str):
            errors[field] = [f"Enter your answer to “{rule.name}” as text."]
        elif len(text) > MAX_ANSWER_CHARACTERS:
            errors[field] = [f"Your answer to “{rule.name}” must be {MAX_ANSWER_CHARACTERS:,} characters or fewer."]
        elif rule.word_limit and (words := count_words(text)) > rule.word_limit:
            errors[field] = [
                f"Your answer to “{rule.name}” must be {rule.word_limit:,} words or fewer. "
                f"It is {words:,} words: cut {words - rule.word_limit:,}."
            ]
    return errors


# Consortium ------------------------------------------------------------------------------------------------------


def parse_decimal(raw: Any) -> Decimal | None:
    if raw is None or isinstance(raw, bool):
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", "").lstrip("£").rstrip("%").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


@dataclass(frozen=True)
class ShareRow:
    organisation: int | None  # the organisation's id; None when not a member of the consortium
    role: str
    share_percent: Any


def share_errors(rows: Sequence[ShareRow]) -> dict[str, list[str]]:
    """Each member once, with a role and a share from 0 to 100; the shares total exactly 100."""
    errors: dict[str, list[str]] = {}
    if not rows:
        return {"roles": ["Give each consortium member's role and share."]}
    seen: set[int] = set()
    total = Decimal(0)
    all_numbers = True
    for i, row in enumerate(rows):
        if row.organisation is None:
            errors[f"roles-{i}-organisation"] = ["Choose an organisation that is a member of the consortium."]
        elif row.organisation in seen:
            errors[f"roles-{i}-organisation"] = ["Each organisation can be listed only once."]
        else:
            seen.add(row.organisation)
        role = (row.role or "").strip()
        if not role:
            errors[f"roles-{i}-role"] = ["Say what this member will do."]
        elif len(role) > 300:
            errors[f"roles-{i}-role"] = ["Keep the role to 300 characters or fewer."]
        share = parse_decimal(row.share_percent)
        if share is None:
            errors[f"roles-{i}-share_percent"] = ["Enter the share as a number, for example 40."]
            all_numbers = False
        elif share < 0 or share > HUNDRED:
            errors[f"roles-{i}-share_percent"] = ["A share must be between 0 and 100."]
            all_numbers = False
        elif share != share.quantize(Decimal("0.01")):
            errors[f"roles-{i}-share_percent"] = ["Give the share to no more than 2 decimal places."]
            all_numbers = False
        else:
            total += share
    if all_numbers and total != HUNDRED:
        errors["roles"] = [f"The members' shares must add up to 100%. They add up to {total.normalize():f}%."]
    return errors


# Declarations ----------------------------------------------------------------------------------------------------


def declaration_errors(keys: Iterable[str]) -> dict[str, list[str]]:
    unknown = sorted(set(keys) - set(DECLARATIONS))
    if unknown:
        return {"declarations": [f"These are not declarations for this bid: {', '.join(unknown)}."]}
    return {}


def unsigned_declarations(signed: Mapping[str, Any]) -> list[str]:
    return [k for k in DECLARATIONS if not (isinstance(signed.get(k), Mapping) and signed[k].get("agreed") is True)]


# Price and budget ------------------------------------------------------------------------------------------------


def price_errors(raw: Any) -> tuple[Decimal | None, dict[str, list[str]]]:
    """The bid price in pounds (blank means not given yet)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, {}
    value = parse_decimal(raw)
    if value is None:
        return None, {"price": ["Enter the price in pounds, for example 45000 or 45000.50."]}
    if value < 0:
        return None, {"price": ["The price cannot be negative."]}
    if value == 0:
        # Price scoring divides by the prices (research notes, uk-rules §3.2): a £0 bid could not be scored at all.
        return None, {"price": ["Enter a price above £0: the whole-life price of what you propose."]}
    if value >= MAX_PRICE:
        return None, {"price": ["The price is too large. Enter it in pounds, for example 45000."]}
    if value != value.quantize(Decimal("0.01")):
        return None, {"price": ["Give the price in pounds and pence, with no more than 2 decimal places."]}
    return value.quantize(Decimal("0.01")), {}


class FlagLevel(StrEnum):
    WARNING = "warning"
    FLAG = "flag"


@dataclass(frozen=True)
class BudgetFlag:
    field: str
    level: FlagLevel
    message: str


def _gbp(amount: Decimal) -> str:
    return f"£{amount:,.2f}".replace(".00", "")


def budget_flags(*, price: Decimal | None, full_cost: Decimal | None, value: Decimal | None) -> list[BudgetFlag]:
    """Price below the full cost is warned about (the bidder would subsidise the service); a price or full cost
    above what the opportunity is worth is flagged (it may not be affordable). Neither stops a submission."""
    flags: list[BudgetFlag] = []
    if price is not None and full_cost is not None and price < full_cost:
        flags.append(
            BudgetFlag(
                "price",
                FlagLevel.WARNING,
                f"Your price ({_gbp(price)}) is {_gbp(full_cost - price)} below the full cost of the work "
                f"({_gbp(full_cost)}). You would have to find the difference from elsewhere.",
            )
        )
    if value is not None:
        if price is not None and price > value:
            flags.append(
                BudgetFlag(
                    "price",
                    FlagLevel.FLAG,
                    f"Your price ({_gbp(price)}) is above the opportunity's value ({_gbp(value)}). "
                    "The council may not be able to afford it.",
                )
            )
        if full_cost is not None and full_cost > value:
            flags.append(
                BudgetFlag(
                    "budget",
                    FlagLevel.FLAG,
                    f"The full cost in your budget ({_gbp(full_cost)}) is above the opportunity's value "
                    f"({_gbp(value)}).",
                )
            )
    return flags


# Ready to submit? ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Missing:
    field: str
    message: str


def missing_before_submit(
    *,
    criteria: Sequence[CriterionRule],
    answers: Mapping[int, str],
    declarations: Mapping[str, Any],
    price: Decimal | None,
    budget_required: bool,
    has_budget: bool,
    consortium: bool = False,
    share_rows: Sequence[ShareRow] = (),
    price_required: bool = True,
) -> list[Missing]:
    """Everything still to do before the bid can be submitted, each naming its field. An expression of interest
    (``price_required=False``) gives no price."""
    missing: list[Missing] = []
    for rule in criteria:
        if rule.is_price:
            continue
        text = answers.get(rule.id, "")
        if not (text or "").strip():
            missing.append(Missing(answer_field(rule.id), f"Answer “{rule.name}”."))
        elif rule.word_limit and count_words(text) > rule.word_limit:
            missing.append(Missing(answer_field(rule.id), f"Shorten your answer to “{rule.name}”."))
    if price_required and price is None:
        missing.append(Missing("price", "Enter your price."))
    if budget_required and not has_budget:
        missing.append(Missing("budget", "Complete your full cost budget."))
    if consortium:
        for field, messages in share_errors(share_rows).items():
            missing.append(Missing(field, messages[0]))
    unsigned = unsigned_declarations(declarations)
    if unsigned:
        missing.append(Missing("declarations", "Agree to every declaration."))
    return missing
