"""The warm probe's server: one Django process that forks a fresh child for each request, so nothing carries over.

The parent has done what every answer needs first (Django set up, the migration machinery and every app's
migration modules imported) and never opens a database connection. Each request is one JSON line on stdin,
{"argv": [...], "stdout": path, "stderr": path}: a child forked for it answers as a cold run would, its
output in those files, and the parent replies with one JSON line {"status": exit code} on its own stdout.
The server stops when stdin closes (the kernel that started it is gone), and removes the folder of its answers:
a kernel killed outright never removes it.
"""

import json
import os
import shutil
import sys
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


def serve(main, folder=None):
    """Answer the requests read from stdin, each by MAIN(argv) in a child of its own, until stdin closes; then
    remove FOLDER, where the answers were written."""
    warm_up()
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    for line in sys.stdin:
        request = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _child(request, main)  # never returns
        _, status = os.waitpid(pid, 0)
        replies.write(json.dumps({"status": os.waitstatus_to_exitcode(status)}) + "\n")
        replies.flush()
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def _redirect(fd, path, flags):
    target = os.open(path, flags, 0o600)
    os.dup2(target, fd)
    os.close(target)


def _child(request, main):
    """Answer REQUEST with its output in the files it names, then leave with the exit code a cold run has."""
    code = 0
    try:
        _redirect(0, os.devnull, os.O_RDONLY)
        _redirect(1, request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        _redirect(2, request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
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
