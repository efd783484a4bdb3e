"""The database itself refuses to change or delete audit events (append-only)."""

from django.db import migrations

from trellis.core.audit_sql import PG_DOWN, PG_UP, SQLITE_DOWN, SQLITE_UP
from trellis.core.migration_tools import vendor_sql


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]
    operations = [
        vendor_sql({"sqlite": SQLITE_UP, "postgresql": PG_UP}, {"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN})
    ]
