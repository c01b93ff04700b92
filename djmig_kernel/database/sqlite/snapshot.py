"""A SQLite file's snapshot on disk: copied in chunks under a read lock, put back with one atomic rename."""

import contextlib
import os
import shutil
import sqlite3
import stat
import tempfile

__all__ = ["Snapshot", "change_counter", "free_bytes"]

CHUNK = 1 << 20  # bytes copied at a time: the copy never holds more of the file in memory
# An unnamed file on the database's filesystem (Linux): nobody sees it, and it vanishes with the process that
# made it, even one that is killed. Elsewhere a hidden named file beside the database, removed afterwards.
_UNNAMED = getattr(os, "O_TMPFILE", None)


def change_counter(fd):
    """Return the SQLite file change counter (header bytes 24–27) of the open file FD; 0 for an empty file."""
    return int.from_bytes(os.pread(fd, 4, 24), "big")


def _copy(source, fd):
    """Copy the open file SOURCE into FD: in the kernel where it can (sendfile), else CHUNK bytes at a time."""
    size, offset = os.fstat(source.fileno()).st_size, 0
    with contextlib.suppress(AttributeError, OSError):  # no sendfile (macOS to a file, Windows): chunks
        while offset < size:
            sent = os.sendfile(fd, source.fileno(), offset, size - offset)
            if not sent:
                break
            offset += sent
    source.seek(offset)
    with os.fdopen(os.dup(fd), "wb") as target:
        target.seek(offset)
        shutil.copyfileobj(source, target, CHUNK)


def free_bytes(folder):
    """Return how many bytes the disk of FOLDER has free."""
    return shutil.disk_usage(folder).free


class Snapshot:
    """A byte-for-byte copy of the SQLite file PATH, on the same filesystem, so that putting it back is atomic.

    ``counter`` is the file change counter the copy holds; a file that did not exist yet is ``absent``.
    Always ``discard()`` it (it removes the copy, put back or not).
    """

    def __init__(self, path):
        self.path = path
        self.absent = not path.exists()
        self.fd, self.name, self.counter = None, None, 0

    def __repr__(self):
        return f"<Snapshot of {self.path.name}>"

    def take(self):
        """Copy the file, holding a read lock so that no other connection commits meanwhile; return self."""
        if self.absent:
            return self
        try:
            self._open()
            # The source is closed after the connection: closing a file drops the process's SQLite locks on it.
            with open(self.path, "rb") as source, \
                    contextlib.closing(sqlite3.connect(self.path, timeout=2, isolation_level=None)) as lock:
                lock.execute("BEGIN")
                lock.execute("SELECT count(*) FROM sqlite_master").fetchone()
                _copy(source, self.fd)
                lock.execute("COMMIT")
            self._keep_mode(os.stat(self.path))
            self.counter = change_counter(self.fd)
        except BaseException:
            self.discard()
            raise
        return self

    def _open(self):
        folder = self.path.parent
        if _UNNAMED is not None:
            try:
                self.fd = os.open(folder, _UNNAMED | os.O_RDWR, 0o600)
                return
            except OSError:  # a filesystem without unnamed files
                pass
        self.fd, self.name = tempfile.mkstemp(prefix=f".{self.path.name}.djmig-", dir=folder)

    def _keep_mode(self, info):
        os.fchmod(self.fd, stat.S_IMODE(info.st_mode))
        with contextlib.suppress(PermissionError):  # only root may give a file to another owner
            os.fchown(self.fd, info.st_uid, info.st_gid)

    def put_back(self):
        """Replace the file with the copy in one rename (remove it if there was none), journals and all."""
        for suffix in ("-journal", "-wal", "-shm"):
            self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)
        if self.absent:
            self.path.unlink(missing_ok=True)
            return
        os.fsync(self.fd)
        if self.name is None:  # give the unnamed file a hidden name beside the database, to rename it
            self.name = tempfile.mktemp(prefix=f".{self.path.name}.djmig-", dir=self.path.parent)
            proc = os.open("/proc/self/fd", os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.link(str(self.fd), self.name, src_dir_fd=proc, follow_symlinks=True)
            finally:
                os.close(proc)
        os.replace(self.name, self.path)
        self.name = None

    def discard(self):
        """Remove the copy (nothing is left beside the database)."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        if self.name is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.name)
            self.name = None
