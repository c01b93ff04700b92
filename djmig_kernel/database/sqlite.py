"""Read-only connections to a sandbox's SQLite file, and a snapshot that undoes a failed change."""

import contextlib
import sqlite3

from .exceptions import DatabaseLockedError, NotADatabaseError


@contextlib.contextmanager
def read_only(path):
    """Yield a read-only connection to the SQLite file PATH, or None if there is no file yet.

    This is a read-only operation - it does not write to the database.
    """
    if not path.exists():
        yield None
        return
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=2)
    try:
        yield connection
    except sqlite3.DatabaseError as error:
        if "locked" in str(error):
            raise DatabaseLockedError(
                f"cannot read {path.name}: another connection holds it locked ({error}); close the other "
                f"program or connection (e.g. a sqlite3 shell) and read again"
            ) from None
        if _unreadable(error):
            raise NotADatabaseError.for_file(path, error) from None
        raise
    finally:
        connection.close()


def _unreadable(error):
    return type(error) is sqlite3.DatabaseError or "malformed" in str(error) or "not a database" in str(error)


def check_database(path):
    """Raise NotADatabaseError if PATH exists but SQLite cannot read it; a missing or busy file is fine.

    This is a read-only operation - it does not write to the database.
    """
    if not path.exists():
        return
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.1)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as error:
        if _unreadable(error):
            raise NotADatabaseError.for_file(path, error) from None
    finally:
        connection.close()


def check_unlocked(path):
    """Raise sqlite3.OperationalError at once if another connection is writing to PATH."""
    if not path.exists():
        return
    with contextlib.closing(sqlite3.connect(path, timeout=0.1, isolation_level=None)) as connection:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")


@contextlib.contextmanager
def restored_on_error(path):
    """Put the SQLite file PATH back as it was if the body raises.

    Django runs each migration in its own transaction, so a plan that fails at
    its third migration would leave the first two applied, and a command killed
    at its timeout may leave a hot journal behind. The snapshot is kept in
    memory: nothing is written beside the database.
    """
    before = path.read_bytes() if path.exists() else None
    try:
        yield
    except BaseException:
        _settle(path)
        after = path.read_bytes() if path.exists() else None
        if after != before:
            for journal in _journals(path):
                journal.unlink(missing_ok=True)
            if before is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(before)
        raise


def _journals(path):
    return [path.with_name(path.name + suffix) for suffix in ("-journal", "-wal", "-shm")]


def _settle(path):
    """Roll back the journal a killed command left beside PATH, as SQLite does on the next open.

    A journal that another live connection is using is left alone.
    """
    journal = path.with_name(path.name + "-journal")
    if not (path.exists() and journal.exists()):
        return
    try:
        check_unlocked(path)  # taking the lock makes SQLite roll back a hot journal
    except sqlite3.OperationalError:
        return
    journal.unlink(missing_ok=True)  # not hot (SQLite would have removed it): nothing in it to keep
