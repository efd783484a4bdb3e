"""The aggregation check by income band."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trellis.opportunities.domain.aggregation import (
    ASSUMPTIONS,
    MAX_SHARE_OF_INCOME,
    Reach,
    annual_value,
    check_lot,
    reach_for_band,
)
from trellis.organisations.domain.sizes import IncomeBand

#: A typical place: many micro and small groups, some medium, a few large, one major, some unknown.
PLACE = {"micro": 20, "small": 30, "medium": 15, "large": 4, "major": 1, "unknown": 5}


def test_the_assumption_is_stated_with_its_source():
    rule = next(a for a in ASSUMPTIONS if a.key == "max_share_of_income")
    assert rule.value == MAX_SHARE_OF_INCOME == Decimal("0.5")
    assert "half of a provider's annual income" in rule.assumption
    assert "seed 002 §3.6–3.7" in rule.source
    assert all(a.assumption and a.source for a in ASSUMPTIONS)


@pytest.mark.parametrize(
    ("value", "months", "annual"),
    [
        (Decimal(300_000), 36, Decimal("100000.00")),
        (Decimal(300_000), 12, Decimal(300_000)),
        (Decimal(300_000), 6, Decimal(300_000)),  # under a year: the whole value is the year's
        (Decimal(300_000), None, Decimal(300_000)),  # unknown: the cautious reading
        (Decimal(100_000), 18, Decimal("66666.67")),
    ],
)
def test_annual_value(value, months, annual):
    assert annual_value(value, months) == annual


def test_a_negative_value_is_refused():
    with pytest.raises(ValueError):
        annual_value(Decimal(-1), 12)


@pytest.mark.parametrize(
    ("band", "annual", "reach"),
    [
        # micro: under £10k — half of the upper edge is £5,000
        (IncomeBand.MICRO, Decimal(5_000), Reach.STRETCH),
        (IncomeBand.MICRO, Decimal("5000.01"), Reach.TOO_BIG),
        (IncomeBand.MICRO, Decimal(0), Reach.WITHIN_REACH),
        # small: £10k to £100k — within reach up to £5,000, a stretch up to £50,000
        (IncomeBand.SMALL, Decimal(5_000), Reach.WITHIN_REACH),
        (IncomeBand.SMALL, Decimal("5000.01"), Reach.STRETCH),
        (IncomeBand.SMALL, Decimal(50_000), Reach.STRETCH),
        (IncomeBand.SMALL, Decimal("50000.01"), Reach.TOO_BIG),
        # medium: £100k to £1m
        (IncomeBand.MEDIUM, Decimal(50_000), Reach.WITHIN_REACH),
        (IncomeBand.MEDIUM, Decimal(500_000), Reach.STRETCH),
        (IncomeBand.MEDIUM, Decimal("500000.01"), Reach.TOO_BIG),
        # major: £10m or more — never too big
        (IncomeBand.MAJOR, Decimal(100_000_000), Reach.STRETCH),
        (IncomeBand.MAJOR, Decimal(5_000_000), Reach.WITHIN_REACH),
    ],
)
def test_reach_at_the_edges_of_each_band(band, annual, reach):
    assert reach_for_band(band, annual) is reach


def test_a_small_lot_raises_no_warning():
    check = check_lot(Decimal(45_000), 36, PLACE)  # £15,000 a year
    assert check.annual_value == Decimal(15_000)
    assert check.known == 70 and check.unknown == 5
    assert check.too_big == 20  # only the micro groups
    assert check.stretch == 30  # the small ones
    assert check.share_too_big == Decimal("0.286") and check.percent_too_big == 29
    assert not check.warn
    assert "too big for 20 of the 70 providers" in check.message


def test_a_lot_too_big_for_most_local_providers_warns_with_the_share():
    check = check_lot(Decimal(900_000), 36, PLACE)  # £300,000 a year
    assert check.too_big == 50  # micro and small
    assert check.stretch == 15  # medium
    assert check.share_too_big == Decimal("0.714")
    assert check.warn
    assert check.smallest_income_needed == Decimal(600_000)
    assert check.message.startswith("This lot is larger than most local providers could deliver")
    assert "(71%)" in check.message
    assert [b.reach for b in check.bands] == [
        Reach.TOO_BIG,
        Reach.TOO_BIG,
        Reach.STRETCH,
        Reach.WITHIN_REACH,
        Reach.WITHIN_REACH,
    ]


def test_exactly_half_too_big_is_not_most():
    check = check_lot(Decimal(60_000), 12, {"small": 5, "medium": 5})
    assert check.too_big == 5 and check.known == 10
    assert not check.warn


def test_with_no_known_providers_there_is_nothing_to_judge():
    check = check_lot(Decimal(60_000), 12, {"unknown": 3})
    assert check.known == 0 and check.share_too_big is None and check.percent_too_big is None
    assert not check.warn
    assert "cannot be checked" in check.message


@given(
    st.decimals(min_value=0, max_value=10**8, places=2),
    st.integers(min_value=1, max_value=240),
    st.dictionaries(st.sampled_from(["micro", "small", "medium", "large", "major"]), st.integers(0, 500)),
)
def test_counts_always_add_up_and_bigger_lots_never_fit_more_providers(value, months, counts):
    check = check_lot(value, months, counts)
    assert check.known == sum(counts.values())
    assert 0 <= check.too_big + check.stretch <= check.known
    bigger = check_lot(value * 2 + 1, months, counts)
    assert bigger.too_big >= check.too_big
