"""SQL that makes the database refuse to change or delete audit events (used by migration 0003)."""

SQLITE_UP = [
    """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_delete BEFORE DELETE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete",
]
PG_UP = [
    """CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER core_auditevent_no_change BEFORE UPDATE OR DELETE ON core_auditevent
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only()""",
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_change ON core_auditevent",
    "DROP FUNCTION IF EXISTS core_auditevent_append_only()",
]
