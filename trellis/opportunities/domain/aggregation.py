"""The aggregation check: is a lot larger than most local providers could deliver?

"The trend towards the aggregation of contracts ... is a major concern for third sector organisations (and
small businesses) that lack the scale to bid for larger contracts" (seed 002 §3.6); "the case for
aggregating contracts has to be considered carefully" (§3.7).

The check compares a lot's *annual* value with the annual income of the providers in the directory, which
are counted by NCVO income band (``trellis.organisations.domain.sizes``). A provider is at risk when one
year of the lot is more than ``MAX_SHARE_OF_INCOME`` of its own annual income (see ``ASSUMPTIONS``).

Only the band of each provider is known, so each band is judged by its edges:

- *too big* for a band when the annual value is above the share of the band's **upper** edge: too big even
  for the largest organisations in it;
- *a stretch* when it is above the share of the band's lower edge but not its upper edge: too big for the
  smaller organisations in the band, possible for the larger;
- otherwise within reach of every organisation in the band.

Providers whose income is not known are left out of the shares (and counted separately).
The warning is raised when the lot is too big for more than half of the providers whose band is known.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from trellis.organisations.domain.sizes import BAND_INFO, BANDS, IncomeBand

TWELVE = Decimal(12)


@dataclass(frozen=True)
class Assumption:
    key: str
    value: Decimal
    assumption: str
    source: str


ASSUMPTIONS: tuple[Assumption, ...] = (
    Assumption(
        "max_share_of_income",
        Decimal("0.5"),
        "A lot whose value for one year is more than half of a provider's annual income is a risk for that "
        "provider: it would have to double in size, and would depend on one contract for most of its money.",
        "Trellis assumption, after the common selection practice of asking for an annual turnover of at least "
        "twice the contract's annual value (financial standing checks; not a legal rule, so change it to match "
        "local practice); seed 002 §3.6–3.7 (aggregation shuts out small organisations)",
    ),
    Assumption(
        "most_share",
        Decimal("0.5"),
        "'Most local providers' means more than half of the providers whose income band is known.",
        "Trellis assumption",
    ),
    Assumption(
        "unknown_duration_months",
        TWELVE,
        "When the length of the agreement is not known, the whole value is treated as one year's value "
        "(the cautious reading).",
        "Trellis assumption",
    ),
)
_BY_KEY = {a.key: a for a in ASSUMPTIONS}
MAX_SHARE_OF_INCOME: Decimal = _BY_KEY["max_share_of_income"].value
MOST_SHARE: Decimal = _BY_KEY["most_share"].value


class Reach(StrEnum):
    WITHIN_REACH = "within_reach"
    STRETCH = "stretch"
    TOO_BIG = "too_big"


@dataclass(frozen=True)
class BandResult:
    band: IncomeBand
    label: str
    range_label: str
    count: int
    reach: Reach


@dataclass(frozen=True)
class AggregationCheck:
    lot_value: Decimal
    annual_value: Decimal
    bands: tuple[BandResult, ...]
    known: int
    unknown: int
    too_big: int
    stretch: int

    @property
    def share_too_big(self) -> Decimal | None:
        """The share (0–1) of providers with a known band for whom the lot is too big."""
        if not self.known:
            return None
        return (Decimal(self.too_big) / Decimal(self.known)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)

    @property
    def percent_too_big(self) -> int | None:
        share = self.share_too_big
        if share is None:
            return None
        return int((share * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    @property
    def warn(self) -> bool:
        share = self.share_too_big
        return share is not None and share > MOST_SHARE

    @property
    def smallest_income_needed(self) -> Decimal:
        """The annual income a provider needs for this lot to be within reach."""
        return (self.annual_value / MAX_SHARE_OF_INCOME).quantize(Decimal(1), rounding=ROUND_HALF_UP)

    @property
    def message(self) -> str:
        if not self.known:
            return (
                "No providers with a known income offer these services in the directory, so the size of this "
                "lot cannot be checked."
            )
        if self.warn:
            return (
                f"This lot is larger than most local providers could deliver: at £{self.annual_value:,.0f} a year "
                f"it is too big for {self.too_big} of the {self.known} providers whose income is known "
                f"({self.percent_too_big}%). Consider smaller lots, or inviting consortium bids."
            )
        return (
            f"At £{self.annual_value:,.0f} a year this lot is too big for {self.too_big} of the {self.known} "
            f"providers whose income is known ({self.percent_too_big}%)."
        )


def annual_value(value: Decimal, duration_months: int | None) -> Decimal:
    """One year's share of a whole-life value (the whole value when the duration is unknown or under a year)."""
    if value < 0:
        raise ValueError("A lot's value cannot be negative.")
    if not duration_months or duration_months <= 12:
        return value
    return (value * TWELVE / Decimal(duration_months)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def reach_for_band(band: IncomeBand, annual: Decimal) -> Reach:
    info = BAND_INFO[band]
    if info.upper is not None and annual > info.upper * MAX_SHARE_OF_INCOME:
        return Reach.TOO_BIG
    lower = info.lower or Decimal(0)
    if annual > lower * MAX_SHARE_OF_INCOME:
        return Reach.STRETCH
    return Reach.WITHIN_REACH


def check_lot(value: Decimal, duration_months: int | None, band_counts: Mapping[str, int]) -> AggregationCheck:
    """Judge one lot against the directory's providers, counted by income band (band value → count)."""
    annual = annual_value(value, duration_months)
    results = []
    too_big = stretch = known = 0
    for info in BANDS:
        count = int(band_counts.get(info.band.value, 0))
        reach = reach_for_band(info.band, annual)
        results.append(BandResult(info.band, info.label, info.range_label, count, reach))
        known += count
        if reach is Reach.TOO_BIG:
            too_big += count
        elif reach is Reach.STRETCH:
            stretch += count
    unknown = int(band_counts.get(IncomeBand.UNKNOWN.value, 0))
    return AggregationCheck(value, annual, tuple(results), known, unknown, too_big, stretch)
