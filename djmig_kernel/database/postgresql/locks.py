"""What a PostgreSQL lock on a table blocks: the conflict table of PostgreSQL's documentation."""

__all__ = ["blocks"]

# "Explicit Locking", Table-level Lock Modes: a SELECT takes ACCESS SHARE, which only ACCESS EXCLUSIVE conflicts
# with; INSERT, UPDATE and DELETE take ROW EXCLUSIVE, which SHARE, SHARE ROW EXCLUSIVE, EXCLUSIVE and ACCESS
# EXCLUSIVE conflict with. The weaker modes (ACCESS SHARE, ROW SHARE, ROW EXCLUSIVE, SHARE UPDATE EXCLUSIVE)
# stop only other DDL, VACUUM and the like.
_BLOCKS_READS = {"AccessExclusiveLock"}
_BLOCKS_WRITES = {"ShareLock", "ShareRowExclusiveLock", "ExclusiveLock"}


def _blocks(row):
    if row["created"] or row["lock"] is None:  # a table no other session can see yet: nobody waits for it
        return "nothing"
    if row["lock"] in _BLOCKS_READS:
        return "reads and writes"
    return "writes" if row["lock"] in _BLOCKS_WRITES else "nothing"


def blocks(rows, sizes, facts):
    """Return what each of a statement's ROWS (a table each, as the probe saw it locked) blocks while migrate holds
    its lock: "reads and writes", "writes" or "nothing". Each table's lock is its own: SIZES and FACTS play no part."""
    return [_blocks(row) for row in rows]
