"""Human references for opportunities."""

from __future__ import annotations

import pytest

from trellis.opportunities.domain.references import next_reference, place_code


@pytest.mark.parametrize(
    ("org_id", "slug", "code"),
    [
        ("GB-LAE-NBR", "northbridge", "NBR"),
        ("GB-LAE-MAN", "manchester", "MAN"),
        ("", "northbridge", "NOR"),
        ("GB-LAE-X", "kirklees-council", "KIR"),
        ("", "", "OPP"),
    ],
)
def test_place_code(org_id, slug, code):
    assert place_code(org_id, slug) == code


def test_next_reference_is_one_more_than_the_highest_that_year():
    existing = ["NBR-2026-0001", "NBR-2026-0007", "NBR-2025-0042", "MAN-2026-0099", "NBR-2026-X"]
    assert next_reference("NBR", 2026, existing) == "NBR-2026-0008"
    assert next_reference("NBR", 2027, existing) == "NBR-2027-0001"
    assert next_reference("NBR", 2026, []) == "NBR-2026-0001"
