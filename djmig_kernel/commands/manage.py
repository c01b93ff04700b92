"""Run ``manage.py`` commands: a failed migrate puts the database back, and a failure is one DjmigError line."""

import sqlite3

from . import _db, _diagnose, _questions, exceptions as exc
from ._ask import ask
from ._runner import command_line
from .plan import raise_probe_error

__all__ = ["manage"]


def manage(project, db_path, args, timeout, answers=None):
    """Run ``python manage.py ARGS...`` in PROJECT and return its CommandResult; see Sandbox.manage."""
    args = [str(a) for a in args]
    if args and args[0] == "migrate" and "--plan" not in args:
        return _guarded(project, db_path, args, timeout, answers)
    return _run(project, db_path, args, timeout, answers)


def _run(project, db_path, args, timeout, answers):
    result = _questions.ask(project, args, timeout, answers)
    if result.returncode:
        _raise(project, db_path, result)
    return result


def _guarded(project, db_path, args, timeout, answers):
    try:
        _db.check_unlocked(db_path)
    except sqlite3.OperationalError as error:
        raise exc.DatabaseLockedError(
            f"`{command_line(['manage.py', *args])}` not run: db.sqlite3 is busy ({error}); "
            f"close the other program or connection that holds it open (e.g. a sqlite3 shell) and run again"
        ) from None
    except sqlite3.DatabaseError as error:
        raise exc.NotADatabaseError.for_file(db_path, error) from None
    with _db.restored_on_error(db_path):
        return _run(project, db_path, args, timeout, answers)


def _raise(project, db_path, result):
    lookup = result.args[1:2] == ("migrate",) and _diagnose.migration_lookup(
        _diagnose.error_line(result.stderr, project)
    )
    if lookup:
        # A migrate target: ask Django for the names it takes (zero, squashed-away files too).
        answer = ask(project, db_path, "plan", *lookup)
        if "error" in answer:
            raise_probe_error(answer, result=result)
    cls, message = _diagnose.diagnose(result.command, result.stderr, project, result.stdout)
    raise cls(message, result=result)
