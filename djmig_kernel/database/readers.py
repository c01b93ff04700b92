"""DatabaseReaders: the part of Sandbox that reads the project's database (read-only) and runs its server."""

import contextlib

from .. import exceptions as exc
from ..project.folders import owned
from .ledger import read_ledger
from .location import open_database, stop_own_server
from .schema import read_schema, read_table

__all__ = ["DatabaseReaders"]


class DatabaseReaders:
    """Sandbox's readers: every one reads the database its settings name through its backend, never writing."""

    _pinned = None  # the backend of an open reading() block

    def _database(self):
        """Return the backend that reads the database the project's settings name (read by its Django, once)."""
        return self._pinned or open_database(self.path, owned(self.path))

    @contextlib.contextmanager
    def reading(self):
        """Within the block the readers read one snapshot: on PostgreSQL one connection, one READ ONLY transaction."""
        if self._pinned is not None:
            yield self
            return
        with self._database().session() as database:
            self._pinned = database
            try:
                yield self
            finally:
                self._pinned = None

    @property
    def db_path(self):
        """Return the path of the SQLite file the project's settings name (it may not exist yet); None for PostgreSQL.

        A project the kit made keeps it beside manage.py; any other project's settings are
        read by its Django, once. Another engine raises UnsupportedDatabaseError.
        """
        return self._database().path

    @property
    def database(self):
        """Return "sqlite" or "postgresql": the database the project's settings name."""
        return self._database().vendor

    def stop_database(self):
        """Stop the PostgreSQL server the kit runs for this project; a no-op otherwise. Returns True if it stopped."""
        return stop_own_server(self.path)

    def connect(self, **params):
        """Return a new psycopg connection (autocommit) to the project's PostgreSQL database, for SQL of your own.

        Unlike the readers it may write. PARAMS: other libpq parameters (e.g. application_name). Close it
        before migrate: on the kit's server migrate first copies the database, which needs it unused.
        """
        database = self._database()
        if database.vendor != "postgresql":
            raise exc.UnsupportedDatabaseError(
                f"sb.connect() opens PostgreSQL connections and this project's database is the SQLite file "
                f"{database.path.name}; use sqlite3.connect(sb.db_path), or make the sandbox with database='postgresql'")
        return database.connect(**params)

    def ledger(self):
        """Return the django_migrations table: id, app, name, applied. Read-only."""
        return read_ledger(self._database())

    def tables(self):
        """Return the sorted table names, as sqlite3's .tables shows them. Read-only."""
        return self._database().table_names()

    def table(self, name):
        """Return the rows of table NAME as a DataFrame. Read-only."""
        return read_table(self._database(), name)

    def schema(self, *tables):
        """Return table, column, type, notnull, pk, references for TABLES (default: all). Read-only."""
        return read_schema(self._database(), tables or None)

    def row_counts(self, tables):
        """Return {table: rows} for TABLES, 0 for a table the database lacks. Read-only."""
        return self._database().count_rows(tables)
