"""Nothing half done on SQLite: a snapshot around a migrate, put back on failure over Django's own writes only."""

import contextlib
import fcntl
import glob
import os
import sqlite3
import tempfile

from ... import exceptions as exc
from ...commands.warm import probe_code
from ...display.terminal import manage_line
from ..outcome import SAY_PUT_BACK, explain_partial_migrate, put_back_said, told
from .snapshot import Snapshot, change_counter, free_bytes

__all__ = ["in_wal_mode", "restored_on_error"]

_LEDGER, _DATABASE = "DJMIG_WRITES", "DJMIG_DATABASE"  # _probe/writes.py reads these
_PREFIX = "djmig-writes-"  # the ledger files' names in the temp folder


def in_wal_mode(path):
    """Return True if the SQLite file PATH is in WAL mode (header byte 18 is 2)."""
    with contextlib.suppress(OSError), open(path, "rb") as file:
        return file.read(19)[18:19] == b"\x02"
    return False


@contextlib.contextmanager
def restored_on_error(path, args):
    """Put the SQLite file PATH back as it was if the body (``manage.py ARGS``, a migrate) raises.

    Django runs each migration in its own transaction, so a plan that fails at its third migration would
    leave the first two applied, and a command killed at its timeout may leave a hot journal. Before the
    body the file is copied, in chunks, to an unnamed file on its own filesystem (``Snapshot``); on failure
    that copy replaces it in one rename, and it is removed in every case. The body gets the options
    (``prefix``, ``env``) that run ``manage.py`` under ``_probe/writes.py``, which notes the file change
    counter after each of Django's writes and whether another connection committed meanwhile; the copy is
    put back only if every commit since it was taken is Django's (its first counter is the copy's, its last
    the file's, no other commit between), else DatabaseChangedError says what stays and why. A file in WAL
    mode (whose counter does not count commits) is not copied: its error says what stays applied.
    """
    if in_wal_mode(path):
        with told(args):
            yield {}
        return
    _check_room(path, args)
    snapshot = Snapshot(path).take()
    ledger_fd, ledger = _new_ledger()
    try:
        yield {"prefix": ["-c", probe_code("from djmig_probe.writes import main; main()")],
               "env": {_LEDGER: ledger, _DATABASE: os.path.realpath(path)}}
    except BaseException as error:
        _put_back(snapshot, _read(ledger), args, error)
        if isinstance(error, SAY_PUT_BACK):
            raise put_back_said(error, path.name) from None
        raise
    finally:
        snapshot.discard()
        os.unlink(ledger)
        os.close(ledger_fd)


def _new_ledger():
    """Return (descriptor, path) of a new ledger file in the system's temp folder, locked while the descriptor is open.

    Its lock goes with the process that holds it, killed or not: a ledger nobody holds locked was left by a run
    that died, and is removed here. One removed between its making and its locking is made again.
    """
    for path in glob.glob(os.path.join(glob.escape(tempfile.gettempdir()), _PREFIX + "*")):
        with contextlib.suppress(OSError):  # gone meanwhile, or a live guard's (BlockingIOError)
            fd = os.open(path, os.O_RDONLY)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                if _is(fd, path):
                    os.unlink(path)
            finally:
                os.close(fd)
    while True:
        fd, path = tempfile.mkstemp(prefix=_PREFIX)  # the system's temp folder, not the project's
        fcntl.flock(fd, fcntl.LOCK_EX)
        if _is(fd, path):
            return fd, path
        os.close(fd)


def _is(fd, path):
    """Return True if PATH names the file open as FD."""
    try:
        named, held = os.stat(path), os.fstat(fd)
    except FileNotFoundError:
        return False
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def _check_room(path, args):
    size = path.stat().st_size if path.exists() else 0
    free = free_bytes(path.parent)
    if size > free:
        raise exc.DiskSpaceError.for_copy(manage_line(*args), f"{path.name} ({exc.megabytes(size)})", size, free)


def _read(ledger):
    """Return (first, last, foreign) as _probe/writes.py left them, or None if Django never opened the file."""
    with open(ledger) as file:
        words = file.read().split()
    return (int(words[0]), int(words[1]), words[2] == "1") if len(words) == 3 else None


def _put_back(snapshot, noted, args, error):
    """Put SNAPSHOT back if every commit since it was taken is Django's (NOTED); else raise DatabaseChangedError."""
    path = snapshot.path
    if not path.exists():
        return
    # The file is opened before the lock and closed after it: closing a file drops the process's SQLite locks.
    with open(path, "rb") as file, contextlib.closing(sqlite3.connect(path, timeout=2, isolation_level=None)) as lock:
        try:  # rolls back a hot journal a killed migrate left, then keeps every other connection out
            lock.execute("BEGIN EXCLUSIVE")
        except sqlite3.OperationalError as busy:
            raise _changed(path, args, error, f"another program holds it ({busy})") from None
        # A journal left now is not hot (SQLite would have rolled it back): a killed migrate's, nothing to keep.
        path.with_name(path.name + "-journal").unlink(missing_ok=True)
        now = change_counter(file.fileno())
        if now == snapshot.counter and not snapshot.absent:
            lock.execute("ROLLBACK")
            return  # no commit since the copy: the file is as it was
        first, last, foreign = noted or (None, None, True)
        if foreign or first != snapshot.counter or last != now:
            raise _changed(path, args, error, "another program wrote to it while migrate ran")
        snapshot.put_back()
        lock.execute("ROLLBACK")


def _changed(path, args, error, why):
    result = getattr(error, "result", None)
    stays = f"; {explain_partial_migrate(result.stdout).message}" if result is not None else ""
    return exc.DatabaseChangedError(
        f"`{manage_line(*args)}` failed and {path.name} was not put back: {why}, and putting it back would "
        f"undo that; check {path.name} by hand (sb.ledger() shows what is applied){stays}", result=result)
