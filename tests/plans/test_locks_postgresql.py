"""plan.locks() on PostgreSQL against what the database shows on a real copy with rows.

The oracle runs each statement of the plan's SQL (plan.sql()) on its own copy of the live database, in a
transaction of its own held open while a second psycopg session reads pg_locks for the first one's pid, reads
the committed relfilenode of each table (the first session reads its own, new one), and tries to take the lock
a SELECT and an INSERT would take (NOWAIT). The first session counts the rows its sequential scans returned
(the tables hold rows there). CREATE INDEX CONCURRENTLY cannot run in a transaction: a third session holds a
writer's lock on the table, so it waits there holding its own lock, which the second session then reads.
The app lk (tests/lockapp.py) has a migration for each kind of operation Django emits.
"""

import json
import re
import subprocess
import sys
import threading
import time

import psycopg
import pytest

from djmig_kernel.display.forecast import step_forecasts
from djmig_kernel.plans.locks import LOCK_COLUMNS
from lockapp import LEAF, MODELS, OLD_MODELS, ROWS, add_app, kit_outcomes, orm_outcomes
from pgfixtures import clone, copy_project, drop, psql


_LOCKS = ("SELECT relation::bigint, mode, granted FROM pg_locks WHERE pid = %s AND locktype = 'relation' "
          "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")
# Each relation of the public schema among %s with the table it belongs to (a table's own, an index's table)
_TABLES = ("SELECT c.oid::bigint, t.relname, t.relfilenode::bigint, c.oid = t.oid FROM pg_class c "
           "LEFT JOIN pg_index i ON i.indexrelid = c.oid JOIN pg_class t ON t.oid = coalesce(i.indrelid, c.oid) "
           "WHERE c.oid = ANY(%s) AND c.relkind IN ('r', 'i') AND t.relnamespace = 'public'::regnamespace")
_MODES = ["AccessShareLock", "RowShareLock", "RowExclusiveLock", "ShareUpdateExclusiveLock", "ShareLock",
          "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"]
_CONCURRENTLY = re.compile(r'(?:CREATE|DROP) INDEX CONCURRENTLY (?:IF EXISTS )?"(\w+)"(?: ON "(\w+)")?')


def _connect(settings, name):
    return psycopg.connect(host=settings["HOST"], port=settings["PORT"], user="postgres", dbname=name,
                           autocommit=True)


def _blocks(watcher, table):
    """Return what the lock another session holds on TABLE blocks, by trying a writer's and a reader's lock."""
    for mode, answer in (("ROW EXCLUSIVE", "nothing"), ("ACCESS SHARE", "writes")):
        try:
            with watcher.transaction():
                watcher.execute(f'LOCK TABLE "{table}" IN {mode} MODE NOWAIT')
            return answer
        except psycopg.errors.LockNotAvailable:
            pass
    return "reads and writes"


def _seen(runner, watcher, locks):
    """Return {table: (lock, blocks, rewrites, rows read)} of the LOCKS runner's open transaction holds."""
    oids = [oid for oid, _, granted in locks if granted]
    mine = {oid: rest for oid, *rest in runner.execute(_TABLES, [oids])}
    committed = {oid: rest for oid, *rest in watcher.execute(_TABLES, [oids])}
    filenodes = {name: filenode for name, filenode, own in committed.values() if own}
    found = {}
    for oid, mode, granted in locks:
        name, filenode, own = mine.get(oid) or committed.get(oid) or (None, None, None)
        if not granted or name is None or (not own and oid not in committed and name in filenodes):
            continue  # not a table's or an existing index's: a new index of an existing table nobody waits for
        if name not in found or _MODES.index(mode) > _MODES.index(found[name][0]):
            found[name] = (mode,)
    result = {}
    for name, (mode,) in found.items():
        visible = name in filenodes
        now = next((f for n, f, own in mine.values() if n == name and own), None)
        read = runner.execute("SELECT coalesce(pg_stat_get_xact_tuples_returned(to_regclass(%s)), 0)",
                              [f'"{name}"']).fetchone()[0] if now is not None else 0
        result[name] = (mode, _blocks(watcher, name) if visible else "nothing",
                        visible and now is not None and now != filenodes[name], read)
    return result


def _concurrently(settings, name, runner, watcher, statement):
    """Return what CREATE/DROP INDEX CONCURRENTLY holds while it waits for a writer of its table."""
    index, table = _CONCURRENTLY.match(statement).groups()
    table = table or watcher.execute("SELECT indrelid::regclass::text FROM pg_index WHERE indexrelid = "
                                     "to_regclass(%s)", [f'"{index}"']).fetchone()[0].strip('"')
    blocker = _connect(settings, name)
    blocker.execute("BEGIN")
    blocker.execute(f'LOCK TABLE "{table}" IN ROW EXCLUSIVE MODE')
    pid = runner.info.backend_pid
    worker = threading.Thread(target=runner.execute, args=(statement,))
    worker.start()
    try:
        deadline = time.monotonic() + 10
        while True:
            locks = watcher.execute(_LOCKS, [pid]).fetchall()
            waiting = watcher.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [pid]).fetchone()[0]
            if waiting:
                break
            assert time.monotonic() < deadline, "CREATE INDEX CONCURRENTLY never waited"
            time.sleep(0.01)
        oids = [oid for oid, _, granted in locks if granted]
        held = [mode for oid, mode, granted in locks if granted and watcher.execute(
            "SELECT relname = %s FROM pg_class WHERE oid = %s", [table, oid]).fetchone() == (True,)]
        return {table: (max(held, key=_MODES.index), _blocks(watcher, table), False, None)} if oids else {}
    finally:
        blocker.execute("COMMIT")
        worker.join()
        blocker.close()


def observe(settings, name, plan_sql):
    """Return {(migration, statement, table): (lock, blocks, rewrites, rows read)}: PLAN_SQL run on database NAME."""
    runner, watcher = _connect(settings, name), _connect(settings, name)
    pid, seen = runner.info.backend_pid, {}
    try:
        for migration, lines in plan_sql.items():
            for statement in (line for line in lines if not line.lstrip().startswith("--")):
                if _CONCURRENTLY.match(statement):
                    found = _concurrently(settings, name, runner, watcher, statement)
                else:
                    runner.execute("SELECT pg_stat_force_next_flush()")
                    with runner.transaction():
                        runner.execute(statement)
                        found = _seen(runner, watcher, watcher.execute(_LOCKS, [pid]).fetchall())
                seen.update({(migration, statement, table): value for table, value in found.items()})
    finally:
        runner.close()
        watcher.close()
    return seen


@pytest.fixture(scope="module")
def lk(pg_walkthrough, pg_settings, tmp_path_factory):
    """Return (at 0001, at the leaf): two projects with the app lk on copies of the walkthrough, rows in lk's tables."""
    folder, names = tmp_path_factory.mktemp("lk"), []
    names.append(clone(pg_settings, pg_settings["NAME"]))
    first = add_app(copy_project(pg_walkthrough, folder / "first", names[0], own=True))
    first.migrate("lk", "0001_initial")
    psql(pg_settings, "; ".join(ROWS), db=names[0])
    names.append(clone(pg_settings, names[0]))
    leaf = add_app(copy_project(pg_walkthrough, folder / "leaf", names[1], own=True))
    leaf.migrate("lk")
    yield first, leaf, names
    for name in names:
        drop(pg_settings, name)


def _compare(sb, target, settings):
    """Return the plan's locks() and the oracle's observation of its SQL on a fresh copy of SB's database."""
    plan = sb.migration_plan("lk", target)
    frame = plan.locks()
    copy = clone(settings, sb._database().name)
    try:
        seen = observe(settings, copy, plan.sql())
    finally:
        drop(settings, copy)
    return plan, frame, seen


def _assert_same(frame, seen):
    kit = {(r.migration, r.statement, r.table): (r.lock, r.blocks, r.rewrites)
           for r in frame.itertuples() if r.table is not None}
    assert kit == {key: value[:3] for key, value in seen.items()}
    for r in frame.itertuples():
        read = seen.get((r.migration, r.statement, r.table), (None,) * 4)[3]
        if read is not None and r.rows:  # the oracle's copy has rows there: a scan returned some
            assert bool(r.scans) == (read > 0), (r.statement, r.table, read)


def test_forward_locks_are_what_pg_locks_and_relfilenode_show(lk, pg_settings):
    first, _, names = lk
    plan, frame, seen = _compare(first, LEAF, pg_settings)
    assert list(frame.columns) == LOCK_COLUMNS
    assert list(dict.fromkeys(frame["migration"])) == [step["migration"] for step in plan.steps]
    _assert_same(frame, seen)
    by = {(r.migration.split(".")[1], r.table): r for r in frame.itertuples()}
    # what each kind of operation does, as PostgreSQL showed it
    assert by["0002_item_note", "lk_item"].lock == "AccessExclusiveLock"
    assert not by["0003_item_size", "lk_item"].rewrites  # a constant default: no rewrite since PostgreSQL 11
    assert by["0005_item_qty_bigint", "lk_item"].rewrites and by["0005_item_qty_bigint", "lk_item"].scans
    assert not by["0004_item_name_wider", "lk_item"].rewrites
    assert by["0007_item_name_idx", "lk_item"].blocks == "writes"
    assert by["0008_item_size_idx", "lk_item"].lock == "ShareUpdateExclusiveLock"
    assert by["0009_item_tag", "lk_tag"].blocks == "writes"
    assert by["0014_delete_box", "lk_box"].blocks == "reads and writes"
    scans = frame[frame["scans"].fillna(False)]
    assert {m.split(".")[1] for m in scans["migration"]} == {
        "0005_item_qty_bigint", "0006_item_code_not_null", "0007_item_name_idx", "0008_item_size_idx",
        "0009_item_tag", "0010_item_size_check", "0013_fill_qty"}
    # sizes: the live tables'
    live = psql(pg_settings, "SELECT (SELECT count(*) FROM lk_item) || ' ' || pg_total_relation_size('lk_item')",
                db=names[0]).split()
    assert {(r.rows, r.bytes) for r in frame.itertuples() if r.table == "lk_item"} == {(int(live[0]), int(live[1]))}


def test_rollback_locks_are_what_pg_locks_and_relfilenode_show(lk, pg_settings):
    _, leaf, _ = lk
    plan, frame, seen = _compare(leaf, "0001_initial", pg_settings)
    assert {step["direction"] for step in plan.steps} == {"unapply"}
    _assert_same(frame, seen)
    by = {(r.migration.split(".")[1], r.table): r for r in frame.itertuples()}
    made = by["0014_delete_box", "lk_box"]  # made again by the rollback: nobody else sees it yet
    assert (made.lock, made.blocks, made.rows) == ("AccessExclusiveLock", "nothing", 0)
    assert by["0013_fill_qty", None].statement is None and by["0013_fill_qty", None].blocks == "nothing"
    assert by["0004_item_name_wider", "lk_item"].rewrites  # varchar(50) -> varchar(20) checks every row


def test_the_plan_command_is_a_deploy_gate_on_the_locks(lk):
    """`python -m djmig_kernel plan` prints the same locks and exits 1 on --fail-on blocking."""
    first, _, _ = lk
    run = subprocess.run([sys.executable, "-m", "djmig_kernel", "plan", str(first.path), "lk", LEAF, "--json",
                          "--fail-on", "blocking"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 1, run.stderr
    preview = json.loads(run.stdout)
    assert any("locks lk_item (3 rows) against reads and writes while it copies it" in line
               for line in preview["hazards"]["blocking"])
    frame = first.migration_plan("lk", LEAF).locks()
    assert [(r["statement"], r["table"], r["lock"], r["blocks"], r["rewrites"]) for r in preview["locks"]] == [
        (r.statement, r.table, r.lock, r.blocks, r.rewrites) for r in frame.itertuples()]


def test_old_code_is_what_the_old_models_orm_does_on_the_migrated_database(lk):
    """Forward, the code of 0001's models on the database at the leaf; backward, the leaf's models on the database
    rolled back to 0001: each action of the kit's works exactly where the old models.py's own ORM does."""
    first, leaf, _ = lk
    plan = first.migration_plan("lk", LEAF)
    plan.locks()
    plan.fetch_locks = None  # the locks' answer brought the old code too: no second start of Django
    forward = plan.old_code()
    assert set(forward["model"]) == {"lk.Item", "lk.Box"}
    assert kit_outcomes(forward) == {key: works for key, works in orm_outcomes(leaf, OLD_MODELS).items()
                                     if key[0] in {"lk.Item", "lk.Box"}}
    assert forward.loc[forward["action"] == "read", "error"].tolist() == [
        "column lk_item.code does not exist", 'relation "lk_box" does not exist']
    # The picker's words for them, per step: the rewrite of a table with rows, the old code that breaks.
    forecasts = step_forecasts(plan.locks(), forward)
    assert forecasts["lk.0005_item_qty_bigint"] == ["locks lk_item (3 rows) against reads and writes while it copies it"]
    assert forecasts["lk.0014_delete_box"][-1] == (
        """old code can't create, read, update or delete lk.Box: relation "lk_box" does not exist""")
    backward = leaf.migration_plan("lk", "0001_initial").old_code()
    assert kit_outcomes(backward) == {key: works for key, works in orm_outcomes(first, MODELS).items()
                                      if key[0] == "lk.Item"}
