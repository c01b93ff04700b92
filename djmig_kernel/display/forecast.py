"""What a plan does to a live database, in words a learner reads: per step, the locks that make others wait on
tables with rows, the tables it copies, and the code deployed before it that breaks (no I/O)."""

import pandas as pd

__all__ = ["forecast_summary", "lock_phrase", "rows_phrase", "step_forecasts"]

_WAITS = ("reads and writes", "writes")


def _known(value):
    return None if value is None or pd.isna(value) else value


def rows_phrase(rows):
    """Return "12,000 rows", "1 row", or "rows unknown" for ROWS None."""
    if rows is None:
        return "rows unknown"
    return f"{rows:,} row{'' if rows == 1 else 's'}"


def lock_phrase(table, rows, lock, blocks, copies=False, scans=False):
    """Return what a lock does in words: "locks app_book (12,000 rows) against reads and writes while it copies it".
    On SQLite (LOCK "database") the whole file is locked: "locks the database against writes while it changes
    app_book (3 rows)". COPIES: the statement rewrites the table; SCANS: it reads every row of it."""
    size = f"{table} ({rows_phrase(rows)})"
    if lock == "database":
        doing = "copies" if copies else "reads every row of" if scans else "changes"
        return f"locks the database against {blocks}" + (f" while it {doing} {size}" if table is not None else "")
    return f"locks {size} against {blocks}" + (" while it copies it" if copies else
                                               " while it reads every row of it" if scans else "")


def _lock_lines(locks):
    """Yield (migration, line) for each step x table whose lock makes others wait on a table with rows (or whose
    rows are not known), in the order the step locks them: one line per table, however many statements lock it."""
    found = {}
    for row in locks.itertuples(index=False):
        rows = _known(row.rows)
        if row.blocks not in _WAITS or rows == 0:
            continue
        rows = None if rows is None else int(rows)
        key = (row.migration, row.table)
        was = found.get(key, (row.lock, "writes", False, False, rows))
        blocks = "reads and writes" if "reads and writes" in (was[1], row.blocks) else "writes"
        found[key] = (row.lock, blocks, was[2] or bool(_known(row.rewrites)), was[3] or bool(_known(row.scans)), rows)
    for (migration, table), (lock, blocks, copies, scans, rows) in found.items():
        yield migration, lock_phrase(table, rows, lock, blocks, copies, scans)


def _old_code_lines(old_code):
    """Yield (migration, line) for each model whose code before the plan fails, or is not known, after it."""
    failed, unknown = {}, {}
    for row in old_code.itertuples(index=False):
        works = _known(row.works)
        if works is None:
            unknown.setdefault((row.migration, row.model), True)
        elif not works:
            failed.setdefault((row.migration, row.model), []).append((row.action, row.error))
    for (migration, model), actions in failed.items():
        verbs = [action for action, _ in actions]  # create, read, update, delete: what old code does with it
        listed = verbs[0] if len(verbs) == 1 else f"{', '.join(verbs[:-1])} or {verbs[-1]}"
        yield migration, f"old code can't {listed} {model}: {actions[0][1]}"
    for migration, model in unknown:
        yield migration, f"whether old code still works with {model} is not known"


def step_forecasts(locks, old_code):
    """Return {"app.name": [lines]} for the steps of a plan that make others wait or break old code, in plan order.

    LOCKS: plan.locks()'s DataFrame; OLD_CODE: plan.old_code()'s (or None).
    """
    found = {}
    for migration, line in _lock_lines(locks):
        found.setdefault(migration, []).append(line)
    for migration, line in _old_code_lines(old_code if old_code is not None else pd.DataFrame()):
        found.setdefault(migration, []).append(line)
    order = list(dict.fromkeys(locks["migration"]))
    return {migration: found[migration] for migration in sorted(found, key=lambda m: order.index(m)
                                                                if m in order else len(order))}


def forecast_summary(forecasts):
    """Return one sentence for FORECASTS (step_forecasts' answer): what a live database would go through."""
    if not forecasts:
        return "On a live database: nobody waits on a table with rows, and the code deployed before it works."
    unknown = "whether old code works is not known"
    waits = sum(any(line.startswith("locks") for line in lines) for lines in forecasts.values())
    breaks = sum(any(line.startswith("old code") for line in lines) for lines in forecasts.values())
    parts = [f"{waits} step{'' if waits == 1 else 's'} make{'s' if waits == 1 else ''} others wait"] if waits else []
    parts += [f"old code breaks at {breaks} step{'' if breaks == 1 else 's'}"] if breaks else []
    parts = parts or [unknown]
    return f"On a live database: {' and '.join(parts)}."
