"""What a plan's statements do to a live database, as a table: each statement's locks, rewrites, scans and sizes."""

from ..display.frames import Frame

__all__ = ["LOCK_COLUMNS", "locks_frame"]

LOCK_COLUMNS = ["migration", "statement", "table", "lock", "blocks", "rewrites", "scans", "rows", "bytes"]
# Lines a step's SQL holds where Django (or the kit) could not write the SQL: what runs there is not known.
_UNKNOWN = ("-- THIS OPERATION CANNOT BE WRITTEN AS SQL", "-- SQL not available", "-- IRREVERSIBLE")
_TYPES = {"rewrites": "boolean", "scans": "boolean", "rows": "Int64", "bytes": "Int64"}


def _comment(line):
    return all(not part.strip() or part.lstrip().startswith("--") for part in line.splitlines())


def _unknown(migration, statement):
    return [migration, statement, None, None, None, None, None, None, None]


def _statement_rows(migration, statement, rows, sizes, database, facts):
    """Return the frame's rows of one STATEMENT from what was seen of it (ROWS: None where it was not watched)."""
    if rows is None:
        return [_unknown(migration, statement)]
    if not rows:  # it locks no table (SET CONSTRAINTS ...)
        return [[migration, statement, None, None, "nothing", False, False, None, None]]
    found = [sizes.get(row["origin"], (None, None)) if row["origin"] else (0, 0) for row in rows]
    blocks = database.blocks(rows, [size[1] for size in found], facts)
    return [[migration, statement, row["table"], row["lock"], block, row["rewrites"], row["scans"], *size]
            for row, block, size in zip(rows, blocks, found)]


def locks_frame(plan_sql, seen, facts, database):
    """Return the DataFrame of LOCK_COLUMNS: a row per statement x table it locks, in plan order.

    PLAN_SQL: {"app.name": [SQL lines]} (MigrationPlan.sql()); SEEN: {"app.name": [[statement, rows or None]]},
    what the probe saw each statement lock; FACTS: the live database's, for what a lock blocks; DATABASE: the
    backend that reads the live tables' sizes and says what a lock blocks there. A table the plan makes has
    rows 0 and bytes 0. A statement that locks no table has one row (table None, blocks "nothing"); one whose
    locks could not be seen, or a line where Django could not write the SQL, one row of None; a step that runs
    nothing (a merge, a no-op), one row that blocks nothing.
    """
    origins = sorted({row["origin"] for step in seen.values() for _, rows in step for row in rows or ()
                      if row["origin"]})
    sizes = database.table_sizes(origins) if origins else {}
    found = []
    for migration, lines in plan_sql.items():
        watched, step = list(seen.get(migration, [])), []
        for line in lines:
            if line.startswith(_UNKNOWN):
                step.append(_unknown(migration, line))
            elif not _comment(line):
                statement, rows = watched.pop(0) if watched else (line, None)
                step += _statement_rows(migration, line, rows if statement == line else None, sizes, database, facts)
        found += step or [[migration, None, None, None, "nothing", False, False, None, None]]
    return Frame(found, columns=LOCK_COLUMNS).astype(_TYPES)
