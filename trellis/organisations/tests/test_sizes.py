"""Size bands by annual income (NCVO): boundaries, labels, and monotonicity."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trellis.organisations.domain.sizes import (
    BAND_INFO,
    BAND_ORDER,
    BANDS,
    IncomeBand,
    income_band,
    is_small_or_local_size,
)


@pytest.mark.parametrize(
    "income, band",
    [
        (0, IncomeBand.MICRO),
        (1, IncomeBand.MICRO),
        (Decimal("9999.99"), IncomeBand.MICRO),
        (10_000, IncomeBand.SMALL),  # a lower bound is inclusive
        (Decimal("10000.00"), IncomeBand.SMALL),
        (99_999, IncomeBand.SMALL),
        (Decimal("99999.99"), IncomeBand.SMALL),
        (100_000, IncomeBand.MEDIUM),
        (999_999, IncomeBand.MEDIUM),
        (1_000_000, IncomeBand.LARGE),
        (9_999_999, IncomeBand.LARGE),
        (Decimal("9999999.99"), IncomeBand.LARGE),
        (10_000_000, IncomeBand.MAJOR),
        (10_000_001, IncomeBand.MAJOR),
        (10**13, IncomeBand.MAJOR),
    ],
)
def test_band_boundaries(income, band):
    assert income_band(income) == band


def test_unknown_income():
    assert income_band(None) == IncomeBand.UNKNOWN
    assert BAND_INFO[IncomeBand.UNKNOWN].range_label == "income not known"


def test_negative_income_is_refused():
    with pytest.raises(ValueError, match="cannot be negative"):
        income_band(-1)


def test_bands_tile_the_whole_range_without_gaps():
    assert BANDS[0].lower == 0
    for lower, upper in itertools.pairwise(BANDS):
        assert lower.upper == upper.lower
    assert BANDS[-1].upper is None
    assert BAND_ORDER == [IncomeBand.MICRO, IncomeBand.SMALL, IncomeBand.MEDIUM, IncomeBand.LARGE, IncomeBand.MAJOR]


@pytest.mark.parametrize(
    "band, label",
    [
        (IncomeBand.MICRO, "under £10,000"),
        (IncomeBand.SMALL, "£10,000 to £100,000"),
        (IncomeBand.MEDIUM, "£100,000 to £1,000,000"),
        (IncomeBand.LARGE, "£1,000,000 to £10,000,000"),
        (IncomeBand.MAJOR, "£10,000,000 or more"),
    ],
)
def test_range_labels(band, label):
    assert BAND_INFO[band].range_label == label


def test_small_means_micro_or_small():
    assert [b for b in BAND_ORDER if is_small_or_local_size(b)] == [IncomeBand.MICRO, IncomeBand.SMALL]
    assert not is_small_or_local_size(IncomeBand.UNKNOWN)


incomes = st.decimals(min_value=0, max_value=10**12, allow_nan=False, allow_infinity=False, places=2)


@given(incomes, incomes)
def test_more_income_never_means_a_smaller_band(a, b):
    low, high = sorted([a, b])
    assert BAND_ORDER.index(income_band(low)) <= BAND_ORDER.index(income_band(high))


@given(incomes)
def test_every_income_falls_inside_its_bands_range(income):
    info = BAND_INFO[income_band(income)]
    assert info.lower <= income
    assert info.upper is None or income < info.upper


@given(st.integers(min_value=0, max_value=10**12))
def test_whole_pounds_and_decimals_agree(income):
    assert income_band(income) == income_band(Decimal(income))
