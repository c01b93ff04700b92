"""The contract's PostgreSQL side: what tests/real/contract.py asks of a project's database, answered with psycopg."""

import contextlib

import psycopg

from oracle import statements
from pgcorpus import database

# Every table of the public schema, and of each its columns (in their order), type and NOT NULL.
_COLUMNS = """
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY c.relname, a.attnum
"""
_TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
_VIEWS = ("SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
          "WHERE nspname = 'public' AND relkind IN ('v', 'm')")
_POINTED = "SELECT DISTINCT confrelid::regclass::text FROM pg_constraint WHERE contype = 'f'"
# The columns of TABLE that an index or a constraint (primary key, unique, foreign key, check) names.
_BOUND = """
SELECT a.attname FROM pg_attribute a WHERE a.attrelid = %(t)s::regclass AND (
  EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND a.attnum = ANY(i.indkey))
  OR EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = a.attrelid AND a.attnum = ANY(k.conkey)))
"""


class Side:
    """The PostgreSQL side for projects on SETTINGS' server; COPY makes a copy of a project (pgcorpus.Copies)."""

    NAME = "postgresql"

    def __init__(self, settings, copy):
        self.settings, self.copy = settings, copy

    @contextlib.contextmanager
    def _connect(self, sb):
        s = self.settings
        with psycopg.connect(host=s["HOST"], port=s["PORT"], user=s["USER"], dbname=database(sb),
                             autocommit=True) as connection:
            yield connection

    def _rows(self, sb, query, params=None):
        with self._connect(sb) as connection:
            return connection.execute(query, params).fetchall()

    def droppable(self, sb):
        """Return (a table nothing points at, a plain column of another such table) of SB's database."""
        tables = [t for (t,) in self._rows(sb, _TABLES) if t != "django_migrations"]
        pointed = {t for (t,) in self._rows(sb, _POINTED)}
        free = [t for t in tables if t not in pointed and not t.startswith(("django_", "auth_"))]
        for table in free[1:]:
            bound = {c for (c,) in self._rows(sb, _BOUND, {"t": f'"{table}"'})}
            for column, *_ in self.schema(sb)[table]:
                if column not in bound:
                    return free[0], (table, column)
        raise AssertionError("no table and column to drop")

    def drop_table(self, sb, table):
        with self._connect(sb) as connection:
            connection.execute(f'DROP TABLE "{table}"')

    def drop_column(self, sb, table, column):
        with self._connect(sb) as connection:
            connection.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')

    def internal(self, sb):
        """Return the relations of SB's database that are no tables: its views and materialized views (a RunPython
        of django-oscar makes one for an unmanaged model, which no migration state describes)."""
        return {name for (name,) in self._rows(sb, _VIEWS)}

    def schema(self, sb):
        """Return {table: [(column, type, notnull)]} of SB's database (its public schema)."""
        found = {}
        for table, column, kind, notnull in self._rows(sb, _COLUMNS):
            found.setdefault(table, []).append((column, kind, notnull))
        return found

    def counts(self, sb, tables):
        """Return {table: SELECT count(*)} of TABLES in SB's database."""
        with self._connect(sb) as connection:
            return {t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}

    def run(self, sb, shown):
        """Run the shown statements of each step, in the plan's order, each step in a transaction of its own
        (as migrate runs a migration), on SB's database, its rows gone first (as sqlite_side.run_shown)."""
        with self._connect(sb) as connection:
            tables = ", ".join(f'"{t}"' for (t,) in connection.execute(_TABLES).fetchall())
            connection.execute(f"TRUNCATE {tables} CASCADE")
            for lines in shown.values():
                found = statements(lines, mask=False)
                if found:
                    with connection.transaction():
                        connection.execute("\n".join(found))
            connection.execute("DELETE FROM django_migrations")  # the ledger is migrate's, not the SQL's
