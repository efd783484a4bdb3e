"""The award steps' guards, table-driven: each case says what it checks and the rule it comes from."""

from __future__ import annotations

from datetime import date

import pytest

from trellis.evaluation.domain import award
from trellis.routes.domain import regime_standstill
from trellis.routes.domain.calendar import standstill_period
from trellis.routes.domain.notices import StandstillRule, TimeLimit

PA = regime_standstill("PA2023")  # s.51: 8 working days beginning with the contract award notice
PA_LIGHT_TOUCH = regime_standstill("PA2023", "call_off")  # s.51(3)(d): none; voluntary at least 8 (s.51(4)–(5))
PCR = regime_standstill("PCR2015")  # reg 87: 10 days after the award decision notices
PSR = regime_standstill("PSR")  # reg 12: 8 working days from the day after the intention to award notice
NO_NOTICE = StandstillRule(False, None, None, "", "No mandatory standstill below the threshold", "PA2023")
APPROVED, TODAY = date(2026, 6, 1), date(2026, 6, 20)


def test_each_regime_names_the_notice_that_starts_its_standstill():
    assert (PA.notice, PCR.notice, PSR.notice) == ("UK6", "PCR-ADN", "PSR-ITA")
    assert PA.required and PCR.required and PSR.required
    assert not PA_LIGHT_TOUCH.required and PA_LIGHT_TOUCH.voluntary_working_days == 8


@pytest.mark.parametrize(
    ("rule", "is_award", "published_on", "voluntary", "problem"),
    [
        (PA, True, date(2026, 6, 2), None, None),
        (PA, False, date(2026, 6, 2), None, "No award was made"),
        (NO_NOTICE, True, date(2026, 6, 2), None, "no award notice"),
        (PA, True, None, None, "Enter the day"),
        (PA, True, date(2026, 5, 31), None, "before the decision was approved"),  # s.50(3): summaries first
        (PA, True, date(2026, 6, 21), None, "must already be published"),
        (PA, True, date(2026, 6, 2), 10, "mandatory standstill applies"),
        (PA_LIGHT_TOUCH, True, date(2026, 6, 2), 10, None),  # s.51(4)–(5)
        (PA_LIGHT_TOUCH, True, date(2026, 6, 2), 5, "at least 8 working days"),
        (PA_LIGHT_TOUCH, True, date(2026, 6, 2), 61, "60 working days or fewer"),
    ],
)
def test_award_notice_guard(rule, is_award, published_on, voluntary, problem):
    found = award.award_notice_problem(
        rule=rule,
        is_award=is_award,
        approved_on=APPROVED,
        published_on=published_on,
        today=TODAY,
        voluntary_days=voluntary,
    )
    assert (found is None) if problem is None else (problem in found)


@pytest.mark.parametrize(
    ("rule", "published", "voluntary", "last_day", "kind"),
    [
        # s.51(2), s.123: Tuesday 22 December 2026 → 22, 23, 24, 29, 30, 31 Dec, 5, 6 Jan (4 Jan in Scotland)
        (PA, date(2026, 12, 22), None, date(2027, 1, 6), award.MANDATORY),
        # PSR reg 12 from the day after, England: 23, 24, 29, 30, 31 Dec, 4, 5, 6 Jan
        (PSR, date(2026, 12, 22), None, date(2027, 1, 6), award.MANDATORY),
        # PCR reg 87: 10 days after 22 Dec is Friday 1 January (a bank holiday), so Monday 4 January
        (PCR, date(2026, 12, 22), None, date(2027, 1, 4), award.MANDATORY),
        # a voluntary standstill of 10 working days under the Act from Monday 1 June 2026: to Friday 12 June
        (PA_LIGHT_TOUCH, date(2026, 6, 1), 10, date(2026, 6, 12), award.VOLUNTARY),
        (PA_LIGHT_TOUCH, date(2026, 6, 1), None, None, award.NONE),
    ],
)
def test_the_standstill_is_counted_from_the_notice_by_the_regime(rule, published, voluntary, last_day, kind):
    period = rule.period(published, voluntary_days=voluntary)
    assert (period.last_day if period else None) == last_day
    assert award.standstill_kind(rule, voluntary) == kind


PERIOD = standstill_period(date(2026, 6, 1), regime="PA2023", working_days=8)  # 1 to 10 June 2026


@pytest.mark.parametrize(
    ("standstill", "notified_on", "claimant", "summary", "problem"),
    [
        (PERIOD, date(2026, 6, 1), "Rival Ltd", "Scores wrong", None),  # day one of the standstill
        (PERIOD, date(2026, 6, 10), "Rival Ltd", "Scores wrong", None),  # its last day
        (PERIOD, date(2026, 6, 11), "Rival Ltd", "Scores wrong", "only if the authority is notified during"),
        (None, date(2026, 6, 2), "Rival Ltd", "Scores wrong", "There is no standstill"),  # s.101(1)
        (PERIOD, date(2026, 6, 2), "", "Scores wrong", "who brought"),
        (PERIOD, date(2026, 6, 2), "Rival Ltd", "", "Summarise"),
        (PERIOD, None, "Rival Ltd", "Scores wrong", "Enter the day"),
        (PERIOD, date(2026, 6, 21), "Rival Ltd", "Scores wrong", "today or earlier"),
    ],
)
def test_a_challenge_suspends_only_when_notified_during_the_standstill(
    standstill, notified_on, claimant, summary, problem
):
    found = award.challenge_problem(
        standstill=standstill, notified_on=notified_on, today=TODAY, claimant=claimant, summary=summary
    )
    assert (found is None) if problem is None else (problem in found)


@pytest.mark.parametrize(
    ("how", "ended_on", "problem"),
    [
        (award.LIFTED_BY_COURT, date(2026, 6, 15), None),  # s.102(1)(a)
        (award.WITHDRAWN, date(2026, 6, 5), None),
        ("ignored", date(2026, 6, 15), "Say how"),
        (award.WITHDRAWN, date(2026, 6, 3), "before the claim was notified"),
        (award.WITHDRAWN, None, "Enter the day"),
        (award.WITHDRAWN, date(2026, 6, 21), "today or earlier"),
    ],
)
def test_the_end_of_a_suspension(how, ended_on, problem):
    found = award.suspension_end_problem(how=how, ended_on=ended_on, notified_on=date(2026, 6, 4), today=TODAY)
    assert (found is None) if problem is None else (problem in found)


@pytest.mark.parametrize(
    ("grounds", "debarment", "checked_on", "problem"),
    [
        (True, True, date(2026, 6, 11), None),
        (False, True, date(2026, 6, 11), "exclusion grounds"),  # ss.26–28, 57
        (True, False, date(2026, 6, 11), "debarment list"),  # s.62
        (True, True, date(2026, 5, 31), "on or after"),
        (True, True, None, "Enter the day"),
        (True, True, date(2026, 6, 21), "today or earlier"),
    ],
)
def test_the_exclusion_checks(grounds, debarment, checked_on, problem):
    found = award.exclusion_check_problem(
        grounds_checked=grounds, debarment_checked=debarment, checked_on=checked_on, not_before=APPROVED, today=TODAY
    )
    assert (found is None) if problem is None else (problem in found)


@pytest.mark.parametrize(
    ("last_day", "checked_on", "entered_on", "problem"),
    [
        (date(2026, 6, 10), date(2026, 6, 11), date(2026, 6, 11), None),  # the day after the standstill
        (date(2026, 6, 10), date(2026, 6, 9), date(2026, 6, 10), "during the standstill"),  # s.51(1)
        (None, date(2026, 6, 12), date(2026, 6, 11), "before the exclusion checks"),
        (None, None, date(2026, 6, 21), "today or earlier"),
        (None, None, None, "Enter the day"),
    ],
)
def test_the_contract_guard(last_day, checked_on, entered_on, problem):
    found = award.contract_problem(
        standstill_last_day=last_day, checked_on=checked_on, entered_on=entered_on, today=TODAY
    )
    assert (found is None) if problem is None else (problem in found)


@pytest.mark.parametrize(
    ("days", "counts_from", "due"),
    [
        (30, "beginning with the day the contract is entered into", date(2026, 7, 10)),  # s.53(2)(a): day one
        (120, "beginning with the day the contract is entered into", date(2026, 10, 8)),  # s.53(2)(b) light touch
        (30, "after the day the contract is entered into", date(2026, 7, 11)),  # PCR reg 50(1), PSR
    ],
)
def test_the_notice_after_the_contract_falls_due(days, counts_from, due):
    limit = TimeLimit("Contract details notice within…", days, "source", "contract_details_notice", counts_from)
    found = award.notice_due(date(2026, 6, 11), limit)
    assert found is not None and found.due == due and found.name == "Contract details notice"
    assert award.notice_due(date(2026, 6, 11), None) is None


def test_standstill_words_for_each_kind_of_rule():
    assert (
        award.standstill_words(PA) == "A standstill of 8 working days applies, counted from the contract award notice."
    )
    assert "10 days" in award.standstill_words(PCR)
    assert "voluntary one of at least 8" in award.standstill_words(PA_LIGHT_TOUCH)
    assert award.standstill_words(NO_NOTICE) == "No standstill applies to this route."


def test_under_the_2015_regulations_a_claim_suspends_until_the_contract():
    # reg 95: a claim the authority knows of before the contract is entered into suspends it, even after the standstill
    after = date(2026, 6, 15)
    common = {"standstill": PERIOD, "today": TODAY, "claimant": "Rival", "summary": "Scores wrong"}
    assert award.challenge_problem(notified_on=after, until_contract=True, **common) is None
    assert "during the standstill" in award.challenge_problem(notified_on=after, until_contract=False, **common)
    assert award.challenge_problem(notified_on=date(2026, 5, 31), until_contract=True, **common)  # before the notice


@pytest.mark.parametrize(
    ("state", "is_award", "procurement", "has_notice", "has_standstill", "steps"),
    [
        ("decided", True, True, True, False, ["award_notice"]),  # s.50(1): the notice first
        ("decided", True, True, False, False, ["exclusions"]),  # below the threshold: no notice before the contract
        ("decided", True, False, False, False, ["contract"]),  # a grant: straight to its agreement
        ("decided", False, True, True, False, []),  # no award: nothing to record
        ("standstill", True, True, True, True, ["exclusions", "challenge"]),  # s.101: a claim during the standstill
        ("standstill", True, True, True, False, ["exclusions"]),  # no standstill, so no suspending claim
        ("suspended", True, True, True, True, ["suspension_end"]),  # nothing else while suspended
        ("checked", True, True, True, True, ["contract", "challenge"]),
        ("concluded", True, True, True, True, []),
    ],
)
def test_which_award_step_comes_next(state, is_award, procurement, has_notice, has_standstill, steps):
    found = award.next_steps(
        state=state, is_award=is_award, procurement=procurement, has_notice=has_notice, has_standstill=has_standstill
    )
    assert found == steps


def test_what_comes_before_the_contract_in_words():
    assert "award notice is published" in award.before_the_contract(state="decided", has_notice=True)
    assert award.before_the_contract(state="standstill", has_notice=True).startswith("Record the exclusion")
