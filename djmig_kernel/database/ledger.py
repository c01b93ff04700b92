"""Read the django_migrations table (the ledger) from a SQLite file."""

import pandas as pd

from ._db import read_only
from ._frame import Frame

__all__ = ["read_ledger", "LEDGER_COLUMNS"]

LEDGER_COLUMNS = ["id", "app", "name", "applied"]


def read_ledger(db_path):
    """Return the django_migrations rows as a DataFrame (id, app, name, applied), by id.

    A database without the table yet gives an empty DataFrame.
    This is a read-only operation - it does not write to the database.
    """
    with read_only(db_path) as connection:
        if connection is None or not connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
        ).fetchone():
            return Frame({c: pd.Series(dtype="int64" if c == "id" else "object") for c in LEDGER_COLUMNS})
        return Frame(pd.read_sql_query(
            "SELECT id, app, name, applied FROM django_migrations ORDER BY id", connection
        ))
