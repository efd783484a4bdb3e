"""Receipts for submitted bids, in pure Python.

The submitted content (answers by criterion id, the SHA-256 of each document, the budget, the price, the
declarations, the consortium roles and the answers to the eligibility checklist) is written as canonical JSON —
keys sorted, no spaces, UTF-8, numbers as strings — and hashed with SHA-256. Anyone holding the content can
recompute the hash and compare it with the receipt; change one character, one document, one penny or one answer
and the hash changes.

Receipt numbers are ``R-<opportunity reference>-<four-digit sequence>``, e.g. ``R-NB-2026-0007-0003``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from trellis.core.domain.audit_chain import canonical as canonical_json

FORMAT_VERSION = 1
#: Format 2 adds the eligibility checklist. A bid with no checklist answers is written exactly as format 1, so every
#: receipt given before the checklist was part of a bid still verifies.
FORMAT_WITH_ELIGIBILITY = 2


def _plain(value: Any) -> Any:
    """JSON-ready and stable: Decimals and numbers become strings, mappings get string keys."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, Decimal | int | float):
        return _number(value)
    return str(value)


def _number(value: Decimal | int | float) -> str:
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f")


def submitted_content(
    *,
    bid: str,
    opportunity: str,
    organisation: str,
    lot: int | None,
    answers: Mapping[Any, str],
    documents: Iterable[Mapping[str, Any]],
    budget: Mapping[str, Any] | None,
    price: Decimal | None,
    declarations: Mapping[str, Any],
    consortium: Iterable[Mapping[str, Any]] = (),
    eligibility: Iterable[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The content a receipt covers, as a plain dict. Documents are ``{"sha256", "title"}``; consortium roles
    ``{"organisation", "role", "share_percent"}``; declarations ``{key: {"agreed", "by", "at"}}``; eligibility
    rows ``eligibility.receipt_row`` (``{"item", "requirement", "must_have", "answer", "evidence"}``)."""
    checklist = sorted((dict(row) for row in eligibility), key=lambda row: int(row["item"]))
    extra: dict[str, Any] = {"format": FORMAT_WITH_ELIGIBILITY, "eligibility": checklist} if checklist else {}
    return _plain(
        {
            "format": FORMAT_VERSION,
            "bid": bid,
            "opportunity": opportunity,
            "organisation": organisation,
            "lot": lot,
            "answers": {str(k): v for k, v in answers.items()},
            "documents": sorted(
                ({"sha256": d["sha256"], "title": d.get("title", "")} for d in documents),
                key=lambda d: (d["sha256"], d["title"]),
            ),
            "budget": dict(budget or {}),
            "price": price,
            "declarations": dict(declarations),
            "consortium": sorted(
                (
                    {"organisation": str(r["organisation"]), "role": r["role"], "share_percent": r["share_percent"]}
                    for r in consortium
                ),
                key=lambda r: r["organisation"],
            ),
            **extra,
        }
    )


def canonical(content: Mapping[str, Any]) -> bytes:
    """The bytes a receipt's hash is taken of: the content made plain (Decimals, dates and UUIDs as strings) in the
    project's one canonical JSON (sorted keys, no spaces, UTF-8), the audit chain's too."""
    return canonical_json(_plain(content)).encode("utf-8")


def content_hash(content: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(content)).hexdigest()


def verify(content: Mapping[str, Any], expected_sha256: str) -> bool:
    """True when ``content`` is exactly what the receipt's hash was taken of."""
    return hmac.compare_digest(content_hash(content), (expected_sha256 or "").lower())


_NUMBER = re.compile(r"^R-(?P<reference>.+)-(?P<sequence>\d{4,})$")


def receipt_number(reference: str, sequence: int) -> str:
    if sequence < 1:
        raise ValueError("receipt sequence numbers start at 1")
    return f"R-{reference}-{sequence:04d}"


def parse_receipt_number(number: str) -> tuple[str, int] | None:
    """(opportunity reference, sequence), or None if it is not a receipt number."""
    match = _NUMBER.match(number or "")
    if not match:
        return None
    return match["reference"], int(match["sequence"])
