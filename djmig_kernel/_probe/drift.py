"""What the ledger, the migration files and models.py say, for the kernel to hold against the schema."""

from . import repair
from . import state as state_
from . import target as target_
from .owncommand import overridden, own_changes
from .preflight import in_database, inconsistent, records


def _dotted(key):
    return f"{key[0]}.{key[1]}"


def _squashed_away(loader):
    """Return the (app, name) of every migration that a squashed migration on disk replaces."""
    return {tuple(r) for migration in loader.disk_migrations.values() for r in migration.replaces}


def no_file(loader, recorded):
    """Return [app, name, installed] for each ledger row whose migration file is gone.

    Django records the replaced names of a squash too; their files may go once the
    squash is applied everywhere, so those rows are not missing anything.
    """
    from django.apps import apps

    replaced = _squashed_away(loader)
    rows = []
    for key in recorded:
        if key in loader.disk_migrations or key in replaced:
            continue
        rows.append([key[0], key[1], apps.is_installed(key[0]) or key[0] in {c.label for c in apps.get_app_configs()}])
    return rows


def model_changes(loader, app, leaf):
    """Return {app: [[migration file, [operation descriptions]]]}: what ``makemigrations --dry-run`` writes.

    A project that overrides makemigrations is asked with its own command (owncommand.py). Run it in
    makemigrations' own context (context.command_context("check")): with the project's
    LANGUAGE_CODE active, every translated help_text and verbose_name would read as changed.

    LEAF is the state at every migration (loader.project_state()), built once by the caller.
    """
    from django.apps import apps
    from django.db.migrations.questioner import MigrationQuestioner
    from django.db.migrations.state import ProjectState

    from .context import autodetector as autodetector_class

    if overridden("makemigrations"):  # the project's own command decides, as `makemigrations --check` does
        changes = own_changes(app)
    else:
        labels = {app} if app else None
        # The base questioner answers like --noinput, but never exits: a rename is a remove and an add.
        questioner = MigrationQuestioner(specified_apps=labels or set(), dry_run=True)
        autodetector = autodetector_class()(leaf, ProjectState.from_apps(apps), questioner)
        changes = autodetector.changes(graph=loader.graph, trim_to_apps=labels, convert_apps=labels)
    return {
        label: [[f"{label}/migrations/{m.name}.py", [op.describe() for op in m.operations]] for m in migrations]
        for label, migrations in sorted(changes.items())
    }


def _before(loader, key):
    """Return the migration of KEY's app just before KEY (``zero`` if none): a ``migrate --fake`` target."""
    parents = sorted(p.key[1] for p in loader.graph.node_map[key].parents if p.key[0] == key[0])
    return parents[0] if parents else "zero"


def _order(loader, plan, applied):
    """Return what a fix that moves the ledger must know of the graph around the applied and pending migrations.

    "last_applied": {app: its last applied migration}; "depended": those of them that an applied migration of
    another app depends on (faking back to before one would unapply that too); "pending_edges": [parent, child]
    where both are pending; "records": {pending squash: the names Django records for it}.
    """
    graph = loader.graph
    last = {}
    for key in plan:
        if key in applied:
            last[key[0]] = key[1]
    depended = [_dotted(k) for k in last.items()
                if any(c.key in applied and c.key[0] != k[0] for c in graph.node_map[k].children)]
    pending = [k for k in plan if k not in applied]
    edges = [[_dotted(p.key), _dotted(k)] for k in pending for p in graph.node_map[k].parents if p.key not in applied]
    squashes = {_dotted(k): records(loader, k) for k in pending if graph.nodes[k].replaces}
    return {"last_applied": last, "depended": depended, "pending_edges": edges, "records": squashes}


def _mentioned(loader, applied, live):
    """Return the live tables named in the SQL of an applied RunSQL: migrations made them, the state cannot say."""
    from django.db.migrations.operations import RunSQL

    texts = []
    for key in applied:
        migration = loader.graph.nodes.get(key)
        for op in getattr(migration, "operations", []):
            if isinstance(op, RunSQL):
                sql = op.sql if isinstance(op.sql, (list, tuple)) else [op.sql]
                texts += [str(s[0] if isinstance(s, (list, tuple)) else s).lower() for s in sql]
    text = "\n".join(texts)
    return sorted(t for t in live if t.lower() in text)


def _tables(state, connection, made):
    """Return state_.tables(), or None where the models do not render (a dependency is not applied)."""
    try:
        return state_.tables(state, connection, made)
    except (ValueError, LookupError):
        return None


def bookkeeping():
    """Return the tables Django keeps for itself: the ledger and database cache tables."""
    from django.conf import settings

    tables = ["django_migrations"]
    for cache in settings.CACHES.values():
        if cache.get("BACKEND", "").endswith("DatabaseCache"):
            tables.append(cache["LOCATION"])
    return tables


def answer(executor, app=None):
    """Return the facts that ``check`` holds against the live schema."""
    from django.db.migrations.recorder import MigrationRecorder

    if app is not None:
        unknown = target_.unknown_app(app)
        if unknown:
            return unknown
    loader, connection = executor.loader, executor.connection
    graph = loader.graph
    recorded = sorted(MigrationRecorder(connection).applied_migrations())
    applied = {k for k in loader.applied_migrations if k in graph.nodes}
    live = connection.introspection.table_names()
    migrations = state_.full_plan(executor)
    plan = [(m.app_label, m.name) for m in migrations]
    made = state_.creators(migrations)
    now, failed = state_.applied_state(executor, applied, migrations)
    # Nothing pending (the usual case): the state at the leaves is the one already built.
    leaf = now if len(applied) == len(plan) else state_.applied_state(executor, set(plan), migrations)[0]
    leaf_tables = state_.tables(leaf, connection, made)
    wrong = [
        [_dotted(k), _dotted(p), in_database(leaf_tables, p, connection, live), records(loader, p)]
        for k, p in inconsistent(loader)
    ]
    keys = {tuple(n.split(".", 1)) for n in made[0].values()} | {tuple(n.split(".", 1)) for n in made[1].values()}
    expected = leaf_tables if now is leaf else _tables(now, connection, made)
    unmigrated = sorted(loader.unmigrated_apps)
    return {
        "no_file": no_file(loader, recorded),
        "pending": [_dotted(k) for k in plan if k not in applied],
        "inconsistent": wrong,
        "expected": expected,
        "make": repair.statements(connection, now, expected, unmigrated) if expected is not None else {},
        "leaf": leaf_tables,
        "known": state_.known_tables(leaf, connection),
        # Last: the autodetector resolves relations in the state it starts from.
        "changes": model_changes(loader, app, leaf) if not loader.detect_conflicts() else {},
        "runsql": _mentioned(loader, applied, live),
        "bookkeeping": bookkeeping(),
        "before": {_dotted(k): _before(loader, k) for k in keys if k in graph.nodes},
        "initial": sorted(_dotted(k) for k in keys if k in graph.nodes and graph.nodes[k].initial),
        **_order(loader, plan, applied),
        "unsure": [_dotted(k) for k in failed],
        "unmigrated": unmigrated,
    }
