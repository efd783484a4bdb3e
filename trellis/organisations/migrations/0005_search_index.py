"""One search index for words and filters (see benchmarks/README.md and trellis/organisations/domain/search.py).

For each organisation the index holds the words of its name and description and a set of "facet" terms for
what the directory filters on (active or inactive, wards, service types, client groups, band, tier, sector, borough-wide,
local, consortium). A search is then one index query, and counting its results reads the index alone.

SQLite: the FTS5 table ``organisations_fts`` gains a ``facets`` column. Its content comes from the view
``organisations_search_source``, which spells each organisation's facet terms from its row and its wards,
service types and client groups. Triggers keep the index in step: before a change, the organisation's entry is
removed using the view's current (old) values; after the change, it is added again from the view's new values.
Through-table rows are only ever inserted and deleted (Django never updates them), so those are the events
watched there. The narrow filter index of migration 0004 is no longer needed: counts come from the index.

PostgreSQL: a narrow table ``organisations_search`` (organisation id, tsvector of words and facet terms, without
word positions, which search never uses) with a GIN index replaces the ``search_vector`` column of migration 0004. Facet terms start with an underscore so no
typed prefix can match one. Statement-level triggers with transition tables refresh the documents of every
organisation a statement touched, once per statement, so bulk inserts stay fast. Deletes and TRUNCATE of the
organisations table remove documents too. The table has no foreign key, so that Django's test flush (a plain
TRUNCATE of the model tables) still works; the TRUNCATE trigger keeps the two in step instead.
"""

from django.db import migrations

from trellis.core.migration_tools import vendor_sql

ORG = "organisations_organisation"
THROUGH = {
    "wards": "organisations_organisation_wards",
    "service_types": "organisations_organisation_service_types",
    "client_groups": "organisations_organisation_client_groups",
}

# ---------------------------------------------------------------------------------------------------------------
# SQLite


def _facet_list(table: str, column: str, spell: str) -> str:
    return (
        f"coalesce((SELECT group_concat(term, ' ') FROM (SELECT {spell} AS term FROM {table} "
        f"WHERE organisation_id = o.id ORDER BY {column})), '')"
    )


SQLITE_VIEW = f"""CREATE VIEW organisations_search_source AS
SELECT o.id, o.name, o.description,
  CASE WHEN o.is_active THEN 'active ' ELSE 'inactive ' END
  || CASE WHEN o.is_consortium THEN 'consortium ' ELSE '' END
  || CASE WHEN o.borough_wide THEN 'boroughwide ' ELSE '' END
  || CASE WHEN o.registered_office_in_place THEN 'local ' ELSE '' END
  || 'b' || lower(hex(o.income_band)) || ' t' || o.accreditation_tier || ' x' || lower(hex(o.sector)) || ' '
  || {_facet_list(THROUGH["wards"], "ward_id", "'w' || ward_id")} || ' '
  || {_facet_list(THROUGH["service_types"], "servicetype_id", "'s' || lower(hex(servicetype_id))")} || ' '
  || {_facet_list(THROUGH["client_groups"], "clientgroup_id", "'c' || lower(hex(clientgroup_id))")} AS facets
FROM {ORG} o"""

SQLITE_FTS = """CREATE VIRTUAL TABLE organisations_fts USING fts5(
  name, description, facets, content='organisations_search_source', content_rowid='id',
  tokenize='unicode61 remove_diacritics 2', prefix='2 3')"""


def _remove(id_expr: str) -> str:
    return (
        "INSERT INTO organisations_fts(organisations_fts, rowid, name, description, facets) "
        f"SELECT 'delete', id, name, description, facets FROM organisations_search_source WHERE id = {id_expr};"
    )


def _add(id_expr: str) -> str:
    return (
        "INSERT INTO organisations_fts(rowid, name, description, facets) "
        f"SELECT id, name, description, facets FROM organisations_search_source WHERE id = {id_expr};"
    )


def _trigger(name: str, when: str, table: str, body: str) -> str:
    return f"CREATE TRIGGER {name} {when} ON {table} BEGIN {body} END"


# (name, CREATE TRIGGER statement): the benchmark drops these for a bulk load and rebuilds the index after.
SQLITE_TRIGGERS = [
    ("organisations_fts_ai", _trigger("organisations_fts_ai", "AFTER INSERT", ORG, _add("new.id"))),
    ("organisations_fts_bu", _trigger("organisations_fts_bu", "BEFORE UPDATE", ORG, _remove("old.id"))),
    ("organisations_fts_au", _trigger("organisations_fts_au", "AFTER UPDATE", ORG, _add("new.id"))),
    ("organisations_fts_bd", _trigger("organisations_fts_bd", "BEFORE DELETE", ORG, _remove("old.id"))),
]
for _short, _table in THROUGH.items():
    SQLITE_TRIGGERS += [
        (
            f"organisations_fts_{_short}_bi",
            _trigger(f"organisations_fts_{_short}_bi", "BEFORE INSERT", _table, _remove("new.organisation_id")),
        ),
        (
            f"organisations_fts_{_short}_ai",
            _trigger(f"organisations_fts_{_short}_ai", "AFTER INSERT", _table, _add("new.organisation_id")),
        ),
        (
            f"organisations_fts_{_short}_bd",
            _trigger(f"organisations_fts_{_short}_bd", "BEFORE DELETE", _table, _remove("old.organisation_id")),
        ),
        (
            f"organisations_fts_{_short}_ad",
            _trigger(f"organisations_fts_{_short}_ad", "AFTER DELETE", _table, _add("old.organisation_id")),
        ),
    ]

SQLITE_UP = [
    "DROP TRIGGER IF EXISTS organisations_fts_ai",
    "DROP TRIGGER IF EXISTS organisations_fts_ad",
    "DROP TRIGGER IF EXISTS organisations_fts_au",
    "DROP TABLE IF EXISTS organisations_fts",
    "DROP INDEX IF EXISTS organisations_search_filters",
    SQLITE_VIEW,
    SQLITE_FTS,
    *(sql for _, sql in SQLITE_TRIGGERS),
    "INSERT INTO organisations_fts(organisations_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name, _ in SQLITE_TRIGGERS),
    "DROP TABLE IF EXISTS organisations_fts",
    "DROP VIEW IF EXISTS organisations_search_source",
    # Migration 0002's index and triggers, and 0004's filter index.
    """CREATE VIRTUAL TABLE organisations_fts USING fts5(
         name, description, content='organisations_organisation', content_rowid='id',
         tokenize='unicode61 remove_diacritics 2', prefix='2 3')""",
    """CREATE TRIGGER organisations_fts_ai AFTER INSERT ON organisations_organisation BEGIN
         INSERT INTO organisations_fts(rowid, name, description) VALUES (new.id, new.name, new.description);
       END""",
    """CREATE TRIGGER organisations_fts_ad AFTER DELETE ON organisations_organisation BEGIN
         INSERT INTO organisations_fts(organisations_fts, rowid, name, description)
         VALUES ('delete', old.id, old.name, old.description);
       END""",
    """CREATE TRIGGER organisations_fts_au AFTER UPDATE OF name, description ON organisations_organisation BEGIN
         INSERT INTO organisations_fts(organisations_fts, rowid, name, description)
         VALUES ('delete', old.id, old.name, old.description);
         INSERT INTO organisations_fts(rowid, name, description) VALUES (new.id, new.name, new.description);
       END""",
    "INSERT INTO organisations_fts(organisations_fts) VALUES ('rebuild')",
    """CREATE INDEX organisations_search_filters ON organisations_organisation
       (id, is_active, is_consortium, borough_wide, income_band, accreditation_tier, sector,
        registered_office_in_place)""",
]

# ---------------------------------------------------------------------------------------------------------------
# PostgreSQL


def _pg_facets(table: str, prefix: str, expr: str) -> str:
    return f"ARRAY(SELECT '{prefix}' || {expr} FROM {table} WHERE organisation_id = o.id)"


def _hex(column: str) -> str:
    return f"encode(convert_to({column}, 'UTF8'), 'hex')"


PG_UP = [
    "CREATE TABLE organisations_search (organisation_id bigint PRIMARY KEY, document tsvector NOT NULL)",
    f"""CREATE FUNCTION organisations_search_document(o {ORG}) RETURNS tsvector LANGUAGE sql STABLE AS $$
      SELECT strip(to_tsvector('simple', coalesce(o.name, '') || ' ' || coalesce(o.description, '')))
        || array_to_tsvector(array_remove(ARRAY[
             CASE WHEN o.is_active THEN '_active' ELSE '_inactive' END,
             CASE WHEN o.is_consortium THEN '_consortium' END,
             CASE WHEN o.borough_wide THEN '_boroughwide' END,
             CASE WHEN o.registered_office_in_place THEN '_local' END,
             '_b' || {_hex("o.income_band")},
             '_t' || o.accreditation_tier,
             '_x' || {_hex("o.sector")}], NULL)
           || {_pg_facets(THROUGH["wards"], "_w", "ward_id")}
           || {_pg_facets(THROUGH["service_types"], "_s", _hex("servicetype_id"))}
           || {_pg_facets(THROUGH["client_groups"], "_c", _hex("clientgroup_id"))})
    $$""",
    f"""CREATE FUNCTION organisations_search_refresh(ids bigint[]) RETURNS void LANGUAGE sql AS $$
      INSERT INTO organisations_search (organisation_id, document)
      SELECT o.id, organisations_search_document(o) FROM {ORG} o WHERE ids IS NULL OR o.id = ANY(ids)
      ON CONFLICT (organisation_id) DO UPDATE SET document = EXCLUDED.document
    $$""",
    """CREATE FUNCTION organisations_search_orgs_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM organisations_search_refresh(ARRAY(SELECT id FROM changed));
        RETURN NULL;
      END $$""",
    """CREATE FUNCTION organisations_search_orgs_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM organisations_search WHERE organisation_id IN (SELECT id FROM changed);
        RETURN NULL;
      END $$""",
    """CREATE FUNCTION organisations_search_orgs_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        TRUNCATE organisations_search;
        RETURN NULL;
      END $$""",
    """CREATE FUNCTION organisations_search_links_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM organisations_search_refresh(ARRAY(SELECT DISTINCT organisation_id FROM changed));
        RETURN NULL;
      END $$""",
    """CREATE FUNCTION organisations_search_links_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM organisations_search_refresh(NULL);
        RETURN NULL;
      END $$""",
    # One round trip for a search: the exact count, and every matching id when there are at most id_limit.
    # The count must come from the GIN index: for a word in half the directory the planner would rather read
    # the whole table and test every row (40 ms at 100,000 organisations) than use the index and visit the
    # matching rows (24 ms). Parallel workers cost more to start than they save on this narrow table, and one
    # web request should not take three processes. The SET clauses last only while the function runs.
    """CREATE FUNCTION organisations_search_match(q tsquery, id_limit integer, OUT total bigint, OUT ids bigint[])
      LANGUAGE plpgsql STABLE SET enable_seqscan = off SET max_parallel_workers_per_gather = 0 AS $$
      BEGIN
        SELECT count(*) INTO total FROM organisations_search WHERE document @@ q;
        IF total <= id_limit THEN
          ids := ARRAY(SELECT organisation_id FROM organisations_search WHERE document @@ q);
        END IF;
      END $$""",
    f"""CREATE TRIGGER organisations_search_ai AFTER INSERT ON {ORG} REFERENCING NEW TABLE AS changed
        FOR EACH STATEMENT EXECUTE FUNCTION organisations_search_orgs_changed()""",
    f"""CREATE TRIGGER organisations_search_au AFTER UPDATE ON {ORG} REFERENCING NEW TABLE AS changed
        FOR EACH STATEMENT EXECUTE FUNCTION organisations_search_orgs_changed()""",
    f"""CREATE TRIGGER organisations_search_ad AFTER DELETE ON {ORG} REFERENCING OLD TABLE AS changed
        FOR EACH STATEMENT EXECUTE FUNCTION organisations_search_orgs_deleted()""",
    f"""CREATE TRIGGER organisations_search_at AFTER TRUNCATE ON {ORG}
        FOR EACH STATEMENT EXECUTE FUNCTION organisations_search_orgs_truncated()""",
    *(
        sql
        for short, table in THROUGH.items()
        for sql in (
            f"""CREATE TRIGGER organisations_search_{short}_ai AFTER INSERT ON {table}
                REFERENCING NEW TABLE AS changed
                FOR EACH STATEMENT EXECUTE FUNCTION organisations_search_links_changed()""",
            f"""CREATE TRIGGER organisations_search_{short}_ad AFTER DELETE ON {table}
                REFERENCING OLD TABLE AS changed
                FOR EACH STATEMENT EXECUTE FUNCTION organisations_search_links_changed()""",
            f"""CREATE TRIGGER organisations_search_{short}_au_old AFTER UPDATE ON {table}
                REFERENCING OLD TABLE AS changed
                FOR EACH STATEMENT EXECUTE FUNCTION organisations_search_links_changed()""",
            f"""CREATE TRIGGER organisations_search_{short}_au_new AFTER UPDATE ON {table}
                REFERENCING NEW TABLE AS changed
                FOR EACH STATEMENT EXECUTE FUNCTION organisations_search_links_changed()""",
            f"""CREATE TRIGGER organisations_search_{short}_at AFTER TRUNCATE ON {table}
                FOR EACH STATEMENT EXECUTE FUNCTION organisations_search_links_truncated()""",
        )
    ),
    "SELECT organisations_search_refresh(NULL)",
    "CREATE INDEX organisations_search_gin ON organisations_search USING GIN (document)",
    # Migration 0004's column of words on the organisations table is replaced by the table above.
    f"DROP TRIGGER IF EXISTS organisations_search_vector ON {ORG}",
    "DROP INDEX IF EXISTS organisations_search_vector_gin",
    f"ALTER TABLE {ORG} DROP COLUMN IF EXISTS search_vector",
]
PG_DOWN = [
    f"ALTER TABLE {ORG} ADD COLUMN search_vector tsvector",
    f"UPDATE {ORG} SET search_vector = to_tsvector('simple', name || ' ' || description)",
    f"""CREATE TRIGGER organisations_search_vector BEFORE INSERT OR UPDATE OF name, description
       ON {ORG} FOR EACH ROW
       EXECUTE FUNCTION tsvector_update_trigger(search_vector, 'pg_catalog.simple', name, description)""",
    f"CREATE INDEX organisations_search_vector_gin ON {ORG} USING GIN (search_vector)",
    *(
        f"DROP TRIGGER IF EXISTS organisations_search_{short}_{event} ON {table}"
        for short, table in THROUGH.items()
        for event in ("ai", "ad", "au_old", "au_new", "at")
    ),
    *(f"DROP TRIGGER IF EXISTS organisations_search_{event} ON {ORG}" for event in ("ai", "au", "ad", "at")),
    "DROP FUNCTION IF EXISTS organisations_search_match(tsquery, integer)",
    "DROP FUNCTION IF EXISTS organisations_search_links_truncated()",
    "DROP FUNCTION IF EXISTS organisations_search_links_changed()",
    "DROP FUNCTION IF EXISTS organisations_search_orgs_truncated()",
    "DROP FUNCTION IF EXISTS organisations_search_orgs_deleted()",
    "DROP FUNCTION IF EXISTS organisations_search_orgs_changed()",
    "DROP FUNCTION IF EXISTS organisations_search_refresh(bigint[])",
    f"DROP FUNCTION IF EXISTS organisations_search_document({ORG})",
    "DROP TABLE IF EXISTS organisations_search",
]


class Migration(migrations.Migration):
    dependencies = [("organisations", "0004_search_speed")]
    operations = [
        vendor_sql({"sqlite": SQLITE_UP, "postgresql": PG_UP}, {"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}),
    ]
