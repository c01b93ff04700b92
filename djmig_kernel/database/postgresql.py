"""The PostgreSQL backend: read a project's database read-only (psycopg 3), and keep a failed migrate from half-doing."""

import contextlib
import shlex

import pandas as pd

from .. import exceptions as exc
from .pgerrors import error_for, psycopg_module
from .pgguard import cloned, told
from .pgtypes import normalise_db_type

__all__ = ["PostgreSQL"]

# OPTIONS keys Django consumes itself; everything else in OPTIONS is a libpq connection parameter
_DJANGO_ONLY = {"isolation_level", "server_side_binding", "assume_role", "pool", "prepare_threshold",
                "cursor_factory", "context"}
_RELATIONS = "('r', 'p', 'v', 'm', 'f')"  # tables, partitioned tables, views, materialized views, foreign tables
_SCHEMA = "c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())"
_COLUMNS = f"""
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       EXISTS (SELECT 1 FROM pg_constraint p WHERE p.conrelid = c.oid AND p.contype = 'p'
               AND a.attnum = ANY (p.conkey)),
       (SELECT t.relname || '.' || ta.attname FROM pg_constraint f
          JOIN pg_class t ON t.oid = f.confrelid
          JOIN pg_attribute ta ON ta.attrelid = f.confrelid
           AND ta.attnum = f.confkey[array_position(f.conkey, a.attnum)]
         WHERE f.conrelid = c.oid AND f.contype = 'f' AND a.attnum = ANY (f.conkey)
         ORDER BY f.conname LIMIT 1)
  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
 WHERE {_SCHEMA} AND c.relkind IN {_RELATIONS} AND a.attnum > 0 AND NOT a.attisdropped
 ORDER BY c.relname, a.attnum
"""


class PostgreSQL:
    """The database DATABASES['default'] names, read in READ ONLY transactions in the connection's schema.

    OWN: the server is the one the kit runs in the project's .pgdata (a failed migrate is undone from a
    clone); a learner's own server is never cloned. START_HINT ends the "not running" error.
    """

    vendor = "postgresql"
    path = None  # no file: Sandbox.db_path is None

    def __init__(self, settings, *, own=False, start_hint=None):
        options = dict(settings.get("OPTIONS") or {})
        self.own = own
        self.role = options.get("assume_role")  # Django runs SET ROLE after connecting; so do the readers
        self.params = {k: v for k, v in options.items() if k not in _DJANGO_ONLY}
        name = settings.get("NAME")
        if name is None:
            self.params["dbname"] = "postgres"  # Django's rule: NAME None is the 'postgres' database
        elif name:
            self.params["dbname"] = str(name)
        elif not options.get("service"):
            raise exc.ImproperlyConfiguredError(
                "DATABASES['default']['NAME'] is empty; set it to the database's name (or OPTIONS['service'])")
        for key, param in (("USER", "user"), ("PASSWORD", "password"), ("HOST", "host"), ("PORT", "port")):
            if settings.get(key):
                self.params[param] = str(settings[key])
        self.params.setdefault("connect_timeout", 5)  # an unreachable TCP host fails in seconds, not minutes
        self.params.setdefault("application_name", "djmig")  # so the guard can tell the kit's sessions apart
        self.start_hint = start_hint or "start the PostgreSQL server, or fix HOST/PORT"

    def __repr__(self):
        return f"<PostgreSQL {self.name}>"

    @property
    def name(self):
        """Return the database's name (NAME), or the libpq service that names it."""
        return self.params.get("dbname") or f"service {self.params.get('service')}"

    @property
    def user(self):
        """Return USER, or what libpq uses without one."""
        return self.params.get("user") or "(libpq default)"

    @property
    def where(self):
        """Return where the server is, as HOST and PORT name it."""
        host, port = self.params.get("host", "localhost"), self.params.get("port", "5432")
        if host.startswith("/"):
            return f"the Unix socket in {host} (HOST), port {port} (PORT)"
        return f"{host}:{port} (HOST:PORT)"

    @property
    def label(self):
        """Return how messages name the database; never with the password."""
        return f"PostgreSQL database {self.name!r} as USER {self.user!r} at {self.where}"

    def connect(self, **overrides):
        """Return a new autocommit connection (OVERRIDES: other libpq parameters, e.g. dbname)."""
        psycopg = psycopg_module()
        try:
            return psycopg.connect(autocommit=True, **{**self.params, **overrides})
        except psycopg.Error as error:
            raise error_for(error, self) from None

    @contextlib.contextmanager
    def _reading(self):
        """Yield a connection inside a READ ONLY transaction; nothing done through it can write."""
        psycopg = psycopg_module()
        connection = self.connect()
        try:
            connection.read_only = True  # psycopg opens the transaction with BEGIN READ ONLY
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

    def check(self):
        """Raise the one-line error if the database cannot be read; return its current schema."""
        with self._reading() as connection:
            return connection.execute("SELECT current_schema()").fetchone()[0]

    @staticmethod
    def _names(connection):
        rows = connection.execute(
            f"SELECT c.relname FROM pg_class c WHERE {_SCHEMA} AND c.relkind IN {_RELATIONS} ORDER BY c.relname")
        return [name for (name,) in rows]

    @staticmethod
    def _table(connection, table):
        """Quote TABLE, qualified by the current schema so a same-named table later in search_path is not read."""
        schema = connection.execute("SELECT current_schema()").fetchone()[0]
        return psycopg_module().sql.Identifier(schema, table).as_string(connection)

    def ledger_rows(self):
        """Return the django_migrations rows (id, app, name, applied) by id, or None if there is no such table."""
        with self._reading() as connection:
            if "django_migrations" not in self._names(connection):
                return None
            rows = connection.execute(
                f"SELECT id, app, name, applied FROM {self._table(connection, 'django_migrations')} ORDER BY id"
            ).fetchall()
        return pd.DataFrame(rows, columns=["id", "app", "name", "applied"]).astype({"id": "int64"})

    def table_names(self):
        """Return the sorted names of the tables and views of the connection's current schema."""
        with self._reading() as connection:
            return self._names(connection)

    def _all_columns(self):
        with self._reading() as connection:
            found = {}
            for table, column, type_, notnull, pk, references in connection.execute(_COLUMNS):
                found.setdefault(table, []).append((column, type_, bool(notnull), bool(pk), references))
            return found

    def columns(self, tables):
        """Return {table: [(column, type, notnull, pk, references)]} for TABLES, type as format_type() spells it."""
        found = self._all_columns()
        return {table: found.get(table, []) for table in tables}

    def column_names(self):
        """Return {table: [column names]} of every table and view of the current schema."""
        return {table: [c[0] for c in columns] for table, columns in self._all_columns().items()}

    def rows(self, table):
        """Return SELECT * of TABLE, which must exist, as a DataFrame (its columns even when it has no rows)."""
        with self._reading() as connection:
            cursor = connection.execute(f"SELECT * FROM {self._table(connection, table)}")
            return pd.DataFrame(cursor.fetchall(), columns=[d.name for d in cursor.description])

    def count_rows(self, tables):
        """Return {table: how many rows it has} for TABLES, 0 for a table that is not there."""
        with self._reading() as connection:
            present = set(self._names(connection))
            return {
                t: connection.execute(f"SELECT count(*) FROM {self._table(connection, t)}").fetchone()[0]
                if t in present else 0
                for t in tables
            }

    def state_type(self, type_):
        """Return a column type of Django's migration state (``varchar(100)``) as format_type() prints it."""
        return normalise_db_type(type_)

    def sql_command(self, statement):
        """Return the terminal command that runs STATEMENT on this database."""
        return f"python manage.py dbshell -- -c {shlex.quote(statement)}"

    def guard(self, args):
        """Return the context manager around ``manage.py ARGS`` (a migrate) that keeps a failure from half-doing.

        On the kit's own server: a clone of the database, put back if the body raises. On a learner's own
        server: no clone; the error says which migrations were applied and which one was rolled back.
        """
        return cloned(self, args) if self.own else told(args)
