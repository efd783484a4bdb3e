"""The directory's search index as each database holds it (migration 0005): matching, counting, and the plan.

One index query (``domain.search.IndexQuery``: words and filters together) selects the organisations. The
index answers "how many" by itself, from its posting lists, without visiting the organisations table; that
count then picks how the first page is read:

- many matches: walk the organisations in name order (an index of active organisations by name) and keep the
  ones the index matched, stopping after a page -- the matches are dense, so a page is found quickly;
- few matches: take the matches and sort them -- walking would pass many names that do not match.

Why and how this was measured: benchmarks/README.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import BooleanField, F, QuerySet
from django.db.models.expressions import Expression
from django.db.models.sql.where import WhereNode

from trellis.organisations.domain.search import IndexQuery, fts5_match, pg_tsqueries

# Above this many matches, the first page in name order is read by walking the name index. Below it, sorting
# the matches is cheaper. Measured at 100,000 organisations: both plans take about 1 ms at 2,000 matches.
WALK_FROM = 2000


def _pg_tsquery(query: IndexQuery) -> tuple[str, list[str]]:
    words, facets = pg_tsqueries(query)
    if words:
        return "(to_tsquery('simple', %s) && %s::tsquery)", [words, facets]
    return "%s::tsquery", [facets]


@dataclass(frozen=True)
class Matches:
    """How many organisations a search matches, and their ids when there are few enough to sort."""

    count: int
    ids: list[int] | None


def match(query: IndexQuery, *, id_limit: int, using: str = "default") -> Matches:
    """Ask the index alone how many organisations match, and which ones if there are at most ``id_limit``."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # one round trip: a function of migration 0005
            tsquery, params = _pg_tsquery(query)
            sql = f"SELECT total, ids FROM organisations_search_match({tsquery}, %s)"  # noqa: S608 - values are params
            cursor.execute(sql, [*params, id_limit])
            total, ids = cursor.fetchone()
            return Matches(int(total), ids)
        fts = "FROM organisations_fts WHERE organisations_fts MATCH %s"
        cursor.execute(f"SELECT rowid {fts} LIMIT %s", [fts5_match(query), id_limit + 1])
        found = [row[0] for row in cursor.fetchall()]
        if len(found) <= id_limit:
            return Matches(len(found), found)
        cursor.execute(f"SELECT count(*) {fts}", [fts5_match(query)])
        return Matches(int(cursor.fetchone()[0]), None)


class IndexMatch(Expression):
    """``<organisation>.id IN (the ids the index matches)``.

    With ``lead=False`` on SQLite the id is written ``+id``, which stops SQLite from starting with the match
    (and then sorting); it walks the name index instead and checks each id against the matches. PostgreSQL
    chooses from its statistics; leaving out ``is_active`` (see ``search()``) is what keeps it off the walk.
    """

    output_field = BooleanField()

    def __init__(self, query: IndexQuery, *, lead: bool = True) -> None:
        super().__init__()
        self.query = query
        self.lead = lead
        self.pk: Any = F("pk")  # resolved to the table's column, with its alias, when the query compiles

    def get_source_expressions(self):
        return [self.pk]

    def set_source_expressions(self, exprs):
        (self.pk,) = exprs

    def as_sql(self, compiler, connection):
        column, _ = compiler.compile(self.pk)
        if connection.vendor == "postgresql":
            tsquery, params = _pg_tsquery(self.query)
            match = f"SELECT 1 FROM organisations_search WHERE organisation_id = {column} AND document @@ {tsquery}"  # noqa: S608
            if self.lead:
                return f"EXISTS ({match})", params
            # OFFSET 0 keeps this a check made row by row as the names are walked: otherwise the planner may
            # turn it into a join that reads every match, because it guesses how many rows several words match
            # by multiplying their frequencies, which is far too few when words go together ("mental health").
            return f"EXISTS ({match} OFFSET 0)", params
        plus = "" if self.lead else "+"
        sql = f"{plus}{column} IN (SELECT rowid FROM organisations_fts WHERE organisations_fts MATCH %s)"  # noqa: S608
        return sql, [fts5_match(self.query)]


class AmongIds(Expression):
    """``<organisation>.id`` is one of ``ids``, sent as one parameter (a PostgreSQL array, a JSON list for
    SQLite) rather than one placeholder per id, which costs Django and the driver about 1 ms per 1,000 ids."""

    output_field = BooleanField()

    def __init__(self, ids: list[int]) -> None:
        super().__init__()
        self.ids = [int(i) for i in ids]
        self.pk: Any = F("pk")

    def get_source_expressions(self):
        return [self.pk]

    def set_source_expressions(self, exprs):
        (self.pk,) = exprs

    def as_sql(self, compiler, connection):
        column, _ = compiler.compile(self.pk)
        if connection.vendor == "postgresql":
            return f"{column} = ANY(%s::bigint[])", [self.ids]
        return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(self.ids)]  # noqa: S608


def _shape(node: Any) -> Any:
    """What a WHERE clause is made of: nested groups, and the identity of each condition in them.

    Cloning a queryset copies the groups but shares the conditions, so a clone has the same shape; a further
    filter or exclude adds a condition and changes it.
    """
    if isinstance(node, WhereNode):
        return (node.connector, node.negated, tuple(_shape(child) for child in node.children))
    return id(node)


class KnownCountQuerySet(QuerySet):
    """A queryset that already knows how many rows it has, because the search index counted them.

    ``count()`` returns that number while the queryset's conditions are the ones that were counted; ordering,
    prefetching and choosing columns keep it. Any further filter, a slice, ``distinct()`` or a combination
    makes ``count()`` ask the database again.
    """

    _known: tuple[Any, int] | None = None

    def _clone(self):
        clone = super()._clone()  # type: ignore[misc]  # a private method the stubs leave out
        clone._known = self._known
        return clone

    def count(self) -> int:
        if (
            self._known is not None
            and self._result_cache is None
            and not (self.query.is_sliced or self.query.distinct or self.query.combinator or self.query.is_empty())
            and _shape(self.query.where) == self._known[0]
        ):
            return self._known[1]
        return super().count()


def with_known_count(qs: QuerySet, found: int) -> KnownCountQuerySet:
    """``qs`` as a KnownCountQuerySet holding ``found`` as the count of its current conditions."""
    known = KnownCountQuerySet(model=qs.model, query=qs.query.chain(), using=qs.db)
    known._known = (_shape(known.query.where), found)
    return known
