"""Read the django_migrations table (the ledger) from a project's database."""

import pandas as pd

from ..display.frames import Frame

__all__ = ["read_ledger", "LEDGER_COLUMNS"]

LEDGER_COLUMNS = ["id", "app", "name", "applied"]


def read_ledger(database):
    """Return the django_migrations rows of DATABASE (a backend) as a Frame (id, app, name, applied), by id.

    A database without the table yet gives an empty Frame.
    This is a read-only operation - it does not write to the database.
    """
    rows = database.ledger_rows()
    if rows is None:
        return Frame({c: pd.Series(dtype="int64" if c == "id" else "object") for c in LEDGER_COLUMNS})
    return Frame(rows)
