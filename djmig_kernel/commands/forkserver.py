"""The fork server: one Python per kernel with Django's modules imported, forking each command's process.

A cold ``python manage.py ...`` spends most of its 0.3 s of CPU importing Django before it reads the project;
a process forked from the server (``_zygote.py``) has those modules already and runs the same manage.py, in
a process and session of its own, with the command's own folder, environment, stdin, stdout and stderr. It
reads no project and no settings before the fork, so the answer is a cold run's. ``runner.run`` uses it for
``python ...`` commands whose interpreter settings (the PYTHON* and locale variables) are those the server
started with; anything else, a server that cannot start or stopped, or DJMIG_FORK_SERVER=0 starts Python
cold. The server stops when the kernel exits (its socket closes).
"""

import atexit
import json
import locale
import os
import socket
import subprocess
import threading
import time
from pathlib import Path
from subprocess import TimeoutExpired

__all__ = ["enabled", "start", "stop"]

_ZYGOTE = Path(__file__).with_name("_zygote.py")
_LOCK = threading.Lock()
_SERVER = {}  # "process", "channel", "startup": the running server, if any
# Read when Python starts: a command with other values than the server's starts cold.
_STARTUP = ("LANG", "LC_ALL", "LC_CTYPE", "TZ")


def enabled():
    """Return True unless DJMIG_FORK_SERVER=0 turns the fork server off."""
    return os.environ.get("DJMIG_FORK_SERVER", "1") != "0"


def _startup(env):
    return {k: v for k, v in env.items() if k.startswith("PYTHON") or k in _STARTUP}


def _server(env):
    """Return the running server's channel, starting one if none runs; None if ENV's startup settings differ."""
    from .runner import start  # the one place where the kit starts a process

    process = _SERVER.get("process")
    if process is not None and process.poll() is None:
        return _SERVER["channel"] if _SERVER["startup"] == _startup(env) else None
    stop()  # one that stopped: its socket goes too
    mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        process = start([str(_ZYGOTE), str(theirs.fileno())], _ZYGOTE.parent, stdin=subprocess.DEVNULL,
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(theirs.fileno(),))
    finally:
        theirs.close()
    _SERVER.update(process=process, channel=mine, startup=_startup(env))
    return mine


def start(args, cwd, env, input=None):
    """Start ``python ARGS...`` in CWD with exactly the environment ENV, forked from the server; return its
    Forked process, or None when it must start cold (see the module's docstring)."""
    if not enabled():
        return None
    ends = []
    try:
        with _LOCK:
            channel = _server(env)
            if channel is None:
                return None
            reply, child_reply = socket.socketpair()
            stdin_r, stdin_w = os.pipe() if input is not None else (os.open(os.devnull, os.O_RDONLY), None)
            out_r, out_w = os.pipe()
            err_r, err_w = os.pipe()
            ends = [child_reply, stdin_r, out_w, err_w]
            message = json.dumps({"args": [str(a) for a in args], "cwd": os.path.abspath(cwd), "env": env}).encode()
            socket.send_fds(channel, [message], [child_reply.fileno(), stdin_r, out_w, err_w])
    except OSError:
        stop()
        return None
    finally:  # the command's ends of the pipes are the command's alone
        for end in ends:
            if isinstance(end, socket.socket):
                end.close()
            else:
                os.close(end)
    first = _line(reply)
    if not first.startswith("pid "):  # the command's process never ran: start it cold
        for fd in (out_r, err_r, *([stdin_w] if stdin_w is not None else [])):
            os.close(fd)
        reply.close()
        return None
    return Forked(args, int(first.split()[1]), reply, stdin_w, out_r, err_r)


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
    """A command's process forked by the server: what runner.run needs of a Popen (pid, communicate, returncode)."""

    def __init__(self, args, pid, reply, stdin, stdout, stderr):
        self.args, self.pid, self.returncode = args, pid, None
        self._reply, self._stdin, self._fds = reply, stdin, {"stdout": stdout, "stderr": stderr}
        self._read, self._threads = {}, None

    def _start(self, input):
        encoding = locale.getpreferredencoding(False)
        jobs = [threading.Thread(target=self._drain, args=(name,), daemon=True) for name in self._fds]
        jobs.append(threading.Thread(target=self._wait, daemon=True))
        if self._stdin is not None:
            jobs.append(threading.Thread(target=self._feed, args=((input or "").encode(encoding),), daemon=True))
        for job in jobs:
            job.start()
        self._threads, self._encoding = jobs, encoding

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

    def _wait(self):
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

    def _text(self, data):
        return data.decode(self._encoding).replace("\r\n", "\n").replace("\r", "\n")


@atexit.register
def stop():
    """Stop the server: its socket closes, and it leaves (commands it forked run on to their end)."""
    channel, process = _SERVER.pop("channel", None), _SERVER.pop("process", None)
    _SERVER.clear()
    if channel is not None:
        channel.close()
    if process is not None:
        try:
            process.wait(5)
        except TimeoutExpired:
            process.kill()
            process.wait()
