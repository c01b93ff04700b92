"""Django's own answers, asked in a sandbox, that the tests hold the kit's answers against."""

import re

from helpers import django_answer


# Run inside the sandbox: Django's own answer for everything graph() reports.
DJANGO_GRAPH = """
import json
from django.db import connection
from django.db.migrations.loader import MigrationLoader

loader = MigrationLoader(connection)
graph = loader.graph
nodes = sorted(graph.nodes)
print(json.dumps({
    "nodes": nodes,
    "edges": sorted([parent.key, child] for child in nodes for parent in graph.node_map[child].parents),
    "applied": sorted(key for key in loader.applied_migrations if key in graph.nodes),
    "replaces": {".".join(key): list(m.replaces) for key, m in loader.replacements.items() if key in graph.nodes},
    "leaves": {app: graph.leaf_nodes(app) for app in sorted({a for a, _ in nodes})},
    "all_leaves": graph.leaf_nodes(),
    "roots": graph.root_nodes(),
    "forwards": {".".join(n): graph.forwards_plan(n) for n in nodes},
    "backwards": {".".join(n): graph.backwards_plan(n) for n in nodes},
}))
"""


def _nodes(values):
    return [tuple(v) for v in values]


def assert_same_as_django(sb):
    """Check every part of sb.graph() against what Django's loader says in the same sandbox."""
    dag, django = sb.graph(), django_answer(sb, DJANGO_GRAPH)
    assert dag.nodes == _nodes(django["nodes"])
    assert dag.edges == [(tuple(p), tuple(c)) for p, c in django["edges"]]
    assert {n for n in dag.applied if n in dag.nodes} == set(_nodes(django["applied"]))
    assert {".".join(k): v for k, v in dag.replaces.items()} == {
        k: _nodes(v) for k, v in django["replaces"].items()
    }
    assert dag.leaf_nodes() == _nodes(django["all_leaves"])
    for app, leaves in django["leaves"].items():
        assert dag.leaf_nodes(app) == _nodes(leaves), app
    assert dag.root_nodes() == _nodes(django["roots"])
    for node in dag.nodes:
        key = ".".join(node)
        assert dag.forwards_plan(node) == _nodes(django["forwards"][key]), key
        assert dag.backwards_plan(node) == _nodes(django["backwards"][key]), key
    return dag


def parse_migrate_plan(stdout):
    """Return [(migration, operation)] from what `migrate --plan` printed; "" for a migration without operations."""
    lines = stdout.splitlines()
    assert lines[0] == "Planned operations:"
    rows = []
    for line in lines[1:]:
        if line.strip() == "No planned migration operations.":
            continue
        if line.startswith("    "):
            migration, operation = rows[-1]
            if operation == "":
                rows.pop()  # the migration's own row, now that it has an operation
            rows.append((migration, line.strip()))
        else:
            rows.append((line.strip(), ""))
    return rows


def django_plan(sb, app, target):
    """Return [(migration, operation)] parsed from `manage.py migrate APP TARGET --plan`."""
    return parse_migrate_plan(sb.manage("migrate", app, target, "--plan").stdout)


def plan_rows(frame):
    """Return [(migration, operation)] of a plan() frame, to compare with django_plan()."""
    return list(zip(frame["migration"], frame["operation"]))


# Every app's `migrate APP zero --plan` and `migrate APP LEAF --plan`, as the command prints them.
PLANS = """
import io, json
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
loader = MigrationLoader(connection)
out = {}
for app in sorted(loader.migrated_apps):
    for target in ["zero"] + sorted(n for a, n in loader.graph.leaf_nodes() if a == app):
        buffer = io.StringIO()
        call_command("migrate", app, target, plan=True, stdout=buffer, no_color=True)
        out[app + " " + target] = buffer.getvalue()
print(json.dumps(out))
"""


def plans(sb):
    """Return {"APP TARGET": stdout of `migrate APP TARGET --plan`} for every app, zero and each leaf."""
    return django_answer(sb, PLANS)


_EXECUTOR_SQL = """
import json
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.exceptions import IrreversibleError

executor = MigrationExecutor(connection)
graph = executor.loader.graph
plan = executor.migration_plan([({app!r}, None if {name!r} == 'zero' else {name!r})])

def collect(migration, state, backwards):
    try:
        with connection.schema_editor(collect_sql=True, atomic=migration.atomic) as editor:
            (migration.unapply if backwards else migration.apply)(state, editor, collect_sql=True)
    except IrreversibleError as error:
        return ["-- IRREVERSIBLE: %s" % error]
    except Exception as error:
        return ["-- SQL not available: %s" % error]
    return editor.collected_sql

found = {{}}
if plan and plan[0][1]:
    applied = {{graph.nodes[k] for k in executor.loader.applied_migrations if k in graph.nodes}}
    to_undo = {{m for m, _ in plan}}
    states = {{}}
    state = executor._create_project_state()
    for migration, _ in executor.migration_plan(graph.leaf_nodes(), clean_start=True):
        if not to_undo:
            break
        if migration in to_undo:
            if "apps" not in state.__dict__:
                state.apps
            states[migration] = state
            state = migration.mutate_state(state, preserve=True)
            to_undo.discard(migration)
        elif migration in applied:
            migration.mutate_state(state, preserve=False)
    for migration, _ in plan:
        found[str(migration)] = collect(migration, states[migration], True)
else:
    state = executor._create_project_state(with_applied_migrations=True)
    state.apps
    for migration, _ in plan:
        found[str(migration)] = collect(migration, state.clone(), False)
        state = migration.mutate_state(state, preserve=True)
print(json.dumps(found))
"""


# What differs from run to run in collected SQL: a default of timezone.now or of uuid4.
_VARYING = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[.\d]*|'[0-9a-f]{32}'")


def _masked(sql):
    return {migration: [_VARYING.sub("<varies>", line) for line in lines] for migration, lines in sql.items()}


def executor_sql(sb, app, name):
    """Return {"app.migration": SQL lines} of ``migrate APP NAME``, as Django's executor collects them.

    Timestamps and uuids (defaults of timezone.now, uuid4) read <varies>.
    """
    return _masked(django_answer(sb, _EXECUTOR_SQL.format(app=app, name=name)))


def masked_sql(plan):
    """Return PLAN's SQL as executor_sql gives it."""
    return _masked(plan.sql())


def assert_same_sql(plan, django):
    """Each step's SQL is Django's, line for line; where a step renames a model, Django rebuilds the
    tables pointing at it in hash order (it differs from run to run), so there the lines are compared
    as a whole. Where the executor, collecting against the live database, has no SQL for a step, the
    kit must have some (tests/real checks it against what migrate runs)."""
    ours = masked_sql(plan)
    assert list(ours) == list(django)
    renames = {step["migration"] for step in plan.steps
               if any("Rename model" in op for op in step["operations"])}  # "Undo Rename model …" backwards
    for migration, lines in ours.items():
        if django[migration][:1] and django[migration][0].startswith("-- SQL not available"):
            # Collected against the live database, Django's executor cannot write a step that looks a
            # constraint up as the steps before it leave it; the kit's shadow database can, except where
            # the live schema is not what the ledger says (a faked migrate): then the kit says Django's reason.
            assert lines == django[migration] or (lines and not lines[0].startswith("-- SQL not available")), migration
        elif migration in renames:
            assert sorted(lines) == sorted(django[migration]), migration
        else:
            assert lines == django[migration], migration
