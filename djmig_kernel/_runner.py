"""Run one command in a subprocess with a timeout and keep its transcript."""

import html
import os
import shlex
import signal
import subprocess
import sys
from dataclasses import dataclass

from .exceptions import CommandTimeout

# A dark block, so that what a command printed never looks like a Python value.
_TERMINAL = (
    "background:#1e1e1e;color:#e6e6e6;padding:6px 10px;border-radius:4px;margin:0;"
    "font-family:var(--jp-code-font-family,monospace);font-size:12px;white-space:pre-wrap;"
    "word-break:normal;overflow-wrap:normal;overflow-x:auto"
)
_PROMPT, _STDERR = "color:#7ee787", "color:#ffa657"


@dataclass(frozen=True)
class CommandResult:
    """What a command printed: shown in a notebook as a terminal transcript."""

    args: tuple
    returncode: int
    stdout: str
    stderr: str

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
            lines.append(html.escape(self.stdout.rstrip("\n")))
        if self.stderr.strip():
            lines.append(f"<span style='{_STDERR}'>{html.escape(self.stderr.rstrip(chr(10)))}</span>")
        return f"<pre class='djmig-terminal' style='{_TERMINAL}'>" + "\n".join(lines) + "</pre>"


def command_line(args):
    """Return ``python ARGS...`` as the learner would type it."""
    return shlex.join(["python", *args])


def _environment():
    env = dict(os.environ)
    # manage.py only sets its settings module if none is set already.
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONIOENCODING="utf-8",
        PYTHONUNBUFFERED="1",
        DJANGO_COLORS="nocolor",
    )
    return env


def run(args, cwd, timeout, label=None):
    """Run ``python ARGS...`` in CWD and return its CommandResult.

    The command runs in a process group of its own so that a timeout kills it
    and anything it started; it then raises CommandTimeout, which names the
    command by LABEL if given (for commands the learner did not type).
    """
    process = subprocess.Popen(
        [sys.executable, *args],
        cwd=cwd,
        env=_environment(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        result = CommandResult(tuple(args), process.returncode, stdout, stderr)
        raise CommandTimeout(
            f"`{label or result.command}` ran past its {timeout:g} s timeout and was stopped; "
            f"pass a larger timeout= if it needs longer, or look for what it waits on",
            result=result,
        ) from None
    except BaseException:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise
    return CommandResult(tuple(args), process.returncode, stdout, stderr)
