"""Turning what a person types into a safe full-text query — pure.

Each word becomes a prefix term ("carer" finds "carers"), all words must match, and nothing the
person types can break the query syntax of SQLite FTS5 or PostgreSQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_TERMS = 8
_SHORT = re.compile(r"[a-z0-9]")


def terms(text: str) -> list[str]:
    """Lower-cased words, at most MAX_TERMS, duplicates dropped, order kept.

    A single Latin letter or digit next to longer words is dropped ("food b" searches for "food"): as the start
    of a word it matches almost every organisation, so it narrows nothing and costs the index the most work.
    """
    seen: list[str] = []
    for word in _WORD.findall((text or "").lower()):
        if word not in seen:
            seen.append(word)
    longer = [w for w in seen if not _SHORT.fullmatch(w)]
    return (longer or seen)[:MAX_TERMS]


def fts5_query(text: str) -> str:
    """e.g. 'Food bank!' -> '"food"* AND "bank"*' (empty string when nothing to search)."""
    return " AND ".join(f'"{t}"*' for t in terms(text))


def tsquery(text: str) -> str:
    """PostgreSQL to_tsquery('simple', …) text, e.g. 'food:* & bank:*'."""
    return " & ".join(f"{t}:*" for t in terms(text))


# ---------------------------------------------------------------------------------------------------------------
# Filters as index terms.
#
# The search index holds, for each organisation, its words and a set of "facet" terms that stand for what the
# directory filters on: being active, each ward it works in, each service type, each client group, its income
# band, accreditation tier, sector, and whether it works borough-wide, is local or is a consortium. A whole search
# (words and filters) is then one index query, and the index answers both "which organisations" and "how many"
# from its posting lists, without visiting the organisations table (see benchmarks/README.md).
#
# The database keeps the facet terms up to date by triggers (migration 0005); these functions spell them the
# same way. Codes are hex-encoded, so any code is a single index term made of letters and digits.

ACTIVE = "active"
INACTIVE = "inactive"
BOROUGH_WIDE = "boroughwide"
CONSORTIUM = "consortium"
LOCAL = "local"


def _hex(value: str) -> str:
    return value.encode("utf-8").hex()


def ward_term(ward_id: int) -> str:
    return f"w{int(ward_id)}"


def service_type_term(code: str) -> str:
    return f"s{_hex(code)}"


def client_group_term(code: str) -> str:
    return f"c{_hex(code)}"


def band_term(band: str) -> str:
    return f"b{_hex(band)}"


def tier_term(tier: int) -> str:
    return f"t{int(tier)}"


def sector_term(sector: str) -> str:
    return f"x{_hex(sector)}"


@dataclass(frozen=True)
class IndexQuery:
    """A search as the index sees it: words (each a prefix) and facet groups.

    Every word must match; every group in ``all_of`` must match at least one of its terms; no term in
    ``none_of`` may match. Inactive organisations are left out with ``none_of`` rather than by requiring
    "active": excluding the few inactive ones is cheaper for the index than intersecting with all the others.
    """

    words: tuple[str, ...] = ()
    all_of: tuple[tuple[str, ...], ...] = ()
    none_of: tuple[str, ...] = ()

    @property
    def has_filters(self) -> bool:
        """Whether this narrows the list of active organisations at all."""
        return bool(self.words or self.all_of or set(self.none_of) - {INACTIVE})

    @property
    def positive_groups(self) -> tuple[tuple[str, ...], ...]:
        """``all_of``, or "active" when there is nothing else to match (an index query cannot be only NOTs)."""
        return self.all_of if (self.words or self.all_of) else ((ACTIVE,),)


def index_query(
    text: str,
    *,
    ward_ids: list[int] | None = None,
    wards_chosen: bool = False,
    service_types: list[str] | None = None,
    client_groups: list[str] | None = None,
    bands: list[str] | None = None,
    tiers: list[int] | None = None,
    sectors: list[str] | None = None,
    local_only: bool = False,
    include_consortia: bool = True,
) -> IndexQuery:
    """The index query for a directory search of active organisations.

    ``wards_chosen`` with ``ward_ids`` (which may be empty when no chosen code is known) means "works in any of
    these wards, or borough-wide".
    """
    groups: list[tuple[str, ...]] = []
    if wards_chosen:
        groups.append((*(ward_term(w) for w in ward_ids or []), BOROUGH_WIDE))
    spelled: list[list[str]] = [
        [service_type_term(v) for v in service_types or []],
        [client_group_term(v) for v in client_groups or []],
        [band_term(v) for v in bands or []],
        [tier_term(v) for v in tiers or []],
        [sector_term(v) for v in sectors or []],
    ]
    groups += [tuple(dict.fromkeys(group)) for group in spelled if group]
    if local_only:
        groups.append((LOCAL,))
    return IndexQuery(
        words=tuple(terms(text)),
        all_of=tuple(groups),
        none_of=(INACTIVE,) if include_consortia else (INACTIVE, CONSORTIUM),
    )


def fts5_match(query: IndexQuery) -> str:
    """SQLite FTS5: words in the name and description columns, facet terms in the facets column.

    e.g. '{name description}: ("food"* AND "bank"*) AND facets: ("w3" OR "boroughwide") NOT facets: ("inactive")'
    """
    parts = []
    if query.words:
        parts.append("{name description}: (" + " AND ".join(f'"{w}"*' for w in query.words) + ")")
    parts += ["facets: (" + " OR ".join(f'"{t}"' for t in group) + ")" for group in query.positive_groups]
    match = " AND ".join(parts)
    for term in query.none_of:
        match += f' NOT facets: ("{term}")'
    return match


def pg_tsqueries(query: IndexQuery) -> tuple[str, str]:
    """PostgreSQL: (words for ``to_tsquery('simple', …)``, facets as a ``::tsquery`` literal).

    Facet terms are stored with a leading underscore, which no word of name or description can have (the parser
    splits on it) and no search word can have (``terms`` keeps letters and digits only), so a word typed as a
    prefix never matches a facet. They are passed as a literal so the parser cannot split them.
    """
    words = " & ".join(f"{w}:*" for w in query.words)
    groups = ["(" + " | ".join(f"'_{t}'" for t in group) + ")" for group in query.positive_groups]
    groups += [f"!'_{t}'" for t in query.none_of]
    return words, " & ".join(groups)
