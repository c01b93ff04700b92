"""DatabaseReaders: the part of Sandbox that reads the project's database (read-only) and runs its server."""

import contextlib

from .. import exceptions as exc
from ..project.folders import owned
from .ledger import read_ledger
from .location import open_database, stop_own_server
from .onestate import in_one_state
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
        """Within the block the readers, and the probe's questions, read one state of the database.

        On PostgreSQL one connection, one READ ONLY transaction, whose snapshot the probe imports. On SQLite
        each read is its own, the file watched: in_one_state() reads again if anything was committed meanwhile.
        """
        with self._pin():
            yield self

    @contextlib.contextmanager
    def _pin(self):
        """Yield the backend that every read of the block uses (its one_state()), the outer block's inside one."""
        if self._pinned is not None:
            yield self._pinned
            return
        with self._database().one_state() as database:
            self._pinned = database
            try:
                yield database
            finally:
                self._pinned = None

    def in_one_state(self, read):
        """Return READ() (a function of no arguments that reads this project), true of one state of its database.

        Every reading it makes, the kernel's and the probe's, is of that state: read in one snapshot, or read
        again when another process changed the database meanwhile (a few times at most, then
        ChangingDatabaseError). Inside another in_one_state() or reading() block it is that block's reading.
        """
        if self._pinned is not None:
            return read()
        return in_one_state(self._pin, read)

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
        return self.in_one_state(lambda: read_table(self._database(), name))

    def schema(self, *tables):
        """Return table, column, type, notnull, pk, references for TABLES (default: all). Read-only."""
        return self.in_one_state(lambda: read_schema(self._database(), tables or None))

    def row_counts(self, tables):
        """Return {table: rows} for TABLES, 0 for a table the database lacks. Read-only."""
        return self.in_one_state(lambda: self._database().count_rows(tables))
