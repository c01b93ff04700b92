"""The real-project contract (DESIGN.md, seven points), each point written once against Django itself.

Each check takes the project and a SIDE: what the check asks of the database by hand (copy it, drop a table,
read its schema, count rows, run statements), answered by tests/real/sqlite_side.py or tests/real/pg_side.py.
"""

import json
import os
import re
import time

import pytest

from djmig_kernel import DjmigError, FourPieces, MigrationPicker, render_dag
from oracle import migrate_sql, statements
from oracles import assert_same_as_django, parse_migrate_plan, plan_rows, plans


def figure(project, side, **values):
    """Append VALUES for PROJECT on SIDE's database to the file DJMIG_FIGURES names (the figures of the closing note)."""
    if os.environ.get("DJMIG_FIGURES"):
        with open(os.environ["DJMIG_FIGURES"], "a") as out:
            out.write(json.dumps({"project": project.path.name, "database": side.NAME, **values}) + "\n")


def timed(action):
    """Return (result, wall seconds of ACTION): the kit's answers come from its warm probe, a process that
    outlives the call, so the CPU of the processes a call started does not measure them."""
    start = time.perf_counter()
    return action(), time.perf_counter() - start


_DJANGO_PLANS = {}


def django_plans(project):
    if project.path not in _DJANGO_PLANS:
        _DJANGO_PLANS[project.path] = plans(project)
    return _DJANGO_PLANS[project.path]


def roots(project):
    """Return apps whose rollbacks to zero together undo every migration (largest first)."""
    undone = {key: [m for m, _ in parse_migrate_plan(out)] for key, out in django_plans(project).items()
              if key.endswith(" zero")}
    left, found = set().union(*map(set, undone.values())), []
    while left:
        key = max(sorted(undone), key=lambda k: len(left & set(undone[k])))
        found.append(key.split()[0])
        left -= set(undone[key])
    return found


def graph_is_the_loaders(project, side):
    dag = assert_same_as_django(project)
    figure(project, side, apps=len(dag.apps), migrations=len(dag.nodes), squashes=len(dag.replaces))


def every_apps_plans_are_migrate_plan(project, side):
    kit_seconds = django_seconds = 0
    for key, printed in django_plans(project).items():
        app, target = key.split()
        rows, seconds = timed(lambda: project.plan(app, target, timeout=600))
        kit_seconds += seconds
        assert plan_rows(rows) == parse_migrate_plan(printed), key
    for app, target in [key.split() for key in list(django_plans(project))[:3]]:
        django_seconds += timed(lambda: project.manage("migrate", app, target, "--plan", timeout=600))[1]
    kit_per_plan = kit_seconds / len(django_plans(project))
    figure(project, side, plans=len(django_plans(project)), plan_ratio=round(kit_per_plan / (django_seconds / 3), 2))


def check_is_empty_where_django_is_clean(project, side):
    _, django_seconds = timed(lambda: project.manage("makemigrations", "--check", "--dry-run", timeout=600))
    project.manage("migrate", "--check", timeout=600)  # exits 1 (a DjmigError) when something is pending
    rows, kit_seconds = timed(lambda: project.check(timeout=600))
    assert rows.empty, rows.to_dict("records")
    figure(project, side, check_ratio=round(kit_seconds / django_seconds, 2))


def a_table_or_column_dropped_by_hand_gives_one_row(sb, side):
    table, (other, column) = side.droppable(sb)
    side.drop_table(sb, table)
    rows = sb.check(timeout=600)
    assert rows[["kind", "subject"]].values.tolist() == [["missing-table", table]]
    side.drop_column(sb, other, column)
    rows = sb.check(timeout=600)
    assert sorted(rows[["kind", "subject"]].values.tolist()) == [["missing-column", f"{other}.{column}"],
                                                                 ["missing-table", table]]


def schema_at_is_schema(project, side):
    internal = side.internal(project) | {"django_migrations"}
    columns = ["table", "column", "type", "notnull", "pk", "references"]
    live = project.schema()[columns]
    live = live[~live["table"].isin(internal)]
    state = project.schema_at(timeout=600)[columns]
    state = state[~state["table"].isin(internal)]

    def rows(frame):
        return sorted(map(tuple, frame.astype(str).values.tolist()))
    ours, django = rows(state), rows(live)
    assert ours == django, (sorted(set(ours) - set(django)), sorted(set(django) - set(ours)))


def _renamed(before, after, counts_before, counts_after):
    """Return the tables of BEFORE (a schema before a rollback) that the rollback renamed, not dropped.

    A model moved between apps (django-oscar's communication models) goes back to its old table name
    when the app that renamed it is undone: the table is gone under its live name, but its rows are
    still there. Each is paired with a table AFTER has and BEFORE lacks, of the same model name
    (Django's default table name is APP_MODEL) and the same number of rows (its columns may differ:
    the undone migrations of the new app alter them too). COUNTS_*: each table's rows, before and after.
    """
    new = set(after) - set(before)
    return {table for table in set(before) - set(after)
            if any(other.split("_", 1)[-1] == table.split("_", 1)[-1] and counts_after[other] == counts_before[table]
                   for other in new)}


def rollback_sql_is_what_migrate_runs_and_losses_are_counted(project, side, folder):
    """The root apps' rollbacks to zero, one after the other on two copies of PROJECT in FOLDER (each migration
    undone once): the kit's statements, step by step, are those migrate runs on one copy; run on the other they
    leave the schema migrate leaves; data_loss counts the live rows of exactly the tables migrate drops.

    Return {"compared": steps whose statements are migrate's, "without": ["app.migration: -- SQL not available: …"],
    "different": {app.migration: {"shown": statements, "ran": migrate's}}}: each step the kit has no SQL for, or
    other SQL than migrate's, runs migrate's own statements on the shown copy, so that the steps after it still compare.
    """
    shown_copy, migrated_copy = (side.copy(project, folder / part / project.path.name) for part in ("shown", "migrated"))
    compared = stopped = 0
    without, different, reasons_stopped, misnamed = [], {}, {}, {}
    for root in roots(project):
        before = side.schema(migrated_copy)
        counts_before = side.counts(migrated_copy, before)
        internal = side.internal(migrated_copy)
        plan = migrated_copy.migration_plan(root, "zero", timeout=900)
        losses = migrated_copy.data_loss(root, "zero", timeout=900)
        shown, sql_seconds = timed(plan.sql)
        ran, failed = migrate_sql(migrated_copy, root, "zero")
        irreversible = [m for m, lines in shown.items() if lines and lines[0].startswith("-- IRREVERSIBLE")]
        if irreversible:  # migrate stops at the first irreversible step, as the kit says
            assert list(failed) == irreversible[:1]
        runs = list(shown)[:list(shown).index(next(iter(failed)))] if failed else list(shown)
        assert runs == list(ran)
        stopped += len(shown) - len(runs)
        reasons_stopped.update(failed)
        shown = {m: shown[m] for m in runs}
        for migration, lines in shown.items():
            if any(line.startswith("-- SQL not available") for line in lines):
                without.append(f"{migration}: {lines[0]}")
                shown[migration] = ran[migration]
                continue
            ours = statements(lines)
            renames = any("Rename model" in op for step in plan.steps if step["migration"] == migration
                          for op in step["operations"])
            if (sorted(ours) if renames else ours) != (sorted(ran[migration]) if renames else ran[migration]):
                different[migration] = {"shown": ours, "ran": ran[migration]}
                shown[migration] = ran[migration]
                continue
            compared += 1
        side.run(shown_copy, shown)
        after = side.schema(migrated_copy)
        assert side.schema(shown_copy) == after, root
        whole = losses[losses["column"].isna()]
        dropped = set(before) - set(after) - internal - _renamed(before, after, counts_before, side.counts(migrated_copy, after))
        if not failed and set(whole["table"]) != dropped:
            misnamed[root] = sorted(set(whole["table"]) ^ dropped)
        for table, rows in zip(whole["table"], whole["rows"]):
            assert rows == counts_before[table], table
        figure(project, side, root=root, steps=len(shown), sql_seconds=round(sql_seconds, 2))
    assert not misnamed, misnamed
    figure(project, side, sql_compared=compared, sql_without=len(without), sql_different=len(different),
           not_run_by_migrate=stopped, migrate_stops=reasons_stopped)
    return {"compared": compared, "without": without, "different": different}


def _boxes(source):
    return len(re.findall(r"^\s+\"[^\"]+\" \[label=", source, re.M))


def drawings_picker_and_pieces_work_for_every_app(project, side):
    dag = project.graph(timeout=600)
    drawing = render_dag(dag)
    figure(project, side, drawn_boxes=_boxes(drawing.source))
    svg = dag.show()._repr_mimebundle_()["image/svg+xml"]
    width = float(re.search(r'width="([\d.]+)pt"', svg).group(1))
    assert width <= 684 + 1  # fits the notebook column
    for app in dag.apps:
        picker = MigrationPicker(project, app)
        assert picker.target.value in {"zero", *(n for a, n in dag.nodes if a == app)}
        pieces = FourPieces.capture(project, app)
        assert list(pieces.ledger["app"].unique()) in ([app], [])
        # Each app's own files, wherever it is installed (site-packages too), and no ledger row marked as
        # having no file on a freshly migrated project.
        missing = {n for a, n in dag.nodes if a == app} - set(pieces.migrations)
        assert not missing, f"{app}: migrations Django loads that FourPieces does not show: {sorted(missing)}"
        assert pieces.problems.empty, f"{app}: FourPieces marks {pieces.problems.to_dict('records')}"
    small = min(dag.apps, key=lambda a: len([n for n in dag.nodes if n[0] == a]))
    picker = MigrationPicker(project, small)
    for _label, target in picker.target.options:  # each choice previews its plan, SQL and losses
        picker.target.value = target
    assert _boxes(drawing.source) <= 45


def a_command_error_is_a_djmig_error(project):
    with pytest.raises(DjmigError):
        project.plan("no_such_app", "zero")
