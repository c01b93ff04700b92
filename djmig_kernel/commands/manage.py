"""Run Django's commands for the learner: ``startproject``, and ``manage.py`` commands whose failure is one line."""

import shutil
from pathlib import Path

from .. import exceptions as exc
from ..project.folders import make_room, mark
from ..project.names import check_new_module
from .diagnose import diagnose, error_line, migration_lookup
from .probe import query
from .questions import run_answering
from .runner import run

__all__ = ["manage", "create_project"]


def manage(project, args, timeout, answers=None, guard=None):
    """Run ``python manage.py ARGS...`` in PROJECT and return its CommandResult; see Sandbox.manage.

    GUARD(command) is a context manager that puts the database back if a ``migrate`` fails; it yields
    the options (``prefix``, ``env``) that ``manage.py`` runs with.
    """
    args = [str(a) for a in args]
    if guard is not None and args[:1] == ["migrate"] and "--plan" not in args:
        with guard(args) as launch:
            return _run(project, args, timeout, answers, launch)
    return _run(project, args, timeout, answers)


def _run(project, args, timeout, answers, launch=None):
    result = run_answering(project, args, timeout, answers, launch)
    if result.returncode:
        _raise(project, result)
    return result


def _raise(project, result):
    # A command stopped by a signal (returncode < 0) printed no error to look up.
    lookup = (result.returncode > 0 and result.args[1:2] == ("migrate",)
              and migration_lookup(error_line(result.stderr, project)))
    if lookup:
        # A migrate target: ask Django for the names it takes (zero, squashed-away files too).
        query(project, "plan", *lookup, result=result)
    cls, message = diagnose(result.command, result.stderr, project, result.stdout, result.returncode)
    raise cls(message, result=result)


def create_project(root, name, replace, timeout):
    """Run ``django-admin startproject NAME`` inside ROOT and return the new folder, marked as the kit's.

    If ROOT/NAME exists, REPLACE=False refuses; REPLACE=True deletes it, but only if the kit
    made it (it holds the kit's marker file). Starts Django.
    """
    root = Path(root)
    check_new_module(name, "project", root)
    target = root / name
    make_room(target, replace)
    root.mkdir(parents=True, exist_ok=True)
    result = run(["-m", "django", "startproject", name], root, timeout)
    if result.returncode:
        shutil.rmtree(target, ignore_errors=True)
        _, message = diagnose(result.command, result.stderr, root, returncode=result.returncode)
        raise exc.CommandError(message, result=result)
    mark(target)
    return target
