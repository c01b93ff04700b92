"""The tables and columns a plan drops, read from the migration states."""


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


def plan_losses(executor, plan):
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
