"""The fork server's own process: Python with Django's modules imported once, forking a fresh child per command.

Started by forkserver.py as ``python _zygote.py FD`` (FD: its end of a SOCK_SEQPACKET socket pair), it imports
what every ``manage.py`` start imports first (Django's modules, never a project's: no settings are read), then
waits. Each request is one message {"args", "cwd", "env"} carrying four descriptors: a reply socket and the
command's stdin, stdout and stderr. A helper forked for it forks the command's process, which starts a session
of its own, takes those descriptors as 0, 1 and 2, says "pid N" on the reply socket and runs ARGS as
``python ARGS...`` would (``manage.py ...``, ``-c CODE ...`` or ``-m MODULE ...``) in CWD with exactly ENV;
the helper then says "exit N" (its exit code, negative for a signal, as Popen's returncode). The server stops
when the kernel's end of the pair closes. It imports nothing of the kit: a command's process is Python and
Django alone, as a cold start is.
"""

import atexit
import builtins
import importlib
import json
import os
import runpy
import signal
import socket
import sys
import types

# What a manage.py start imports before it reads a project: imported here once, a command skips ~0.15 s.
WARM = (
    "django.db.models", "django.core.management", "django.core.management.base", "django.core.checks",
    "django.db.migrations.autodetector", "django.db.migrations.executor", "django.db.migrations.loader",
    "django.db.migrations.questioner", "django.db.migrations.writer", "django.db.backends.sqlite3.base",
    "django.db.backends.sqlite3.schema", "django.core.management.commands.migrate",
    "django.core.management.commands.makemigrations", "django.core.management.commands.sqlmigrate",
    "django.core.management.commands.showmigrations", "django.core.management.commands.shell",
    "django.forms", "django.template", "django.urls", "django.http", "django.contrib.admin.checks",
    "django.views.generic", "django.core.handlers.wsgi", "django.db.backends.postgresql.base",
    "django.db.backends.postgresql.schema",
)


def warm_up():
    """Import WARM; a module that cannot be imported here (psycopg missing) is left to the command."""
    for name in WARM:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001  (the command meets the same error, as a cold start would)
            pass


def serve(channel):
    """Answer the requests read from CHANNEL until it closes."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the helpers are reaped by the system
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(channel, 1 << 20, 4)
        except OSError:
            return
        if not message:
            return
        sys.stdout.flush()
        sys.stderr.flush()
        if os.fork() == 0:
            channel.close()
            _helper(json.loads(message), fds)  # never returns
        for fd in fds:
            os.close(fd)


def _helper(request, fds):
    """Fork the command's process, wait for it and say how it exited."""
    reply, stdin, stdout, stderr = fds
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        pid = os.fork()
        if pid == 0:
            os.setsid()  # a group of its own: a timeout kills it and everything it started
            for fd, target in ((stdin, 0), (stdout, 1), (stderr, 2)):
                os.dup2(fd, target)
                os.close(fd)
            os.write(reply, f"pid {os.getpid()}\n".encode())
            os.close(reply)
            _command(request)  # never returns
        for fd in (stdin, stdout, stderr):
            os.close(fd)
        _, status = os.waitpid(pid, 0)
        os.write(reply, f"exit {os.waitstatus_to_exitcode(status)}\n".encode())
        code = 0
    finally:
        os._exit(code)


def _command(request):
    """Run the request's ARGS as ``python ARGS...`` does, then leave with the exit code Python gives."""
    code = 0
    try:
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        main = types.ModuleType("__main__")
        main.__builtins__ = builtins
        sys.modules["__main__"] = main
        args = request["args"]
        if args[0] == "-c":
            sys.argv, sys.path[0] = ["-c", *args[2:]], ""
            exec(compile(args[1], "<string>", "exec"), main.__dict__)
        elif args[0] == "-m":
            sys.argv, sys.path[0] = [args[1], *args[2:]], os.getcwd()
            runpy.run_module(args[1], run_name="__main__", alter_sys=True)
        else:
            path = os.path.abspath(args[0])
            sys.argv, sys.path[0] = list(args), os.path.dirname(path)
            main.__file__ = path
            with open(path, "rb") as source:
                exec(compile(source.read(), path, "exec"), main.__dict__)
    except SystemExit as stop:
        code = _exit_code(stop.code)
    except BaseException:  # noqa: BLE001  (printed as Python prints an uncaught error, from the command's frame)
        kind, error, frames = sys.exc_info()
        sys.excepthook(kind, error.with_traceback(frames.tb_next), frames.tb_next)
        code = 1
    finally:
        try:
            atexit._run_exitfuncs()
        finally:
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except Exception:  # noqa: BLE001  (a closed pipe: nothing more can be said)
                    pass
            os._exit(code)


def _exit_code(value):
    """Return the exit code Python gives for ``sys.exit(VALUE)`` (a message is printed, and exits 1)."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value & 0xFF
    print(value, file=sys.stderr)
    return 1


if __name__ == "__main__":
    warm_up()
    serve(socket.socket(fileno=int(sys.argv[1])))
