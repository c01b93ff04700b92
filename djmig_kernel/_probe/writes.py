"""Inside the kit's ``manage.py migrate`` on SQLite: note, after each of Django's writes, whose writes the file holds.

The kernel snapshots the file before migrate and puts it back if migrate fails, but only over writes that
are Django's own. So this process runs ``manage.py`` as Python would (``python manage.py ARGS``, the
same traceback), and after every statement Django runs outside a transaction and every commit it writes
one line to the file DJMIG_WRITES: ``FIRST LAST FOREIGN``. FIRST is the file change counter (header bytes
24–27, one more for every commit in rollback-journal mode) when Django's connection first read the
file, LAST the counter after Django's latest write, FOREIGN 1 once another connection committed in
between: ``PRAGMA data_version`` of Django's own connection changes exactly when another connection
commits. The kernel compares FIRST with its snapshot and LAST with the file after migrate.
Only the standard library and Django: it never imports the rest of the kit.
"""

import builtins
import os
import sys
import traceback

LEDGER = "DJMIG_WRITES"  # the file this process writes its line to
DATABASE = "DJMIG_DATABASE"  # the SQLite file the kernel guards (resolved)


class Writes:
    """The line this process keeps in the ledger: the counters of Django's own writes to DATABASE."""

    def __init__(self, database, ledger):
        self.database = database
        self.first = self.last = self.version = self.file = None
        self.out = os.open(ledger, os.O_WRONLY)
        self.foreign = False
        self.watched = set()

    def on_connection(self, sender, connection, **kwargs):
        """Watch CONNECTION if it opens the guarded file (Django's ``connection_created`` signal)."""
        name = connection.settings_dict.get("NAME")
        if connection.vendor != "sqlite" or connection.is_in_memory_db() or \
                os.path.realpath(name) != self.database:
            return
        if id(connection) not in self.watched:
            self.watched.add(id(connection))
            connection.execute_wrappers.append(self._after_statement)
            commit = connection._commit
            connection._commit = lambda: (commit(), self.note(connection))[0]
        if self.file is None:  # kept open to the end: closing it would drop this process's SQLite locks
            self.file = os.open(self.database, os.O_RDONLY)
        self.version = None  # a new connection has a data_version of its own
        self.note(connection)

    def _after_statement(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        self.note(context["connection"])
        return result

    def note(self, connection):
        """Write down the counter after a write of CONNECTION's that is committed (none inside a transaction)."""
        raw = connection.connection
        if raw is None or raw.in_transaction:
            return
        # The counter before and after data_version: a commit by another connection before the second read
        # shows in one of them (its data_version changes, or the two counters differ), one after it in the next
        # note or in the file the kernel reads afterwards. No lock is taken: Django may have a query open.
        counter = int.from_bytes(os.pread(self.file, 4, 24), "big")
        version = raw.execute("PRAGMA data_version").fetchone()[0]
        self.foreign |= int.from_bytes(os.pread(self.file, 4, 24), "big") != counter
        if self.version is None:  # a new connection: what it first reads must be where the last one left off
            self.foreign |= self.last is not None and counter != self.last
            self.first = counter if self.first is None else self.first
        else:
            self.foreign |= version != self.version
        self.version, self.last = version, counter
        # One write of a fixed width in place: a process killed at any moment leaves a whole line.
        os.pwrite(self.out, f"{self.first} {self.last} {int(self.foreign)}".ljust(40).encode() + b"\n", 0)


def main():
    """Run ``manage.py ARGS`` (sys.argv[1:]) as ``python manage.py ARGS`` would, noting Django's writes."""
    from django.db.backends.signals import connection_created

    writes = Writes(os.environ[DATABASE], os.environ[LEDGER])
    connection_created.connect(writes.on_connection, weak=False)
    sys.argv = sys.argv[1:]
    path = os.path.abspath(sys.argv[0])
    sys.path[0] = os.path.dirname(path)
    with open(path, "rb") as file:
        code = compile(file.read(), path, "exec")
    try:
        exec(code, {"__name__": "__main__", "__file__": path, "__builtins__": builtins})  # noqa: S102  (manage.py itself)
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as error:  # noqa: BLE001  (printed as Python prints an uncaught error)
        shown = traceback.TracebackException.from_exception(error)
        _without_own_frames(shown, set())
        sys.stderr.write("".join(shown.format()))
        sys.exit(1)


def _without_own_frames(shown, seen):
    """Leave this module's frames out of the traceback SHOWN and the ones it chains to: the learner's
    ``python manage.py`` has none."""
    if shown is None or id(shown) in seen:
        return
    seen.add(id(shown))
    shown.stack = traceback.StackSummary.from_list([f for f in shown.stack if f.filename != __file__])
    _without_own_frames(shown.__cause__, seen)
    _without_own_frames(shown.__context__, seen)
