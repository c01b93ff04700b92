"""The tables and columns a plan drops, read from the migration states' model definitions.

Only ModelState definitions are read (no model is rendered), in one pass over the
plan Django would follow on an empty database: linear in the number of migrations.

Each loss is named as the live database names it: a table migrate drops under an older name
(a model whose table a later migration renamed: AlterModelTable, RenameModel, a renamed
many-to-many) is the live table under its present name, and a table that a later applied
migration dropped holds no live rows, so a rollback that re-creates it and drops it again loses none.
"""

from .state import undo_walk


def _db_table(model_state):
    # Django's default: "app_label_modelname" (SQLite has no name length limit to truncate to).
    return model_state.options.get("db_table") or f"{model_state.app_label}_{model_state.name_lower}"


def _swapped(model_state):
    """Return True if the project swaps MODEL_STATE out (auth.User under a custom AUTH_USER_MODEL), as Options.swapped.

    Django migrates no swapped model (Options.can_migrate): its CreateModel makes no table, its DeleteModel
    drops none, and its fields add and drop no column.
    """
    from django.conf import settings

    setting = model_state.options.get("swappable")
    swapped_for = getattr(settings, setting, None) if setting else None
    if not swapped_for:
        return False
    try:
        label, name = swapped_for.split(".")
    except ValueError:
        return True
    return f"{label}.{name.lower()}" != f"{model_state.app_label}.{model_state.name_lower}"


def _has_table(model_state):
    # A proxy, unmanaged or swapped model has no table of its own for migrate to drop.
    return (not model_state.options.get("proxy") and model_state.options.get("managed", True)
            and not _swapped(model_state))


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


def _tables(model_state):
    """Return {"": the table of MODEL_STATE, field name: join table} for it and its auto-created join tables."""
    if not _has_table(model_state):
        return {}
    tables = {"": _db_table(model_state)}
    for name, field in model_state.fields.items():
        if field.many_to_many and _join_table(model_state, name, field):
            tables[name] = _join_table(model_state, name, field)
    return tables


def _forwards(operation, app, state):
    """Move STATE past OPERATION; return the events of its database work on existing tables, in order.

    An event is ("rename", old, new) for a renamed table, or ("drop", table, column) for what it
    drops (column None: the whole table). A SeparateDatabaseAndState does only its database_operations
    to the database (on their own copy of the state, as Django runs them).
    """
    from django.db.migrations import operations as ops

    if isinstance(operation, ops.SeparateDatabaseAndState):
        events = []
        if operation.database_operations:
            database = state.clone()
            for inner in operation.database_operations:
                events += _forwards(inner, app, database)
        operation.state_forwards(app, state)
        return events
    events = [("drop", table, column) for table, column in _operation_losses(operation, app, state, False)]
    if isinstance(operation, ops.RenameModel):
        old, new = operation.old_name_lower, operation.new_name_lower
    elif isinstance(operation, ops.AlterModelTable):
        old = new = operation.name_lower
    elif isinstance(operation, (ops.RenameField, ops.AlterField)):
        old = new = operation.model_name_lower
    else:
        operation.state_forwards(app, state)
        return events
    before = _tables(state.models[app, old]) if (app, old) in state.models else {}
    operation.state_forwards(app, state)
    after = _tables(state.models[app, new]) if (app, new) in state.models else {}
    if isinstance(operation, ops.RenameField):
        before = {operation.new_name if key == operation.old_name else key: table for key, table in before.items()}
    return events + [("rename", before[key], after[key]) for key in before if key in after and before[key] != after[key]]


def _live(table, column, events):
    """Return (table, column) as the database has it after EVENTS, or None if they drop it."""
    for kind, name, other in events:
        if kind == "rename" and name == table:
            table = other
        elif kind == "drop" and name == table and other in (None, column):
            return None
    return table, column


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
    """Return {migration: losses} for a backwards PLAN, as executor.unapply would see each state, named live.

    The walk goes forwards, as the live database was made: what a later migration renames or drops
    happened after the state a loss is read from.
    """
    found, events = {}, []

    def move(migration):
        for operation in migration.operations:
            events.extend(_forwards(operation, migration.app_label, state))

    state = executor._create_project_state()
    for migration in undo_walk(executor, plan, state, move):
        found[migration] = []
        for operation in migration.operations:
            events.extend(_forwards(operation, migration.app_label, state))
            found[migration] += [(loss, len(events))
                                 for loss in _operation_losses(operation, migration.app_label, state, True)]
    return {migration: [live for loss, since in losses if (live := _live(*loss, events[since:]))]
            for migration, losses in found.items()}


def _done_losses(executor, plan):
    """Return {migration: losses} for a forwards PLAN."""
    state = executor._create_project_state(with_applied_migrations=True)
    found = {}
    renames = []  # (new, old): undone in reverse, a name the plan gives back to its live name
    for migration, _ in plan:
        found[migration] = []
        for operation in migration.operations:
            for table, column in _operation_losses(operation, migration.app_label, state, False):
                for new, old in reversed(renames):
                    table = old if table == new else table
                found[migration].append((table, column))
            renames += [(new, old) for kind, old, new in _forwards(operation, migration.app_label, state)
                        if kind == "rename"]
    return found


def plan_losses(executor, plan):
    """Return [table, column, "app.migration"] for every table and column PLAN drops."""
    if not plan:
        return []
    found = (_undone_losses if plan[0][1] else _done_losses)(executor, plan)
    return [[table, column, str(migration)] for migration, _ in plan for table, column in found[migration]]
