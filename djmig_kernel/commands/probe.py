"""The probe client: ask the probe package inside a project's own Django, read its one JSON line, raise its errors."""

from .. import _probe, exceptions as exc
from ..exceptions import one_line
from ..drift.words import inconsistent_fix
from . import warm
from .runner import answer_of, read_answer

__all__ = ["query", "raise_probe_error"]


def query(project, *argv, timeout=60, result=None):
    """Return the probe's answer to ARGV, run by PROJECT's Django (``manage.py shell``), in its warm server.

    An error answer (an unknown app or migration, conflicting leaves, an inconsistent history)
    raises its DjmigError; RESULT is the failed command it explains, if any. DJMIG_WARM_PROBE=0: a
    ``manage.py shell`` of its own for this request (Django starts each time).
    """
    # The probe's own command line is the kit's business: messages name what was asked instead (no shadow's
    # settings, no snapshot's id).
    label = f"djmig probe {' '.join(arg for arg in argv if not arg.startswith(('--shadow=', '--snapshot=')))}"
    # A fixed hash seed: where Django walks a set of models (the tables a renamed model's
    # neighbours rebuild, in which order), the probe's answer is the same from run to run.
    env = {"PYTHONHASHSEED": "0"}
    if warm.enabled():
        answer = answer_of(warm.ask(project, argv, timeout, label, env), project, label, _probe.MARK)
    else:
        code = warm.probe_code(f"m.main({list(argv)!r})")
        answer = read_answer(["manage.py", "shell", "--no-imports", "-c", code], project, timeout, label,
                             _probe.MARK, env=env)
    if "error" in answer:
        raise_probe_error(answer, result=result)
    return answer


def raise_probe_error(error, result=None):
    """Raise the DjmigError for an error answer of the probe (RESULT: the command it explains)."""
    kind, app = error["error"], error["app"]
    if kind == "conflict":
        leaves = "; ".join(f"{', '.join(names)} in {label}" for label, names in sorted(error["conflicts"].items()))
        raise exc.CommandError(
            f"conflicting migrations: more than one leaf ({leaves}), so migrate would stop; "
            f"merge them with `python manage.py makemigrations --merge` and try again",
            result=result,
        )
    if kind == "inconsistent":
        migration, dependency = error["migration"], error["dependency"]
        raise exc.InconsistentHistoryError(
            f"migration {migration} is applied before its dependency {dependency} (inconsistent history), "
            f"so migrate would stop; repair the ledger: {inconsistent_fix(migration, dependency, error['made'], error['records'])}",
            result=result,
        )
    if kind == "app":
        raise exc.UnknownAppError(
            f"no installed app with label {app!r}; choose one of: {', '.join(error['apps'])}, "
            f"or create and register it with sb.startapp({app!r})",
            result=result,
        )
    if kind == "own-command":
        raise exc.OwnCommandError(
            f"this project's own {error['command']} command (from {error['owner']}) refuses "
            f"`migrate {app} {error['target']}`: {one_line(error['message'])}; so would `python manage.py migrate "
            f"{app} {error['target']}`: ask whoever wrote that command, or choose another target", result=result)
    if kind == "unmigrated":
        raise exc.UnknownAppError(
            f"app {app!r} has no migrations yet; run sb.makemigrations({app!r}) first", result=result
        )
    if kind == "ambiguous":
        raise exc.AmbiguousMigrationError.for_name(app, error["name"], error["matches"], result=result)
    raise exc.UnknownMigrationError.for_name(app, error["name"], error["candidates"], result=result)
