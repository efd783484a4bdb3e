"""The assessment methodology an opportunity publishes with its criteria, so that providers know before they write
how their bids will be scored (Procurement Act 2023 s.23; seed 003, "Bidding for Contracts"): how prices are scored,
what happens to a bid that fails a pass or fail question or a minimum score, and how ties are broken. The
evaluation engine (``trellis.evaluation.domain``) applies them.
"""

from __future__ import annotations

from enum import StrEnum

#: Every method Trellis offers scores a price against the other bids' prices (research notes, uk-rules §3.2:
#: "the score gap depends on the lowest bid"), so a third bid can change which of two others is ahead.
RELATIVE_PRICE_CAUTION = (
    "Each of these methods scores a price against the other bids' prices, so a third bid can reverse the order of "
    "the first two: a new lowest price takes more points from the cheaper of two bids than from the dearer, and "
    "can put the dearer ahead. Publish the method before bids come in, and before you approve an award look at "
    "what it would take to change the winner."
)


class PriceMethod(StrEnum):
    RELATIVE_TO_LOWEST = "relative_to_lowest"
    PROPORTIONAL_PENALTY = "proportional_penalty"
    DEVIATION_FROM_MEAN = "deviation_from_mean"
    PRICE_PER_QUALITY_POINT = "price_per_quality_point"

    @property
    def label(self) -> str:
        return _METHODS[self][0]

    @property
    def formula(self) -> str:
        return _METHODS[self][1]

    @property
    def source(self) -> str:
        return _METHODS[self][2]

    @property
    def needs_quality(self) -> bool:
        return self is PriceMethod.PRICE_PER_QUALITY_POINT


_METHODS: dict[PriceMethod, tuple[str, str, str]] = {
    PriceMethod.RELATIVE_TO_LOWEST: (
        "Relative to the lowest price",
        "score = max points × lowest price ÷ bid price",
        "The most common UK method: Crown Commercial Service Digital Marketplace guidance (via shma.co.uk), Brodies, "
        "impactbids, procurementtemplates and Edinburgh Napier's price scorer (research notes, uk-rules §3.2, "
        "method 1)",
    ),
    PriceMethod.PROPORTIONAL_PENALTY: (
        "Proportional penalty from the lowest price",
        "score = max points × (1 − (bid price − lowest price) ÷ lowest price), and never below 0",
        "materialsmanagement.info: 25% above the lowest price scores 25% fewer points; clamped at 0 because the "
        "formula goes negative above twice the lowest price (research notes, uk-rules §3.2, method 2)",
    ),
    PriceMethod.DEVIATION_FROM_MEAN: (
        "Deviation from the mean price",
        "score = (50 + 1 point for each percentage point below the mean price, − 1 for each above it), kept "
        "between 0 and 100, then × max points ÷ 100",
        "procurementtemplates.co.uk, mean calculation: the mean price scores 50 (research notes, uk-rules §3.2, "
        "method 3)",
    ),
    PriceMethod.PRICE_PER_QUALITY_POINT: (
        "Price per quality point",
        "price per quality point = bid price ÷ quality score; score = max points × lowest price per quality point "
        "÷ bid's price per quality point (0 for a bid with no quality points)",
        "Cabinet Office, Bid Evaluation Guidance Note (May 2021), section 7.3 and Appendix II (research notes, "
        "uk-rules §3.2, method 6)",
    ),
}


class Exclusion(StrEnum):
    """The published rule for a bid that fails a gate or a minimum threshold (Act s.23(3); uk-rules §1.6)."""

    EXCLUDE = "exclude"
    FLAG = "flag"

    @property
    def label(self) -> str:
        return _EXCLUSION_LABELS[self]


_EXCLUSION_LABELS = {
    Exclusion.EXCLUDE: "Excluded: not ranked, and left out of the price comparison",
    Exclusion.FLAG: (
        "Flagged: a bid below a minimum mark is still ranked, with the failure shown (a bid that fails a pass or "
        "fail question is never evaluated further)"
    ),
}


class TieBreak(StrEnum):
    """The published rule for equal totals. There is no statutory tie-break; the methodology should publish one
    (research notes, uk-rules §3.6). Bids still equal after it share a rank (1, 1, 3)."""

    HIGHEST_QUALITY = "highest_quality"
    LOWEST_PRICE = "lowest_price"

    @property
    def label(self) -> str:
        return _TIE_BREAK_LABELS[self]


_TIE_BREAK_LABELS = {
    TieBreak.HIGHEST_QUALITY: (
        "The higher quality score wins; then the higher mark on the most heavily weighted quality criterion"
    ),
    TieBreak.LOWEST_PRICE: "The lower price wins",
}
