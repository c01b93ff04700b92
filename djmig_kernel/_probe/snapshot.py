"""Read the database in the snapshot the kernel exported, so that the probe's reading and the kernel's are of one state."""

import contextlib
import re

OPTION = "--snapshot="


def split(argv):
    """Return ARGV without its ``--snapshot=ID`` option, and ID (None if there is none)."""
    rest = [arg for arg in argv if not arg.startswith(OPTION)]
    found = [arg[len(OPTION):] for arg in argv if arg.startswith(OPTION)]
    return rest, (found[0] if found else None)


@contextlib.contextmanager
def in_snapshot(connection, snapshot):
    """Run the body in one REPEATABLE READ transaction of CONNECTION that imports SNAPSHOT (PostgreSQL).

    Without a SNAPSHOT, or on another database, the body runs as it is. The kernel's transaction that
    exported it stays open until the answer is read, as SET TRANSACTION SNAPSHOT requires.
    """
    if snapshot is None or connection.vendor != "postgresql":
        yield
        return
    if not re.fullmatch(r"[0-9A-Fa-f-]+", snapshot):
        raise SystemExit(f"not a snapshot id: {snapshot!r}")
    from django.db import transaction

    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
        yield
