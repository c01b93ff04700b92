"""The PostgreSQL server a process rehearses plans on: started at its first shadow, kept until the process ends.

Its data is scratch: it runs with fsync, full_page_writes and synchronous_commit off, so that making a shadow
database (a copy of a schema of hundreds of tables) and dropping it cost tenths of a second, where on a server
that keeps data safe each waits for the disk (1 to 3 s on a busy one). Nothing is made on the project's own
server, the kit's or a learner's. One left behind by a process that ended without stopping it (killed) is
stopped by the next process that starts one.
"""

import atexit
import contextlib
import os
import shutil
import signal
import tempfile
from pathlib import Path

from . import server

__all__ = ["settings", "stop", "shadows_folder"]

_FOLDER_PREFIX = "shadow-"  # shadow-<pid>-<random>: the pid of the process that keeps it
_SCRATCH = ("fsync", "full_page_writes", "synchronous_commit")
_kept = {}  # "folder", "pid": this process's server and its postmaster


def shadows_folder():
    """Return (/tmp/djmig-shadows-<uid>/, whether we are root), the folder made if missing: the shadow servers'
    folders, this user's only."""
    uid = os.getuid() if hasattr(os, "getuid") else os.getlogin()
    folder = Path(tempfile.gettempdir()) / f"djmig-shadows-{uid}"
    # as root, pgserver runs the server as a user of its own, which must reach its data and socket
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    folder.mkdir(mode=0o755 if root else 0o700, exist_ok=True)
    return folder, root


def settings():
    """Return the settings (database "postgres", as the superuser) of this process's shadow server, started now
    unless it runs (one whose folder another program removed meanwhile is stopped and started anew)."""
    folder = _kept.get("folder")
    if folder is not None and server.running(folder):
        return server.settings(folder, "postgres")
    stop()
    _stop_left_behind()
    parent, root = shadows_folder()
    folder = Path(tempfile.mkdtemp(prefix=f"{_FOLDER_PREFIX}{os.getpid()}-", dir=parent))
    if root:
        folder.chmod(0o755)
    if not _kept:
        atexit.register(stop)
    _kept["folder"] = folder
    result = server.start(folder, name="postgres")
    _kept["pid"] = server.postmaster_pid(folder)
    with server.admin(result) as admin:
        for name in _SCRATCH:
            admin.execute(f"ALTER SYSTEM SET {name} = off")
        admin.execute("SELECT pg_reload_conf()")
    return result


def stop():
    """Stop this process's shadow server and remove its folder (at exit; best effort)."""
    folder, pid = _kept.pop("folder", None), _kept.pop("pid", None)
    if folder is not None:
        _stop(folder, pid)


def _stop(folder, pid=None):
    with contextlib.suppress(Exception):
        server.stop(folder)
        server.forget(folder)
    if pid is not None and server.alive(pid):  # its folder was removed under it: postmaster.pid is gone too
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGQUIT)
    shutil.rmtree(folder, ignore_errors=True)


def _stop_left_behind():
    """Stop the shadow servers of processes that no longer run, and remove their folders."""
    parent, _ = shadows_folder()
    for folder in parent.glob(f"{_FOLDER_PREFIX}*"):
        pid = folder.name[len(_FOLDER_PREFIX):].split("-")[0]
        if pid.isdigit() and int(pid) != os.getpid() and not server.alive(int(pid)):
            _stop(folder)
