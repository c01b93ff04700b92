"""Open a SQLite file read-only: a read transaction per connection, the kit's errors for a locked or damaged file,
and a watch that tells whether anything was committed to it meanwhile."""

import contextlib
import os
import sqlite3

from ...exceptions import DatabaseLockedError, NotADatabaseError

__all__ = ["read_only", "Watch", "check_database", "check_unlocked"]


def _connect(path):
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=2, isolation_level=None)


@contextlib.contextmanager
def _told(path):
    """Turn SQLite's errors in the body into the kit's: a locked file, a file that is no database."""
    try:
        yield
    except sqlite3.DatabaseError as error:
        if "locked" in str(error):
            raise DatabaseLockedError(
                f"cannot read {path.name}: another connection holds it locked ({error}); close the other "
                f"program or connection (e.g. a sqlite3 shell) and read again"
            ) from None
        if _unreadable(error):
            raise NotADatabaseError.for_file(path, error) from None
        raise


@contextlib.contextmanager
def read_only(path):
    """Yield a read-only connection to the SQLite file PATH, or None if there is no file yet.

    Its reads are one read transaction: each sees the state the first one saw.
    This is a read-only operation - it does not write to the database.
    """
    if not path.exists():
        yield None
        return
    connection = _connect(path)
    try:
        with _told(path):
            connection.execute("BEGIN")
            yield connection
    finally:
        connection.close()


class Watch:
    """Whether anything was committed to the SQLite file PATH since the watch began, or another file took its place.

    ``PRAGMA data_version`` of a connection kept open changes when any other connection commits, in rollback
    journal and WAL mode alike; the file's device and inode tell a file renamed into its place.
    """

    def __init__(self, path):
        self.path, self.connection = path, None
        self.began = self._version()

    def _version(self):
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            return None
        with _told(self.path):
            if self.connection is None:
                self.connection = _connect(self.path)
            (version,) = self.connection.execute("PRAGMA data_version").fetchone()
        return info.st_dev, info.st_ino, version

    def changed(self):
        return self._version() != self.began

    def close(self):
        if self.connection is not None:
            self.connection.close()


def _unreadable(error):
    # A bare DatabaseError, or SQLite's words for a file that is no database.
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
