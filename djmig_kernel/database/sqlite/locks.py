"""What a SQLite statement's lock blocks: the whole database, for writes, and for reads too where it spills."""

__all__ = ["blocks"]


def blocks(rows, sizes, facts):
    """Return what each of a statement's ROWS blocks (the same for all: SQLite's lock is the database's).

    A statement that only reads blocks nothing. One that writes holds the database's write lock until migrate
    commits, so other writers wait ("writes"). Readers wait too ("reads and writes") in the rollback-journal
    modes (FACTS' journal_mode anything but "wal") when the statement writes about as much as a table holds (a
    row's "rewritten": the rebuild's copy, DROP COLUMN's rows written again, DROP TABLE's every page freed, an
    UPDATE or DELETE) and that table
    (SIZES: its live bytes) does not fit the page cache (FACTS' cache_bytes): the changed pages then spill from
    the cache to the file, which takes the EXCLUSIVE lock, held until the commit. A smaller write keeps readers
    reading until the commit itself (a moment). An index is written anew by CREATE INDEX, whose size is not
    known before it is built: counted as a small write. In WAL mode readers never wait.
    """
    if not any(row["writes"] for row in rows):
        return ["nothing"] * len(rows)
    spills = facts.get("journal_mode") != "wal" and any(
        row["rewritten"] and (size or 0) > facts.get("cache_bytes", 0) for row, size in zip(rows, sizes))
    return ["reads and writes" if spills else "writes"] * len(rows)
