"""The PostgreSQL backend: read a project's database read-only (psycopg 3), and keep a failed migrate from half-doing."""

import shlex

import pandas as pd

from ... import exceptions as exc
from ..onestate import Changed
from ..outcome import told
from ..quoting import quote_name
from .copy import left_over
from .errors import error_for, psycopg_module
from .guard import cloned
from .locks import blocks
from .session import IN_SCHEMA, RELATIONS, Reading
from .shadow import shadow_argv
from .types import normalise_db_type

__all__ = ["PostgreSQL"]

# OPTIONS keys Django consumes itself; everything else in OPTIONS is a libpq connection parameter
_DJANGO_ONLY = {"isolation_level", "server_side_binding", "assume_role", "pool", "prepare_threshold",
                "cursor_factory", "context"}
# Every column of the current schema's relations (or of %(tables)s), with its primary key flag and the
# "table.column" its first foreign key (by name) references; constraints joined once, not looked up per column.
_COLUMNS = f"""
WITH rel AS (SELECT c.oid, c.relname FROM pg_class c
              WHERE {IN_SCHEMA} AND c.relkind IN {RELATIONS}
                AND (%(tables)s::name[] IS NULL OR c.relname = ANY (%(tables)s::name[]))),
     pk AS (SELECT p.conrelid, k.attnum FROM pg_constraint p, unnest(p.conkey) AS k(attnum)
             WHERE p.contype = 'p' AND p.conrelid IN (SELECT oid FROM rel)),
     fk AS (SELECT DISTINCT ON (f.conrelid, k.attnum) f.conrelid, k.attnum, t.relname || '.' || ta.attname AS ref
              FROM pg_constraint f, unnest(f.conkey, f.confkey) AS k(attnum, refnum), pg_class t, pg_attribute ta
             WHERE f.contype = 'f' AND f.conrelid IN (SELECT oid FROM rel) AND t.oid = f.confrelid
               AND ta.attrelid = f.confrelid AND ta.attnum = k.refnum
             ORDER BY f.conrelid, k.attnum, f.conname)
SELECT r.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pk.attnum IS NOT NULL, fk.ref
  FROM rel r JOIN pg_attribute a ON a.attrelid = r.oid
  LEFT JOIN pk ON pk.conrelid = r.oid AND pk.attnum = a.attnum
  LEFT JOIN fk ON fk.conrelid = r.oid AND fk.attnum = a.attnum
 WHERE a.attnum > 0 AND NOT a.attisdropped
 ORDER BY r.relname, a.attnum
"""
# Each table's size, read cheaply: the planner's row estimate where ANALYZE or VACUUM made one (reltuples -1:
# never), the bytes of the table with its indexes and TOAST; a plain table's own bytes say whether counting is cheap.
_SIZES = f"""
SELECT c.relname, c.reltuples, pg_total_relation_size(c.oid), CASE WHEN c.relkind = 'r' THEN pg_relation_size(c.oid) END
  FROM pg_class c WHERE {IN_SCHEMA} AND c.relkind IN ('r', 'p') AND c.relname = ANY (%(tables)s::name[])
"""
_COUNTED = 8 * 1024 * 1024  # a table without an estimate is counted (count(*)) only up to these bytes

# How many of %(tables)s the snapshot lists are now another relation, or the same one rewritten (a new relfilenode:
# ALTER TABLE that copies the rows, TRUNCATE): names and files are looked up in the latest catalog, not in the
# snapshot, so a count of such a table is not the snapshot's. Asked after the counts, which lock what they read.
_REPLACED = f"""
SELECT count(*) FROM pg_class c
 WHERE {IN_SCHEMA} AND c.relname = ANY (%(tables)s::name[])
   AND (to_regclass(format('%%I.%%I', current_schema(), c.relname)) IS DISTINCT FROM c.oid
        OR coalesce(pg_relation_filenode(c.oid), 0) <> c.relfilenode)
"""


class PostgreSQL(Reading):
    """The database DATABASES['default'] names, read in READ ONLY transactions in the connection's schema.

    OWN: the server is the one the kit runs in the project's .pgdata (a failed migrate is undone from a
    clone); a learner's own server is never cloned. START_HINT ends the "not running" error.
    """

    vendor = "postgresql"
    path = None  # no file: Sandbox.db_path is None
    rehearses = True  # a plan's SQL is rehearsed in a shadow copy of the schema that the kernel makes

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

    def check(self):
        """Raise the one-line error if the database cannot be read; return its current schema.

        The ledger is tried too (no row read): every Django start reads it, and a role that may not
        SELECT it would get Django's traceback instead of the line naming the grant. One session: the
        schema's names are read once.
        """
        with self.session(), self._reading() as connection:
            if "django_migrations" in self._names(connection):
                connection.execute(f"SELECT 1 FROM {self._table(connection, 'django_migrations')} LIMIT 0")
            return self._relations(connection)[0]

    def ledger_rows(self):
        """Return the django_migrations rows (id, app, name, applied) by id, or None if there is no such table."""
        with self.session(), self._reading() as connection:  # the schema's names read once
            if "django_migrations" not in self._names(connection):
                return None
            rows = connection.execute(
                f"SELECT id, app, name, applied FROM {self._table(connection, 'django_migrations')} ORDER BY id"
            ).fetchall()
        return pd.DataFrame(rows, columns=["id", "app", "name", "applied"]).astype({"id": "int64"})

    def left_over(self):
        """Return [(NAME, database, "copy" or "aside")]: what dead guards left of this database on the kit's server.

        This is a read-only operation.
        """
        if not self.own:  # the guard copies only on the kit's own server
            return []
        with self._reading() as connection:
            return [(self.name, *left) for left in left_over(connection, self.name)]

    def table_names(self):
        """Return the sorted names of the tables and views of the connection's current schema."""
        with self._reading() as connection:
            return list(self._names(connection))

    def _all_columns(self, tables=None):
        """Return {table: [(column, type, notnull, pk, references)]} of TABLES (None: every table and view)."""
        with self._reading() as connection:
            found = {}
            for table, column, type_, notnull, pk, references in connection.execute(
                    _COLUMNS, {"tables": None if tables is None else list(tables)}):
                found.setdefault(table, []).append((column, type_, bool(notnull), bool(pk), references))
            return found

    def columns(self, tables):
        """Return {table: [(column, type, notnull, pk, references)]} for TABLES, type as format_type() spells it."""
        found = self._all_columns(tables)
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
        """Return {table: how many rows it has} for TABLES, 0 for a table that is not there (one query)."""
        with self._reading() as connection:
            schema, names = self._relations(connection)
            present = sorted(set(tables) & set(names))
            counts = {}
            if present:  # quoted here: psycopg's sql.Identifier asks libpq once per name
                counts = dict(zip(present, connection.execute("SELECT " + ", ".join(
                    f"(SELECT count(*) FROM {quote_name(schema)}.{quote_name(t)})" for t in present)).fetchone()))
                if self.snapshot is not None and connection.execute(_REPLACED, {"tables": present}).fetchone()[0]:
                    raise Changed()
            return {t: counts.get(t, 0) for t in tables}

    def table_sizes(self, tables):
        """Return {table: (rows, bytes)} for those of TABLES the database has, read cheaply (one snapshot).

        rows: the planner's estimate (reltuples) where it has one, else count(*) for a table of at most 8 MB,
        else None; bytes: pg_total_relation_size (the table, its indexes and TOAST).
        """
        with self.session(), self._reading() as connection:
            found = {}
            for table, estimate, size, own in connection.execute(_SIZES, {"tables": list(tables)}).fetchall():
                rows = round(estimate) if estimate >= 0 else None
                if rows is None and own is not None and own <= _COUNTED:
                    rows = connection.execute(f"SELECT count(*) FROM {self._table(connection, table)}").fetchone()[0]
                found[table] = (rows, size)
            return found

    def blocks(self, rows, sizes, facts):
        """Return what each of a statement's ROWS (a table it locks) blocks: the mode's conflicts (locks.py)."""
        return blocks(rows, sizes, facts)

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

    def shadow_argv(self, wanted=True):
        """Return the context manager that yields the probe's option naming a shadow of the schema ([] if none)."""
        return shadow_argv(self, wanted)
