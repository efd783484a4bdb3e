"""Indexes that keep directory search fast at 100,000 organisations (see benchmarks/README.md).

Both databases:
- each filter's through table gets an index that starts with the filter value, so "everyone in this ward"
  (or with this service type, or serving this client group) is read from an index alone;
- "active organisations by name" and "borough-wide organisations" get small partial indexes.

SQLite: a narrow index of every column search() filters on, keyed by id, so counting the matches of a
full-text query reads that index instead of every matching row.

PostgreSQL: the words of name and description are kept, already parsed, in a ``search_vector`` column
filled by a trigger (the approach the PostgreSQL manual recommends over an expression index: matches
are not re-parsed row by row), with a GIN index; it replaces the expression index of migration 0002.
The column is not a model field: Django never reads or writes it. A trigger rather than a generated
column, so that a later migration can still change the type of ``name`` or ``description``.
"""

from django.db import migrations

from trellis.core.migration_tools import vendor_sql

BOTH_UP = [
    "CREATE INDEX organisations_wards_by_ward ON organisations_organisation_wards (ward_id, organisation_id)",
    """CREATE INDEX organisations_client_groups_by_group
       ON organisations_organisation_client_groups (clientgroup_id, organisation_id)""",
    """CREATE INDEX organisations_service_types_by_type
       ON organisations_organisation_service_types (servicetype_id, organisation_id)""",
    "CREATE INDEX organisations_active_by_name ON organisations_organisation (name, id) WHERE is_active",
    "CREATE INDEX organisations_borough_wide ON organisations_organisation (id) WHERE borough_wide",
]
BOTH_DOWN = [
    "DROP INDEX IF EXISTS organisations_wards_by_ward",
    "DROP INDEX IF EXISTS organisations_client_groups_by_group",
    "DROP INDEX IF EXISTS organisations_service_types_by_type",
    "DROP INDEX IF EXISTS organisations_active_by_name",
    "DROP INDEX IF EXISTS organisations_borough_wide",
]
SQLITE_UP = [
    """CREATE INDEX organisations_search_filters ON organisations_organisation
       (id, is_active, is_consortium, borough_wide, income_band, accreditation_tier, sector,
        registered_office_in_place)""",
]
SQLITE_DOWN = ["DROP INDEX IF EXISTS organisations_search_filters"]
PG_UP = [
    "ALTER TABLE organisations_organisation ADD COLUMN search_vector tsvector",
    "UPDATE organisations_organisation SET search_vector = to_tsvector('simple', name || ' ' || description)",
    """CREATE TRIGGER organisations_search_vector BEFORE INSERT OR UPDATE OF name, description
       ON organisations_organisation FOR EACH ROW
       EXECUTE FUNCTION tsvector_update_trigger(search_vector, 'pg_catalog.simple', name, description)""",
    "CREATE INDEX organisations_search_vector_gin ON organisations_organisation USING GIN (search_vector)",
    "DROP INDEX IF EXISTS organisations_fts_gin",
]
PG_DOWN = [
    """CREATE INDEX organisations_fts_gin ON organisations_organisation
       USING GIN (to_tsvector('simple', name || ' ' || description))""",
    "DROP TRIGGER IF EXISTS organisations_search_vector ON organisations_organisation",
    "ALTER TABLE organisations_organisation DROP COLUMN IF EXISTS search_vector",
]


class Migration(migrations.Migration):
    dependencies = [("organisations", "0003_importjob")]
    operations = [
        vendor_sql(
            {"sqlite": BOTH_UP + SQLITE_UP, "postgresql": BOTH_UP + PG_UP},
            {"sqlite": SQLITE_DOWN + BOTH_DOWN, "postgresql": PG_DOWN + BOTH_DOWN},
        ),
    ]
