"""The SQL of each step of a migrate plan, in one pass over the plan.

The states are built the way Django's MigrationExecutor builds them for a migrate
(render the models once, then ``mutate_state(preserve=True)`` step by step), never
with ``loader.collect_sql`` per step, which rebuilds the project state every time.
A step whose SQL cannot be computed says why; the other steps are still computed.
"""


def _collect(executor, migration, state, backwards):
    """Return (SQL statements, True if they could not be computed) of MIGRATION run from STATE."""
    from django.db.migrations.exceptions import IrreversibleError

    try:
        with executor.connection.schema_editor(collect_sql=True, atomic=migration.atomic) as editor:
            if backwards:
                migration.unapply(state, editor, collect_sql=True)
            else:
                migration.apply(state, editor, collect_sql=True)
    except IrreversibleError as error:
        return [f"-- IRREVERSIBLE: {error}"], False
    except Exception as error:  # the schema editor's own reason is what the learner needs
        return [f"-- SQL not available: {error or type(error).__name__}"], True
    return editor.collected_sql, False


def _states_before(executor, plan):
    """Return {migration: the state before it is unapplied}, as _migrate_all_backwards builds them."""
    graph = executor.loader.graph
    applied = {graph.nodes[k] for k in executor.loader.applied_migrations if k in graph.nodes}
    to_undo = {migration for migration, _ in plan}
    states = {}
    state = executor._create_project_state()
    for migration, _ in executor.migration_plan(graph.leaf_nodes(), clean_start=True):
        if not to_undo:
            break
        if migration in to_undo:
            if "apps" not in state.__dict__:
                state.apps  # render the models once; each later state reloads only what changes
            states[migration] = state
            state = migration.mutate_state(state, preserve=True)
            to_undo.discard(migration)
        elif migration in applied:
            migration.mutate_state(state, preserve=False)
    return states


def _backwards(executor, plan):
    states = _states_before(executor, plan)
    return [_collect(executor, migration, states[migration], True)[0] for migration, _ in plan]


def _forwards(executor, plan):
    result = []
    state = executor._create_project_state(with_applied_migrations=True)
    for index, (migration, _) in enumerate(plan):
        statements, failed = _collect(executor, migration, state, False)
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
