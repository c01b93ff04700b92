"""The SQL of each step of a migrate plan, in one pass over the plan.

The states are built the way Django's MigrationExecutor builds them for a migrate
(render the models once, then move the state on step by step), never with
``loader.collect_sql`` per step, which rebuilds the project state every time.
A step whose SQL cannot be computed says why; the other steps are still computed.
"""


def _failed(error):
    return [f"-- SQL not available: {error or type(error).__name__}"]


def _run(migration, editor, operation, backwards, from_state, to_state):
    """Collect OPERATION's SQL into EDITOR, as Migration.apply/unapply(collect_sql=True) do."""
    from django.db.transaction import atomic

    editor.collected_sql += ["--", f"-- {operation.describe()}", "--"]
    if not operation.reduces_to_sql:
        editor.collected_sql.append("-- THIS OPERATION CANNOT BE WRITTEN AS SQL")
        return
    before = len(editor.collected_sql)
    run = operation.database_backwards if backwards else operation.database_forwards
    if not editor.atomic_migration and (operation.atomic or (migration.atomic and operation.atomic is not False)):
        with atomic(editor.connection.alias):
            run(migration.app_label, editor, from_state, to_state)
    else:
        run(migration.app_label, editor, from_state, to_state)
    if before == len(editor.collected_sql):
        editor.collected_sql.append("-- (no-op)")


def _unapply(executor, migration, state):
    """Return (the SQL of unapplying MIGRATION, the state after MIGRATION); STATE is the state before it.

    Migration.unapply's two phases, keeping the intermediate states: the state after
    the migration is the last of them, so it is not worked out a second time.
    """
    states = [state]
    for operation in migration.operations:
        states.append(states[-1].clone())
        operation.state_forwards(migration.app_label, states[-1])
    blocked = next((op for op in migration.operations if not op.reversible), None)
    if blocked is not None:
        # Django's own words: Migration.unapply raises IrreversibleError with them.
        return [f"-- IRREVERSIBLE: Operation {blocked} in {migration} is not reversible"], states[-1]
    try:
        with executor.connection.schema_editor(collect_sql=True, atomic=migration.atomic) as editor:
            for index in reversed(range(len(migration.operations))):
                _run(migration, editor, migration.operations[index], True, states[index + 1], states[index])
    except Exception as error:  # the schema editor's own reason is what the learner needs
        return _failed(error), states[-1]
    return editor.collected_sql, states[-1]


def _backwards(executor, plan):
    """Return the SQL of each step of the backwards PLAN, in one walk over the full plan.

    The walk is _migrate_all_backwards's: from an empty state, through every migration
    Django would apply on an empty database, moving the state on by the applied ones.
    """
    graph = executor.loader.graph
    applied = {graph.nodes[k] for k in executor.loader.applied_migrations if k in graph.nodes}
    to_undo = {migration for migration, _ in plan}
    found = {}
    state = executor._create_project_state()
    for migration, _ in executor.migration_plan(graph.leaf_nodes(), clean_start=True):
        if not to_undo:
            break
        if migration in to_undo:
            if "apps" not in state.__dict__:
                state.apps  # render the models once; each later state reloads only what changes
            found[migration], state = _unapply(executor, migration, state)
            to_undo.discard(migration)
        elif migration in applied:
            migration.mutate_state(state, preserve=False)
    return [found[migration] for migration, _ in plan]


def _apply(executor, migration, state):
    """Return (the SQL of applying MIGRATION from STATE, True if it could not be computed); STATE moves on."""
    try:
        with executor.connection.schema_editor(collect_sql=True, atomic=migration.atomic) as editor:
            migration.apply(state, editor, collect_sql=True)
    except Exception as error:
        return _failed(error), True
    return editor.collected_sql, False


def _forwards(executor, plan):
    result = []
    state = executor._create_project_state(with_applied_migrations=True)
    for index, (migration, _) in enumerate(plan):
        statements, failed = _apply(executor, migration, state)
        result.append(statements)
        if failed:
            # The step stopped half-way through its operations: rebuild the state after it.
            state = executor._create_project_state(with_applied_migrations=True)
            for done, _ in plan[: index + 1]:
                done.mutate_state(state, preserve=False)
    return result


def plan_sql(executor, plan):
    """Return the SQL statements of each step of PLAN, in order."""
    if not plan:
        return []
    return (_backwards if plan[0][1] else _forwards)(executor, plan)
