"""Read a PostgreSQL database in READ ONLY transactions: one per read, or one that a session's reads share."""

import contextlib

from ..onestate import Changed
from .errors import error_for, psycopg_module

__all__ = ["Reading", "RELATIONS", "IN_SCHEMA"]

RELATIONS = "('r', 'p', 'v', 'm', 'f')"  # tables, partitioned tables, views, materialized views, foreign tables
IN_SCHEMA = "c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())"
_NAMES = (f"SELECT current_schema(), coalesce(array_agg(c.relname::text ORDER BY c.relname), '{{}}') "
          f"FROM pg_class c WHERE {IN_SCHEMA} AND c.relkind IN {RELATIONS}")


class Reading:
    """The reading part of the PostgreSQL backend: its connections, transactions and the schema's names.

    Uses the backend's connect() and ROLE (Django's assume_role). A new server process costs a connection
    and cold catalog caches (about 3 ms on a Unix socket); session() pays that once for many reads.
    """

    _session = None  # (connection, {what was read once: answer}) while a session is open

    @contextlib.contextmanager
    def _reading(self):
        """Yield a connection inside a READ ONLY transaction; nothing done through it can write.

        REPEATABLE READ: every statement of the transaction sees the same snapshot. Inside session(), the
        session's own connection and transaction.
        """
        psycopg = psycopg_module()
        if self._session is not None:
            try:
                yield self._session[0]
            except psycopg.errors.UndefinedTable:
                if self.snapshot is None:
                    raise
                # A table the snapshot lists is gone from the catalog (a name is looked up there, not in the
                # snapshot): it was dropped since, a change the snapshot cannot hide.
                raise Changed() from None
            return
        connection = self.connect()
        try:
            connection.read_only = True  # psycopg opens the transaction with BEGIN READ ONLY ...
            connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            with connection.transaction():
                # wait briefly, not forever, behind a migrate holding ACCESS EXCLUSIVE locks
                connection.execute("SET LOCAL lock_timeout = '3s'")
                if self.role:
                    connection.execute(psycopg.sql.SQL("SET LOCAL ROLE {}").format(psycopg.sql.Identifier(self.role)))
                yield connection
        except psycopg.Error as error:
            raise error_for(error, self) from None
        finally:
            connection.close()

    @contextlib.contextmanager
    def session(self):
        """Within the block every read shares one connection and one READ ONLY transaction: one snapshot."""
        if self._session is not None:
            yield self
            return
        with self._reading() as connection:
            self._session = (connection, {})
            try:
                yield self
            finally:
                self._session = None

    @contextlib.contextmanager
    def one_state(self):
        """Within the block every read, the kernel's and the probe's, sees one snapshot: a session whose snapshot is
        exported, its id in ``snapshot`` for the probe's transaction to import (SET TRANSACTION SNAPSHOT)."""
        if self.snapshot is not None:
            yield self
            return
        with self.session(), self._reading() as connection:
            self._session[1]["snapshot"] = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
            yield self

    @property
    def snapshot(self):
        """Return the id of the snapshot a one_state() block exported, or None outside one."""
        return self._session[1].get("snapshot") if self._session is not None else None

    def changed(self):
        """Return False: a one_state() block reads one snapshot (a change it cannot hide raises Changed)."""
        return False

    def _relations(self, connection):
        """Return (the current schema, the sorted names of its tables and views); read once in a session."""
        known = self._session[1] if self._session is not None else {}
        if "relations" not in known:
            schema, names = connection.execute(_NAMES).fetchone()
            known["relations"] = (schema, list(names))
        return known["relations"]

    def _names(self, connection):
        return self._relations(connection)[1]

    def _table(self, connection, table):
        """Quote TABLE, qualified by the current schema so a same-named table later in search_path is not read."""
        return psycopg_module().sql.Identifier(self._relations(connection)[0], table).as_string(connection)
