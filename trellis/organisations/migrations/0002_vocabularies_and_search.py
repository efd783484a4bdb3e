"""Load the controlled vocabularies, and build the full-text search index.

SQLite: an FTS5 table kept in step by triggers. PostgreSQL: a GIN index on the tsvector of
name and description, and a trigram index on names (pg_trgm).
"""

from django.db import migrations

from trellis.core.migration_tools import vendor_sql
from trellis.organisations import vocabularies


def load_vocabularies(apps, schema_editor):
    vocabularies.load_vocabularies(lambda name: apps.get_model("organisations", name))


SQLITE_UP = [
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
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS organisations_fts_ai",
    "DROP TRIGGER IF EXISTS organisations_fts_ad",
    "DROP TRIGGER IF EXISTS organisations_fts_au",
    "DROP TABLE IF EXISTS organisations_fts",
]
PG_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE INDEX organisations_fts_gin ON organisations_organisation
       USING GIN (to_tsvector('simple', name || ' ' || description))""",
    """CREATE INDEX organisations_name_trgm ON organisations_organisation USING GIN (name gin_trgm_ops)""",
]
PG_DOWN = [
    "DROP INDEX IF EXISTS organisations_fts_gin",
    "DROP INDEX IF EXISTS organisations_name_trgm",
]


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [
        migrations.RunPython(load_vocabularies, migrations.RunPython.noop),
        vendor_sql({"sqlite": SQLITE_UP, "postgresql": PG_UP}, {"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}),
    ]
