"""The hash chain behind the append-only audit log (pure).

Each event's hash covers its own content and the previous event's hash, so altering,
removing or reordering any event breaks every hash after it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class ChainLink:
    seq: int
    occurred_at: str  # ISO 8601, UTC
    actor: str  # a stable label: "person:12" or "system"
    verb: str
    target_type: str
    target_id: str
    data: dict[str, Any]
    prev_hash: str
    hash: str = ""


def canonical(value: Any) -> str:
    """Stable JSON: sorted keys, no spaces, non-ASCII kept, non-JSON types as strings."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def compute_hash(link: ChainLink) -> str:
    payload = canonical(
        {
            "seq": link.seq,
            "occurred_at": link.occurred_at,
            "actor": link.actor,
            "verb": link.verb,
            "target_type": link.target_type,
            "target_id": link.target_id,
            "data": link.data,
            "prev_hash": link.prev_hash,
        }
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason: str


def verify(links: Iterable[ChainLink]) -> ChainProblem | None:
    """Return the first problem in the chain, or None when it is intact.

    Links must be given in stored order (by sequence number).
    """
    expected_prev = GENESIS_HASH
    expected_seq = 1
    for link in links:
        if link.seq != expected_seq:
            missing = "removed or reordered" if link.seq > expected_seq else "reordered or duplicated"
            return ChainProblem(link.seq, f"expected event #{expected_seq} here: an event was {missing}")
        if link.prev_hash != expected_prev:
            return ChainProblem(
                link.seq,
                "its link to the previous event is broken (an event was removed, reordered or altered before it)",
            )
        if compute_hash(link) != link.hash:
            return ChainProblem(link.seq, "its content does not match its hash (the event was altered)")
        expected_prev = link.hash
        expected_seq += 1
    return None
