"""The fork server: a Python per kernel with Django's modules imported, forking each command's process.

A cold ``python manage.py ...`` spends most of its 0.3 s of CPU importing Django before it reads the project;
a process forked from the server (``_zygote.py``) has those modules already and runs the same manage.py, in
a process and session of its own, with the command's own folder, environment, stdin, stdout and stderr. It
reads no project and no settings before the fork, so the answer is a cold run's. ``runner.run`` uses it for
``python ...`` commands, and the warm probe for its servers (``runner.start(forked=True)``). Settings Python
reads when it starts (the PYTHON* and locale variables: the probe's fixed hash seed) get a server started with
them; a server that cannot start or stopped, or DJMIG_FORK_SERVER=0, starts Python cold. A server stops when
the kernel exits (its socket closes).
"""

import atexit
import json
import locale
import os
import select
import socket
import subprocess
import threading
import time
from collections import OrderedDict
from pathlib import Path
from subprocess import TimeoutExpired

__all__ = ["enabled", "start", "stop"]

_ZYGOTE = Path(__file__).with_name("_zygote.py")
_LOCK = threading.Lock()
_SERVERS = OrderedDict()  # startup settings -> (Popen, socket) of a running server, the one used last at the end
# Read when Python starts (the PYTHON* variables and these): a command is forked by a server started with its own.
_STARTUP = ("LANG", "LC_ALL", "LC_CTYPE", "TZ")
KEPT = 2  # servers kept at once (the probe's have their own hash seed): a third stops the one used longest ago


def enabled():
    """Return True unless DJMIG_FORK_SERVER=0 turns the fork server off."""
    return os.environ.get("DJMIG_FORK_SERVER", "1") != "0"


def _startup(env):
    return tuple(sorted((k, v) for k, v in env.items() if k.startswith("PYTHON") or k in _STARTUP))


def _server(env):
    """Return the channel of the running server started with ENV's startup settings, starting one if none runs."""
    from .runner import start  # the one place where the kit starts a process

    key = _startup(env)
    if key in _SERVERS and _SERVERS[key][0].poll() is None:
        _SERVERS.move_to_end(key)
        return _SERVERS[key][1]
    _stop(key)  # one that stopped: its socket goes too
    mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        process = start([str(_ZYGOTE), str(theirs.fileno())], _ZYGOTE.parent, env, stdin=subprocess.DEVNULL,
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(theirs.fileno(),))
    finally:
        theirs.close()
    _SERVERS[key] = (process, mine)
    while len(_SERVERS) > KEPT:
        _stop(next(iter(_SERVERS)))
    return mine


def start(args, cwd, env, input=None, stderr=None, streams=False):
    """Start ``python ARGS...`` in CWD with exactly the environment ENV, forked from the server; return its
    Forked process, or None when it must start cold (see the module's docstring).

    INPUT: text for its stdin (else it reads /dev/null). STREAMS: its stdin and stdout stay open as text pipes
    (``.stdin``, ``.stdout``), as a server's do. STDERR: a file for its stderr (else a pipe communicate reads).
    """
    if not enabled():
        return None
    mine, theirs = [], []  # our ends (reply, stdin, stdout, stderr; None where we keep none) and the command's
    try:
        with _LOCK:
            channel = _server(env)
            reply, their_reply = socket.socketpair()
            mine.append(reply)
            theirs.append(their_reply)
            if streams or input is not None:
                _pipe(theirs, mine)
            else:
                theirs.append(os.open(os.devnull, os.O_RDONLY))
                mine.append(None)
            _pipe(mine, theirs)
            if stderr is not None:
                theirs.append(os.dup(stderr.fileno()))
                mine.append(None)
            else:
                _pipe(mine, theirs)
            message = json.dumps({"args": [str(a) for a in args], "cwd": os.path.abspath(cwd), "env": env}).encode()
            socket.send_fds(channel, [message], [their_reply.fileno(), *theirs[1:]])
    except OSError:
        _stop(_startup(env))
        _close(mine)
        return None
    finally:  # the command's ends are the command's alone
        _close(theirs)
    first = _line(reply)
    if not first.startswith("pid "):  # the command's process never ran: start it cold
        _close(mine)
        return None
    return Forked(args, int(first.split()[1]), *mine, streams=streams)


def _pipe(readers, writers):
    """Make a pipe: its read end goes to READERS, its write end to WRITERS."""
    read, write = os.pipe()
    readers.append(read)
    writers.append(write)


def _close(ends):
    for end in ends:
        if isinstance(end, socket.socket):
            end.close()
        elif end is not None:
            os.close(end)


def _line(sock):
    """Read one line from SOCK ("" at its end)."""
    data = b""
    while not data.endswith(b"\n"):
        chunk = sock.recv(1)
        if not chunk:
            break
        data += chunk
    return data.decode()


class Forked:
    """A command's process forked by the server: what the kit uses of a Popen (pid, returncode, communicate;
    with streams, stdin, stdout, poll and wait)."""

    def __init__(self, args, pid, reply, stdin, stdout, stderr, streams=False):
        self.args, self.pid, self.returncode = args, pid, None
        self._reply, self._threads, self._read = reply, None, {}
        self._encoding = locale.getpreferredencoding(False)
        if streams:
            self.stdin = os.fdopen(stdin, "w", encoding=self._encoding)
            self.stdout = os.fdopen(stdout, "r", encoding=self._encoding)
        else:
            self._stdin = stdin
            self._fds = {name: fd for name, fd in (("stdout", stdout), ("stderr", stderr)) if fd is not None}

    def poll(self):
        """Return the exit code once the process has ended, else None."""
        if self.returncode is None and select.select([self._reply], [], [], 0)[0]:
            self._ended()
        return self.returncode

    def wait(self, timeout=None):
        """Wait for the process to end (TimeoutExpired after TIMEOUT seconds) and return its exit code."""
        if self.returncode is None:
            if not select.select([self._reply], [], [], timeout)[0]:
                raise TimeoutExpired(self.args, timeout)
            self._ended()
        return self.returncode

    def _ended(self):
        line = _line(self._reply)
        self._reply.close()
        self.returncode = int(line.split()[1]) if line.startswith("exit ") else -9

    def communicate(self, input=None, timeout=None):
        """Feed INPUT, wait for the command to end and return (stdout, stderr) as text, as Popen's does."""
        if self._threads is None:
            self._start(input)
        deadline = None if timeout is None else time.monotonic() + timeout
        for job in self._threads:
            job.join(None if deadline is None else max(0, deadline - time.monotonic()))
            if job.is_alive():
                raise TimeoutExpired(self.args, timeout)
        return tuple(self._text(self._read.get(name, b"")) for name in ("stdout", "stderr"))

    def _start(self, input):
        jobs = [threading.Thread(target=self._drain, args=(name,), daemon=True) for name in self._fds]
        jobs.append(threading.Thread(target=self.wait, daemon=True))
        if self._stdin is not None:
            jobs.append(threading.Thread(target=self._feed, args=((input or "").encode(self._encoding),), daemon=True))
        for job in jobs:
            job.start()
        self._threads = jobs

    def _drain(self, name):
        chunks, fd = [], self._fds[name]
        try:
            while chunk := os.read(fd, 65536):
                chunks.append(chunk)
        finally:
            os.close(fd)
        self._read[name] = b"".join(chunks)

    def _feed(self, data):
        try:
            with os.fdopen(self._stdin, "wb") as pipe:
                pipe.write(data)
        except BrokenPipeError:
            pass

    def _text(self, data):
        return data.decode(self._encoding).replace("\r\n", "\n").replace("\r", "\n")


def _stop(key):
    """Stop the server of startup settings KEY: its socket closes, and it leaves (what it forked runs on)."""
    process, channel = _SERVERS.pop(key, (None, None))
    if channel is not None:
        channel.close()
    if process is not None:
        try:
            process.wait(5)
        except TimeoutExpired:
            process.kill()
            process.wait()


@atexit.register
def stop():
    """Stop every server (when the kernel exits; their sockets closing would stop them too)."""
    for key in list(_SERVERS):
        _stop(key)
