"""The warm probe's server: one Django process that forks a fresh child for each request, so nothing carries over.

The parent has done what every answer needs first (Django set up, the migration machinery and every app's
migration modules imported) and never opens a database connection. Each request is one JSON line on stdin,
{"argv": [...]}: a child forked for it answers as a cold run would, its stdout and stderr in two files of the
parent's that have no name (nothing in the temporary folder, where a program cleaning it up could remove them
and take the child's error with them), and the parent replies with one JSON line {"status": exit code, "stdout":
text, "stderr": text} on its own stdout. The server stops when stdin closes (the kernel that started it is gone).
"""

import json
import os
import sys
import tempfile
import traceback


def warm_up():
    """Import what answers need, so that each child starts with it loaded; a failure is left to the child."""
    try:
        from django.db import connections
        from django.db.migrations import autodetector, executor, questioner  # noqa: F401  (imported for the children)
        from django.db.migrations.loader import MigrationLoader

        from . import drift, graph, locks, plan, schema, snapshot, sql  # noqa: F401  (imported for the children)

        MigrationLoader(None, ignore_no_migrations=True)  # imports every app's migration modules, reads no database
        connections.close_all()
    except Exception:  # noqa: BLE001  (the child that answers meets the same error, and reports it as a cold run would)
        pass


def serve(main):
    """Answer the requests read from stdin, each by MAIN(argv) in a child of its own, until stdin closes."""
    warm_up()
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    # No name (O_TMPFILE, or removed as soon as made): they go with this process, whatever else is removed.
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    for line in sys.stdin:
        request = json.loads(line)
        for file in (out, err):
            file.seek(0)
            file.truncate()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _child(request, main, out.fileno(), err.fileno())  # never returns
        _, status = os.waitpid(pid, 0)
        replies.write(json.dumps({"status": os.waitstatus_to_exitcode(status), "stdout": _text(out),
                                  "stderr": _text(err)}) + "\n")
        replies.flush()


def _text(file):
    """Return what a child wrote to FILE (from its start)."""
    file.seek(0)
    return file.read().decode("utf-8", errors="replace")


def _child(request, main, out, err):
    """Answer REQUEST with its stdout in the file OUT and its stderr in ERR (descriptors), then leave with the exit
    code a cold run has."""
    code = 0
    try:
        devnull = os.open(os.devnull, os.O_RDONLY)
        for fd, target in ((devnull, 0), (out, 1), (err, 2)):
            os.dup2(fd, target)
        os.close(devnull)
        main(request["argv"])
    except SystemExit as stop:
        if isinstance(stop.code, int) or stop.code is None:
            code = stop.code or 0
        else:
            print(stop.code, file=sys.stderr)
            code = 1
    except BaseException:  # noqa: BLE001  (printed as Python prints an uncaught error)
        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
