"""Read the django_migrations table (the ledger) from a project's database."""

import pandas as pd

from ..display.frames import Frame

__all__ = ["read_ledger", "LEDGER_COLUMNS"]

LEDGER_COLUMNS = ["id", "app", "name", "applied"]


def read_ledger(database):
    """Return the django_migrations rows of DATABASE (a backend) as a Frame (id, app, name, applied), by id.

    A database without the table yet gives an empty Frame. While a copy that a guard killed midway left of
    the database is on the server, a line under the table says so.
    This is a read-only operation - it does not write to the database.
    """
    with database.session():
        rows, left_over = database.ledger_rows(), database.left_over()
    if rows is None:
        rows = {c: pd.Series(dtype="int64" if c == "id" else "object") for c in LEDGER_COLUMNS}
    frame = Frame(rows)
    if left_over:
        names = " and ".join(left for _, left, _ in left_over)
        frame.note = f"(and on the server {names}, left by a migrate that was stopped: sb.check() says more)"
    return frame
