"""Command lines as a learner types them: ``python manage.py migrate app 0001`` (one spelling everywhere)."""

import shlex

__all__ = ["command_line", "manage_line"]


def _shell_quote(arg):
    """Quote ARG for a POSIX shell, in double quotes where that reads better (Python code with 'strings')."""
    quoted = shlex.quote(arg)
    if quoted != arg and "'" in arg and not any(c in arg for c in '"$`\\!'):
        return f'"{arg}"'
    return quoted


def command_line(args):
    """Return ``python ARGS...`` as the learner would type it."""
    return " ".join(_shell_quote(str(arg)) for arg in ["python", *args])


def manage_line(*args):
    """Return ``python manage.py ARGS...`` as the learner would type it."""
    return command_line(["manage.py", *args])
