"""The test database: the reference data every test expects, a migrated database kept between local runs, and
copies of the whole database, taken once and put back in well under a second.

Kept between runs (`--reuse-db`): PostgreSQL keeps its test database as pytest-django does. SQLite's test database
lives in memory and would be migrated afresh in every worker (26 migrations, several seconds), so
`reuse_migrated_sqlite` keeps a migrated copy in `var/test-db/`, named by a hash of every migration file, and each
worker copies it into its in-memory database instead of migrating. Any change to a migration gives a new name, so a
stale copy is never used.

Loading the Northbridge demo takes thousands of queries; the browser journeys each need it fresh. So the demo is
loaded once per test session (per xdist worker), a snapshot of the database is taken, and each journey starts from
that snapshot instead of loading it again:

- SQLite (the test database is in memory): `sqlite3.Connection.backup()` copies every page into a second in-memory
  database, and back again. The copy includes the schema, so it is exactly the database that was snapshotted.
- PostgreSQL: `CREATE DATABASE … TEMPLATE` makes a copy of the test database; restoring drops the test database
  and creates it again from that copy. Other sessions (the live server's threads) are ended first, as PostgreSQL
  cannot copy or drop a database anyone is connected to.

Uploaded files are not in the database: `DemoSnapshot` keeps the demo's upload folder beside the database copy.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Protocol

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

#: Tests hash passwords quickly: strong hashing costs a tenth of a second a time and proves nothing here.
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class DatabaseSnapshot(Protocol):
    def restore(self) -> None: ...

    def drop(self) -> None: ...


class SqliteSnapshot:
    """An in-memory copy of an SQLite database, restored page for page."""

    def __init__(self, alias: str = "default") -> None:
        self.alias = alias
        connection = connections[alias]
        connection.ensure_connection()
        self._copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(self._copy)

    def restore(self) -> None:
        connection = connections[self.alias]
        connection.ensure_connection()
        self._copy.backup(connection.connection)

    def drop(self) -> None:
        self._copy.close()


class PostgresSnapshot:
    """A copy of a PostgreSQL database made with CREATE DATABASE … TEMPLATE."""

    def __init__(self, alias: str = "default", suffix: str = "snapshot") -> None:
        self.alias = alias
        self.database = connections[alias].settings_dict["NAME"]
        self.copy = f"{self.database}_{suffix}"
        with self._maintenance() as cursor:
            self._end_sessions(cursor, self.database)
            cursor.execute(f"DROP DATABASE IF EXISTS {self._quote(self.copy)}")
            cursor.execute(f"CREATE DATABASE {self._quote(self.copy)} TEMPLATE {self._quote(self.database)}")

    def restore(self) -> None:
        with self._maintenance() as cursor:
            self._end_sessions(cursor, self.database)
            cursor.execute(f"DROP DATABASE {self._quote(self.database)}")
            cursor.execute(f"CREATE DATABASE {self._quote(self.database)} TEMPLATE {self._quote(self.copy)}")

    def drop(self) -> None:
        with self._maintenance() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {self._quote(self.copy)}")

    def _maintenance(self):
        """A cursor on the server's maintenance database, with this process's own session to the test database
        closed (Django reconnects on the next query)."""
        connection = connections[self.alias]
        connection.close()
        return connection._nodb_cursor()

    def _quote(self, name: str) -> str:
        return connections[self.alias].ops.quote_name(name)

    @staticmethod
    def _end_sessions(cursor, database: str) -> None:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [database],
        )


def ensure_reference_data() -> None:
    """Data that migrations load (the vocabularies) is gone after a transactional test's flush:
    put it back, so tests do not depend on which ran before them in the same worker."""
    from django.apps import apps

    from trellis.organisations.models import ServiceType
    from trellis.organisations.vocabularies import load_vocabularies

    if not ServiceType.objects.exists():
        load_vocabularies(lambda name: apps.get_model("organisations", name))


def migrations_fingerprint(root: Path) -> str:
    """A hash of Django's version and every migration file in the project: it changes whenever the schema might."""
    import django

    digest = hashlib.sha256(django.get_version().encode())
    for path in sorted(root.glob("trellis/*/migrations/*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def reuse_migrated_sqlite(alias: str, template: Path) -> None:
    """Make Django's test-database creation for `alias` (an in-memory SQLite database) copy `template` instead of
    migrating, when the template exists; otherwise migrate as usual and save the result as the template."""
    from django.conf import settings

    connection = connections[alias]
    creation = connection.creation
    migrate_and_create = creation.create_test_db

    def create_test_db(verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        if not template.exists():
            name = migrate_and_create(verbosity, autoclobber, serialize, keepdb)
            template.parent.mkdir(parents=True, exist_ok=True)
            partial = template.with_name(f"{template.name}.{os.getpid()}")
            copy = sqlite3.connect(partial)
            connection.connection.backup(copy)
            copy.close()
            os.replace(partial, template)  # whole or not at all, if two workers save at once
            return name
        name = creation._get_test_db_name()
        connection.close()
        settings.DATABASES[alias]["NAME"] = name
        connection.settings_dict["NAME"] = name
        connection.ensure_connection()
        saved = sqlite3.connect(template)
        saved.backup(connection.connection)
        saved.close()
        if serialize:
            connection._test_serialized_contents = creation.serialize_db_to_string()
        return name

    creation.create_test_db = create_test_db


def take_snapshot(alias: str = "default", suffix: str = "snapshot") -> DatabaseSnapshot:
    """A snapshot of the database behind `alias` as it is now."""
    connection: BaseDatabaseWrapper = connections[alias]
    if connection.vendor == "sqlite":
        if not connection.is_in_memory_db():
            raise ValueError("Snapshots of SQLite test databases assume the in-memory test database.")
        return SqliteSnapshot(alias)
    if connection.vendor == "postgresql":
        return PostgresSnapshot(alias, suffix)
    raise ValueError(f"No snapshot support for {connection.vendor}")


class DemoSnapshot:
    """The demo place: a database snapshot and the upload folder that goes with it."""

    def __init__(self, database: DatabaseSnapshot, uploads: Path) -> None:
        self.database = database
        self.uploads = uploads

    def restore(self, media_root: Path) -> None:
        self.database.restore()
        media_root = Path(media_root)
        if media_root.exists():
            shutil.rmtree(media_root)
        shutil.copytree(self.uploads, media_root)

    def drop(self) -> None:
        self.database.drop()
