"""Which regime applies, the threshold in force on the procurement's start date, and below-threshold duties.

Thresholds are a dated table (`trellis/routes/data/thresholds.csv`, one source per row) so that the answer for
a procurement that started on a given day is reproducible. The row in force is the latest one whose
``effective_from`` is on or before the start date: the 1 January 2026 change applies to procurements that
*start* on or after that day. A value not less than the threshold is above it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from .money import money_json

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
THRESHOLDS_CSV = DATA_DIR / "thresholds.csv"

PA2023_START = date(2025, 2, 24)
PSR_START = date(2024, 1, 1)
CATEGORIES = ("goods_services", "light_touch", "works", "health_care")
AUTHORITY_CLASSES = ("sub_central", "central")
NOTIFIABLE = "notifiable_below_threshold"
WORKS_SELECTION = "works_selection_stage"
#: the standard rate of VAT, for saying when a threshold net of VAT could turn on it (VAT Act 1994 s.2)
STANDARD_VAT = Decimal("0.20")


class Regime(StrEnum):
    PA2023 = "PA2023"
    PSR = "PSR"
    PCR2015 = "PCR2015"
    NOT_PROCUREMENT = "not_procurement"


REGIME_NAMES = {
    Regime.PA2023: "Procurement Act 2023",
    Regime.PSR: "Provider Selection Regime (health care services)",
    Regime.PCR2015: "Public Contracts Regulations 2015",
    Regime.NOT_PROCUREMENT: "Not a procurement (a grant)",
}


class ThresholdUnknown(ValueError):
    """The table has no row for that regime, category, authority and date."""


@dataclass(frozen=True)
class ThresholdRow:
    effective_from: date
    regime: str
    authority_class: str  # sub_central, central or any
    category: str
    threshold_gbp: Decimal
    vat_included: bool
    source: str


def read_threshold_table(path: Path = THRESHOLDS_CSV) -> tuple[ThresholdRow, ...]:
    rows = []
    with path.open(newline="", encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            try:
                rows.append(
                    ThresholdRow(
                        effective_from=date.fromisoformat(row["effective_from"]),
                        regime=row["regime"],
                        authority_class=row["authority_class"],
                        category=row["category"],
                        threshold_gbp=Decimal(row["threshold_gbp"]),
                        vat_included=row["vat_included"] == "yes",
                        source=row["source"].strip(),
                    )
                )
            except (KeyError, ValueError, InvalidOperation) as exc:
                raise ValueError(f"{path.name} row {number} is not valid: {exc}") from exc
            if not rows[-1].source:
                raise ValueError(f"{path.name} row {number} has no source.")
    return tuple(rows)


@lru_cache(maxsize=1)
def threshold_table() -> tuple[ThresholdRow, ...]:
    return read_threshold_table()


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def contract_regime(category: str, on: date) -> Regime:
    """The regime a contract for this category would fall under if its procurement started on ``on``."""
    if str(category) == "health_care" and on >= PSR_START:
        return Regime.PSR
    if on < PA2023_START:
        return Regime.PCR2015
    return Regime.PA2023


def _lookup(regime: str, category: str, authority_class: str, on: date) -> ThresholdRow | None:
    candidates = [
        row
        for row in threshold_table()
        if row.regime == regime
        and row.category == category
        and row.authority_class in (authority_class, "any")
        and row.effective_from <= on
    ]
    return max(candidates, key=lambda r: r.effective_from) if candidates else None


def threshold_row(*, category: str, authority_class: str, on: date) -> ThresholdRow:
    category, authority_class = str(category), str(authority_class)
    if category not in CATEGORIES:
        raise ThresholdUnknown(f"'{category}' is not a category: use one of {', '.join(CATEGORIES)}.")
    if authority_class not in AUTHORITY_CLASSES:
        raise ThresholdUnknown(f"'{authority_class}' is not an authority class: use sub_central or central.")
    regime = contract_regime(category, on)
    row = _lookup(regime, category, authority_class, on)
    if row is None:
        earliest = min(
            (
                r.effective_from
                for r in threshold_table()
                if r.category == category and r.authority_class in (authority_class, "any")
            ),
            default=None,
        )
        after = f" Trellis's table starts on {long_date(earliest)} for this kind of contract." if earliest else ""
        raise ThresholdUnknown(
            f"Trellis has no {category.replace('_', ' ')} threshold for a {authority_class.replace('_', '-')} "
            f"authority on {long_date(on)}.{after}"
        )
    return row


def notifiable_row(*, authority_class: str, on: date) -> ThresholdRow | None:
    return _lookup(Regime.PA2023, NOTIFIABLE, str(authority_class), on)


@dataclass(frozen=True)
class ThresholdCheck:
    regime: Regime
    category: str
    authority_class: str
    value_gbp: Decimal
    threshold_gbp: Decimal
    above_threshold: bool
    table_effective_from: date
    vat_included: bool
    source: str
    notifiable: bool
    notifiable_threshold_gbp: Decimal | None
    notifiable_source: str
    will_advertise: bool
    below_threshold_tender_notice: bool
    contract_details_notice: bool
    #: a below-threshold works contract at or above s.85(3)'s amount may have a selection stage
    works_selection_stage: bool = False
    works_selection_from_gbp: Decimal | None = None
    #: set when the threshold was net of VAT and the answer could turn on how much of the value is VAT
    vat_caveat: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "threshold_gbp": money_json(self.threshold_gbp),
            "above_threshold": self.above_threshold,
            "notifiable": self.notifiable,
            "below_threshold_tender_notice": self.below_threshold_tender_notice,
            "contract_details_notice": self.contract_details_notice,
            "regime": str(self.regime),
            "table_effective_from": self.table_effective_from.isoformat(),
            "source": self.source,
            "value_gbp": money_json(self.value_gbp),
            "category": self.category,
            "authority_class": self.authority_class,
            "vat_included": self.vat_included,
            "notifiable_threshold_gbp": money_json(self.notifiable_threshold_gbp),
            "notifiable_source": self.notifiable_source,
            "will_advertise": self.will_advertise,
            "works_selection_stage": self.works_selection_stage,
            "vat_caveat": self.vat_caveat,
        }


def threshold_check(
    *,
    category: str,
    authority_class: str,
    value_gbp: Decimal | int | str,
    procurement_start: date,
    will_advertise: bool = False,
) -> ThresholdCheck:
    """Whether a contract of this value is above the threshold, and which below-threshold notices it needs.

    Raises ``ThresholdUnknown`` (a ValueError) for an unknown category or authority class, or a date the
    table does not cover, and ``ValueError`` for a negative value.
    """
    value = Decimal(str(value_gbp))
    if not value.is_finite() or value < 0:
        raise ValueError("The value must be a number of pounds, not negative.")
    row = threshold_row(category=category, authority_class=authority_class, on=procurement_start)
    regime = Regime(row.regime)
    above = value >= row.threshold_gbp
    notifiable_at = notifiable_row(authority_class=authority_class, on=procurement_start)
    notifiable = bool(regime == Regime.PA2023 and not above and notifiable_at and value >= notifiable_at.threshold_gbp)
    selection = (
        _lookup(Regime.PA2023, WORKS_SELECTION, str(authority_class), procurement_start)
        if str(category) == "works" and regime == Regime.PA2023
        else None
    )
    return ThresholdCheck(
        regime=regime,
        category=str(category),
        authority_class=str(authority_class),
        value_gbp=value,
        threshold_gbp=row.threshold_gbp,
        above_threshold=above,
        table_effective_from=row.effective_from,
        vat_included=row.vat_included,
        source=row.source,
        notifiable=notifiable,
        notifiable_threshold_gbp=notifiable_at.threshold_gbp if notifiable_at and regime == Regime.PA2023 else None,
        notifiable_source=notifiable_at.source if notifiable_at and regime == Regime.PA2023 else "",
        will_advertise=will_advertise,
        below_threshold_tender_notice=notifiable and will_advertise,
        contract_details_notice=regime == Regime.PA2023 and (above or notifiable),
        works_selection_stage=bool(selection and not above and value >= selection.threshold_gbp),
        works_selection_from_gbp=selection.threshold_gbp if selection else None,
        vat_caveat=_vat_caveat(row, value),
    )


def _vat_caveat(row: ThresholdRow, value: Decimal) -> str:
    """Before 1 January 2022 the PCR thresholds were net of VAT; the value the advisor is given includes VAT.

    The comparison uses the value as given (the cautious reading); when taking standard-rate VAT out would put
    it below the threshold, the answer depends on the VAT actually charged, and the advice says so."""
    if row.vat_included or value < row.threshold_gbp:
        return ""
    net = (value / (1 + STANDARD_VAT)).quantize(Decimal("0.01"))
    if net >= row.threshold_gbp:
        return ""
    return (
        f"This threshold was net of VAT. The value given is treated as above it, but without standard-rate VAT it "
        f"would be about £{net:,.2f}, below it: if VAT is charged on this service, check with your legal team."
    )
