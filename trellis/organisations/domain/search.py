"""Turning what a person types into a safe full-text query — pure.

Each word becomes a prefix term ("carer" finds "carers"), all words must match, and nothing the
person types can break the query syntax of SQLite FTS5 or PostgreSQL.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_TERMS = 8


def terms(text: str) -> list[str]:
    """Lower-cased words, at most MAX_TERMS, duplicates dropped, order kept."""
    seen: list[str] = []
    for word in _WORD.findall((text or "").lower()):
        if word not in seen:
            seen.append(word)
    return seen[:MAX_TERMS]


def fts5_query(text: str) -> str:
    """e.g. 'Food bank!' -> '"food"* AND "bank"*' (empty string when nothing to search)."""
    return " AND ".join(f'"{t}"*' for t in terms(text))


def tsquery(text: str) -> str:
    """PostgreSQL to_tsquery('simple', …) text, e.g. 'food:* & bank:*'."""
    return " & ".join(f"{t}:*" for t in terms(text))
