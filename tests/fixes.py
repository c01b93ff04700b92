"""Run check()'s fixes as the learner types them, and ask Django whether anything is left to do.

A fix is a command line, run as it is shown: in a terminal (bash in the project folder, ``python`` the venv's)
or pasted after ``%manage`` in a notebook. Every command is ``python manage.py …`` (SQL too: ``python manage.py
dbshell -- '…'``); two join with ``&&``. Where a fix offers alternatives, the one that runs without a person
deciding is run (``command_of``): the command after "drop it:" or "forget the row:" (describing a table in a
model, restoring a file from git, are a person's choices), and the first of "COMMAND, or give the app
migrations: …".
"""

import os
import shlex
import subprocess
import sys
from pathlib import Path

COMMAND = "python manage.py "


def command_of(fix):
    """Return the command line of FIX that runs without a person's choice, as it is shown."""
    for alternative in fix.split(", or "):
        command = alternative.split(": ", 1)[1] if not alternative.startswith(COMMAND) and ": " in alternative \
            else alternative
        if command.startswith(COMMAND):
            return command
    raise AssertionError(f"no command to run in the fix {fix!r}")


def run(sb, args):
    """Run ARGS in the project folder, python with the venv's interpreter; return stdout."""
    executable = [sys.executable] if args[0] == "python" else [args[0]]
    done = subprocess.run(executable + args[1:], check=False, cwd=sb.path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{shlex.join(args)} failed: {done.stderr.strip().splitlines()[-1:]}"
    return done.stdout


def in_terminal(sb):
    """Return a function that runs a command LINE in a terminal in SB's folder, as a learner pastes it."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"  # `python` is the venv's

    def run_line(line):
        done = subprocess.run(["bash", "-c", line], check=False, cwd=sb.path, capture_output=True, text=True,
                              timeout=600, env={**os.environ, "PATH": path})
        assert done.returncode == 0, f"{line} failed: {done.stderr.strip().splitlines()[-1:]}"
    return run_line


def converges(sb, found, run_line=None, timeout=60):
    """Run each row's fix of FOUND in order with RUN_LINE (default: in a terminal); assert check() is empty and
    Django finds nothing to do."""
    assert not found.empty
    run_line = run_line or in_terminal(sb)
    for fix in found["fix"]:
        run_line(command_of(fix))
    left = sb.check(timeout=timeout)
    assert left.empty, left.to_dict("records")
    run(sb, ["python", "manage.py", "migrate", "--check"])  # exits 1 if a migration is unapplied
    assert "No changes detected" in run(sb, ["python", "manage.py", "makemigrations", "--check", "--dry-run"])
