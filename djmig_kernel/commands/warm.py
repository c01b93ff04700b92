"""The warm probe: one long-lived Django process per project answering the probe's requests, never stale.

Started on the first request, it forks a fresh child for each (``_probe/serve.py``), so an answer is what a
cold ``manage.py shell`` run gives, without starting Django again. A change to any .py file of the project
(models, migrations, settings) or of the probe, or to the environment its settings may read, restarts it; the
ledger and schema are read afresh by every child. Nothing of it has a name in the temporary folder: answers and
errors come back on its pipe, so a program that cleans that folder up takes nothing from it. It stops when the
kernel exits or is killed (its stdin closes), with ``stop(project)``, or when a request runs past its timeout; a
server that died is started again, and the request it missed asked again.
DJMIG_WARM_PROBE=0 turns it off (every request cold).
"""

import atexit
import hashlib
import json
import os
import select
import signal
import tempfile
import threading
import time
from collections import OrderedDict
from pathlib import Path

from .. import _probe, exceptions as exc
from .diagnose import signal_words
from .runner import CommandResult, environment, from_folder, start, timed_out

__all__ = ["enabled", "probe_code", "ask", "stop", "stop_all", "running"]

_SERVERS = OrderedDict()  # project folder -> its _Server, the most recently asked last
_LOCK = threading.Lock()
# Servers kept at once (each a Django process): asking another project stops the one asked longest ago.
KEPT = 4
# A file changed this recently may change again within the same tick of the file system's clock, keeping its
# size and time: its contents are compared too (as git does for "racily clean" files).
_RACY_NS = 3_000_000_000
_SKIPPED = {".git", ".pgdata", "__pycache__", "node_modules", ".venv", "venv", ".ipynb_checkpoints"}


def enabled():
    """Return True unless DJMIG_WARM_PROBE=0 turns the warm probe off."""
    return os.environ.get("DJMIG_WARM_PROBE", "1") != "0"


def _digest(path):
    return hashlib.blake2b(Path(path).read_bytes(), digest_size=16).hexdigest()


def _python_files(folder):
    """Yield (path, (mtime_ns, ctime_ns, inode, size, digest)) of every .py file under FOLDER, hidden and environment
    folders left out; the digest of its contents only for a file changed in the last few seconds, else None.

    As git's index does: a copy that keeps the time and size of the file it replaces (cp -p, rsync -t, tar) still
    changes its ctime, which no program can set back, or its inode (a file renamed into place).
    """
    recent = time.time_ns() - _RACY_NS
    for top, folders, files in os.walk(folder):
        folders[:] = sorted(f for f in folders if f not in _SKIPPED and not f.startswith("."))
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(top, name)
                info = os.stat(path)
                digest = _digest(path) if max(info.st_mtime_ns, info.st_ctime_ns) >= recent else None
                yield path, (info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_size, digest)


def _sources(project):
    """Return what a server's answers depend on besides the database: the project's and the probe's .py files."""
    return dict(_python_files(project)) | dict(_python_files(Path(_probe.__file__).parent))


def _same(old, new):
    """Return True if the sources NEW (read now) are the sources OLD: a file whose contents were compared then
    (it had just changed) is compared again, since its time and size may not show a change made since."""
    if old.keys() != new.keys():
        return False
    for path, (*stat, digest) in new.items():
        *was_stat, was_digest = old[path]
        if stat != was_stat:
            return False
        if was_digest is not None and (digest or _digest(path)) != was_digest:
            return False
    return True


def probe_code(call):
    """Return Python code that loads the probe package as ``m`` (under a name of its own), then runs CALL.

    Loaded from its folder: importing djmig_kernel inside the project would pull in pandas and the kernel's imports.
    """
    init = str(Path(_probe.__file__))
    return (
        "import importlib.util as u, sys; "
        f"s = u.spec_from_file_location('djmig_probe', {init!r}, submodule_search_locations=[{str(Path(init).parent)!r}]); "
        "m = sys.modules['djmig_probe'] = u.module_from_spec(s); s.loader.exec_module(m); "
        f"{call}"
    )


class _Server:
    """One project's server process, the sources and environment it was started on, and its stderr."""

    def __init__(self, project, env, sources):
        self.project, self.sources = project, sources  # read before Django starts: a later change restarts it
        # What the settings may read (DATABASE_URL, os.environ["DB_NAME"]): another value restarts it.
        self.environment = environment(env)
        self.answered = False  # whether it answered a request: a server that dies after that is started anew
        self.log = tempfile.TemporaryFile("w+")  # no name: nothing to remove, nor to be removed by another program
        serve = probe_code("from djmig_probe.serve import serve; serve(m.main)")
        self.process = start(["manage.py", "shell", "--no-imports", "-c", serve], project, env, stderr=self.log,
                             forked=True)

    def ask(self, argv, timeout, label):
        """Return the CommandResult of ARGV answered by a child; None if the server is gone (it then stops)."""
        try:
            self.process.stdin.write(json.dumps({"argv": list(argv)}) + "\n")
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            return None
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        if not ready:
            result = CommandResult(("manage.py", "shell"), -signal.SIGKILL, "", "")
            self.stop()
            raise timed_out(label, timeout, result)
        reply = self.process.stdout.readline()
        if not reply:
            return None
        self.answered = True
        answer = json.loads(reply)
        return CommandResult(("manage.py", "shell"), answer["status"], from_folder(answer["stdout"], self.project),
                             answer["stderr"])

    def startup_failure(self):
        """Return the CommandResult of a server that stopped before answering: its own exit code and stderr."""
        self.process.wait()
        self.log.seek(0)
        return CommandResult(("manage.py", "shell"), self.process.returncode or 1, "", self.log.read())

    def alive(self):
        return self.process.poll() is None

    def stop(self):
        """Stop the server and its children."""
        if self.alive():
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.log):
            try:
                stream.close()
            except OSError:
                pass


def _server(project, env):
    """Return PROJECT's running server, started anew if there is none, it stopped, or what it read changed."""
    server = _SERVERS.get(project)
    sources = _sources(project)
    if server is not None and (not server.alive() or not _same(server.sources, sources)
                               or server.environment != environment(env)):
        _drop(project)
        server = None
    elif server is not None:
        server.sources = sources  # compared above: the same files, their digests taken anew where recent
    if server is None:
        server = _SERVERS[project] = _Server(project, env, sources)
        while len(_SERVERS) > KEPT:
            _SERVERS.popitem(last=False)[1].stop()
    _SERVERS.move_to_end(project)
    return server


def _drop(project):
    _SERVERS.pop(project).stop()


def ask(project, argv, timeout, label, env=None):
    """Return the CommandResult of the probe request ARGV in PROJECT's warm server (started or restarted as needed).

    A server that answered before and is found gone (killed between requests: its end may not have been told
    yet) is started anew and asked again, once. One started for this request that stops says why: its own
    exit code and stderr, or, killed by a signal, CommandError.
    """
    project = Path(project).resolve()
    with _LOCK:
        server, again = _server(project, env), False
        result = server.ask(argv, timeout, label)
        if result is None and server.answered:
            _drop(project)
            server, again = _server(project, env), True
            result = server.ask(argv, timeout, label)
        if result is None:  # it stopped: started anew for the next request, and this one says why
            result = server.startup_failure()
            _drop(project)
            if result.returncode < 0:
                raise _killed(label, result, again)
        elif not server.alive():
            _drop(project)
        return result


def _killed(label, result, again):
    """Return the error of a server killed by a signal while it answered (AGAIN: the one started anew for it too)."""
    which = "the warm probe's Django process and the one started anew were" if again else \
        "the warm probe's Django process was"
    return exc.CommandKilled(
        f"`{label}` failed: {which} {signal_words(result.returncode)} while answering; ask again, or set "
        f"DJMIG_WARM_PROBE=0 to start Django for each question", result=result)


def running(project):
    """Return the pid of PROJECT's warm server, or None if none runs."""
    server = _SERVERS.get(Path(project).resolve())
    return server.process.pid if server is not None and server.alive() else None


def stop(project):
    """Stop PROJECT's warm server, if one runs."""
    with _LOCK:
        server = _SERVERS.pop(Path(project).resolve(), None)
        if server is not None:
            server.stop()


@atexit.register
def stop_all():
    """Stop every warm server (when the kernel exits; their stdin closing would stop them too)."""
    for project in list(_SERVERS):
        stop(project)
