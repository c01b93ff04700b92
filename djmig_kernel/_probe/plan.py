"""The steps, operations and data losses of ``migrate APP NAME`` (``sql``: the SQL of each step)."""

from . import losses, owncommand, preflight, sql, target as target_


def migrate_plan(executor, app, name):
    """Return (target, [(migration, backwards)]) of ``migrate APP NAME``, or an error dict.

    A project that overrides migrate is asked with its own command (owncommand.py): its plan, or its refusal.
    """
    from django.core.management.base import CommandError

    stop = preflight.error(executor, app)  # what stops migrate before it looks at its arguments
    if stop:
        return stop
    target = target_.resolve(executor.loader, app, name)
    if isinstance(target, dict):
        return target
    if not owncommand.overridden("migrate"):
        return target, executor.migration_plan([target])
    try:
        return target, owncommand.own_plan(executor, app, name)
    except (CommandError, SystemExit) as error:  # the project's migrate refuses: so would `manage.py migrate`
        return {"error": "own-command", "app": app, "command": "migrate", "target": name,
                "owner": owncommand.command_app("migrate"), "message": str(error) or type(error).__name__}


def answer(executor, app, name, with_sql=False, shadow=None):
    """Return the steps, operations and data losses of ``migrate APP NAME``.

    No SQL is computed unless WITH_SQL: then "sql" holds each step's, as sql_answer gives it (SHADOW too).
    """
    from django.core.management.commands.migrate import Command

    found = migrate_plan(executor, app, name)
    if isinstance(found, dict):
        return found
    target, steps = found
    result = {"target": target[1] or "zero", "steps": [], "losses": losses.plan_losses(executor, steps)}
    for migration, backwards in steps:
        described = [Command.describe_operation(op, backwards) for op in migration.operations]
        result["steps"].append({
            "migration": str(migration),
            "direction": "unapply" if backwards else "apply",
            "operations": [text for text, _ in described],
            "irreversible": any(is_error for _, is_error in described),
        })
    if with_sql:
        result["sql"] = _steps_sql(executor, steps, shadow)
    return result


def _steps_sql(executor, steps, shadow):
    return [[str(m), statements] for (m, _), statements in zip(steps, sql.plan_sql(executor, steps, shadow))]


def sql_answer(executor, app, name, shadow=None):
    """Return the migrations of ``migrate APP NAME`` and the SQL of each, computed in one pass.

    SHADOW: the connection settings of a PostgreSQL scratch database holding the live schema (``--shadow``).
    """
    found = migrate_plan(executor, app, name)
    if isinstance(found, dict):
        return found
    return {"sql": _steps_sql(executor, found[1], shadow)}
