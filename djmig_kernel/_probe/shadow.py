"""A shadow database: a scratch copy of the live schema where a plan's SQL is run step by step.

Some schema-editor methods write their SQL by introspecting the database: removing a
``unique_together`` looks its constraint's name up (``_delete_composed_index``). Collected
against the live database, a step far down a plan sees the schema before the plan, not the
one the steps before it leave, and fails ("Found wrong number (0) of constraints"). Here
each step's SQL is collected by a schema editor of the shadow, then run there, so that the
next step's introspection sees the schema as ``migrate`` would leave it at that point. On
PostgreSQL each statement runs there as the schema editor writes it, as ``migrate``'s does: an
operation then sees what the operations before it in the same migration did (a squash is many).

For SQLite the shadow is an in-memory database made from the live ``sqlite_master`` (the
schema only, no rows). There the steps are run only when a later step looks at the shadow: each ALTER TABLE
makes SQLite read its whole schema again (2.7 ms a step on a 150-table project), and most steps never look.
A step that does (an introspection query) stops at its first query (``NeedsShadow``), the steps before it
run, and it is collected again: it sees the schema the eager walk would have shown it. For PostgreSQL the
kernel makes it (a scratch database restored from a schema-only pg_dump, ``database/postgresql/shadow.py``)
and names it in the probe's ``--shadow`` option; without one, the steps are collected live.
"""

import contextlib

from . import tablewise

# Virtual tables first (each makes its own shadow tables), then the other tables, then what
# refers to them.
_ALIAS = "djmig_shadow"
_ORDER = {"table": 1, "index": 2, "trigger": 3, "view": 4}


def _schema(live):
    """Return the live database's CREATE statements as (kind, name, sql), in an order they run in."""
    with live.cursor() as cursor:
        cursor.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid")
        rows = cursor.fetchall()
    virtual = [row for row in rows if row[0] == "table" and row[2].upper().startswith("CREATE VIRTUAL")]
    rest = sorted((row for row in rows if row not in virtual), key=lambda row: _ORDER.get(row[0], 5))
    return [row for row in virtual + rest if not row[1].startswith("sqlite_")]


def _copy_schema(live, raw):
    """Make LIVE's SQLite schema in the in-memory database RAW."""
    for _kind, name, sql in _schema(live):
        exists = raw.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [name]).fetchone()
        if not exists:  # a virtual table's shadow tables came with it
            raw.execute(sql)


class NeedsShadow(Exception):
    """A step's schema editor asked the SQLite shadow something while steps before it had not run there yet."""


# What a schema editor sends that does not read the schema: transactions and the foreign-key switch and check
# (the shadow has no rows for the check to find).
_BLIND = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA FOREIGN_KEYS", "PRAGMA FOREIGN_KEY_CHECK")


def _blind(query):
    words = str(query).lstrip().upper()
    return words.startswith(_BLIND)


def connected(wrapper, settings, alias):
    """Return a new Django connection of class WRAPPER to SETTINGS' database, open and known to Django as ALIAS.

    It is known by its alias before it opens: a receiver of ``connection_created`` may look it up there
    (django.contrib.postgres's, which reads the hstore and citext types through ``connections[alias]``); opened
    first, it raised ConnectionDoesNotExist in every project with django.contrib.postgres installed. If it cannot
    open, Django forgets it and the error is raised.
    """
    from django.db import connections

    made = wrapper(settings, alias=alias)
    connections[alias] = made
    try:
        made.ensure_connection()
    except Exception:
        forget(made)
        raise
    return made


def forget(connection):
    """Close CONNECTION (one of connected()'s) and remove its alias from Django's connections."""
    from django.db import connections

    connection.close()
    with contextlib.suppress(AttributeError):  # forgotten already
        del connections[connection.alias]


def comment_only(statement):
    """Return True if STATEMENT is only comments (a schema editor's "-- Create model" lines): nothing to run."""
    return all(not line.strip() or line.lstrip().startswith("--") for line in statement.splitlines())


class Refused(Exception):
    """The shadow refused a statement a step's schema editor wrote: it no longer follows the plan."""


def run_as_collected(editor):
    """Make EDITOR, collecting a step's SQL on the shadow, run each statement there as it writes it.

    ``migrate``'s schema editor runs each statement as it writes it, so an operation introspects what the
    operations before it in the same migration left. Collected only (``sqlmigrate``'s way), a squashed
    migration that makes a unique_together and later drops it looks it up where it was never made ("Found
    wrong number (0) of constraints"), and a foreign key of a table an earlier operation renamed is not found.
    """
    collect = editor.execute

    def execute(sql, params=()):
        before = len(editor.collected_sql)
        collect(sql, params)
        try:
            with editor.connection.cursor() as cursor:
                for statement in editor.collected_sql[before:]:
                    if not comment_only(statement):
                        cursor.execute(statement)
        except Exception as error:
            raise Refused(str(error)) from error

    editor.execute = execute


class Shadow:
    """The scratch copy of LIVE's schema, or none (``connection`` None) where it cannot be made."""

    def __init__(self, live, settings=None, watcher=None):
        """SETTINGS: on PostgreSQL, the connection settings of the scratch database the kernel made, if any.
        WATCHER: on PostgreSQL, what runs each step's statements and watches them (``locks/postgresql.py``)."""
        from django.db import connections

        self.connection = None
        self.watcher = None
        self._pending = []  # SQLite: the steps rehearsed that have not run there yet
        if live.vendor == "sqlite":
            settings = {**live.settings_dict, "NAME": ":memory:", "OPTIONS": {}}
        elif live.vendor == "postgresql" and settings:
            settings = {**live.settings_dict, **settings, "OPTIONS": {}}  # writable, as the kernel's superuser
        else:
            return
        try:  # known by its alias: transaction.atomic finds a schema editor's connection there
            shadow = connected(type(connections[live.alias]), settings, _ALIAS)  # LIVE may be the connection proxy
        except Exception:  # a server gone: collect live
            return
        if live.vendor == "sqlite":
            try:
                _copy_schema(live, shadow.connection)
            except Exception:  # a schema this SQLite cannot read back (a module it lacks): collect live
                forget(shadow)
                return
        self.connection = shadow
        if live.vendor == "sqlite":
            shadow.create_cursor = self._guarded_cursors(shadow)
        elif watcher is not None:
            try:
                watcher.start(shadow)
                self.watcher = watcher
            except Exception:  # no second session: the statements run unwatched (their locks unknown)
                watcher.close()

    def _guarded_cursors(self, shadow):
        """Return SHADOW's create_cursor, whose cursors raise NeedsShadow at a query that reads the schema while
        steps are pending."""
        from django.db.backends.sqlite3.base import SQLiteCursorWrapper

        pending = self._pending

        class Guarded(SQLiteCursorWrapper):
            def execute(self, query, params=None):
                if pending and not _blind(query):
                    raise NeedsShadow(query)
                return super().execute(query, params)

            def executemany(self, query, param_list):
                if pending and not _blind(query):
                    raise NeedsShadow(query)
                return super().executemany(query, param_list)

        return lambda name=None: shadow.connection.cursor(factory=Guarded)

    def catch_up(self):
        """Run the pending steps in the shadow, in order: a group of tables at a time (``tablewise``), else as one
        script each, foreign keys off. If the database refuses one, the shadow no longer follows the plan and
        is dropped."""
        if not self._pending:
            return
        try:
            raw = self.connection.connection
            steps = [[statement for statement in step if not comment_only(statement)] for step in self._pending]
            if not tablewise.run(raw, steps):
                for statements in steps:
                    raw.execute("PRAGMA foreign_keys = OFF")
                    raw.executescript("\n".join(statements))
            self._pending.clear()
        except Exception:
            self.drop()

    def caught_up_already(self):
        """Return True if every step rehearsed ran in the shadow (or there is no shadow to run them in)."""
        return not self._pending

    def caught_up(self):
        """Return the shadow's connection once every step rehearsed ran there; None if it could not follow."""
        if self.connection is not None:
            self.catch_up()
        return self.connection

    def rehearse(self, collect, migration):
        """Return MIGRATION's statements as COLLECT(connection, run=False) collects them on the shadow, which then
        stands where ``migrate`` leaves the database after the step; raise what the schema editor raises.

        SQLite: collected, and kept until a later step looks (_rehearse_sqlite). PostgreSQL: each statement runs
        in the shadow as the schema editor writes it (run_as_collected), in the step's transaction if the migration
        is atomic, as ``migrate`` runs it. With a watcher, that transaction is rolled back, and the watcher runs
        the statements again, each in a transaction of its own. If the shadow refuses a statement, the step is
        collected without running (as ``sqlmigrate`` collects it) and the shadow is dropped: the steps after it
        are collected against the live database.
        """
        if self.connection.vendor == "sqlite":
            return self._rehearse_sqlite(collect)
        from django.db import transaction

        try:
            if self.watcher is None:
                return collect(self.connection, run=True)
            if not migration.atomic:  # what ran outside a transaction cannot be undone for the watcher
                found = collect(self.connection)
            else:
                with transaction.atomic(using=_ALIAS):
                    found = collect(self.connection, run=True)
                    transaction.set_rollback(True, using=_ALIAS)
                self.watcher.ran_unwatched()  # its scans counted, not yet flushed: not the next statement's
        except Refused:
            found = collect(self.connection)
            self.drop()
            return found
        self._watched(found, migration)
        return found

    def _rehearse_sqlite(self, collect):
        """Return a step's statements collected on the SQLite shadow, kept until a later step looks; where collecting
        alone fails (an operation looks up what one before it in the migration made), the steps before it run,
        and it runs there as it is collected."""
        from django.db.migrations.exceptions import IrreversibleError

        try:
            try:
                found = collect(self.connection)
            except NeedsShadow:  # it looks at the shadow: the steps before it run there first
                self.catch_up()
                if self.connection is None:
                    raise
                found = collect(self.connection)
        except IrreversibleError:
            raise
        except Exception:
            self.catch_up()
            if self.connection is None:
                raise
            return collect(self.connection, run=True)
        self._pending.append(found)
        return found

    def _watched(self, statements, migration):
        """Run STATEMENTS of MIGRATION in the shadow as the watcher watches them; if one is refused, drop the shadow."""
        try:
            self.watcher.run(self.connection, str(migration), [s for s in statements if not comment_only(s)],
                             migration.atomic)
        except Exception:
            self.drop()

    def drop(self):
        """Stop using the shadow."""
        if self.watcher is not None:
            self.watcher.close()
            self.watcher = None
        if self.connection is not None:
            forget(self.connection)
            self.connection = None
