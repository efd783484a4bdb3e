"""Proportionate pre-qualification: what to ask of a provider grows with the value of what it would hold.

Pre-qualification "should not require excessive work to complete or include requirements not necessary
for the purpose of the contract" (seed 002 §3.10), and should follow "a sliding scale of quality and
compliance standards" appropriate to an organisation's size (§3.13, Tower Hamlets). The levels below map to
the directory's accreditation tiers (``trellis.organisations.domain.accreditation``), so a provider's
verified evidence, held once, is reused for every opportunity ("tell us once") instead of being asked for
again.

The value judged is the largest single lot a provider could win (the whole value when there are no lots):
a small organisation bidding for a small lot is not asked for what the largest lot would need.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from trellis.organisations.domain.accreditation import (
    EVIDENCE_LABELS,
    Evidence,
    EvidenceKind,
    Tier,
    current_verified_kinds,
    required_for,
)

#: The light touch threshold (Procurement Act 2023 Schedule 1 row 8, £663,540 including VAT, unchanged from
#: 1 January 2026): most of the social and community services councils buy from the sector are light touch.
#: Used when the opportunity's own threshold is not known (no route decision).
DEFAULT_THRESHOLD = Decimal("663540")
DECLARATIONS_LIMIT = Decimal("30000")
LARGE_CONTRACT = Decimal("2000000")


class Level(StrEnum):
    DECLARATIONS = "declarations"
    FOUNDATION = "foundation"
    ESTABLISHED = "established"
    COMMISSIONING_READY = "commissioning_ready"


@dataclass(frozen=True)
class LevelInfo:
    level: Level
    title: str
    asks: str
    tier: Tier
    source: str


LEVELS: dict[Level, LevelInfo] = {
    info.level: info
    for info in (
        LevelInfo(
            Level.DECLARATIONS,
            "Declarations only",
            "Providers confirm in a short declaration that they are properly constituted, insured and safe to "
            "work with. No documents are asked for.",
            Tier.NONE,
            "Trellis assumption: under £30,000 (the Procurement Act 2023 notifiable below-threshold value for "
            "sub-central authorities), documents would cost a small organisation more than the work is worth; "
            "seed 002 §3.10",
        ),
        LevelInfo(
            Level.FOUNDATION,
            "Foundation evidence",
            "Providers hold the directory's tier 1 evidence: governing document, safeguarding policy and public "
            "liability insurance. Below the threshold there is no separate pre-qualification stage: the evidence "
            "is checked with the bid.",
            Tier.FOUNDATION,
            "Procurement Act 2023 s.85 (below threshold: no separate pre-qualification stage); seed 002 §3.13 "
            "(sliding scale); Trellis assumption for the £30,000 lower edge",
        ),
        LevelInfo(
            Level.ESTABLISHED,
            "Established evidence",
            "Providers hold the directory's tier 2 evidence: tier 1 plus annual accounts, equality and data "
            "protection policies and employers' liability insurance.",
            Tier.ESTABLISHED,
            "Above the threshold a proportionate check of financial standing is usual (Procurement Act 2023 "
            "conditions of participation); seed 002 §3.10 and §3.13",
        ),
        LevelInfo(
            Level.COMMISSIONING_READY,
            "Commissioning-ready evidence",
            "Providers hold the directory's tier 3 evidence: tier 2 plus health and safety policy, business "
            "continuity plan and a quality mark.",
            Tier.COMMISSIONING_READY,
            "Trellis assumption: £2 million or more for one lot (the value above which contracts appear in "
            "pipeline notices, Procurement Act 2023) calls for evidence of resilience; seed 002 §3.12–3.13",
        ),
    )
}


@dataclass(frozen=True)
class Prequalification:
    value: Decimal | None
    threshold: Decimal
    level: Level
    title: str
    asks: str
    tier: Tier
    required: tuple[EvidenceKind, ...]
    source: str

    @property
    def required_labels(self) -> list[str]:
        return [EVIDENCE_LABELS[k] for k in self.required]


def level_for(value: Decimal | None, threshold: Decimal = DEFAULT_THRESHOLD) -> Level:
    """The proportionate level for the largest value a provider could win.

    Under £30,000: declarations; from £30,000 to below the threshold: foundation; from the threshold
    (a value not less than it is above it): established; £2 million or more: commissioning-ready.
    An unknown value is judged as the cautious middle: foundation below the threshold."""
    if value is None:
        return Level.FOUNDATION
    if value < 0:
        raise ValueError("A value cannot be negative.")
    if value >= LARGE_CONTRACT:
        return Level.COMMISSIONING_READY
    if value >= threshold:
        return Level.ESTABLISHED
    if value >= DECLARATIONS_LIMIT:
        return Level.FOUNDATION
    return Level.DECLARATIONS


def prequalification(value: Decimal | None, threshold: Decimal | None = None) -> Prequalification:
    limit = threshold if threshold is not None and threshold > 0 else DEFAULT_THRESHOLD
    info = LEVELS[level_for(value, limit)]
    return Prequalification(
        value=value,
        threshold=limit,
        level=info.level,
        title=info.title,
        asks=info.asks,
        tier=info.tier,
        required=required_for(info.tier),
        source=info.source,
    )


@dataclass(frozen=True)
class ProviderReadiness:
    """How far a provider's verified evidence already meets what an opportunity asks."""

    required: tuple[EvidenceKind, ...]
    held: tuple[EvidenceKind, ...]
    missing: tuple[EvidenceKind, ...]

    @property
    def ready(self) -> bool:
        return not self.missing

    @property
    def missing_labels(self) -> list[str]:
        return [EVIDENCE_LABELS[k] for k in self.missing]


def readiness(pq: Prequalification, evidence: Iterable[Evidence], today: date) -> ProviderReadiness:
    """Which of the required documents the provider already holds (current and verified), and which are missing."""
    held = current_verified_kinds(evidence, today)
    return ProviderReadiness(
        required=pq.required,
        held=tuple(k for k in pq.required if k in held),
        missing=tuple(k for k in pq.required if k not in held),
    )
