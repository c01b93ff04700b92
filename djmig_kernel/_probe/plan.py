"""The steps, operations, SQL and data losses of ``migrate APP NAME``."""

from . import losses, preflight, target as target_


def _sql(loader, migration, backwards):
    from django.db.migrations.exceptions import IrreversibleError

    try:
        return loader.collect_sql([(migration, backwards)])
    except IrreversibleError as error:
        return [f"-- IRREVERSIBLE: {error}"]


def answer(executor, app, name):
    """Return the steps, operations, SQL and data losses of ``migrate APP NAME``."""
    from django.core.management.commands.migrate import Command

    stop = preflight.error(executor, app)
    if stop:
        return stop
    target = target_.resolve(executor.loader, app, name)
    if isinstance(target, dict):
        return target
    steps = executor.migration_plan([target])
    result = {"target": target[1] or "zero", "steps": [], "losses": losses.plan_losses(executor, steps)}
    for migration, backwards in steps:
        described = [Command.describe_operation(op, backwards) for op in migration.operations]
        result["steps"].append({
            "migration": str(migration),
            "direction": "unapply" if backwards else "apply",
            "operations": [text for text, _ in described],
            "irreversible": any(is_error for _, is_error in described),
            "sql": _sql(executor.loader, migration, backwards),
        })
    return result
