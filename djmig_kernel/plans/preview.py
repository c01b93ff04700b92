"""A plan's whole preview for a terminal or as JSON (plan, SQL, data lost, locks, old code), and the hazards in it."""

import json

import pandas as pd

from ..display.forecast import lock_phrase, rows_phrase

__all__ = ["HAZARDS", "hazards", "preview_text", "preview_json"]

HAZARDS = ("data-loss", "blocking", "old-code")
_CLIP = 60  # characters of a statement shown in the terminal's locks table


def hazards(losses, locks, old_code=None):
    """Return {hazard: [one line each]} of what the preview shows, for each of HAZARDS present.

    data-loss: a table or column the plan drops; blocking: a lock that makes other sessions wait for reads or
    writes of a table that has rows (or whose size is not known); old-code: an action of the models before the
    plan that fails on the database after it.
    """
    found = {}
    for row in losses.itertuples(index=False):
        what = f"table {row.table}" if row.column is None else f"column {row.table}.{row.column}"
        found.setdefault("data-loss", []).append(f"drops {what} ({rows_phrase(row.rows)})")
    for row in locks.itertuples(index=False):
        rows = None if pd.isna(row.rows) else int(row.rows)
        if row.blocks in ("reads and writes", "writes") and rows != 0:
            copies, scans = (not pd.isna(flag) and bool(flag) for flag in (row.rewrites, row.scans))
            phrase = lock_phrase(row.table, rows, row.lock, row.blocks, copies, scans)
            found.setdefault("blocking", []).append(f"{row.migration}: {phrase}: {row.statement}")
    for row in (old_code.itertuples(index=False) if old_code is not None else ()):
        if not pd.isna(row.works) and not row.works:
            found.setdefault("old-code", []).append(f"{row.migration}: {row.model} {row.action} fails: {row.error}")
    return found


def _clipped(locks):
    shown = locks.copy()
    shown["statement"] = [s if s is None or len(s) <= _CLIP else s[:_CLIP - 1] + "…" for s in shown["statement"]]
    return shown


def preview_text(app, plan, losses, locks, old_code, found):
    """Return the preview as the terminal shows it: each part under its heading, the hazards FOUND last."""
    sql = plan.sql()
    parts = [f"migrate {app} {plan.target}", "", "Plan:", repr(plan.operations()), "", "SQL:"]
    for migration, lines in sql.items():
        parts += [f"-- {migration}", *(lines or ["-- no SQL"])]
    parts += ["", "Data lost:", repr(losses) if len(losses) else "none", "", "Locks:", repr(_clipped(locks))]
    if old_code is not None:
        parts += ["", "Old code:", repr(old_code)]
    parts += ["", "Hazards:" if found else "Hazards: none"]
    parts += [f"  {name}: {line}" for name in HAZARDS for line in found.get(name, [])]
    return "\n".join(parts)


def _records(frame):
    return json.loads(frame.to_json(orient="records"))


def preview_json(app, plan, losses, locks, old_code, found):
    """Return the preview as a JSON object (text): each table a list of records, the hazards FOUND by name."""
    answer = {"app": app, "target": plan.target, "plan": _records(plan.operations()), "sql": plan.sql(),
              "data_loss": _records(losses), "locks": _records(locks)}
    if old_code is not None:
        answer["old_code"] = _records(old_code)
    answer["hazards"] = found
    return json.dumps(answer, indent=2)
