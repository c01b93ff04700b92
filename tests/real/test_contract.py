"""The real-project contract (DESIGN.md, seven points) on every corpus project, each point against Django itself."""

import json
import os
import re
import shutil
import sqlite3
import time

import pytest

from djmig_kernel import DjmigError, FourPieces, MigrationPicker, Sandbox, render_dag
from oracle import migrate_sql, plans, statements
from oracles import assert_same_as_django, parse_migrate_plan, plan_rows

pytestmark = pytest.mark.corpus


def _figure(project, **values):
    """Append VALUES for PROJECT to the file DJMIG_FIGURES names (the figures of the closing note)."""
    if os.environ.get("DJMIG_FIGURES"):
        with open(os.environ["DJMIG_FIGURES"], "a") as out:
            out.write(json.dumps({"project": project.path.name, **values}) + "\n")


def _timed(action):
    """Return (result, wall seconds of ACTION): the kit's answers come from its warm probe, a process that
    outlives the call, so the CPU of the processes a call started does not measure them."""
    start = time.perf_counter()
    return action(), time.perf_counter() - start


_DJANGO_PLANS = {}


def _django_plans(project):
    if project.path not in _DJANGO_PLANS:
        _DJANGO_PLANS[project.path] = plans(project)
    return _DJANGO_PLANS[project.path]


def _roots(project):
    """Return apps whose rollbacks to zero together undo every migration (largest first)."""
    undone = {key: [m for m, _ in parse_migrate_plan(out)] for key, out in _django_plans(project).items()
              if key.endswith(" zero")}
    left, roots = set().union(*map(set, undone.values())), []
    while left:
        key = max(sorted(undone), key=lambda k: len(left & set(undone[k])))
        roots.append(key.split()[0])
        left -= set(undone[key])
    return roots


def test_1_graph_is_the_loaders(project):
    dag = assert_same_as_django(project)
    _figure(project, apps=len(dag.apps), migrations=len(dag.nodes), squashes=len(dag.replaces))


def test_2_every_apps_plans_are_migrate_plan(project):
    kit_seconds = django_seconds = 0
    for key, printed in _django_plans(project).items():
        app, target = key.split()
        rows, seconds = _timed(lambda: project.plan(app, target, timeout=600))
        kit_seconds += seconds
        assert plan_rows(rows) == parse_migrate_plan(printed), key
    for app, target in [key.split() for key in list(_django_plans(project))[:3]]:
        django_seconds += _timed(lambda: project.manage("migrate", app, target, "--plan", timeout=600))[1]
    kit_per_plan = kit_seconds / len(_django_plans(project))
    _figure(project, plans=len(_django_plans(project)), plan_ratio=round(kit_per_plan / (django_seconds / 3), 2))


def test_3_check_is_empty_where_django_is_clean(project):
    _, django_seconds = _timed(lambda: project.manage("makemigrations", "--check", "--dry-run", timeout=600))
    project.manage("migrate", "--check", timeout=600)  # exits 1 (a DjmigError) when something is pending
    rows, kit_seconds = _timed(lambda: project.check(timeout=600))
    assert rows.empty, rows.to_dict("records")
    _figure(project, check_ratio=round(kit_seconds / django_seconds, 2))


def _droppable(db):
    """Return (a table nothing points at, a plain column of another such table) of the database DB."""
    with sqlite3.connect(db) as connection:
        tables = [t for (t,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name != 'django_migrations' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name")]
        pointed = {row[2] for t in tables for row in connection.execute(f'PRAGMA foreign_key_list("{t}")')}
        free = [t for t in tables if t not in pointed and not t.startswith(("django_", "auth_"))]
        for table in free[1:]:
            indexed = {row[2] for (index, *_) in [(r[1],) for r in connection.execute(f'PRAGMA index_list("{table}")')]
                       for row in connection.execute(f'PRAGMA index_info("{index}")')}
            linked = {row[3] for row in connection.execute(f'PRAGMA foreign_key_list("{table}")')}
            for _, column, _, _, _, pk in connection.execute(f'PRAGMA table_info("{table}")'):
                if not pk and column not in indexed | linked:
                    return free[0], (table, column)
    raise AssertionError("no table and column to drop")


def test_3_a_table_or_column_dropped_by_hand_gives_one_row(project_copy):
    table, (other, column) = _droppable(project_copy.db_path)
    with sqlite3.connect(project_copy.db_path) as connection:
        connection.execute("PRAGMA foreign_keys = OFF")
        connection.execute(f'DROP TABLE "{table}"')
    rows = project_copy.check(timeout=600)
    assert rows[["kind", "subject"]].values.tolist() == [["missing-table", table]]
    with sqlite3.connect(project_copy.db_path) as connection:
        connection.execute(f'ALTER TABLE "{other}" DROP COLUMN "{column}"')
    rows = project_copy.check(timeout=600)
    assert sorted(rows[["kind", "subject"]].values.tolist()) == [["missing-column", f"{other}.{column}"],
                                                                 ["missing-table", table]]


def _internal(db):
    """Return the tables SQLite makes for itself: a virtual table's shadow tables."""
    with sqlite3.connect(db) as connection:
        virtual = [n for (n,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")]
        names = [n for (n,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {n for n in names for v in virtual if n.startswith(f"{v}_")} | set(virtual)


def test_4_schema_at_is_schema(project):
    internal = _internal(project.db_path) | {"django_migrations"}
    columns = ["table", "column", "type", "notnull", "pk", "references"]
    live = project.schema()[columns]
    live = live[~live["table"].isin(internal)]
    state = project.schema_at(timeout=600)[columns]
    state = state[~state["table"].isin(internal)]

    def rows(frame):
        return sorted(map(tuple, frame.astype(str).values.tolist()))
    assert rows(state) == rows(live)


def _schema(db):
    """Return {table: [(column, type, notnull)]} of the database DB, SQLite's own tables left out."""
    with sqlite3.connect(db) as connection:
        names = [n for (n,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {n: [(r[1], r[2], r[3]) for r in connection.execute(f'PRAGMA table_info("{n}")')] for n in names}


def _renamed(live, migrated, before, after):
    """Return the tables of BEFORE (the LIVE database's schema) that the rollback renamed, not dropped.

    A model moved between apps (django-oscar's communication models) goes back to its old table name
    when the app that renamed it is undone: the table is gone under its live name, but its rows are
    still there. Each is paired with a table the MIGRATED copy has and the live one lacks, of the same
    model name (Django's default table name is APP_MODEL) and the same number of rows (its columns may
    differ: the undone migrations of the new app alter them too).
    """
    def rows(db, table):
        with sqlite3.connect(db) as connection:
            return connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]

    new = set(after) - set(before)
    return {table for table in set(before) - set(after)
            if any(other.split("_", 1)[-1] == table.split("_", 1)[-1] and rows(migrated, other) == rows(live, table)
                   for other in new)}


def _run_shown(db, shown):
    """Run the shown statements of each step, in the plan's order, on the database DB (as migrate: foreign keys off).

    The rows go first: a RunPython step (shown as a comment) fills a column in Python that a later
    statement makes NOT NULL, so the shown SQL alone is the schema's, not the data's. Only ordinary
    tables are emptied: the shadow tables of an FTS5 index (its _config, _data…) are the index's own,
    and emptied behind its back they leave a table that SQLite cannot open, so a later rename of a
    table with a trigger into it fails ("vtable constructor failed") where migrate's does not.
    """
    connection = sqlite3.connect(db, isolation_level=None)
    try:
        connection.execute("PRAGMA foreign_keys = OFF")
        for table, in connection.execute("SELECT name FROM pragma_table_list WHERE schema = 'main' "
                                         "AND type = 'table' AND name NOT LIKE 'sqlite_%'").fetchall():
            connection.execute(f'DELETE FROM "{table}"')
        for lines in shown.values():
            connection.executescript("\n".join(statements(lines)))
        connection.execute("DELETE FROM django_migrations")  # the ledger is migrate's, not the SQL's
    finally:
        connection.close()


def test_the_shown_sql_runs_on_a_database_with_a_full_text_index(tmp_path):
    """Wagtail's search: an FTS5 index kept by triggers on its table; a shown step renames the table."""
    db = tmp_path / "db.sqlite3"
    with sqlite3.connect(db) as connection:
        connection.executescript(
            "CREATE TABLE entry (id integer PRIMARY KEY, body text);"
            "CREATE VIRTUAL TABLE entry_fts USING fts5(body, content='entry', content_rowid='id');"
            "CREATE TRIGGER entry_ai AFTER INSERT ON entry BEGIN"
            " INSERT INTO entry_fts(rowid, body) VALUES (new.id, new.body); END;"
            "CREATE TRIGGER entry_ad AFTER DELETE ON entry BEGIN"
            " INSERT INTO entry_fts(entry_fts, rowid, body) VALUES ('delete', old.id, old.body); END;"
            "CREATE TABLE django_migrations (id integer PRIMARY KEY, app text, name text, applied datetime);"
            "INSERT INTO entry (body) VALUES ('kept apart');")
    _run_shown(db, {"search.0002": ["-- Rename table", 'ALTER TABLE "entry" RENAME TO "entry_old";']})
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(*) FROM entry_old").fetchone() == (0,)
        assert connection.execute("SELECT count(*) FROM entry_fts_config").fetchone()[0] > 0


def test_5_and_7_rollback_sql_is_what_migrate_runs_and_losses_are_counted(project, tmp_path):
    """Each root app's rollback to zero: the kit's statements, step by step, are those migrate runs; run
    on one copy they leave the schema migrate leaves on another; data_loss counts the live rows of
    exactly the tables migrate drops."""
    compared = without = stopped = 0
    reasons, reasons_stopped, misnamed = [], {}, {}
    for root in _roots(project):
        shown_copy, migrated_copy = (Sandbox.open(shutil.copytree(project.path, tmp_path / root / side / project.path.name))
                                     for side in ("shown", "migrated"))
        plan = project.migration_plan(root, "zero", timeout=900)
        start = time.perf_counter()
        shown = plan.sql()
        sql_seconds = time.perf_counter() - start
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
                without += 1
                reasons.append(f"{migration}: {lines[0]}")
                continue
            ours = statements(lines)
            renames = any("Rename model" in op for step in plan.steps if step["migration"] == migration
                          for op in step["operations"])
            assert (sorted(ours) if renames else ours) == (sorted(ran[migration]) if renames else ran[migration]), migration
            compared += 1
        _run_shown(shown_copy.db_path, shown)
        before, after = _schema(project.db_path), _schema(migrated_copy.db_path)
        assert _schema(shown_copy.db_path) == after
        losses = project.data_loss(root, "zero", timeout=900)
        whole = losses[losses["column"].isna()]
        dropped = (set(before) - set(after) - _internal(project.db_path)
                   - _renamed(project.db_path, migrated_copy.db_path, before, after))
        if not failed and set(whole["table"]) != dropped:
            misnamed[root] = sorted(set(whole["table"]) ^ dropped)
        with sqlite3.connect(project.db_path) as connection:
            for table, rows in zip(whole["table"], whole["rows"]):
                assert rows == connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0], table
        _figure(project, root=root, steps=len(shown), sql_seconds=round(sql_seconds, 2))
    assert not reasons, reasons
    assert not misnamed, misnamed
    _figure(project, sql_compared=compared, sql_without=without, not_run_by_migrate=stopped,
            migrate_stops=reasons_stopped)


def _boxes(source):
    return len(re.findall(r"^\s+\"[^\"]+\" \[label=", source, re.M))


def test_6_drawings_picker_and_pieces_work_for_every_app(project):
    dag = project.graph(timeout=600)
    drawing = render_dag(dag)
    _figure(project, drawn_boxes=_boxes(drawing.source))
    svg = dag.show()._repr_mimebundle_()["image/svg+xml"]
    width = float(re.search(r'width="([\d.]+)pt"', svg).group(1))
    assert width <= 684 + 1  # fits the notebook column
    for app in dag.apps:
        picker = MigrationPicker(project, app)
        assert picker.target.value in {"zero", *(n for a, n in dag.nodes if a == app)}
        pieces = FourPieces.capture(project, app)
        assert list(pieces.ledger["app"].unique()) in ([app], [])
    small = min(dag.apps, key=lambda a: len([n for n in dag.nodes if n[0] == a]))
    picker = MigrationPicker(project, small)
    for _label, target in picker.target.options:  # each choice previews its plan, SQL and losses
        picker.target.value = target
    assert _boxes(drawing.source) <= 45


def test_a_command_error_is_a_djmig_error(project):
    with pytest.raises(DjmigError):
        project.plan("no_such_app", "zero")
