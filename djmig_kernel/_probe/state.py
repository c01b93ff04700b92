"""The tables and columns a migration state describes, and the migration that made each."""

def full_plan(executor):
    """Return every migration of the graph, in the order that applies them all from nothing."""
    graph = executor.loader.graph
    return [migration for migration, _ in executor.migration_plan(graph.leaf_nodes(), clean_start=True)]


def undo_walk(executor, plan, state, move=None):
    """Yield each migration of the backwards PLAN, STATE being then the state just before it.

    The walk is MigrationExecutor._migrate_all_backwards's: through every migration Django
    would apply on an empty database, in that order, STATE moving on past the applied ones
    (by MOVE(migration), or mutate_state). Past a yielded one, the consumer moves it on.
    """
    applied = {executor.loader.graph.nodes[k] for k in executor.loader.applied_migrations
               if k in executor.loader.graph.nodes}
    to_undo = {migration for migration, _ in plan}
    for migration in full_plan(executor):
        if not to_undo:
            return
        if migration in to_undo:
            to_undo.discard(migration)
            yield migration
        elif migration in applied:
            if move is None:
                migration.mutate_state(state, preserve=False)
            else:
                move(migration)


def applied_state(executor, nodes, plan=None):
    """Return the ProjectState of the migrations NODES, mutated in plan order, and the keys that failed.

    One pass, each migration mutating the same state. NODES need not be a closed set (an
    inconsistent history is one): a migration whose operations do not fit the state so far is
    named, and the rest still counts.
    """
    from django.db.migrations.state import ProjectState

    state = ProjectState(real_apps=executor.loader.unmigrated_apps)
    failed = []
    for migration in full_plan(executor) if plan is None else plan:
        key = (migration.app_label, migration.name)
        if key not in nodes:
            continue
        try:
            migration.mutate_state(state, preserve=False)
        except Exception:  # a migration whose dependency is missing from NODES
            failed.append(key)
    return state, failed


def creators(plan):
    """Return {(app, model): migration} and {(app, model, field): migration}: what made each name.

    One pass over the operations of PLAN (full_plan()): CreateModel, AddField and the
    renames each make a table or column under a new name.
    """
    from django.db.migrations import operations as ops

    models, fields = {}, {}
    for migration in plan:
        app, name = migration.app_label, f"{migration.app_label}.{migration.name}"
        for op in _state_operations(migration.operations):
            if isinstance(op, ops.CreateModel):
                models[(app, op.name_lower)] = name
                for field_name, _field in op.fields:
                    fields[(app, op.name_lower, field_name)] = name
            elif isinstance(op, (ops.AddField, ops.RenameField)):
                field_name = op.name if isinstance(op, ops.AddField) else op.new_name
                fields[(app, op.model_name_lower, field_name)] = name
            elif isinstance(op, ops.RenameModel):
                models[(app, op.new_name_lower)] = name
                for (a, model, field), made in list(fields.items()):
                    if (a, model) == (app, op.old_name_lower):
                        fields[(app, op.new_name_lower, field)] = made
            elif isinstance(op, ops.AlterModelTable):
                models[(app, op.name_lower)] = name
    return models, fields


def _state_operations(operations):
    """Yield OPERATIONS, with a SeparateDatabaseAndState's state operations in its place."""
    from django.db.migrations.operations import SeparateDatabaseAndState

    for op in operations:
        if isinstance(op, SeparateDatabaseAndState):
            yield from _state_operations(op.state_operations)
        else:
            yield op


def _m2m_owner(model):
    """Return (owner model, field) of an auto-created many-to-many table MODEL."""
    owner = model._meta.auto_created
    for field in owner._meta.local_many_to_many:
        if field.remote_field.through is model:
            return owner, field
    return owner, None


def _column(field, connection):
    params = field.db_parameters(connection)
    if params["type"] is None:
        return None
    references = None
    if field.remote_field is not None and getattr(field, "db_constraint", False) and field.concrete:
        target = field.target_field
        references = f"{target.model._meta.db_table}.{target.column}"
    # A GeneratedField is never NOT NULL: the schema editor writes GENERATED ALWAYS AS (...) instead.
    notnull = not field.null and not getattr(field, "generated", False)
    return [field.column, params["type"], notnull, bool(field.primary_key), references]


def tables(state, connection, made=None):
    """Return {table: {"app", "columns": [[column, type, notnull, pk, references]], "made", "columns_made"}}.

    Only tables that migrate creates: managed models that are neither proxies nor swapped
    out, and auto-created many-to-many tables. MADE is creators()' answer, or None.
    """
    models, fields = made or ({}, {})
    result = {}
    for model in state.apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.can_migrate(connection):
            continue
        app, key = meta.app_label, meta.model_name
        if meta.auto_created:
            owner, field = _m2m_owner(model)
            app = owner._meta.app_label
            made_by = fields.get((app, owner._meta.model_name, field.name)) if field else None
            made_by = made_by or models.get((app, owner._meta.model_name))
        else:
            made_by = models.get((app, key))
        columns, columns_made = [], {}
        for field in meta.local_concrete_fields:
            column = _column(field, connection)
            if column is None:
                continue
            columns.append(column)
            columns_made[field.column] = fields.get((app, key, field.name), made_by)
        result[meta.db_table] = {"app": app, "columns": columns, "made": made_by, "columns_made": columns_made}
    return result


def known_tables(state, connection):
    """Return the tables any model of STATE names, migrated or not (unmanaged models read tables too)."""
    return sorted({model._meta.db_table for model in state.apps.get_models(include_auto_created=True)})


def leaf_tables(executor):
    """Return tables() at every migration, with what made each."""
    connection, plan = executor.connection, full_plan(executor)
    leaf, _ = applied_state(executor, set(executor.loader.graph.nodes), plan)
    return tables(leaf, connection, creators(plan))
