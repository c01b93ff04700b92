"""The ``state`` request: the tables and columns Django's migration state describes, now or after ``migrate APP NAME``."""

from . import preflight, target as target_
from .state import applied_state, tables


def answer(executor, app=None, name=None):
    """Return the tables of the state at the applied migrations, or as ``migrate APP [NAME]`` leaves it."""
    loader = executor.loader
    applied = {k for k in loader.applied_migrations if k in loader.graph.nodes}
    if app is not None:
        stop = preflight.error(executor, app)
        if stop:
            return stop
        if name is None:
            targets = [key for key in loader.graph.leaf_nodes() if key[0] == app]
            if not targets:
                return target_.resolve(loader, app, "zero") if app not in loader.migrated_apps else {}
        else:
            target = target_.resolve(loader, app, name)
            if isinstance(target, dict):
                return target
            targets = [target]
        for migration, backwards in executor.migration_plan(targets):
            key = (migration.app_label, migration.name)
            (applied.discard if backwards else applied.add)(key)
    state, failed = applied_state(executor, applied)
    return {"tables": tables(state, executor.connection), "unsure": [f"{a}.{n}" for a, n in failed]}
