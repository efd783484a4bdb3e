"""Organisation size bands by annual income (NCVO UK Civil Society Almanac definitions).

micro < £10k · small £10k–£100k · medium £100k–£1m · large £1m–£10m · major > £10m.
A band's lower bound is inclusive: an income of exactly £10,000 is small.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class IncomeBand(StrEnum):
    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"
    MAJOR = "major"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class BandInfo:
    band: IncomeBand
    label: str
    lower: Decimal | None
    upper: Decimal | None  # exclusive

    @property
    def range_label(self) -> str:
        if self.lower is None and self.upper is None:
            return "income not known"
        if self.lower is None or self.lower == 0:
            return f"under £{self.upper:,.0f}"
        if self.upper is None:
            return f"£{self.lower:,.0f} or more"
        return f"£{self.lower:,.0f} to £{self.upper:,.0f}"


BANDS: tuple[BandInfo, ...] = (
    BandInfo(IncomeBand.MICRO, "Micro", Decimal(0), Decimal(10_000)),
    BandInfo(IncomeBand.SMALL, "Small", Decimal(10_000), Decimal(100_000)),
    BandInfo(IncomeBand.MEDIUM, "Medium", Decimal(100_000), Decimal(1_000_000)),
    BandInfo(IncomeBand.LARGE, "Large", Decimal(1_000_000), Decimal(10_000_000)),
    BandInfo(IncomeBand.MAJOR, "Major", Decimal(10_000_000), None),
)
BAND_INFO = {b.band: b for b in BANDS} | {IncomeBand.UNKNOWN: BandInfo(IncomeBand.UNKNOWN, "Not known", None, None)}
#: Order for display and for "at most this size" comparisons.
BAND_ORDER = [b.band for b in BANDS]


def income_band(annual_income: Decimal | int | None) -> IncomeBand:
    if annual_income is None:
        return IncomeBand.UNKNOWN
    income = Decimal(annual_income)
    if income < 0:
        raise ValueError("Annual income cannot be negative.")
    # The last band is open-ended, so one band always fits.
    return next(info.band for info in BANDS if info.upper is None or income < info.upper)


def is_small_or_local_size(band: IncomeBand) -> bool:
    """Micro and small organisations: those most at risk of losing out to large providers."""
    return band in {IncomeBand.MICRO, IncomeBand.SMALL}
