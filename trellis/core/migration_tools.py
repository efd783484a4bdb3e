"""Helpers for migrations that need different SQL on SQLite and PostgreSQL."""

from django.db import migrations


def vendor_sql(up: dict[str, list[str]], down: dict[str, list[str]]) -> migrations.RunPython:
    """A RunPython operation that runs the statements for the connection's vendor."""

    def runner(statements_by_vendor):
        def run(apps, schema_editor):
            for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
                schema_editor.execute(sql)

        return run

    return migrations.RunPython(runner(up), runner(down))
