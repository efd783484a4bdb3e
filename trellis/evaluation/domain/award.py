"""The award steps after approval, as guards: each says in words why a step cannot be taken yet (None when it can).

The steps, in order (the lifecycle table is ``workflow.LIFECYCLE``):

1. **Assessment summaries sent** to every bidder when the decision is approved (Procurement Act 2023 s.50(2)–(3)).
2. **Award notice published** — the notice that starts the standstill in the route's regime: the contract award
   notice under the Act (s.50(1)), the award decision notices under the 2015 Regulations (reg 86), the notice of
   intention to award under the PSR (reg 12). Its date is entered here; #14 will generate and publish it.
3. **Standstill**: mandatory, voluntary (s.51(4)–(5): at least 8 working days, stated in the notice, binding once
   stated) or none, counted from the notice by the regime's own rule and calendar (``routes.domain.calendar``).
4. **Challenge**: a claim notified to the authority during the standstill suspends entry into the contract
   (s.101(1)–(2)); the suspension ends when the court lifts it (s.102) or the claim is withdrawn.
5. **Exclusion and debarment checks** for every winning supplier (ss.26–28, 57, 62).
6. **Contract entered into** — never during the standstill (s.51(1)) or while a suspension stands (s.101).
7. **Contract details notice due** — 30 days beginning with the day the contract is entered into, 120 for a light
   touch contract (s.53(2)); other regimes' notices after the contract by their own rows in the regime table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from trellis.routes.domain.calendar import Standstill
from trellis.routes.domain.notices import StandstillRule, TimeLimit, notice_name

#: How a standstill came to apply to an award.
MANDATORY, VOLUNTARY, NONE = "mandatory", "voluntary", "none"
#: How a suspension ends (s.102(1)(a): the court lifts it; or the claimant withdraws or settles the claim).
LIFTED_BY_COURT, WITHDRAWN = "lifted_by_court", "withdrawn"
SUSPENSION_ENDINGS = {
    LIFTED_BY_COURT: "The court lifted the suspension (Procurement Act 2023 s.102(1)(a))",
    WITHDRAWN: "The claim was withdrawn or settled",
}


def _long(day: date) -> str:
    return f"{day:%A %-d %B %Y}"


def award_notice_problem(
    *,
    rule: StandstillRule,
    is_award: bool,
    approved_on: date,
    published_on: date | None,
    today: date,
    voluntary_days: int | None,
) -> str | None:
    """Why the award notice cannot be recorded as published on ``published_on`` (None when it can)."""
    if not is_award:
        return "No award was made, so there is no award notice to publish."
    if not rule.notice:
        return "This route has no award notice before the contract: record the exclusion checks next."
    if published_on is None:
        return "Enter the day the notice was published."
    if published_on < approved_on:
        return f"The notice cannot be published before the decision was approved on {_long(approved_on)}."
    if published_on > today:
        return "The notice must already be published: enter a day that is today or earlier."
    if voluntary_days is not None:
        if rule.required:
            return "A mandatory standstill applies, so there is no voluntary standstill to choose."
        if not rule.voluntary_working_days:
            return "The law sets no standstill for this route, and a voluntary one does not apply to it."
        if voluntary_days < rule.voluntary_working_days:
            return (
                f"A voluntary standstill must last at least {rule.voluntary_working_days} working days "
                f"(Procurement Act 2023 s.51(5))."
            )
        if voluntary_days > 60:
            return "Keep a voluntary standstill to 60 working days or fewer."
    return None


def standstill_words(rule: StandstillRule) -> str:
    """The standstill the route sets, in a sentence for the decision page and the audit."""
    notice = notice_name(rule.notice).lower() or "award notice"
    if rule.required:
        length = f"{rule.working_days} working days" if rule.working_days else f"{rule.calendar_days} days"
        return f"A standstill of {length} applies, counted from the {notice}."
    if rule.voluntary_working_days:
        return (
            f"No mandatory standstill for this route; a voluntary one of at least {rule.voluntary_working_days} "
            f"working days may be stated in the {notice}."
        )
    return "No standstill applies to this route."


def standstill_kind(rule: StandstillRule, voluntary_days: int | None) -> str:
    if rule.required:
        return MANDATORY
    return VOLUNTARY if voluntary_days else NONE


def challenge_problem(
    *,
    standstill: Standstill | None,
    notified_on: date | None,
    today: date,
    claimant: str,
    summary: str,
    until_contract: bool = False,
) -> str | None:
    """Why a challenge cannot be recorded as suspending the award (None when it can). Under the Act the automatic
    suspension applies only to a claim notified to the authority during a standstill (s.101(1)); under the 2015
    Regulations (``until_contract``) to a claim notified at any time before the contract is entered into (reg 95)."""
    if not claimant:
        return "Say who brought the claim."
    if not summary:
        return "Summarise the claim: what the supplier says was wrong."
    if notified_on is None:
        return "Enter the day the authority was notified of the claim."
    if notified_on > today:
        return "Enter a day that is today or earlier."
    if standstill is None:
        return (
            "There is no standstill, so a claim does not suspend the award automatically (Procurement Act 2023 "
            "s.101(1)); take legal advice."
        )
    if until_contract and notified_on >= standstill.published:
        return None
    if not standstill.includes(notified_on):
        return (
            f"A claim suspends the award only if the authority is notified during the standstill, "
            f"{_long(standstill.published)} to {_long(standstill.last_day)} (Procurement Act 2023 s.101(1)); "
            f"take legal advice about a claim notified later."
        )
    return None


def suspension_end_problem(*, how: str, ended_on: date | None, notified_on: date, today: date) -> str | None:
    if how not in SUSPENSION_ENDINGS:
        return "Say how the suspension ended: lifted by the court, or the claim withdrawn."
    if ended_on is None:
        return "Enter the day the suspension ended."
    if ended_on < notified_on:
        return f"The suspension cannot end before the claim was notified on {_long(notified_on)}."
    if ended_on > today:
        return "Enter a day that is today or earlier."
    return None


def exclusion_check_problem(
    *, grounds_checked: bool, debarment_checked: bool, checked_on: date | None, not_before: date, today: date
) -> str | None:
    """Why the checks cannot be recorded (None when they can). ``not_before`` is the award notice's day (or the
    approval's, where there is no notice)."""
    if not grounds_checked:
        return (
            "Confirm that the exclusion grounds were checked for every winning supplier and the suppliers it relies "
            "on (Procurement Act 2023 ss.26–28 and 57)."
        )
    if not debarment_checked:
        return "Confirm that the debarment list was checked (Procurement Act 2023 s.62)."
    if checked_on is None:
        return "Enter the day of the checks."
    if checked_on < not_before:
        return f"Record checks made on or after {_long(not_before)}, so that they are current at the award."
    if checked_on > today:
        return "Enter a day that is today or earlier."
    return None


SUSPENDED = (
    "A challenge stands: entry into the contract is suspended (Procurement Act 2023 s.101) until the court lifts the "
    "suspension or the claim is withdrawn."
)


def during_standstill(last_day: date) -> str:
    return (
        f"The contract cannot be entered into during the standstill, which ends at the end of {_long(last_day)} "
        f"(Procurement Act 2023 s.51(1))."
    )


def contract_problem(
    *, standstill_last_day: date | None, checked_on: date | None, entered_on: date | None, today: date
) -> str | None:
    """Why the contract cannot be recorded as entered into on ``entered_on`` (None when it can). A suspension is
    the state's own guard: a suspended award has no ``enter_contract`` move."""
    if entered_on is None:
        return "Enter the day the contract was entered into."
    if entered_on > today:
        return "Enter a day that is today or earlier."
    if standstill_last_day is not None and entered_on <= standstill_last_day:
        return during_standstill(standstill_last_day)
    if checked_on is not None and entered_on < checked_on:
        return f"The contract cannot be entered into before the exclusion checks of {_long(checked_on)}."
    return None


#: The notices due after the contract, by their time limit's code in the regime table.
AFTER_CONTRACT_NOTICE_NAMES = {
    "contract_details_notice": "Contract details notice",
    "contract_award_notice": "Contract award notice (Find a Tender)",
    "award_notice": "Notice of the award",
}


@dataclass(frozen=True)
class NoticeDue:
    """The notice to publish after the contract is entered into, and the last day for it."""

    name: str
    due: date
    source: str


def notice_due(entered_on: date, limit: TimeLimit | None) -> NoticeDue | None:
    """The notice after the contract and its last day: ``days`` *beginning with* the day of the contract (s.53(2):
    day one is that day) or *after* it (PCR 2015 reg 50, PSR)."""
    if limit is None or limit.days is None:
        return None
    offset = limit.days - 1 if limit.counts_from.startswith("beginning with") else limit.days
    return NoticeDue(
        AFTER_CONTRACT_NOTICE_NAMES.get(limit.code, limit.stage), entered_on + timedelta(days=offset), limit.source
    )


# Which step comes next -------------------------------------------------------------------------------------------

#: The award steps an officer records, by the name of their form.
AWARD_NOTICE, CHALLENGE, SUSPENSION_END, EXCLUSIONS, CONTRACT = (
    "award_notice",
    "challenge",
    "suspension_end",
    "exclusions",
    "contract",
)


def next_steps(*, state: str, is_award: bool, procurement: bool, has_notice: bool, has_standstill: bool) -> list[str]:
    """The award steps that can be recorded now, in the lifecycle's order: after approval, a grant goes straight to
    its agreement; a procurement to its award notice (or, without one, to the checks); a challenge only while a
    standstill has been started by a notice."""
    if not is_award:
        return []
    if state == "decided":
        if not procurement:
            return [CONTRACT]
        return [AWARD_NOTICE] if has_notice else [EXCLUSIONS]
    challenge = [CHALLENGE] if has_standstill else []
    return {
        "standstill": [EXCLUSIONS, *challenge],
        "suspended": [SUSPENSION_END],
        "checked": [CONTRACT, *challenge],
    }.get(state, [])


def before_the_contract(*, state: str, has_notice: bool) -> str:
    """What a procurement must record before its contract, said when the contract is attempted too early."""
    if state == "decided" and has_notice:
        return "Record that the award notice is published, then the exclusion checks, before the contract."
    return "Record the exclusion and debarment checks before the contract."
