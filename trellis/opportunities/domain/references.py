"""Human references for opportunities: ``<place code>-<year>-<number>``, e.g. ``NBR-2026-0007``."""

from __future__ import annotations

import re
from collections.abc import Iterable


def place_code(authority_org_id: str, slug: str) -> str:
    """The place's short code: the last part of the authority's org-id (GB-LAE-NBR → NBR), else its slug's letters."""
    tail = (authority_org_id or "").rsplit("-", 1)[-1]
    code = re.sub(r"[^A-Za-z0-9]", "", tail).upper()
    if 2 <= len(code) <= 8:
        return code
    letters = re.sub(r"[^A-Za-z]", "", slug or "").upper()
    return letters[:3] or "OPP"


def next_reference(code: str, year: int, existing: Iterable[str]) -> str:
    """The next free reference for the code and year, one more than the highest already used."""
    pattern = re.compile(rf"^{re.escape(code)}-{year}-(\d+)$")
    highest = 0
    for ref in existing:
        found = pattern.match(ref)
        if found:
            highest = max(highest, int(found.group(1)))
    return f"{code}-{year}-{highest + 1:04d}"
