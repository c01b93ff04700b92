"""Read what each statement of a plan locks on SQLite from the SQL it runs: the tables it names, the table
rebuild, the statements that read every row.

SQLite has one lock, the database's: every statement that writes takes it (RESERVED while the transaction
writes; EXCLUSIVE to commit, or earlier when the changed pages no longer fit the page cache and SQLite spills
them to the file). So the lock is always "database"; what it blocks depends on the journal mode and the
size of what is written, which the kernel decides (``database/sqlite/locks.py``) from the facts read here.

The statements are Django's SQLite schema editor's (and a RunSQL's own), read as SQLite would parse their
first words, not run: running every step in the shadow costs a schema parse per ALTER TABLE (several times
``sql()`` on a long plan). Indexes are mapped to their table from the live ``sqlite_master`` and the plan's
own CREATE INDEX statements.

- rewrites: the table rebuild Django runs where SQLite's ALTER TABLE cannot change a table, as one step:
  CREATE TABLE "new__T", INSERT INTO "new__T" ... SELECT ... FROM "T", DROP TABLE "T", ALTER TABLE "new__T"
  RENAME TO "T": every row copied to a new table. The copy is the statement that rewrites T.
- scans: the copy reads every row of T; CREATE INDEX reads every row to build the index; ALTER TABLE DROP
  COLUMN reads every row and writes it back without the column (in place: no rebuild); ADD COLUMN with a CHECK
  tests it against every existing row; an UPDATE or DELETE of a RunSQL reads the rows it looks through
  (every row, unless an index serves its WHERE: counted as a scan, the cautious answer).
"""

import re

from ..sqlshape import READS, shape


class Reader:
    """What the statements of a plan's steps lock on SQLite, read in plan order (``seen`` as the PostgreSQL
    watcher keeps it), and the live database's facts that decide what its lock blocks (``facts``)."""

    def __init__(self, live):
        with live.cursor() as cursor:
            cursor.execute("SELECT type, name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')")
            rows = cursor.fetchall()
            cursor.execute("PRAGMA journal_mode")
            journal = cursor.fetchone()[0]
            cursor.execute("PRAGMA cache_size")
            cache = cursor.fetchone()[0]
            cursor.execute("PRAGMA page_size")
            page = cursor.fetchone()[0]
        self._origin = {name: name for kind, name, _ in rows if kind == "table"}  # a table -> its live name
        self._indexes = {name: table for kind, name, table in rows if kind == "index"}
        # a negative cache_size is KiB, a positive one pages (SQLite's PRAGMA cache_size)
        self.facts = {"journal_mode": journal.lower(), "cache_bytes": -cache * 1024 if cache < 0 else cache * page}
        self.seen = {}

    def read(self, migration, statements):
        """Keep the rows of each of MIGRATION's STATEMENTS (comments left out) under ``seen``."""
        shapes = [shape(statement) for statement in statements]
        dropped = {names[0] for kind, names in shapes if kind == "drop"}
        renamed = {(names[0], names[1]) for kind, names in shapes if kind == "rename"}
        made = set()
        self.seen[migration] = [[statement, self._rows(kind, names, statement, made, dropped, renamed)]
                                for statement, (kind, names) in zip(statements, shapes)]

    def _row(self, table, writes, rewrites=False, scans=False, origin=False, rewritten=False):
        """Return a row of TABLE (ORIGIN: its live name if not the one kept). WRITES: the statement writes (the
        database's write lock); REWRITTEN: it changes about as many pages as the table holds (a copy, every row
        written again, every page freed by DROP TABLE)."""
        return {"table": table, "origin": self._origin.get(table) if origin is False else origin, "lock": "database",
                "created": False, "rewrites": rewrites, "scans": scans, "writes": writes, "rewritten": rewritten}

    def _rows(self, kind, names, statement, made, dropped, renamed):
        """Return the rows of one statement; keep track of the tables it makes, renames and drops."""
        if kind is None:  # SQL of a RunSQL this reader does not know: it locks the database if it writes
            return [self._row(None, not READS.match(statement), origin=None)]
        if kind == "create":
            made.add(names[0])
            self._origin[names[0]] = None
        elif kind == "index":
            self._indexes[names[0]] = names[1]
            return [self._row(names[1], True, scans=True)]
        elif kind == "drop_index":
            return [self._row(self._indexes.pop(names[0], None), True)]
        elif kind == "rename":
            self._origin[names[1]] = self._origin.pop(names[0], None)
            self._indexes = {index: names[1] if table == names[0] else table for index, table in self._indexes.items()}
            return [self._row(names[0], True, origin=self._origin[names[1]])]
        elif kind == "alter":
            drop = names[1] == "DROP"
            scans = drop or (names[1] == "ADD" and re.search(r"\bCHECK\b", statement, re.I))
            return [self._row(names[0], True, scans=bool(scans), rewritten=drop)]
        elif kind == "copy":
            target, source = names
            rebuilt = target in made and source in dropped and (target, source) in renamed
            if target in made:
                self._origin[target] = self._origin.get(source)  # the new table holds the old one's rows
            return [self._row(target, True), self._row(source, True, rewrites=rebuilt, scans=True, rewritten=True)]
        elif kind == "drop":
            self._indexes = {index: table for index, table in self._indexes.items() if table != names[0]}
            return [self._row(names[0], True, origin=self._origin.pop(names[0], None), rewritten=True)]
        every = kind in ("update", "delete")
        return [self._row(names[0], True, scans=every, rewritten=every)]
