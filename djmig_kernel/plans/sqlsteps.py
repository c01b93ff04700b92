"""A plan's SQL as a short table: each step, its operations, and whether SQLite rebuilds a table for it."""

import re

import pandas as pd

__all__ = ["sql_steps", "SQL_STEP_COLUMNS"]

SQL_STEP_COLUMNS = ["migration", "direction", "operations", "statements", "rebuilds"]

# Django's SQLite schema editor rebuilds a table by creating "new__<table>", copying the rows
# into it, dropping the old table and renaming the new one.
_REBUILD = re.compile(r'CREATE TABLE "new__(?P<table>[^"]+)"')


def _statements(sql):
    return [line for line in sql if line.strip() and not line.lstrip().startswith("--")]


def sql_steps(plan):
    """Return a DataFrame with a row per step of PLAN (a MigrationPlan): its operations, SQL statements, rebuilt tables.

    ``statements`` counts the SQL statements the step runs (comments left out);
    ``rebuilds`` names the tables SQLite copies into a new table, or is "" when none.
    The SQL is plan.sql()'s: each step's as migrate would run it (Django starts once, if the plan
    has not fetched it yet).
    """
    sql = plan.sql()
    rows = []
    for step in plan.steps:
        statements = _statements(sql[step["migration"]])
        rebuilt = sorted({m.group("table") for s in statements for m in _REBUILD.finditer(s)})
        rows.append([step["migration"], step["direction"], "; ".join(step["operations"]), len(statements),
                     ", ".join(rebuilt)])
    return pd.DataFrame(rows, columns=SQL_STEP_COLUMNS)
