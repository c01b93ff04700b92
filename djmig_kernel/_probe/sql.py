"""The SQL of each step of a migrate plan, in one pass over the plan.

The project state moves on step by step unrendered, the way Django's MigrationExecutor
walks a plan (never ``loader.collect_sql`` per step, which rebuilds the project state every
time). Each step's SQL is collected by Django's own ``Migration.apply``/``unapply`` on a
small state: the models the step touches and their neighbours (``nearby``), so that
rendering costs what the step touches, not the size of the project. A step whose SQL cannot be collected there is
tried again on the whole state; if that fails too, the step says why and every other
step is still computed.
"""

from .nearby import Nearby
from .state import undo_walk


def _failed(error):
    return [f"-- SQL not available: {error or type(error).__name__}"]


def _collect(executor, migration, backwards, state):
    """Return the SQL of applying (or unapplying) MIGRATION from STATE; raise what Django raises.

    STATE is rendered first, as the executor's is: a field that an operation alters then
    has a newer model class than the rest, and a rebuilt table lists it last, as migrate does.
    """
    state.apps
    with executor.connection.schema_editor(collect_sql=True, atomic=migration.atomic) as editor:
        if backwards:
            migration.unapply(state, editor, collect_sql=True)
        else:
            migration.apply(state, editor, collect_sql=True)
    return editor.collected_sql


def _step(executor, migration, backwards, near):
    """Return the SQL of one step from NEAR's state, the unrendered project state before MIGRATION,
    and move that state on past MIGRATION."""
    keys = near.keys(migration)
    statements = _statements(executor, migration, backwards, near, keys)
    _move(migration, near, keys)
    return statements


def _move(migration, near, keys):
    migration.mutate_state(near.state, preserve=False)
    near.moved(keys)


def _statements(executor, migration, backwards, near, keys):
    from django.db.migrations.exceptions import IrreversibleError

    state = near.state
    try:
        if keys is not None:
            small = near.small_state(keys)
            try:
                return _collect(executor, migration, backwards, small)
            except IrreversibleError:
                raise
            except Exception:  # a model the step needs is outside the small state: use the whole one
                pass
        return _collect(executor, migration, backwards, state.clone())
    except IrreversibleError as error:  # Django's own words
        return [f"-- IRREVERSIBLE: {error}"]
    except Exception as error:  # the schema editor's own reason is what the learner needs
        return _failed(error)


def _backwards(executor, plan):
    """Return the SQL of each step of the backwards PLAN, in one walk over the full plan.

    Each migration to undo is undone from the state just before it, as
    _migrate_all_backwards undoes it.
    """
    near = Nearby(executor._create_project_state())
    found = {migration: _step(executor, migration, True, near)
             for migration in undo_walk(executor, plan, near.state, lambda m: _move(m, near, near.keys(m)))}
    return [found[migration] for migration, _ in plan]


def _forwards(executor, plan):
    near = Nearby(executor._create_project_state(with_applied_migrations=True))
    return [_step(executor, migration, False, near) for migration, _ in plan]


def plan_sql(executor, plan):
    """Return the SQL statements of each step of PLAN, in order."""
    if not plan:
        return []
    return (_backwards if plan[0][1] else _forwards)(executor, plan)
