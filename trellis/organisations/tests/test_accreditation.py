"""Accreditation on a sliding scale: the pure rules, without a database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trellis.organisations.domain.accreditation import (
    PROPORTIONATE_TIER,
    REMINDER_DAYS,
    TIER_ADDS,
    Evidence,
    EvidenceKind,
    Tier,
    current_verified_kinds,
    expiry_status,
    is_current,
    progress,
    reminder_due,
    required_for,
    tier_reached,
    why_not_counted,
)
from trellis.organisations.domain.sizes import IncomeBand

TODAY = date(2026, 3, 15)
NEXT_YEAR = TODAY + timedelta(days=365)
YESTERDAY = TODAY - timedelta(days=1)

TIER1 = TIER_ADDS[Tier.FOUNDATION]
TIER2 = TIER_ADDS[Tier.ESTABLISHED]
TIER3 = TIER_ADDS[Tier.COMMISSIONING_READY]


def verified(*kinds: EvidenceKind, expires_on: date | None = NEXT_YEAR) -> list[Evidence]:
    return [Evidence(k, True, expires_on) for k in kinds]


def unverified(*kinds: EvidenceKind, expires_on: date | None = NEXT_YEAR) -> list[Evidence]:
    return [Evidence(k, False, expires_on) for k in kinds]


# --- The tiers themselves ------------------------------------------------------------------------


def test_each_tier_requires_everything_below_it():
    assert required_for(Tier.NONE) == ()
    assert required_for(Tier.FOUNDATION) == TIER1
    assert required_for(Tier.ESTABLISHED) == TIER1 + TIER2
    assert required_for(Tier.COMMISSIONING_READY) == TIER1 + TIER2 + TIER3


def test_every_kind_of_evidence_belongs_to_exactly_one_tier():
    kinds = [k for t in TIER_ADDS for k in TIER_ADDS[t]]
    assert sorted(kinds) == sorted(EvidenceKind)
    assert len(kinds) == len(set(kinds))


def test_the_three_tier_foundation_set_is_insurance_safeguarding_and_governing_document():
    assert set(TIER1) == {
        EvidenceKind.GOVERNING_DOCUMENT,
        EvidenceKind.SAFEGUARDING_POLICY,
        EvidenceKind.PUBLIC_LIABILITY_INSURANCE,
    }


def test_labels():
    assert Tier.NONE.label == "Not yet accredited"
    assert Tier.ESTABLISHED.label == "Tier 2: Established"


# --- tier_reached --------------------------------------------------------------------------------


def test_no_evidence_reaches_no_tier():
    assert tier_reached([], TODAY) == Tier.NONE


def test_a_full_verified_tier_one_set_reaches_tier_one():
    assert tier_reached(verified(*TIER1), TODAY) == Tier.FOUNDATION


@pytest.mark.parametrize("missing", TIER1)
def test_one_missing_tier_one_document_means_no_tier(missing):
    held = [k for k in TIER1 if k != missing]
    assert tier_reached(verified(*held), TODAY) == Tier.NONE


@pytest.mark.parametrize("pending", TIER1)
def test_an_unverified_document_does_not_count(pending):
    evidence = verified(*[k for k in TIER1 if k != pending]) + unverified(pending)
    assert tier_reached(evidence, TODAY) == Tier.NONE


def test_an_expired_document_does_not_count():
    evidence = verified(EvidenceKind.GOVERNING_DOCUMENT, EvidenceKind.SAFEGUARDING_POLICY)
    evidence += verified(EvidenceKind.PUBLIC_LIABILITY_INSURANCE, expires_on=YESTERDAY)
    assert tier_reached(evidence, TODAY) == Tier.NONE


def test_a_document_expiring_today_still_counts_today_but_not_tomorrow():
    evidence = verified(EvidenceKind.GOVERNING_DOCUMENT, EvidenceKind.SAFEGUARDING_POLICY)
    evidence += verified(EvidenceKind.PUBLIC_LIABILITY_INSURANCE, expires_on=TODAY)
    assert tier_reached(evidence, TODAY) == Tier.FOUNDATION
    assert tier_reached(evidence, TODAY + timedelta(days=1)) == Tier.NONE


def test_documents_without_an_expiry_date_never_expire():
    evidence = verified(*TIER1, expires_on=None)
    assert tier_reached(evidence, date(2100, 1, 1)) == Tier.FOUNDATION


def test_tiers_are_climbed_in_order_higher_documents_alone_reach_nothing():
    assert tier_reached(verified(*TIER2, *TIER3), TODAY) == Tier.NONE
    assert tier_reached(verified(*TIER1, *TIER3), TODAY) == Tier.FOUNDATION


def test_all_three_sets_reach_tier_three():
    assert tier_reached(verified(*TIER1, *TIER2), TODAY) == Tier.ESTABLISHED
    assert tier_reached(verified(*TIER1, *TIER2, *TIER3), TODAY) == Tier.COMMISSIONING_READY


def test_an_unverified_copy_beside_a_verified_one_does_not_hide_it():
    """Domain input is the current documents only; an older verified copy of the same kind still counts
    if it is passed in (the services pass current documents only, so a replaced one never is)."""
    evidence = verified(*TIER1) + unverified(EvidenceKind.SAFEGUARDING_POLICY)
    assert tier_reached(evidence, TODAY) == Tier.FOUNDATION


def test_when_a_replacement_is_all_that_is_current_the_tier_falls_until_it_is_verified():
    """What the services do on upload: the verified document is superseded, only the new one is current."""
    before = verified(*TIER1)
    after = [e for e in before if e.kind != EvidenceKind.SAFEGUARDING_POLICY] + unverified(
        EvidenceKind.SAFEGUARDING_POLICY
    )
    assert tier_reached(before, TODAY) == Tier.FOUNDATION
    assert tier_reached(after, TODAY) == Tier.NONE


def test_current_verified_kinds_and_is_current():
    evidence = (
        verified(EvidenceKind.GOVERNING_DOCUMENT)
        + unverified(EvidenceKind.SAFEGUARDING_POLICY)
        + verified(EvidenceKind.ANNUAL_ACCOUNTS, expires_on=YESTERDAY)
    )
    assert current_verified_kinds(evidence, TODAY) == {EvidenceKind.GOVERNING_DOCUMENT}
    assert is_current(Evidence(EvidenceKind.ANNUAL_ACCOUNTS, True, TODAY), TODAY)
    assert not is_current(Evidence(EvidenceKind.ANNUAL_ACCOUNTS, True, YESTERDAY), TODAY)
    assert is_current(Evidence(EvidenceKind.EQUALITY_POLICY, True, None), TODAY)


# --- progress ------------------------------------------------------------------------------------


def test_progress_with_nothing_lists_the_whole_first_tier():
    p = progress([], IncomeBand.SMALL, TODAY)
    assert p.reached == Tier.NONE
    assert p.next_tier == Tier.FOUNDATION
    assert p.missing_for_next == TIER1
    assert p.proportionate == Tier.FOUNDATION
    assert not p.meets_proportionate


def test_progress_lists_only_what_is_missing_for_the_next_tier():
    evidence = verified(*TIER1, EvidenceKind.ANNUAL_ACCOUNTS) + unverified(EvidenceKind.EQUALITY_POLICY)
    p = progress(evidence, IncomeBand.MEDIUM, TODAY)
    assert p.reached == Tier.FOUNDATION
    assert p.next_tier == Tier.ESTABLISHED
    assert p.missing_for_next == (
        EvidenceKind.EQUALITY_POLICY,
        EvidenceKind.EMPLOYERS_LIABILITY_INSURANCE,
        EvidenceKind.DATA_PROTECTION_POLICY,
    )
    assert p.proportionate == Tier.ESTABLISHED
    assert not p.meets_proportionate


def test_progress_counts_a_missing_lower_tier_document_as_missing_for_the_next_tier():
    evidence = verified(EvidenceKind.GOVERNING_DOCUMENT, *TIER2)
    p = progress(evidence, IncomeBand.MEDIUM, TODAY)
    assert p.reached == Tier.NONE
    assert p.missing_for_next == (EvidenceKind.SAFEGUARDING_POLICY, EvidenceKind.PUBLIC_LIABILITY_INSURANCE)


def test_a_small_charity_at_tier_one_meets_what_may_be_asked_of_it():
    p = progress(verified(*TIER1), IncomeBand.SMALL, TODAY)
    assert p.meets_proportionate
    assert p.next_tier == Tier.ESTABLISHED


def test_a_large_organisation_at_tier_two_does_not_meet_its_tier():
    p = progress(verified(*TIER1, *TIER2), IncomeBand.LARGE, TODAY)
    assert p.reached == Tier.ESTABLISHED
    assert p.proportionate == Tier.COMMISSIONING_READY
    assert not p.meets_proportionate
    assert p.missing_for_next == TIER3


def test_progress_at_the_top_tier_has_nothing_next():
    p = progress(verified(*TIER1, *TIER2, *TIER3), IncomeBand.MAJOR, TODAY)
    assert p.reached == Tier.COMMISSIONING_READY
    assert p.next_tier is None
    assert p.missing_for_next == ()
    assert p.meets_proportionate


@pytest.mark.parametrize(
    ("band", "tier"),
    [
        (IncomeBand.MICRO, Tier.FOUNDATION),
        (IncomeBand.SMALL, Tier.FOUNDATION),
        (IncomeBand.MEDIUM, Tier.ESTABLISHED),
        (IncomeBand.LARGE, Tier.COMMISSIONING_READY),
        (IncomeBand.MAJOR, Tier.COMMISSIONING_READY),
        (IncomeBand.UNKNOWN, Tier.FOUNDATION),
    ],
)
def test_the_proportionate_tier_grows_with_size(band, tier):
    assert PROPORTIONATE_TIER[band] == tier
    assert progress([], band, TODAY).proportionate == tier


# --- reminder_due --------------------------------------------------------------------------------

EXPIRES = date(2026, 6, 30)


def _run_daily(start: date, end: date, expires_on: date, last: int | None = None) -> list[tuple[date, int]]:
    """Run the reminder job once a day from start to end, as the scheduler would; return what was sent."""
    sent = []
    day = start
    while day <= end:
        due = reminder_due(expires_on, day, last)
        if due is not None:
            sent.append((day, due))
            last = due
        day += timedelta(days=1)
    return sent


def test_reminders_go_out_at_60_30_7_and_0_days_once_each():
    sent = _run_daily(EXPIRES - timedelta(days=120), EXPIRES + timedelta(days=60), EXPIRES)
    assert sent == [
        (EXPIRES - timedelta(days=60), 60),
        (EXPIRES - timedelta(days=30), 30),
        (EXPIRES - timedelta(days=7), 7),
        (EXPIRES, 0),
    ]
    assert tuple(d for _, d in sent) == REMINDER_DAYS


def test_no_reminder_more_than_60_days_ahead():
    assert reminder_due(EXPIRES, EXPIRES - timedelta(days=61), None) is None


def test_no_reminder_for_a_document_that_does_not_expire():
    assert reminder_due(None, TODAY, None) is None


@pytest.mark.parametrize(
    ("days_left", "last", "expected"),
    [(60, None, 60), (59, 60, None), (31, 60, None), (30, 60, 30), (29, 30, None), (8, 30, None), (7, 30, 7)],
)
def test_between_reminders_nothing_is_due_once_the_last_one_was_sent(days_left, last, expected):
    assert reminder_due(EXPIRES, EXPIRES - timedelta(days=days_left), last) == expected


def test_a_missed_reminder_is_replaced_by_the_nearest_one_due_not_sent_twice():
    # The job did not run for 40 days: on day 20-before it sends the 30-day reminder, once.
    sent = _run_daily(EXPIRES - timedelta(days=20), EXPIRES + timedelta(days=5), EXPIRES, last=None)
    assert sent == [(EXPIRES - timedelta(days=20), 30), (EXPIRES - timedelta(days=7), 7), (EXPIRES, 0)]


def test_a_job_first_running_after_expiry_sends_one_final_reminder():
    assert _run_daily(EXPIRES + timedelta(days=3), EXPIRES + timedelta(days=30), EXPIRES) == [
        (EXPIRES + timedelta(days=3), 0)
    ]


def test_after_the_final_reminder_nothing_more_is_sent():
    assert reminder_due(EXPIRES, EXPIRES, 0) is None
    assert reminder_due(EXPIRES, EXPIRES + timedelta(days=1), 0) is None
    assert reminder_due(EXPIRES, EXPIRES + timedelta(days=400), 0) is None


def test_a_missed_seven_day_reminder_becomes_the_expiry_day_one():
    assert reminder_due(EXPIRES, EXPIRES + timedelta(days=2), 30) == 0


# --- expiry_status -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expires_on", "status"),
    [
        (None, "current"),
        (TODAY - timedelta(days=365), "expired"),
        (YESTERDAY, "expired"),
        (TODAY, "expiring"),
        (TODAY + timedelta(days=1), "expiring"),
        (TODAY + timedelta(days=30), "expiring"),
        (TODAY + timedelta(days=31), "current"),
        (NEXT_YEAR, "current"),
    ],
)
def test_expiry_status_boundaries(expires_on, status):
    assert expiry_status(expires_on, TODAY) == status


def test_expiry_status_soon_window_can_be_set():
    assert expiry_status(TODAY + timedelta(days=7), TODAY, soon_days=7) == "expiring"
    assert expiry_status(TODAY + timedelta(days=8), TODAY, soon_days=7) == "current"


# --- Properties ----------------------------------------------------------------------------------

evidence_items = st.builds(
    Evidence,
    kind=st.sampled_from(list(EvidenceKind)),
    verified=st.booleans(),
    expires_on=st.one_of(st.none(), st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))),
)
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))


@given(st.lists(evidence_items, max_size=15), st.sampled_from(list(EvidenceKind)), days, st.data())
def test_adding_verified_current_evidence_never_lowers_the_tier(evidence, kind, today, data):
    expires_on = data.draw(st.one_of(st.none(), st.dates(min_value=today, max_value=date(2040, 1, 1))))
    before = tier_reached(evidence, today)
    after = tier_reached([*evidence, Evidence(kind, True, expires_on)], today)
    assert after >= before


@given(st.lists(evidence_items, max_size=15), days)
def test_the_tier_reached_is_exactly_the_highest_fully_held_tier(evidence, today):
    held = {e.kind for e in evidence if e.verified and (e.expires_on is None or e.expires_on >= today)}
    reached = tier_reached(evidence, today)
    assert set(required_for(reached)) <= held
    if reached < Tier.COMMISSIONING_READY:
        assert not set(required_for(Tier(reached + 1))) <= held


@given(st.lists(evidence_items, max_size=15), days, st.sampled_from(list(IncomeBand)))
def test_progress_agrees_with_tier_reached(evidence, today, band):
    p = progress(evidence, band, today)
    assert p.reached == tier_reached(evidence, today)
    assert p.meets_proportionate == (p.reached >= PROPORTIONATE_TIER[band])
    if p.next_tier is not None:
        # Adding exactly what is missing reaches the next tier.
        topped_up = [*evidence, *verified(*p.missing_for_next, expires_on=None)]
        assert tier_reached(topped_up, today) >= p.next_tier


@given(st.one_of(st.none(), days), days, st.sampled_from([None, *REMINDER_DAYS]))
def test_a_reminder_due_is_always_one_of_the_schedule_and_nearer_than_the_last(expires_on, today, last):
    due = reminder_due(expires_on, today, last)
    if due is not None:
        assert due in REMINDER_DAYS
        assert last is None or due < last
        assert (expires_on - today).days <= due


@pytest.mark.parametrize(
    ("status", "expires_in", "reason"),
    [
        ("pending", 100, "uploaded, awaiting verification"),
        ("rejected", 100, "not accepted: upload a new one"),
        ("verified", -1, "expired: upload the new one"),
        ("verified", 0, ""),
        ("verified", None, ""),
    ],
)
def test_why_a_held_document_does_not_count(status, expires_in, reason):
    today = date(2026, 11, 22)
    expires_on = today + timedelta(days=expires_in) if expires_in is not None else None
    assert why_not_counted(status, expires_on, today) == reason
