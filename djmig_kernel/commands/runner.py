"""Run one command in a subprocess with a timeout and keep its transcript; read the answer a command prints."""

import html
import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..display.terminal import command_line
from ..exceptions import CommandTimeout, DjmigError
from . import forkserver
from .diagnose import diagnose

# A dark block, so that what a command printed never looks like a Python value.
_TERMINAL = (
    "background:#1e1e1e;color:#e6e6e6;padding:6px 10px;border-radius:4px;margin:0;"
    "font-family:var(--jp-code-font-family,monospace);font-size:12px;white-space:pre-wrap;"
    "word-break:normal;overflow-wrap:normal;overflow-x:auto"
)
_PROMPT, _STDERR, _TYPED = "color:#7ee787", "color:#ffa657", "color:#79c0ff;font-weight:bold"


@dataclass(frozen=True)
class CommandResult:
    """What a command printed: shown in a notebook as a terminal transcript."""

    args: tuple
    returncode: int
    stdout: str
    stderr: str
    # (start, end) of each stretch of stdout that was typed, not printed: the answers to questions.
    typed: tuple = field(default=(), repr=False)

    @property
    def command(self):
        """Return the command line as the learner would type it."""
        return command_line(self.args)

    @property
    def output(self):
        """Return stdout and stderr together, as a terminal shows them."""
        return "".join(part if part.endswith("\n") or not part else part + "\n"
                       for part in (self.stdout, self.stderr))

    def __repr__(self):
        return f"$ {self.command}\n{self.output}".rstrip("\n")

    def _repr_pretty_(self, printer, cycle):
        printer.text(repr(self))

    def _repr_html_(self):
        lines = [f"<span style='{_PROMPT}'>$ {html.escape(self.command)}</span>"]
        if self.stdout.strip():
            lines.append(self._stdout_html().rstrip("\n"))
        if self.stderr.strip():
            lines.append(f"<span style='{_STDERR}'>{html.escape(self.stderr.rstrip(chr(10)))}</span>")
        return f"<pre class='djmig-terminal' style='{_TERMINAL}'>" + "\n".join(lines) + "</pre>"

    def _stdout_html(self):
        parts, start = [], 0
        for begin, end in self.typed:
            parts += [html.escape(self.stdout[start:begin]),
                      f"<span style='{_TYPED}'>{html.escape(self.stdout[begin:end])}</span>"]
            start = end
        return "".join(parts) + html.escape(self.stdout[start:])


def environment(extra=None):
    """Return the environment a command of the kit runs with: os.environ, EXTRA, and the kit's fixed settings."""
    env = dict(os.environ, **(extra or {}))
    # manage.py only sets its settings module if none is set already.
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONIOENCODING="utf-8",
        PYTHONUNBUFFERED="1",
        DJANGO_COLORS="nocolor",
    )
    return env


def start(args, cwd, env=None, stdin=subprocess.PIPE, stderr=subprocess.PIPE, program=None,
          stdout=subprocess.PIPE, pass_fds=(), forked=False):
    """Start ``python ARGS...`` (or ``PROGRAM ARGS...``) in CWD, in a process group of its own, and return its
    Popen (text pipes).

    The one place where the kit starts a process (the fork server's commands are forked by a process started
    here). ENV: more environment variables for it; PASS_FDS: descriptors it inherits. FORKED: a ``python``
    server with text pipes for stdin and stdout and a file for STDERR is forked from the fork server where it
    can be (forkserver.Forked, which has what the kit uses of a Popen).
    """
    if forked and program is None and stdin == subprocess.PIPE and hasattr(stderr, "fileno"):
        process = forkserver.start(args, cwd, environment(env), stderr=stderr, streams=True)
        if process is not None:
            return process
    return subprocess.Popen(
        [program or sys.executable, *args],
        cwd=cwd,
        env=environment(env),
        stdin=stdin,
        stdout=stdout,
        stderr=stderr,
        text=True,
        start_new_session=True,
        pass_fds=pass_fds,
    )


def timed_out(label, timeout, result):
    """Return the CommandTimeout of the command LABEL, stopped at its TIMEOUT (RESULT: what it printed)."""
    return CommandTimeout(
        f"`{label}` ran past its {timeout:g} s timeout and was stopped; "
        f"pass a larger timeout= if it needs longer, or look for what it waits on",
        result=result,
    )


def run(args, cwd, timeout, label=None, input=None, env=None, prefix=(), program=None):
    """Run ``python ARGS...`` (or ``PROGRAM ARGS...``: a PostgreSQL client of the wheel's) in CWD and return its
    CommandResult.

    The command runs in a process group of its own so that a timeout kills it
    and anything it started; it then raises CommandTimeout, which names the
    command by LABEL if given (for commands the learner did not type). INPUT,
    if given, is the text on the command's stdin (else stdin is empty): once it
    is read to its end, a command that asks for more gets EOF, so it cannot wait. ENV: more
    environment variables for the command. PREFIX: Python arguments that go before ARGS but not into
    the transcript (the kit's own wrapper around ``manage.py``). A ``python`` command is forked from the
    fork server (forkserver.py) where it can be, else started cold.
    """
    stdin = subprocess.DEVNULL if input is None else subprocess.PIPE
    process = forkserver.start([*prefix, *args], cwd, environment(env), input) if program is None else None
    if process is None:
        process = start([*prefix, *args], cwd, env, stdin=stdin, program=program)
    try:
        stdout, stderr = process.communicate(input, timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        result = CommandResult(tuple(args), process.returncode, stdout, stderr)
        raise timed_out(label or result.command, timeout, result) from None
    except BaseException:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise
    return CommandResult(tuple(args), process.returncode, from_folder(stdout, cwd), stderr)


def from_folder(stdout, cwd):
    """Return STDOUT with the files under CWD named from there, not by absolute path.

    Some commands name the files they wrote by absolute path (makemigrations --merge, squashmigrations);
    a transcript names them from the folder the command ran in.
    """
    return stdout.replace(f"{Path(cwd).resolve()}{os.sep}", "")


def read_answer(args, cwd, timeout, label, mark, env=None):
    """Run ``python ARGS...`` in CWD and return the JSON on the line it prints after MARK.

    A failed run raises the DjmigError of its error line, naming the command by LABEL.
    """
    return answer_of(run(args, cwd, timeout, label, env=env), cwd, label, mark)


def answer_of(result, cwd, label, mark):
    """Return the JSON on the line RESULT printed after MARK; raise the DjmigError of a failed run's error line."""
    if result.returncode:  # a signal's too (negative): diagnose says which
        cls, message = diagnose(label, result.stderr, Path(cwd), result.stdout, result.returncode)
        raise cls(message, result=result)
    for line in result.stdout.splitlines():
        if line.startswith(mark):
            return json.loads(line[len(mark):])
    raise DjmigError(f"`{label}` printed no answer; what it printed: %last_error", result=result)
