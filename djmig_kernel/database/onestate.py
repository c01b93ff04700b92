"""Answers true of one state of the database: read in one snapshot, or read again when it changed meanwhile.

An answer such as check() joins the probe's reading (the ledger, in the project's Django) with the kernel's (the
tables and columns, the row counts). Another process that migrates between the two readings would make an
answer of two states, true of neither. Each backend's ``one_state()`` block makes the readings one: PostgreSQL
reads in one REPEATABLE READ snapshot that the probe's transaction imports; SQLite, whose readers cannot share
a transaction, watches the file and says whether anything was committed to it while the block ran. The answer
is then read again, a few times at most.
"""

import time

from .. import exceptions as exc

__all__ = ["Changed", "ATTEMPTS", "in_one_state"]

ATTEMPTS = 8  # readings of one answer before the kit gives up on a database that keeps changing
_PAUSE = 0.02  # seconds before the next reading, doubled each time: a migrate in progress gets to finish


class Changed(Exception):
    """A reading met a change made after its snapshot (a table dropped or rewritten since): read the answer again."""


def in_one_state(pin, read):
    """Return READ(), every reading of it made inside ``PIN()`` (a block that yields the pinned backend).

    A reading that raised Changed, or that the backend says saw the database change (an error it met then
    too, but a timeout: a table gone between two readings), is made again; ATTEMPTS in a row raise
    ChangingDatabaseError.
    """
    for attempt in range(ATTEMPTS):
        if attempt:
            time.sleep(_PAUSE * 2 ** min(attempt, 4))
        with pin() as database:
            try:
                answer = read()
            except Changed:
                continue
            except exc.CommandTimeout:  # it took its time already: asking again would take it again
                raise
            except Exception:
                if database.changed():
                    continue
                raise
            if not database.changed():
                return answer
    raise exc.ChangingDatabaseError(
        f"{database.label} changed while it was read, {ATTEMPTS} times in a row (another process is migrating "
        f"or writing it); ask again once it has finished")
