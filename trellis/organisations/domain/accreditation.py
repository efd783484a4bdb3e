"""Accreditation on a sliding scale, proportionate to an organisation's size — pure rules.

Three stages, after the Tower Hamlets Infrastructure Network approach: "a three stage process that
recognises capability and financial stability standards that are appropriate to the size, stage
and development, income and service delivery aspirations of small, medium and larger voluntary and
community organisations" (seed 002, §3.13). An organisation reaches a tier when it holds current,
verified evidence of every kind that tier (and the tiers below it) needs. Evidence is held once and
reused for every opportunity ("tell us once").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import IntEnum, StrEnum

from trellis.organisations.domain.sizes import IncomeBand


class EvidenceKind(StrEnum):
    GOVERNING_DOCUMENT = "governing_document"
    SAFEGUARDING_POLICY = "safeguarding_policy"
    PUBLIC_LIABILITY_INSURANCE = "public_liability_insurance"
    EMPLOYERS_LIABILITY_INSURANCE = "employers_liability_insurance"
    ANNUAL_ACCOUNTS = "annual_accounts"
    EQUALITY_POLICY = "equality_policy"
    DATA_PROTECTION_POLICY = "data_protection_policy"
    HEALTH_SAFETY_POLICY = "health_safety_policy"
    BUSINESS_CONTINUITY_PLAN = "business_continuity_plan"
    QUALITY_MARK = "quality_mark"


EVIDENCE_LABELS: dict[EvidenceKind, str] = {
    EvidenceKind.GOVERNING_DOCUMENT: "Governing document (constitution, trust deed or articles)",
    EvidenceKind.SAFEGUARDING_POLICY: "Safeguarding policy",
    EvidenceKind.PUBLIC_LIABILITY_INSURANCE: "Public liability insurance certificate",
    EvidenceKind.EMPLOYERS_LIABILITY_INSURANCE: "Employers' liability insurance certificate",
    EvidenceKind.ANNUAL_ACCOUNTS: "Latest annual accounts",
    EvidenceKind.EQUALITY_POLICY: "Equality, diversity and inclusion policy",
    EvidenceKind.DATA_PROTECTION_POLICY: "Data protection (UK GDPR) policy",
    EvidenceKind.HEALTH_SAFETY_POLICY: "Health and safety policy",
    EvidenceKind.BUSINESS_CONTINUITY_PLAN: "Business continuity plan",
    EvidenceKind.QUALITY_MARK: "Quality mark or external accreditation",
}

#: Kinds that must carry an expiry date (certificates and accounts go out of date).
EXPIRY_REQUIRED = frozenset(
    {
        EvidenceKind.PUBLIC_LIABILITY_INSURANCE,
        EvidenceKind.EMPLOYERS_LIABILITY_INSURANCE,
        EvidenceKind.ANNUAL_ACCOUNTS,
        EvidenceKind.QUALITY_MARK,
    }
)


class Tier(IntEnum):
    NONE = 0
    FOUNDATION = 1
    ESTABLISHED = 2
    COMMISSIONING_READY = 3

    @property
    def label(self) -> str:
        return TIER_LABELS[self]


TIER_LABELS = {
    Tier.NONE: "Not yet accredited",
    Tier.FOUNDATION: "Tier 1: Foundation",
    Tier.ESTABLISHED: "Tier 2: Established",
    Tier.COMMISSIONING_READY: "Tier 3: Commissioning-ready",
}

#: What each tier adds to the one below.
TIER_ADDS: dict[Tier, tuple[EvidenceKind, ...]] = {
    Tier.FOUNDATION: (
        EvidenceKind.GOVERNING_DOCUMENT,
        EvidenceKind.SAFEGUARDING_POLICY,
        EvidenceKind.PUBLIC_LIABILITY_INSURANCE,
    ),
    Tier.ESTABLISHED: (
        EvidenceKind.ANNUAL_ACCOUNTS,
        EvidenceKind.EQUALITY_POLICY,
        EvidenceKind.EMPLOYERS_LIABILITY_INSURANCE,
        EvidenceKind.DATA_PROTECTION_POLICY,
    ),
    Tier.COMMISSIONING_READY: (
        EvidenceKind.HEALTH_SAFETY_POLICY,
        EvidenceKind.BUSINESS_CONTINUITY_PLAN,
        EvidenceKind.QUALITY_MARK,
    ),
}

#: The tier proportionate to each size band: what a commissioner may reasonably ask for.
PROPORTIONATE_TIER: dict[IncomeBand, Tier] = {
    IncomeBand.MICRO: Tier.FOUNDATION,
    IncomeBand.SMALL: Tier.FOUNDATION,
    IncomeBand.MEDIUM: Tier.ESTABLISHED,
    IncomeBand.LARGE: Tier.COMMISSIONING_READY,
    IncomeBand.MAJOR: Tier.COMMISSIONING_READY,
    IncomeBand.UNKNOWN: Tier.FOUNDATION,
}

#: Reminders go out this many days before a document expires (and again on the day).
REMINDER_DAYS = (60, 30, 7, 0)


def required_for(tier: Tier) -> tuple[EvidenceKind, ...]:
    kinds: list[EvidenceKind] = []
    for t in Tier:
        if Tier.NONE < t <= tier:
            kinds.extend(TIER_ADDS[t])
    return tuple(kinds)


@dataclass(frozen=True)
class Evidence:
    kind: EvidenceKind
    verified: bool
    expires_on: date | None


def is_current(evidence: Evidence, today: date) -> bool:
    return evidence.expires_on is None or evidence.expires_on >= today


def current_verified_kinds(evidence: Iterable[Evidence], today: date) -> set[EvidenceKind]:
    return {e.kind for e in evidence if e.verified and is_current(e, today)}


def tier_reached(evidence: Iterable[Evidence], today: date) -> Tier:
    """The highest tier whose requirements (and all lower tiers') are met by current verified evidence."""
    held = current_verified_kinds(evidence, today)
    reached = Tier.NONE
    for tier in (Tier.FOUNDATION, Tier.ESTABLISHED, Tier.COMMISSIONING_READY):
        if all(kind in held for kind in required_for(tier)):
            reached = tier
        else:
            break
    return reached


@dataclass(frozen=True)
class TierProgress:
    reached: Tier
    proportionate: Tier
    next_tier: Tier | None
    missing_for_next: tuple[EvidenceKind, ...]
    meets_proportionate: bool = field(default=False)


def progress(evidence: Iterable[Evidence], band: IncomeBand, today: date) -> TierProgress:
    items = list(evidence)
    reached = tier_reached(items, today)
    held = current_verified_kinds(items, today)
    next_tier = Tier(reached + 1) if reached < Tier.COMMISSIONING_READY else None
    missing = tuple(k for k in required_for(next_tier) if k not in held) if next_tier else ()
    proportionate = PROPORTIONATE_TIER[band]
    return TierProgress(reached, proportionate, next_tier, missing, reached >= proportionate)


def reminder_due(expires_on: date | None, today: date, last_reminded_for_days: int | None) -> int | None:
    """Which reminder (days before expiry) is due today, if any, given the last one sent.

    Returns the reminder's day count (60, 30, 7 or 0) or None. A reminder is sent once: if the
    60-day one was missed (say the job did not run), the next run sends the nearest one due.
    """
    if expires_on is None:
        return None
    days_left = (expires_on - today).days
    due = [d for d in REMINDER_DAYS if days_left <= d]
    if not due or (days_left < 0 and last_reminded_for_days == 0):
        return None
    nearest = min(due)
    if last_reminded_for_days is not None and last_reminded_for_days <= nearest:
        return None
    return nearest


def expiry_status(expires_on: date | None, today: date, soon_days: int = 30) -> str:
    """'expired', 'expiring' (within soon_days) or 'current'."""
    if expires_on is None:
        return "current"
    if expires_on < today:
        return "expired"
    if expires_on <= today + timedelta(days=soon_days):
        return "expiring"
    return "current"


#: How each review status of a held document is shown: its label and GOV.UK tag colour ("pending" is the rest).
REVIEW_STATUS_SHOWN: dict[str, tuple[str, str]] = {
    "pending": ("Awaiting verification", "blue"),
    "verified": ("Verified", "green"),
    "rejected": ("Not accepted", "red"),
}


def review_status_shown(status: str) -> tuple[str, str]:
    """The label and tag colour of a document's review status; one not yet reviewed is awaiting verification."""
    return REVIEW_STATUS_SHOWN.get(status, REVIEW_STATUS_SHOWN["pending"])


def why_not_counted(status: str, expires_on: date | None, today: date) -> str:
    """Why a held document does not yet count towards a tier ('' when it does).

    ``status`` is the review status: "pending", "rejected" or "verified".
    """
    if status == "pending":
        return "uploaded, awaiting verification"
    if status == "rejected":
        return "not accepted: upload a new one"
    if expiry_status(expires_on, today) == "expired":
        return "expired: upload the new one"
    return ""
