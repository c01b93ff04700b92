"""plan.locks() on SQLite against what SQLite shows on a copy of the file with rows.

The oracle runs each statement of the plan's SQL (plan.sql()) on its own copy of db.sqlite3, in a transaction
of its own held open while a second connection tries to write (BEGIN IMMEDIATE) and to read (a SELECT),
without waiting. SQLite's own program for the statement (EXPLAIN) says which tables it reads every row of (a
cursor on the table's b-tree rewound to its first row), and each table's root page before and after a step
says which tables were copied to a new b-tree (the rebuild). lk_item holds 20,000 rows of about 200 bytes:
more than the page cache, so copying it spills and shuts readers out too.
"""

import shutil
import sqlite3

import pytest

from djmig_kernel import Sandbox
from djmig_kernel.plans.locks import LOCK_COLUMNS
from djmig_kernel.plans.plan import OLD_CODE_COLUMNS
from djmig_kernel.project.settings import register_app
from helpers import migration_file
from lockapp import LEAF, MODELS, OLD_MODELS, ROWS, add_app, kit_outcomes, orm_outcomes


def _locked(connection, sql):
    """Return True if SQL cannot run now because another connection holds the database's lock."""
    try:
        connection.execute(sql).fetchall()
    except sqlite3.OperationalError as error:
        assert "locked" in str(error), error
        return True
    if connection.in_transaction:
        connection.execute("ROLLBACK")
    return False


def _scanned(connection, statement):
    """Return the tables whose every row SQLite's program for STATEMENT reads (EXPLAIN: OpenRead/OpenWrite on the
    table's root page, then Rewind on that cursor)."""
    roots = {root: name for name, root in connection.execute(
        "SELECT name, rootpage FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
    cursors, found = {}, set()
    for _, opcode, p1, p2, *_ in connection.execute("EXPLAIN " + statement):
        if opcode in ("OpenRead", "OpenWrite"):
            cursors[p1] = roots.get(p2)
        elif opcode == "Rewind" and cursors.get(p1):
            found.add(cursors[p1])
    return found


def _roots(connection):
    return dict(connection.execute("SELECT name, rootpage FROM sqlite_master WHERE type = 'table'"))


def observe(path, plan_sql):
    """Return {(migration, statement): (blocks, scanned tables)} and {migration: tables rebuilt}: PLAN_SQL run on PATH."""
    runner = sqlite3.connect(path, isolation_level=None)
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    seen, rebuilt = {}, {}
    try:
        for migration, lines in plan_sql.items():
            before = _roots(other)
            for statement in (line for line in lines if not line.lstrip().startswith("--")):
                scanned = _scanned(runner, statement)
                runner.execute("BEGIN")
                runner.execute(statement)
                if _locked(other, "SELECT count(*) FROM sqlite_master"):
                    blocks = "reads and writes"
                else:
                    blocks = "writes" if _locked(other, "BEGIN IMMEDIATE") else "nothing"
                runner.execute("COMMIT")
                seen[migration, statement] = (blocks, scanned)
            after = _roots(other)
            rebuilt[migration] = {name for name in before if name in after and after[name] != before[name]}
    finally:
        runner.close()
        other.close()
    return seen, rebuilt


@pytest.fixture(scope="module")
def lk(tmp_path_factory):
    """Return a SQLite project with the app lk at 0001, its tables full, and another copy at the leaf."""
    sb = add_app(Sandbox.create(tmp_path_factory.mktemp("lk"), "lksite"), concurrently=False)
    sb.migrate("lk", "0001_initial")
    with sqlite3.connect(sb.db_path) as connection:
        for statement in ROWS:
            connection.execute(statement)
        connection.executemany("INSERT INTO lk_item (name, code) VALUES (?, ?)",
                               [(f"n{i}", "x" * 200) for i in range(20_000)])
    leaf = Sandbox.open(shutil.copytree(sb.path, sb.path.parent / "leaf"))
    leaf.migrate("lk")
    return sb, leaf


def _compare(sb, target, tmp_path):
    plan = sb.migration_plan("lk", target)
    frame = plan.locks()
    copy = shutil.copy(sb.db_path, tmp_path / "copy.sqlite3")
    return plan, frame, *observe(copy, plan.sql())


def _assert_same(frame, seen, rebuilt):
    assert list(frame.columns) == LOCK_COLUMNS
    assert set(frame.loc[frame["statement"].notna(), "lock"]) == {"database"}  # a step that runs nothing has none
    for (migration, statement), (blocks, scanned) in seen.items():
        rows = frame[(frame["migration"] == migration) & (frame["statement"] == statement)]
        assert set(rows["blocks"]) == {blocks}, (statement, blocks)
        assert set(rows.loc[rows["scans"].astype(bool), "table"]) == scanned, statement
    rewrites = frame[frame["rewrites"].astype(bool)]
    assert {(r.migration, r.table) for r in rewrites.itertuples()} == {
        (migration, table) for migration, tables in rebuilt.items() for table in tables}


def _sizes(path, table):
    with sqlite3.connect(path) as connection:
        rows = connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        page = connection.execute("PRAGMA page_size").fetchone()[0]
        pages = connection.execute("SELECT count(*) FROM dbstat JOIN sqlite_master m USING (name) "
                                   "WHERE m.tbl_name = ?", [table]).fetchone()[0]
    return rows, pages * page


def test_forward_locks_are_what_sqlite_shows(lk, tmp_path):
    sb, _ = lk
    plan, frame, seen, rebuilt = _compare(sb, LEAF, tmp_path)
    _assert_same(frame, seen, rebuilt)
    assert list(dict.fromkeys(frame["migration"])) == [step["migration"] for step in plan.steps]
    by = {(r.migration.split(".")[1], r.statement.split()[0], r.table): r for r in frame.itertuples()}
    assert by["0002_item_note", "ALTER", "lk_item"].blocks == "writes"  # readers read on: no rebuild
    assert by["0003_item_size", "INSERT", "lk_item"].blocks == "reads and writes"  # the copy spills
    assert rebuilt["lk.0003_item_size"] == {"lk_item"}
    assert {r.table for r in frame.itertuples() if r.table and r.table.startswith("new__")} == {"new__lk_item"}
    assert {(r.rows, r.bytes) for r in frame.itertuples() if r.table == "lk_item"} == {_sizes(sb.db_path, "lk_item")}


def test_rollback_locks_are_what_sqlite_shows(lk, tmp_path):
    _, leaf = lk
    plan, frame, seen, rebuilt = _compare(leaf, "0001_initial", tmp_path)
    assert {step["direction"] for step in plan.steps} == {"unapply"}
    _assert_same(frame, seen, rebuilt)
    made = frame[frame["migration"] == "lk.0014_delete_box"]
    assert (made["table"].tolist(), made["rows"].tolist()) == (["lk_box"], [0])  # made again: empty


def test_old_code_is_what_the_old_models_orm_does_on_the_migrated_file(lk):
    """Forward, the code of 0001's models on the file at the leaf: Item's renamed column breaks all but a delete,
    Box's table is gone. Backward, the leaf's models on the file rolled back to 0001: Item lacks its new columns."""
    sb, leaf = lk
    forward = sb.migration_plan("lk", LEAF).old_code()
    assert list(forward.columns) == OLD_CODE_COLUMNS
    assert {row.model: row.migration for row in forward.itertuples()} == {
        "lk.Item": "lk.0002_item_note", "lk.Box": "lk.0014_delete_box"}
    assert kit_outcomes(forward) == {key: works for key, works in orm_outcomes(leaf, OLD_MODELS).items()
                                     if key[0] in {"lk.Item", "lk.Box"}}
    assert not forward.loc[forward["model"] == "lk.Box", "works"].any()
    backward = leaf.migration_plan("lk", "0001_initial").old_code()
    assert kit_outcomes(backward) == {key: works for key, works in orm_outcomes(sb, MODELS).items()
                                      if key[0] == "lk.Item"}
    assert "no column named size" in backward.loc[backward["action"] == "create", "error"].iloc[0]


_NOTE = ("migrations.CreateModel('Note', [('id', models.BigAutoField(auto_created=True, primary_key=True)), "
         "('title', models.CharField(max_length=20)), ('body', models.TextField(default=''))])")
_REMOVE = "migrations.RemoveField('note', 'body')"
_TWO_DEPLOYS = {  # app: its 0002, which removes Note.body
    "onedeploy": _REMOVE,  # from the table and from the models at once
    "twodeploys": f"migrations.SeparateDatabaseAndState(state_operations=[{_REMOVE}])",  # from the models only
}


def test_old_code_tells_a_removal_in_one_deploy_from_one_in_two(tmp_path):
    """Removing a column the code still reads breaks the code deployed before migrate; removing it from the models
    first (SeparateDatabaseAndState), the column staying until a later migration drops it, breaks nothing."""
    sb = Sandbox.create(tmp_path, "deploys")
    for app, removal in _TWO_DEPLOYS.items():
        folder = sb.path / app / "migrations"
        folder.mkdir(parents=True)
        for path in (folder.parent / "__init__.py", folder / "__init__.py"):
            path.write_text("")
        (folder / "0001_initial.py").write_text(migration_file([], _NOTE))
        (folder / "0002_remove_body.py").write_text(migration_file([(app, "0001_initial")], removal))
        (folder.parent / "models.py").write_text("from django.db import models\n\n\n"
                                                 "class Note(models.Model):\n    title = models.CharField(max_length=20)\n")
        register_app(sb.path, app)
        sb.migrate(app, "0001_initial")
    works = {app: sb.migration_plan(app, "0002").old_code().set_index("action")["works"].to_dict()
             for app in _TWO_DEPLOYS}
    assert works == {"onedeploy": {"create": False, "read": False, "update": False, "delete": True},
                     "twodeploys": dict.fromkeys(["create", "read", "update", "delete"], True)}
