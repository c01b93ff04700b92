"""Ask the sandbox's own Django about its migrations; print the answer as one JSON line.

This file runs inside the sandbox (``manage.py shell -c``), never in the kernel:
it may import only the standard library and Django.
"""

import json
import pathlib
import sys

MARK = "DJMIG-PROBE:"


def _key(node):
    return [node[0], node[1]]


def graph(loader):
    """Return the migration graph as Django's MigrationLoader builds it."""
    graph = loader.graph
    nodes = sorted(graph.nodes)
    edges = sorted(
        (parent.key, child)
        for child in nodes
        for parent in graph.node_map[child].parents
    )
    return {
        "nodes": [_key(n) for n in nodes],
        "edges": [[_key(p), _key(c)] for p, c in edges],
        "applied": [_key(n) for n in sorted(loader.applied_migrations)],
        "replaces": {
            f"{k[0]}.{k[1]}": [_key(r) for r in m.replaces]
            for k, m in sorted(loader.replacements.items())
            if k in graph.nodes
        },
    }


def _target(loader, app, name):
    """Resolve NAME in APP as ``migrate APP NAME`` does; return a migrate target or an error dict."""
    from django.apps import apps
    from django.db.migrations.exceptions import AmbiguityError

    try:
        apps.get_app_config(app)
    except LookupError:
        labels = sorted(c.label for c in apps.get_app_configs())
        return {"error": "app", "app": app, "apps": labels}
    if app not in loader.migrated_apps:
        return {"error": "unmigrated", "app": app}
    if name == "zero":
        return (app, None)
    # Every migration file is a valid target, also those a squashed migration replaces.
    names = sorted(n for a, n in loader.disk_migrations if a == app)
    try:
        migration = loader.get_migration_by_prefix(app, name)
    except AmbiguityError:
        matches = [n for n in names if n.startswith(name)]
        return {"error": "ambiguous", "app": app, "name": name, "matches": matches}
    except KeyError:
        return {"error": "unknown", "app": app, "name": name, "candidates": names}
    return (app, migration.name)


def _sql(loader, migration, backwards):
    from django.db.migrations.exceptions import IrreversibleError

    try:
        return loader.collect_sql([(migration, backwards)])
    except IrreversibleError as error:
        return [f"-- IRREVERSIBLE: {error}"]


def _table_losses(model):
    """Return (table, None) for MODEL's table and its auto-created join tables."""
    losses = [(model._meta.db_table, None)]
    for field in model._meta.local_many_to_many:
        if field.remote_field.through._meta.auto_created:
            losses.append((field.m2m_db_table(), None))
    return losses


def _field_losses(model, name):
    field = model._meta.get_field(name)
    if field.many_to_many:
        through = field.remote_field.through
        return [(field.m2m_db_table(), None)] if through._meta.auto_created else []
    return [(model._meta.db_table, field.column)]


def _operation_losses(operation, app, state, backwards):
    """Return what OPERATION drops; STATE has its model as the dropped table still has it."""
    from django.db.migrations import operations as ops

    if backwards and isinstance(operation, ops.CreateModel):
        return _table_losses(state.apps.get_model(app, operation.name))
    if not backwards and isinstance(operation, ops.DeleteModel):
        return _table_losses(state.apps.get_model(app, operation.name))
    if backwards and isinstance(operation, ops.AddField):
        return _field_losses(state.apps.get_model(app, operation.model_name), operation.name)
    if not backwards and isinstance(operation, ops.RemoveField):
        return _field_losses(state.apps.get_model(app, operation.model_name), operation.name)
    return []


def _losses(executor, plan):
    """Return [table, column, "app.migration"] for every table and column PLAN drops."""
    losses = []
    if not plan:
        return losses
    if plan[0][1]:
        # The state just before each migration is applied, as executor.unapply sees it.
        full_plan = executor.migration_plan(executor.loader.graph.leaf_nodes(), clean_start=True)
        graph = executor.loader.graph
        applied = {graph.nodes[k] for k in executor.loader.applied_migrations if k in graph.nodes}
        to_undo = {m for m, _ in plan}
        states = {}
        state = executor._create_project_state()
        for migration, _ in full_plan:
            if migration in to_undo:
                states[migration] = state
                state = migration.mutate_state(state, preserve=True)
            elif migration in applied:
                migration.mutate_state(state, preserve=False)
        for migration, _ in plan:
            state = states[migration].clone()
            for operation in migration.operations:
                operation.state_forwards(migration.app_label, state)
                for table, column in _operation_losses(operation, migration.app_label, state, True):
                    losses.append([table, column, str(migration)])
    else:
        state = executor._create_project_state(with_applied_migrations=True)
        for migration, _ in plan:
            for operation in migration.operations:
                for table, column in _operation_losses(operation, migration.app_label, state, False):
                    losses.append([table, column, str(migration)])
                operation.state_forwards(migration.app_label, state)
    return losses


def plan(executor, app, name):
    """Return the steps, operations, SQL and data losses of ``migrate APP NAME``."""
    from django.core.management.commands.migrate import Command

    conflicts = executor.loader.detect_conflicts()
    if conflicts:
        # migrate stops here too, before it looks at its arguments.
        return {"error": "conflict", "app": app, "conflicts": conflicts}
    target = _target(executor.loader, app, name)
    if isinstance(target, dict):
        return target
    steps = executor.migration_plan([target])
    answer = {"target": target[1] or "zero", "steps": [], "losses": _losses(executor, steps)}
    for migration, backwards in steps:
        described = [Command.describe_operation(op, backwards) for op in migration.operations]
        answer["steps"].append({
            "migration": str(migration),
            "direction": "unapply" if backwards else "apply",
            "operations": [text for text, _ in described],
            "irreversible": any(is_error for _, is_error in described),
            "sql": _sql(executor.loader, migration, backwards),
        })
    return answer


def _read_only(connection):
    """Make CONNECTION open its SQLite file read-only (an empty in-memory one if there is none yet).

    Asking about migrations must not create db.sqlite3 or change it.
    """
    settings = connection.settings_dict
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return
    path = pathlib.Path(settings["NAME"])
    settings["NAME"] = f"{path.resolve().as_uri()}?mode=ro" if path.exists() else ":memory:"
    settings["OPTIONS"] = {**settings.get("OPTIONS", {}), "timeout": 2}


def main(argv):
    """Answer the request ARGV (``graph`` or ``plan APP NAME``) with one JSON line."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    _read_only(connection)
    executor = MigrationExecutor(connection)
    if argv[0] == "graph":
        answer = graph(executor.loader)
    elif argv[0] == "plan":
        answer = plan(executor, argv[1], argv[2])
    else:
        raise SystemExit(f"unknown probe request {argv!r}")
    sys.stdout.write(MARK + json.dumps(answer) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
