"""The tables and columns a plan drops, read from the migration states' model definitions.

Only ModelState definitions are read (no model is rendered), in one pass over the
plan Django would follow on an empty database: linear in the number of migrations.
"""

from .state import undo_walk


def _db_table(model_state):
    # Django's default: "app_label_modelname" (SQLite has no name length limit to truncate to).
    return model_state.options.get("db_table") or f"{model_state.app_label}_{model_state.name_lower}"


def _has_table(model_state):
    # A proxy or unmanaged model has no table of its own for migrate to drop.
    return not model_state.options.get("proxy") and model_state.options.get("managed", True)


def _join_table(model_state, name, field):
    """Return the join table Django makes for the many-to-many FIELD, or None if it has a through model."""
    if field.remote_field.through is not None:
        return None
    return field.db_table or f"{_db_table(model_state)}_{name}"


def _table_losses(model_state):
    """Return (table, None) for the table of MODEL_STATE and its auto-created join tables."""
    if not _has_table(model_state):
        return []
    losses = [(_db_table(model_state), None)]
    for name, field in model_state.fields.items():
        if field.many_to_many and _join_table(model_state, name, field):
            losses.append((_join_table(model_state, name, field), None))
    return losses


def _field_losses(model_state, name):
    from django.db.models import ForeignKey, ForeignObject

    field = model_state.fields[name]
    if not _has_table(model_state):
        return []
    if field.many_to_many:
        table = _join_table(model_state, name, field)
        return [(table, None)] if table else []
    if isinstance(field, ForeignObject) and not isinstance(field, ForeignKey):
        return []  # no column of its own
    column = field.db_column or (f"{name}_id" if isinstance(field, ForeignKey) else name)
    return [(_db_table(model_state), column)]


def _operation_losses(operation, app, state, backwards):
    """Return what OPERATION drops; STATE has its model as the dropped table still has it."""
    from django.db.migrations import operations as ops

    if isinstance(operation, ops.CreateModel if backwards else ops.DeleteModel):
        return _table_losses(state.models[app, operation.name_lower])
    if isinstance(operation, ops.AddField if backwards else ops.RemoveField):
        return _field_losses(state.models[app, operation.model_name_lower], operation.name)
    return []


def _undone_losses(executor, plan):
    """Return {migration: losses} for a backwards PLAN, as executor.unapply would see each state."""
    found = {}
    state = executor._create_project_state()
    for migration in undo_walk(executor, plan, state):
        found[migration] = []
        for operation in migration.operations:
            operation.state_forwards(migration.app_label, state)
            found[migration] += _operation_losses(operation, migration.app_label, state, True)
    return found


def _done_losses(executor, plan):
    """Return {migration: losses} for a forwards PLAN."""
    state = executor._create_project_state(with_applied_migrations=True)
    found = {}
    for migration, _ in plan:
        found[migration] = []
        for operation in migration.operations:
            found[migration] += _operation_losses(operation, migration.app_label, state, False)
            operation.state_forwards(migration.app_label, state)
    return found


def plan_losses(executor, plan):
    """Return [table, column, "app.migration"] for every table and column PLAN drops."""
    if not plan:
        return []
    found = (_undone_losses if plan[0][1] else _done_losses)(executor, plan)
    return [[table, column, str(migration)] for migration, _ in plan for table, column in found[migration]]
