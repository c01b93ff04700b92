"""The SQLite backend: read a project's SQLite file read-only, and guard a migrate on it."""

import contextlib
import sqlite3

import pandas as pd

from ...display.terminal import manage_line
from ...exceptions import DatabaseLockedError, NotADatabaseError
from ..quoting import quote_name
from .guard import restored_on_error
from .locks import blocks
from .read import Watch, check_database, check_unlocked, read_only

__all__ = ["SQLite"]

# SQLite reports these declared types in capitals (PRAGMA table_info), whatever the CREATE TABLE said.
_SQLITE_TYPES = {"int", "integer", "real", "text", "blob", "any"}


def _names(connection):
    if connection is None:
        return []
    rows = connection.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
        "AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )
    return [name for (name,) in rows]


class SQLite:
    """A project's SQLite file (it may not exist yet). Every read is read-only: it never writes to the file."""

    vendor = "sqlite"
    rehearses = False  # the probe rehearses a plan's SQL in a temporary copy of the file itself (_probe/shadow.py)

    def __init__(self, path):
        self.path = path

    def __repr__(self):
        return f"<SQLite {self.path.name}>"

    @property
    def label(self):
        """Return how messages name the database: its file name."""
        return self.path.name

    @contextlib.contextmanager
    def session(self):
        """Yield this backend: each read opens the file itself (a SQLite connection costs microseconds)."""
        yield self

    snapshot = None  # no snapshot that a probe could share: one_state() watches the file instead
    _watch = None

    @contextlib.contextmanager
    def one_state(self):
        """Yield this backend; changed() then says whether anything was committed to the file since the block began.

        SQLite's readers cannot share a read transaction across processes (holding one while the probe reads
        could deadlock it with a writer waiting to commit), so an answer read in the block is read again if so.
        """
        if self._watch is not None:
            yield self
            return
        self._watch = Watch(self.path)
        try:
            yield self
        finally:
            self._watch.close()
            self._watch = None

    def changed(self):
        """Return True if the file changed since the one_state() block began (False outside one)."""
        return self._watch is not None and self._watch.changed()

    def check(self):
        """Raise NotADatabaseError if the file exists but SQLite cannot read it; a missing or busy file is fine."""
        check_database(self.path)

    def left_over(self):
        """Return []: the guard keeps its copy of a SQLite file in an unnamed file, gone with its process (Linux)."""
        return []

    def ledger_rows(self):
        """Return the django_migrations rows (id, app, name, applied) by id, or None if there is no such table."""
        with read_only(self.path) as connection:
            if connection is None or not connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
            ).fetchone():
                return None
            return pd.read_sql_query("SELECT id, app, name, applied FROM django_migrations ORDER BY id", connection)

    def table_names(self):
        """Return the sorted table and view names, as sqlite3's ``.tables`` lists them."""
        with read_only(self.path) as connection:
            return _names(connection)

    def columns(self, tables):
        """Return {table: [(column, type, notnull, pk, references)]} for TABLES, which must exist.

        ``references`` is "table.column" for a foreign key, else None.
        """
        found = {}
        with read_only(self.path) as connection:
            for name in tables:
                foreign = {row[3]: f"{row[2]}.{row[4]}"
                           for row in connection.execute(f"PRAGMA foreign_key_list({quote_name(name)})")}
                found[name] = [
                    (column, type_, bool(notnull), bool(pk), foreign.get(column))
                    for _, column, type_, notnull, _default, pk
                    in connection.execute(f"PRAGMA table_info({quote_name(name)})")
                ]
        return found

    def column_names(self):
        """Return {table: [column names]} of every table and view, leaving out virtual tables' shadow tables.

        SQLite makes the shadow tables (an FTS5 table's ``_data``, ``_idx``, ...) itself.
        """
        with read_only(self.path) as connection:
            if connection is None:
                return {}
            shadow = {name for _, name, kind, *_ in connection.execute("PRAGMA main.table_list") if kind == "shadow"}
            return {
                name: [row[1] for row in connection.execute(f"PRAGMA table_info({quote_name(name)})")]
                for name in _names(connection)
                if name not in shadow
            }

    def rows(self, table):
        """Return the rows of TABLE, which must exist, as a DataFrame."""
        with read_only(self.path) as connection:
            return pd.read_sql_query(f"SELECT * FROM {quote_name(table)}", connection)

    def count_rows(self, tables):
        """Return {table: how many rows it has} for TABLES, 0 for a table that is not there."""
        with read_only(self.path) as connection:
            present = set(_names(connection))
            return {
                name: connection.execute(f"SELECT COUNT(*) FROM {quote_name(name)}").fetchone()[0]
                if name in present else 0
                for name in tables
            }

    def table_sizes(self, tables):
        """Return {table: (rows, bytes)} for those of TABLES the file has: rows counted, bytes the pages of the
        table and its indexes (the dbstat table; None where this SQLite lacks it).

        This is a read-only operation - it does not write to the database.
        """
        with read_only(self.path) as connection:
            names, found = set(_names(connection)), {}
            for table in (t for t in tables if t in names):
                rows = connection.execute(f"SELECT COUNT(*) FROM {quote_name(table)}").fetchone()[0]
                btrees = [name for (name,) in connection.execute(
                    "SELECT name FROM sqlite_master WHERE tbl_name = ? AND rootpage > 0", [table])]
                try:  # aggregate mode: one row per b-tree named
                    size = sum(connection.execute("SELECT pgsize FROM dbstat('main', 1) WHERE name = ?",
                                                  [name]).fetchone()[0] or 0 for name in btrees)
                except sqlite3.OperationalError:  # no dbstat table in this SQLite
                    size = None
                found[table] = (rows, size)
            return found

    def blocks(self, rows, sizes, facts):
        """Return what each of a statement's ROWS blocks: its database lock, by journal mode and size (locks.py)."""
        return blocks(rows, sizes, facts)

    def state_type(self, type_):
        """Return a column type of Django's migration state as this database reports it."""
        return type_.upper() if type_.lower() in _SQLITE_TYPES else type_

    def sql_command(self, statement):
        """Return the command that runs STATEMENT on this file: Django's dbshell (the sqlite3 shell), so that it
        runs as it is in a terminal and in %manage."""
        return manage_line("dbshell", "--", statement)

    @contextlib.contextmanager
    def shadow_argv(self, wanted=True):
        """Yield no probe option: the probe makes a SQLite file's shadow itself."""
        yield []

    @contextlib.contextmanager
    def guard(self, args):
        """Put the file back as it was if the body (``manage.py ARGS``, a migrate) raises; refuse a busy file.

        Yields the options that run ``manage.py`` so that the kit can tell its writes from others' (see
        ``restored_on_error``).
        """
        try:
            check_unlocked(self.path)
        except sqlite3.OperationalError as error:
            raise DatabaseLockedError(
                f"`{manage_line(*args)}` not run: {self.path.name} is busy ({error}); "
                f"close the other program or connection that holds it open (e.g. a sqlite3 shell) and run again"
            ) from None
        except sqlite3.DatabaseError as error:
            raise NotADatabaseError.for_file(self.path, error) from None
        with restored_on_error(self.path, args) as launch:
            yield launch
