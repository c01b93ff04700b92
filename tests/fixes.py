"""Run check()'s fixes as the learner types them, and ask Django whether anything is left to do.

A fix is a shell line, run in the project folder: ``python manage.py …`` with the venv's Python,
``sqlite3 db.sqlite3 '…'`` with the sqlite3 shell. Where a fix offers alternatives, the one that runs
without a person deciding is run (``runnable``): the command after "drop it:" or "forget the row:"
(describing a table in a model, restoring a file from git, are a person's choices), and the first
of "COMMAND (or COMMAND)" and "COMMAND, or give the app migrations: …".
"""

import shlex
import subprocess
import sys

COMMANDS = ("python manage.py ", "sqlite3 ")


def runnable(fix):
    """Return the commands of FIX that run without a person's choice, each as an argument list."""
    for alternative in fix.split(", or "):
        command = alternative.split(": ", 1)[1] if not alternative.startswith(COMMANDS) and ": " in alternative \
            else alternative
        if command.startswith(COMMANDS):
            command = command.split(" (or ", 1)[0]
            return [shlex.split(part) for part in command.split(" && ")]
    raise AssertionError(f"no command to run in the fix {fix!r}")


def run(sb, args):
    """Run ARGS in the project folder: python with the venv's interpreter, sqlite3 as it is; return stdout."""
    executable = [sys.executable] if args[0] == "python" else [args[0]]
    done = subprocess.run(executable + args[1:], check=False, cwd=sb.path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{shlex.join(args)} failed: {done.stderr.strip().splitlines()[-1:]}"
    return done.stdout


def converges(sb, found, timeout=60):
    """Run each row's fix of FOUND in order; assert check() is empty and Django finds nothing to do."""
    assert not found.empty
    for fix in found["fix"]:
        for args in runnable(fix):
            run(sb, args)
    left = sb.check(timeout=timeout)
    assert left.empty, left.to_dict("records")
    run(sb, ["python", "manage.py", "migrate", "--check"])  # exits 1 if a migration is unapplied
    assert "No changes detected" in run(sb, ["python", "manage.py", "makemigrations", "--check", "--dry-run"])
