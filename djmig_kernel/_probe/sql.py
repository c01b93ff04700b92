"""The SQL of each step of a migrate plan, in one pass over the plan.

The project state moves on step by step unrendered, the way Django's MigrationExecutor
walks a plan (never ``loader.collect_sql`` per step, which rebuilds the project state every
time). Each step's SQL is collected by Django's own ``Migration.apply``/``unapply`` on a
small state: the models the step touches and their neighbours (``nearby``), so that
rendering costs what the step touches, not the size of the project. A step whose SQL cannot be collected there is
tried again on the whole state; if that fails too, the step says why and every other
step is still computed.

The schema editor that collects a step's SQL belongs to the shadow database (``shadow``), where
the steps before it have run in the plan's order (on PostgreSQL, the statements of its own
operations too, as it writes them): what it introspects is the schema at that step. A backwards
plan is walked in the order Django builds its states (forwards), keeping each step's small state,
and its SQL is then collected in the plan's order. Where the shadow cannot follow, the step is
collected against the live database.
"""

from .nearby import Nearby
from .shadow import NeedsShadow, Refused, Shadow, run_as_collected
from .state import undo_walk


def _failed(error):
    return [f"-- SQL not available: {error or type(error).__name__}"]


def _collect(connection, migration, backwards, state, run=False):
    """Return the SQL of applying (or unapplying) MIGRATION from STATE; raise what Django raises.

    STATE is rendered first, as the executor's is: a field that an operation alters then
    has a newer model class than the rest, and a rebuilt table lists it last, as migrate does.
    RUN: each statement also runs on CONNECTION (the PostgreSQL shadow) as it is written.
    """
    state.apps
    with connection.schema_editor(collect_sql=True, atomic=migration.atomic) as editor:
        if run:
            run_as_collected(editor)
        if backwards:
            migration.unapply(state, editor, collect_sql=True)
        else:
            migration.apply(state, editor, collect_sql=True)
    return editor.collected_sql


class _Step:
    """A migration of the plan and the unrendered state it starts from: the small one of the models it
    touches (``small``), or the whole project's (``whole``), made again by ``rebuild`` if the small one fails."""

    def __init__(self, migration, backwards, small, whole, rebuild):
        self.migration, self.backwards = migration, backwards
        self.small, self.whole, self.rebuild = small, whole, rebuild

    def on(self, connection, run=False):
        """Return the step's SQL as CONNECTION's schema editor collects it (RUN: running it there too, _collect);
        raise what Django raises."""
        from django.db.migrations.exceptions import IrreversibleError

        # what ran outside a transaction stays: a non-atomic step that runs is collected on the whole state at once
        if self.small is not None and (self.migration.atomic or not run):
            try:
                return _collect(connection, self.migration, self.backwards, self.small.clone(), run)
            except (IrreversibleError, NeedsShadow, Refused):
                raise
            except Exception:  # a model the step needs is outside the small state: use the whole one
                pass
        if self.whole is None:
            self.whole = self.rebuild()
        return _collect(connection, self.migration, self.backwards, self.whole.clone(), run)


def _prepare(near, migration, backwards, rebuild):
    """Return the _Step of MIGRATION from NEAR's state, and its keys (for _move, once it is done with)."""
    keys = near.keys(migration)
    small = near.small_state(keys) if keys is not None else None
    return _Step(migration, backwards, small, near.state.clone() if small is None else None, rebuild), keys


def _move(migration, near, keys):
    migration.mutate_state(near.state, preserve=False)
    near.moved(keys)


def _statements(executor, step, shadow):
    """Return the SQL of STEP, rehearsed in the shadow where it can be, else collected live."""
    from django.db.migrations.exceptions import IrreversibleError

    try:
        if shadow.connection is not None:
            try:
                return shadow.rehearse(step.on, step.migration)
            except IrreversibleError:
                raise
            except Exception:  # the shadow lacks what this step needs: collect live from here on
                shadow.drop()
        return step.on(executor.connection)
    except IrreversibleError as error:  # Django's own words
        return [f"-- IRREVERSIBLE: {error}"]
    except Exception as error:  # the schema editor's own reason is what the learner needs
        return _failed(error)


def _state_before(executor, plan, wanted):
    """Return the whole unrendered state that _migrate_all_backwards undoes WANTED from (one more walk)."""
    state = executor._create_project_state()
    for migration in undo_walk(executor, plan, state):
        if migration is wanted:
            return state
        migration.mutate_state(state, preserve=False)


def _backwards(executor, plan, shadow):
    """Return the SQL of each step of the backwards PLAN, in one walk over the full plan.

    Each migration to undo is undone from the state just before it, as
    _migrate_all_backwards undoes it.
    """
    near = Nearby(executor._create_project_state())
    steps = {}
    for migration in undo_walk(executor, plan, near.state, lambda m: _move(m, near, near.keys(m))):
        steps[migration], keys = _prepare(near, migration, True, lambda m=migration: _state_before(executor, plan, m))
        _move(migration, near, keys)
    return [_statements(executor, steps[migration], shadow) for migration, _ in plan]


def _forwards(executor, plan, shadow):
    near = Nearby(executor._create_project_state(with_applied_migrations=True))
    found = []
    for migration, _ in plan:  # collected at once: NEAR's state is the one before MIGRATION
        step, keys = _prepare(near, migration, False, lambda: near.state)
        found.append(_statements(executor, step, shadow))
        _move(migration, near, keys)
    return found


def plan_sql(executor, plan, shadow_settings=None, watcher=None, after=None):
    """Return the SQL statements of each step of PLAN, in order.

    SHADOW_SETTINGS: on PostgreSQL, the connection settings of the scratch database to rehearse the plan in;
    WATCHER: what watches each statement run there (``locks/postgresql.py``); AFTER: a function called with
    the shadow once every step is collected (``shadow.caught_up()`` runs them all there first).
    """
    if not plan:
        return []
    shadow = Shadow(executor.connection, shadow_settings, watcher)
    try:
        found = (_backwards if plan[0][1] else _forwards)(executor, plan, shadow)
        if after is not None:
            after(shadow)
        return found
    finally:
        shadow.drop()
