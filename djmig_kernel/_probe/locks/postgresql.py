"""Watch each statement of a plan run in the PostgreSQL shadow: its locks as a second session sees them in
pg_locks, whether it gave a table a new relfilenode, and whether it read every row.

Each statement runs in a transaction of its own in the shadow (no rows there: committed one by one, the
schema ends as migrate leaves it). While that transaction is open, a second session (the watcher) reads
pg_locks for the rehearsing session's pid: the relation locks it holds, named as pg_locks names them. The lock
on an index, a TOAST table or an owned sequence is a lock on its table; one on such a relation that the
statement itself made (a new index) is left out: no other session can see it, so none waits for it.

- A rewrite is a new relfilenode: the watcher sees the committed one (before), the rehearsing session its
  own (after), read while the statement's transaction is open.
- A scan is a sequential scan of the table counted by the statistics of the statement's own transaction
  (``pg_stat_get_xact_numscans``; the counters are flushed just before, so they start at zero). The shadow's
  tables are empty, and PostgreSQL still opens the scans it would run over every row: ALTER TABLE's
  verification of SET NOT NULL, a CHECK or a foreign key, an index build, a rewrite.
- A table made in the same transaction of migrate (an atomic migration's earlier statement, or this one) is
  invisible to every other session: nobody waits for it, it has no rows to copy or read.

A statement PostgreSQL cannot run in a transaction block (SQLSTATE 25001: CREATE INDEX CONCURRENTLY, DROP INDEX
CONCURRENTLY, REINDEX ... CONCURRENTLY) runs on its own, and its lock is the one PostgreSQL's documentation
gives (_DOCUMENTED).
"""

import re

from ..shadow import connected, forget

_WATCHER = "djmig_watcher"
_SYSTEM = "('pg_catalog'::regnamespace, 'information_schema'::regnamespace, 'pg_toast'::regnamespace)"
# The relation locks that backend %s holds in this database, as another session sees them.
_LOCKS = """SELECT relation::bigint, mode FROM pg_locks
 WHERE pid = %s AND locktype = 'relation' AND granted
   AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"""
# For each relation of %s (oids): the table it belongs to (itself, an index's table, a TOAST table's owner,
# an owned sequence's table), that table's name and relfilenode, and the sequential scans of it that this
# transaction made: as the session that runs the query sees them.
_TABLES = f"""SELECT r.oid::bigint, t.oid::bigint, t.relname::text, t.relfilenode::bigint,
       pg_stat_get_xact_numscans(t.oid)
  FROM unnest(%s::oid[]) AS r(oid)
  JOIN pg_class c ON c.oid = r.oid
  LEFT JOIN pg_index i ON i.indexrelid = c.oid
  LEFT JOIN pg_class o ON o.reltoastrelid = c.oid
  LEFT JOIN pg_depend d ON c.relkind = 'S' AND d.classid = 'pg_class'::regclass AND d.objid = c.oid
        AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
  JOIN pg_class t ON t.oid = coalesce(i.indrelid, o.oid, d.refobjid, c.oid)
 WHERE t.relnamespace NOT IN {_SYSTEM}"""
# _TABLES, as the locking session asks it at the end of its statement's transaction: it asks too that the
# statistics of that transaction be flushed to shared memory once it ends (PostgreSQL flushes when the session
# goes idle), so that the next statement's scan counters start at zero without a query of their own.
_TABLES_AND_FLUSH = f"""{_TABLES}
 UNION ALL SELECT NULL, NULL, NULL, NULL, NULL WHERE pg_stat_force_next_flush() IS NULL"""
# Every table's name as the plan starts: the names the live database has (the shadow is its schema).
_NAMES = (f"SELECT oid::bigint, relname::text FROM pg_class "
          f"WHERE relkind IN ('r', 'p') AND relnamespace NOT IN {_SYSTEM}")
# The table of index %s (a name as SQL writes it), and its name.
_INDEX_TABLE = """SELECT t.oid::bigint, t.relname::text FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
 WHERE i.indexrelid = to_regclass(%s)"""

# pg_locks' modes, weakest first (PostgreSQL's lock.h numbers them so).
STRENGTH = ["AccessShareLock", "RowShareLock", "RowExclusiveLock", "ShareUpdateExclusiveLock", "ShareLock",
            "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"]
_NAME = r'("(?:[^"]|"")+"|[\w$]+)(?:\.("(?:[^"]|"")+"|[\w$]+))?'
# PostgreSQL's documentation for what cannot run in a transaction block: CREATE INDEX ("With CONCURRENTLY
# ... the lock acquired is SHARE UPDATE EXCLUSIVE"; it "must perform two scans of the table"), REINDEX
# CONCURRENTLY (the same lock; it builds the index anew from the table), DROP INDEX CONCURRENTLY (it waits
# for conflicting transactions instead of taking ACCESS EXCLUSIVE: index_drop() takes SHARE UPDATE EXCLUSIVE).
_DOCUMENTED = [
    (re.compile(rf"\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+(?:IF\s+NOT\s+EXISTS\s+)?{_NAME}", re.I), True),
    (re.compile(rf"\s*REINDEX\s+INDEX\s+CONCURRENTLY\s+{_NAME}", re.I), True),
    (re.compile(rf"\s*DROP\s+INDEX\s+CONCURRENTLY\s+(?:IF\s+EXISTS\s+)?{_NAME}", re.I), False),
]
_IN_A_TRANSACTION = "25001"  # active_sql_transaction: "... cannot run inside a transaction block"


def _sqlstate(error):
    cause = error.__cause__ or error
    return getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)


class Watcher:
    """The second session on the shadow, and what it saw of each step's statements (``seen``: {migration: [[statement,
    rows or None], ...]}, rows None where nothing could be watched)."""

    def __init__(self):
        self.session = None
        self.seen = {}
        self._names = {}  # table oid -> its name as the plan starts (the live database's name)
        self._fresh = set()  # tables made in the transaction migrate runs the current step in
        self._flushed = False  # the statistics flush was asked for in the last transaction

    def start(self, shadow):
        """Open the watcher's session on SHADOW's database; read every table's name there as the plan starts."""
        self.session = connected(type(shadow), dict(shadow.settings_dict), _WATCHER)
        with shadow.cursor() as cursor:
            # a scratch database: a commit need not wait for the disk (the locks taken are the same)
            cursor.execute("SET synchronous_commit = off")
            cursor.execute("SELECT pg_backend_pid()")
            self._pid = cursor.fetchone()[0]
            cursor.execute(_NAMES)
            self._names = dict(cursor.fetchall())

    def close(self):
        if self.session is not None:
            forget(self.session)
            self.session = None

    def ran_unwatched(self):
        """Say that statements ran in the shadow since the last one watched (a step rehearsed, then rolled back):
        their scans are not yet flushed, so the next statement's scan counters must be flushed before it runs."""
        self._flushed = False

    def _watch(self, query, params):
        with self.session.connection.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall()

    def run(self, shadow, migration, statements, atomic):
        """Run STATEMENTS (comments left out) of MIGRATION in SHADOW, each in a transaction of its own, and keep what
        was seen of each. Raise what the database raises: the shadow then no longer follows the plan."""
        from django.db import transaction

        seen = self.seen[migration] = []
        self._fresh = set()
        for statement in statements:
            seen.append([statement, None])
            if not atomic:  # migrate commits each statement of a non-atomic migration on its own
                self._fresh = set()
            with shadow.cursor() as cursor:
                if not self._flushed:  # flushed to shared memory now (autocommit): the scan counters start at zero
                    cursor.execute("SELECT pg_stat_force_next_flush()")
                self._flushed = False
                try:
                    with transaction.atomic(using=shadow.alias):
                        cursor.execute(statement)
                        seen[-1][1] = self._seen(cursor)
                    continue
                except Exception as error:
                    if _sqlstate(error) != _IN_A_TRANSACTION:
                        raise
                seen[-1][1] = self._documented(cursor, statement)

    def _seen(self, cursor):
        """Return a row per table the open transaction of CURSOR's session locks: what the watcher sees."""
        locks = self._watch(_LOCKS, [self._pid])
        oids = sorted({oid for oid, _ in locks})
        cursor.execute(_TABLES_AND_FLUSH, [oids])
        after = {oid: rest for oid, *rest in cursor.fetchall() if oid is not None}
        self._flushed = True
        before = {oid: rest for oid, *rest in self._watch(_TABLES, [oids])}
        tables_before = {table: filenode for table, _name, filenode, _scans in before.values()}
        tables_after = {table: (name, filenode, scans) for table, name, filenode, scans in after.values()}
        strongest = {}
        for oid, mode in locks:
            found = after.get(oid) or before.get(oid)
            if found is None:  # a system catalog's
                continue
            table, name = found[0], found[1]
            if oid != table and oid not in before and table in tables_before:
                continue  # a relation the statement made for an existing table: nobody else sees it yet
            if table not in strongest or _rank(mode) > _rank(strongest[table][1]):
                strongest[table] = (tables_after.get(table, (name,))[0], mode)
        self._fresh |= {table for table in strongest if table not in tables_before}
        rows = []
        # in the tables' order of names: pg_locks has none
        for table, (name, mode) in sorted(strongest.items(), key=lambda item: item[1][0]):
            created = table in self._fresh
            now = tables_after.get(table)
            rows.append({
                "table": name, "origin": self._names.get(table), "lock": mode, "created": created,
                "rewrites": not created and now is not None and now[1] != tables_before[table],
                "scans": not created and now is not None and now[2] > 0,
            })
        return rows

    def _documented(self, cursor, statement):
        """Run STATEMENT outside a transaction; return its rows from PostgreSQL's documentation (None: not known)."""
        for pattern, scans in _DOCUMENTED:
            match = pattern.match(statement)
            if match:
                index = ".".join(part for part in match.groups() if part)
                found = self._watch(_INDEX_TABLE, [index]) if not scans else []
                cursor.execute(statement)
                found = found or self._watch(_INDEX_TABLE, [index])
                return [{"table": name, "origin": self._names.get(table), "lock": "ShareUpdateExclusiveLock",
                         "created": table in self._fresh, "rewrites": False,
                         "scans": scans and table not in self._fresh} for table, name in found]
        cursor.execute(statement)
        return None


def _rank(mode):
    return STRENGTH.index(mode) if mode in STRENGTH else -1
