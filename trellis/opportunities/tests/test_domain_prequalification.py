"""Proportionate pre-qualification: value bands and reuse of accreditation evidence."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from trellis.opportunities.domain.prequalification import (
    DEFAULT_THRESHOLD,
    LEVELS,
    Level,
    level_for,
    prequalification,
    readiness,
)
from trellis.organisations.domain.accreditation import Evidence, EvidenceKind, Tier, required_for

TODAY = date(2026, 5, 1)


@pytest.mark.parametrize(
    ("value", "level"),
    [
        (Decimal(0), Level.DECLARATIONS),
        (Decimal("29999.99"), Level.DECLARATIONS),
        (Decimal(30_000), Level.FOUNDATION),
        (DEFAULT_THRESHOLD - Decimal("0.01"), Level.FOUNDATION),
        (DEFAULT_THRESHOLD, Level.ESTABLISHED),  # a value not less than the threshold is above it
        (Decimal("1999999.99"), Level.ESTABLISHED),
        (Decimal(2_000_000), Level.COMMISSIONING_READY),
        (None, Level.FOUNDATION),
    ],
)
def test_levels_at_the_boundaries(value, level):
    assert level_for(value) is level


def test_the_threshold_of_the_route_decision_is_used_when_known():
    sub_central = Decimal(214_904)
    assert level_for(Decimal(300_000), sub_central) is Level.ESTABLISHED
    assert level_for(Decimal(300_000)) is Level.FOUNDATION  # under the light touch default
    # £2m or more for one lot asks for tier 3 whatever the threshold
    assert level_for(Decimal(3_000_000), Decimal(5_000_000)) is Level.COMMISSIONING_READY
    assert level_for(Decimal(1_000_000), Decimal(5_000_000)) is Level.FOUNDATION


def test_negative_values_are_refused():
    with pytest.raises(ValueError):
        level_for(Decimal(-1))


@pytest.mark.parametrize(
    ("level", "tier"),
    [
        (Level.DECLARATIONS, Tier.NONE),
        (Level.FOUNDATION, Tier.FOUNDATION),
        (Level.ESTABLISHED, Tier.ESTABLISHED),
        (Level.COMMISSIONING_READY, Tier.COMMISSIONING_READY),
    ],
)
def test_each_level_maps_to_an_accreditation_tier_with_a_source(level, tier):
    info = LEVELS[level]
    assert info.tier is tier and info.title and info.asks and info.source


def test_declarations_ask_for_no_documents():
    pq = prequalification(Decimal(12_000))
    assert pq.level is Level.DECLARATIONS and pq.required == () and pq.required_labels == []


def test_required_evidence_is_the_tier_s_evidence():
    pq = prequalification(Decimal(100_000))
    assert pq.tier is Tier.FOUNDATION
    assert pq.required == required_for(Tier.FOUNDATION)
    assert pq.required_labels[0] == "Governing document (constitution, trust deed or articles)"
    assert pq.threshold == DEFAULT_THRESHOLD


def test_a_zero_or_missing_threshold_falls_back_to_the_default():
    assert prequalification(Decimal(700_000), Decimal(0)).threshold == DEFAULT_THRESHOLD
    assert prequalification(Decimal(700_000), None).level is Level.ESTABLISHED


def test_readiness_reuses_current_verified_evidence():
    pq = prequalification(Decimal(100_000))
    evidence = [
        Evidence(EvidenceKind.GOVERNING_DOCUMENT, verified=True, expires_on=None),
        Evidence(EvidenceKind.SAFEGUARDING_POLICY, verified=False, expires_on=None),  # awaiting verification
        Evidence(EvidenceKind.PUBLIC_LIABILITY_INSURANCE, verified=True, expires_on=date(2026, 4, 30)),  # expired
    ]
    ready = readiness(pq, evidence, TODAY)
    assert ready.held == (EvidenceKind.GOVERNING_DOCUMENT,)
    assert ready.missing == (EvidenceKind.SAFEGUARDING_POLICY, EvidenceKind.PUBLIC_LIABILITY_INSURANCE)
    assert not ready.ready
    assert ready.missing_labels == ["Safeguarding policy", "Public liability insurance certificate"]


def test_an_organisation_holding_everything_is_ready():
    pq = prequalification(Decimal(700_000))
    evidence = [Evidence(k, verified=True, expires_on=date(2027, 1, 1)) for k in pq.required]
    assert readiness(pq, evidence, TODAY).ready


def test_declarations_only_means_everyone_is_ready():
    assert readiness(prequalification(Decimal(5_000)), [], TODAY).ready
