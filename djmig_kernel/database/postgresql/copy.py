"""The copy of a database the guard keeps on the kit's server: one live guard owns it, a dead one's is left over."""

import contextlib
import shutil
import zlib

from ... import exceptions as exc
from ...display.terminal import manage_line
from .errors import error_for, psycopg_module

__all__ = ["GuardCopy", "aside_name", "clone_name", "left_over"]

_KIT = 0x646A6D67  # the first key of the guard's advisory lock ("djmg"); the second is the copy's name's
# The guard's databases that are there while no guard owns them: an owner holds the advisory lock, which ends
# with its session
_LEFT_OVER = ("SELECT d.datname FROM pg_database d WHERE d.datname = ANY (%(names)s) AND NOT EXISTS ("
              "SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.classid = %(kit)s::oid "
              "AND l.objid = %(key)s::oid AND l.objsubid = 2 AND l.granted) ORDER BY d.datname")


def clone_name(name):
    """Return the name of the copy the guard keeps of database NAME (identifiers are cut at 63 bytes)."""
    return f"{name[:40]}__djmig_before"


def aside_name(name):
    """Return the name database NAME is renamed to while the guard puts its copy back, before it is dropped."""
    return f"{name[:40]}__djmig_failed"


def _key(copy):
    return zlib.crc32(copy.encode()) & 0x7FFFFFFF


def left_over(connection, name):
    """Return [(database, "copy" or "aside")] of what guards of database NAME that died (or met a full disk) left.

    "copy": the copy made before a migrate; "aside": the database as a failed migrate left it, renamed aside
    when its copy was put back. CONNECTION: any connection to the server. This is a read-only operation.
    """
    copy, aside = clone_name(name), aside_name(name)
    found = connection.execute(_LEFT_OVER, {"names": [copy, aside], "kit": _KIT, "key": _key(copy)}).fetchall()
    return [(datname, "copy" if datname == copy else "aside") for (datname,) in found]


class GuardCopy:
    """The copy one guard makes of DATABASE before ``manage.py ARGS`` (a migrate), and puts back or drops.

    The guard's session (on the maintenance database) holds an advisory lock from ``claim()`` to ``close()``:
    while it lives no other guard touches the copy, and a copy whose lock nobody holds was left by a guard
    that died. Its ``mark``, a session on the copy itself, makes a plain ``DROP DATABASE`` of it fail while
    the guard needs it. Only the copy made by this object is ever put back.
    """

    def __init__(self, database, args, maintenance_db="postgres"):
        self.database, self.args = database, args
        self.name, self.copy, self.aside = database.name, clone_name(database.name), aside_name(database.name)
        self.admin = database.connect(dbname=maintenance_db)
        self.mark = self.folder = self.segment = None  # the session on the copy; the data folder; a log file's size
        sql = psycopg_module().sql
        self._db, self._clone, self._aside = map(sql.Identifier, (self.name, self.copy, self.aside))
        self.set_aside = False  # put_back() renamed the database aside

    def __repr__(self):
        return f"<GuardCopy {self.copy}>"

    def _run(self, statement, *identifiers):
        return self.admin.execute(psycopg_module().sql.SQL(statement).format(*identifiers))

    def claim(self):
        """Take the copy's lock, or raise DatabaseBusyError; return the lines that say what dead runs left.

        A copy left by a guard that died is never put back over the database, which may hold newer rows: it
        is removed. Only when the database itself is gone or half dropped (a guard died, or its disk filled,
        while it put its copy back) is the copy all there is, and it becomes the database again.
        """
        if not self.admin.execute("SELECT pg_try_advisory_lock(%s, %s)", [_KIT, _key(self.copy)]).fetchone()[0]:
            raise exc.DatabaseBusyError(
                f"`{manage_line(*self.args)}` not run: another sb.migrate() (in another kernel) is running on "
                f"database {self.name!r}, and the kit keeps one copy of it at a time; wait for it to finish and "
                f"run again")
        found = dict(self.admin.execute(  # name: whether a DROP of it did not finish (invalid: datconnlimit -2)
            "SELECT datname, datconnlimit = -2 FROM pg_database WHERE datname = ANY (%s)",
            [[self.name, self.copy, self.aside]]).fetchall())
        notes = []
        if self.aside in found:
            self._run("DROP DATABASE {} WITH (FORCE)", self._aside)
            notes.append(f"removed {self.aside}: what a failed migrate had left in {self.name!r}, set aside when "
                         f"the kit put its copy back")
        if self.copy not in found:
            return notes
        if found.get(self.name, True):  # gone, or half dropped
            if self.name in found:
                self._run("DROP DATABASE {}", self._db)
            self._run("ALTER DATABASE {} RENAME TO {}", self._clone, self._db)
            return [*notes, f"database {self.name!r} was missing: a migrate stopped while the kit put {self.copy} "
                            f"back, so that copy is {self.name!r} again"]
        try:
            self._run("DROP DATABASE {}", self._clone)
        except psycopg_module().errors.ObjectInUse:
            raise self.busy(self.copy, f"{self.copy}, a copy a stopped migrate left, and the kit removes it "
                                       f"first") from None
        return [*notes, f"{self.copy}, the copy of {self.name!r} left by a migrate that was stopped (its kernel "
                        f"died), was removed, not put back: {self.name!r} keeps every change made since"]

    def make(self):
        """Copy the database (CREATE DATABASE ... TEMPLATE), if its disk has room, and hold a session on the copy."""
        psycopg = psycopg_module()
        need, what = self._room()
        try:
            self._run("CREATE DATABASE {} TEMPLATE {}", self._clone, self._db)
        except psycopg.errors.ObjectInUse:
            raise self.busy(self.name, "the kit copies it first (PostgreSQL copies only a database nobody uses)") \
                from None
        except psycopg.Error as error:  # the disk filled meanwhile: PostgreSQL removes what it had copied
            free = self.free()
            if free is not None and free < need:
                raise exc.DiskSpaceError.for_copy(manage_line(*self.args), what, need, free) from None
            raise error_for(error, self.database) from None
        self.mark = self.database.connect(dbname=self.copy, application_name="djmig guard")

    def free(self):
        """Return the free bytes of the disk of the server's data folder, or None if this process cannot see it."""
        try:
            return shutil.disk_usage(self.folder).free if self.folder else None
        except OSError:
            return None

    def disk_full(self):
        """Return True if the server's disk has no room left for a new write-ahead log file (it stops then)."""
        free = self.free()
        return free is not None and self.segment is not None and free < self.segment

    def _room(self):
        """Raise DiskSpaceError unless the server's disk has room for the copy; return (bytes needed, its words).

        The copy writes each page twice (the file, and the write-ahead log) and may start a new log segment.
        A server that cannot write its log for lack of room stops, and may not start again until room is made.
        """
        size, self.segment, self.folder = self.admin.execute(
            "SELECT pg_database_size(%s), pg_size_bytes(current_setting('wal_segment_size')), "
            "current_setting('data_directory')", [self.name]).fetchone()
        need = 2 * size + self.segment
        what = f"database {self.name!r} ({exc.megabytes(size)}; {exc.megabytes(need)} of disk with its log)"
        free = self.free()
        if free is not None and need > free:
            raise exc.DiskSpaceError.for_copy(manage_line(*self.args), what, need, free)
        return need, what

    def busy(self, name, why):
        """Return the DatabaseBusyError of sessions on database NAME that keep the guard from doing its work."""
        others = self.admin.execute(
            "SELECT pid, coalesce(nullif(application_name, ''), backend_type) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()", [name]).fetchall()
        sessions = ", ".join(f"{app} (pid {pid})" for pid, app in others) or "another session"
        return exc.DatabaseBusyError(
            f"`{manage_line(*self.args)}` not run: {sessions} is connected to database {name!r}, and {why}; "
            f"close it (e.g. quit dbshell) and run again")

    def _unmark(self):
        if self.mark is not None:
            self.mark.close()
            self.mark = None

    def put_back(self):
        """Replace the database with this guard's copy.

        The database is first renamed aside (the sessions a killed migrate may have left are ended), then the
        copy takes its name, then what was set aside is dropped. A DROP that cannot finish (its checkpoint
        meets a full disk) leaves a half-dropped database: never the one of the project's name. What a step
        left undone the next guard finishes (``claim``). ``set_aside``: the database was renamed aside, so if
        a later step failed no database has its name, and the next guard puts the copy back.
        """
        psycopg = psycopg_module()
        for attempt in range(3):  # a session that connected meanwhile is ended next time
            self.admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                               "AND pid <> pg_backend_pid()", [self.name])
            try:
                self._run("ALTER DATABASE {} RENAME TO {}", self._db, self._aside)
                break
            except psycopg.errors.ObjectInUse:
                if attempt == 2:
                    raise
        self.set_aside = True
        self._unmark()
        self._run("ALTER DATABASE {} RENAME TO {}", self._clone, self._db)
        with contextlib.suppress(psycopg.Error):  # its disk is full: the next guard removes it
            self._run("DROP DATABASE {} WITH (FORCE)", self._aside)

    def drop(self):
        """Remove this guard's copy: the migrate it guarded is done."""
        self._unmark()
        self._run("DROP DATABASE IF EXISTS {}", self._clone)

    def close(self):
        """End the guard's sessions: its lock goes with them."""
        self._unmark()
        self.admin.close()
