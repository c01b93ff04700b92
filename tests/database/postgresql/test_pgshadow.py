"""A plan's SQL on PostgreSQL is rehearsed in a shadow database: a step that looks a constraint up finds it.

The app "tiny" is not migrated: its plan from zero creates a table with a unique (code, shelf) and a
foreign key to app_author, renames shelf and widens code, then removes the unique, whose constraint
Django looks up by name. Collected against the live database, where no tiny table is yet, that last step
has no SQL.
"""

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from djmig_kernel.database.postgresql import server, shadowserver
from djmig_kernel.project.settings import register_app
from helpers import migration_file
from pgfixtures import password_role, psql
from real.oracle import migrate_sql, statements

_MIGRATIONS = {
    "0001_initial": ([("app", "0001_initial")], """migrations.CreateModel("Tiny", [
            ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
            ("code", models.CharField(max_length=10)),
            ("shelf", models.IntegerField()),
            ("author", models.ForeignKey(on_delete=models.CASCADE, to="app.author")),
        ], options={"unique_together": {("code", "shelf")}})"""),
    "0002_rack": ([("tiny", "0001_initial")], 'migrations.RenameField("tiny", "shelf", "rack")',
                  'migrations.AlterField("tiny", "code", models.CharField(max_length=20, db_index=True))'),
    "0003_not_unique": ([("tiny", "0002_rack")], 'migrations.AlterUniqueTogether("tiny", set())'),
}
_MODELS = """
class Tiny(models.Model):
    code = models.CharField(max_length=20, db_index=True)
    rack = models.IntegerField()
    author = models.ForeignKey("app.Author", on_delete=models.CASCADE)
"""
STEPS = ["tiny.0001_initial", "tiny.0002_rack", "tiny.0003_not_unique"]


def _add_tiny(sb):
    """Write the app tiny (its models and three migrations, none applied) into SB and register it."""
    folder = sb.path / "tiny" / "migrations"
    folder.mkdir(parents=True)
    for path in (sb.path / "tiny" / "__init__.py", folder / "__init__.py"):
        path.write_text("")
    (sb.path / "tiny" / "models.py").write_text("from django.db import models\n" + _MODELS)
    for name, (dependencies, *operations) in _MIGRATIONS.items():
        (folder / f"{name}.py").write_text(migration_file(dependencies, *operations))
    register_app(sb.path, "tiny")
    return sb


def _databases(settings):
    return set(psql(settings, "SELECT datname FROM pg_database", db="postgres").split())


# The databases another test process makes on the shared server meanwhile (pytest-xdist's other worker: its copies,
# its kit's shadows and guard clones, all named after its pid, and the corpus it builds).
_ANOTHERS = re.compile(r"^(?:copy|djmig_shadow)_(?!{pid}_)\d+_|^corpus_".format(pid=os.getpid()))


def _ours(names):
    """Return NAMES without the databases of other test processes."""
    return {name for name in names if not _ANOTHERS.match(name)}


@pytest.fixture
def own_tmp(monkeypatch):
    """Give this test a temporary folder of its own (tempfile.gettempdir()), reachable by the server's user:
    the private shadow servers' folders are then this test's alone to compare."""
    folder = Path(tempfile.mkdtemp(prefix="djmig-shadow-test-"))
    folder.chmod(0o755)
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _shadow_folders():
    folder = Path(tempfile.gettempdir()) / f"djmig-shadows-{os.getuid()}"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def _dead_pid():
    """Return the pid of a process that has ended."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def _shown(sb, at_once=False):
    """Return the plan's SQL statements of each step (its comments left out), checking each step has some.

    AT_ONCE: asked with the plan (migration_plan(sql=True)), else by plan.sql() afterwards.
    """
    steps = sb.migration_plan("tiny", "0003_not_unique", sql=at_once).sql()
    assert list(steps) == STEPS
    for migration, lines in steps.items():
        assert lines and not any(line.startswith("-- SQL not available") for line in lines), (migration, lines)
    return {migration: statements(lines) for migration, lines in steps.items()}


def _assert_migrate_runs(sb, shown):
    ran, failed = migrate_sql(sb, "tiny", "0003_not_unique")
    assert not failed
    assert shown == ran
    assert any(line.startswith('ALTER TABLE "tiny_tiny" DROP CONSTRAINT "tiny_tiny_code_shelf_')
               for line in shown["tiny.0003_not_unique"])


def test_the_kits_server_gets_nothing_made_on_it_the_plan_is_rehearsed_on_the_shadow_server(pg_copy, pg_settings):
    """The scratch database is a copy of one holding the schema on the process's shadow server, dropped after each
    plan; the kit's own server (the project's data) gets none. Rolled back to zero afterwards, the plan's SQL is
    migrate's too."""
    sb = _add_tiny(pg_copy(own=True))
    assert sb._database().own
    before = _databases(pg_settings)
    shown = _shown(sb)
    assert _shown(sb, at_once=True) == shown
    assert {name for name in _ours(_databases(pg_settings) ^ before) if name.startswith("djmig_shadow")} == set()
    with server.admin(shadowserver.settings()) as admin:  # the copies are gone, the schema's database kept
        names = [name for (name,) in admin.execute("SELECT datname FROM pg_database WHERE datname LIKE 'djmig%'")]
    assert len(names) == 1 and names[0].startswith(f"djmig_shadow_{os.getpid()}_t"), names
    _assert_migrate_runs(sb, shown)
    back = {m: statements(lines) for m, lines in sb.migration_plan("tiny", "zero").sql().items()}
    ran, failed = migrate_sql(sb, "tiny", "zero")
    assert list(back) == STEPS[::-1] and not failed and back == ran


def test_a_shadow_server_left_by_a_process_that_was_killed_is_stopped_and_removed(own_tmp):
    """A kernel killed with its shadow server running leaves it behind (shadow-<its pid>-…): the next process that
    starts one stops it and removes its folder; its own runs with fsync off (scratch data)."""
    shadowserver.stop()
    parent, _ = shadowserver.shadows_folder()
    left = parent / f"shadow-{_dead_pid()}-left"
    left.mkdir()
    left.chmod(0o755)
    server.start(left, name="postgres")
    pid = server.postmaster_pid(left)
    try:
        settings = shadowserver.settings()
        deadline = time.monotonic() + 10  # the postmaster goes a moment after its pid file
        while server.alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not left.exists() and not server.alive(pid)
        with server.admin(settings) as admin:
            assert admin.execute("SHOW fsync").fetchone() == ("off",)
        shadowserver.stop()
        assert _shadow_folders() == []
    finally:
        server.stop(left)
        server.forget(left)


def test_a_non_atomic_step_runs_in_the_shadow_as_migrate_runs_it(pg_copy, pg_settings):
    """0004 (atomic = False) makes an index CONCURRENTLY, which no transaction may hold, and a unique again;
    0005 drops that unique, looked up in the shadow where 0004 ran."""
    sb = _add_tiny(pg_copy(own=True))
    folder = sb.path / "tiny" / "migrations"
    (folder / "0004_concurrently.py").write_text(migration_file(
        [("tiny", "0003_not_unique")],
        'AddIndexConcurrently("tiny", models.Index(fields=["rack"], name="tiny_rack_idx"))',
        'migrations.AlterUniqueTogether("tiny", {("code", "rack")})',
        preamble="from django.contrib.postgres.operations import AddIndexConcurrently").replace(
        "class Migration(migrations.Migration):\n", "class Migration(migrations.Migration):\n    atomic = False\n"))
    (folder / "0005_not_unique_again.py").write_text(migration_file(
        [("tiny", "0004_concurrently")], 'migrations.AlterUniqueTogether("tiny", set())'))
    steps = sb.migration_plan("tiny", "0005_not_unique_again").sql()
    assert list(steps) == [*STEPS, "tiny.0004_concurrently", "tiny.0005_not_unique_again"]
    assert all(lines and not lines[0].startswith("-- SQL not available") for lines in steps.values()), steps
    ran, failed = migrate_sql(sb, "tiny", "0005_not_unique_again")
    assert not failed and {migration: statements(lines) for migration, lines in steps.items()} == ran
    assert 'CREATE INDEX CONCURRENTLY "tiny_rack_idx" ON "tiny_tiny" ("rack");' in ran["tiny.0004_concurrently"]


def test_a_project_with_django_contrib_postgres_rehearses_in_the_shadow_too(pg_copy):
    """django.contrib.postgres reads the hstore and citext types of every connection it sees opened, looking
    the connection up by its alias: the shadow's and the watcher's connections could not open, and every step
    was collected against the live database ("Found wrong number (0) of constraints" for 0003_not_unique)
    with its locks unknown. (The corpus's accounts on PostgreSQL holds its SQL to migrate's.)"""
    sb = _add_tiny(pg_copy())
    register_app(sb.path, "django.contrib.postgres")
    locks = sb.migration_plan("tiny", "0003_not_unique").locks()
    assert set(locks["migration"]) == set(STEPS) and locks["lock"].notna().all(), locks.to_dict("records")


def test_an_operation_sees_what_the_operations_before_it_in_its_migration_did(pg_copy):
    """0004 (a squash's shape) makes a unique, adds a column and swaps the unique for one on it. Undone, its
    last operation drops the unique that its second-to-last one made again: collected without running, as
    sqlmigrate collects, the shadow lacked it ("Found wrong number (0) of constraints for tiny_tiny(code, rack)").
    Its locks are watched too: the statements ran once to be collected, then again, each watched."""
    sb = _add_tiny(pg_copy(own=True))
    (sb.path / "tiny" / "migrations" / "0004_size.py").write_text(migration_file(
        [("tiny", "0003_not_unique")], 'migrations.AlterUniqueTogether("tiny", {("code", "rack")})',
        'migrations.AddField("tiny", "size", models.IntegerField(default=0))',
        'migrations.AlterUniqueTogether("tiny", {("code", "size")})'))
    sb.manage("migrate", "tiny")
    steps = sb.migration_plan("tiny", "0003_not_unique").sql()
    locks = sb.migration_plan("tiny", "0003_not_unique").locks()
    ran, failed = migrate_sql(sb, "tiny", "0003_not_unique")
    assert not failed and {migration: statements(lines) for migration, lines in steps.items()} == ran
    assert ran["tiny.0004_size"][-1].startswith('ALTER TABLE "tiny_tiny" DROP CONSTRAINT "tiny_tiny_code_rack_')
    assert list(locks["statement"]) == ran["tiny.0004_size"] and locks["lock"].notna().all(), locks.to_dict("records")


@contextlib.contextmanager
def _learner(sb, settings):
    """Make SB's database belong to a new role that may not create databases, and log SB in as it."""
    name = sb._database().name
    role = f"learner_{name}"
    psql(settings, f"CREATE ROLE {role} LOGIN NOCREATEDB NOSUPERUSER; ALTER DATABASE {name} OWNER TO {role}", db=name)
    psql(settings, "DO $$DECLARE t record; BEGIN FOR t IN SELECT tablename FROM pg_tables "
                   "WHERE schemaname = 'public' LOOP "
                   f"EXECUTE format('ALTER TABLE public.%I OWNER TO {role}', t.tablename); END LOOP; END $$", db=name)
    path = sb.path / "djsandbox" / "settings.py"
    path.write_text(path.read_text().replace('"USER": \'postgres\'', f'"USER": {role!r}'))
    try:
        assert sb._database().user == role and not sb._database().own
        yield role
    finally:
        psql(settings, f"ALTER DATABASE {name} OWNER TO postgres; REASSIGN OWNED BY {role} TO postgres; "
                       f"DROP OWNED BY {role}", db=name)
        psql(settings, f"DROP ROLE {role}", db="postgres")


def test_a_learners_server_gets_nothing_made_on_it_the_shadow_is_a_private_server(pg_copy, pg_settings, own_tmp):
    """The learner's role may not create a database: a shadow made on their server would fail, and the step
    would have no SQL. The process's shadow server is made in the temporary folder, and goes when it stops."""
    shadowserver.stop()  # one an earlier test started is in that test's temporary folder
    sb = _add_tiny(pg_copy())
    with _learner(sb, pg_settings):
        before = _ours(_databases(pg_settings))
        shown = _shown(sb)
        assert _ours(_databases(pg_settings)) == before
        assert [folder.name.split("-")[1] for folder in _shadow_folders()] == [str(os.getpid())]  # made there
        shadowserver.stop()
        assert _shadow_folders() == []  # and gone when the process ends
        _assert_migrate_runs(sb, shown)


def test_the_shadow_looks_tables_up_in_the_schema_the_live_connections_do(pg_copy, pg_settings):
    """The project's tables are in schema lib, which the settings' search_path names: the foreign key to
    app_author finds it in the shadow too."""
    sb = pg_copy()
    psql(pg_settings, "ALTER SCHEMA public RENAME TO lib", db=sb._database().name)
    path = sb.path / "djsandbox" / "settings.py"
    path.write_text(path.read_text().replace('\n}}\n', '\n    "OPTIONS": {"options": "-c search_path=lib"},\n}}\n'))
    _add_tiny(sb)
    shown = _shown(sb)
    _assert_migrate_runs(sb, shown)
    assert psql(pg_settings, "SELECT to_regclass('lib.tiny_tiny')", db=sb._database().name).strip() == "lib.tiny_tiny"


def test_a_temporary_folder_emptied_between_the_plan_and_its_sql_takes_nothing_away(pg_copy, own_tmp):
    """Another program empties the temporary folder meanwhile (a cleaner of leftovers, another kernel's): the SQL,
    rehearsed on a private server made there afterwards, still comes back. The probe's answers went through
    files there, and it failed with "`djmig probe sql tiny 0003_not_unique` failed: no error message"."""
    sb = _add_tiny(pg_copy())
    plan = sb.migration_plan("tiny", "0003_not_unique")
    for entry in own_tmp.iterdir():
        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    steps = plan.sql()
    assert list(steps) == STEPS and all(lines and not lines[0].startswith("-- SQL not available")
                                        for lines in steps.values()), steps


@contextlib.contextmanager
def _reader(sb, settings, *revoked):
    """Log SB in as a new role that may only SELECT (less REVOKED) while the block runs."""
    name = sb._database().name
    role = f"reader_{name}"
    psql(settings, f"CREATE ROLE {role} LOGIN; GRANT CONNECT ON DATABASE {name} TO {role}; "
                   f"GRANT USAGE ON SCHEMA public TO {role}; GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}; "
                   + "".join(f"REVOKE SELECT ON {table} FROM {role}; " for table in revoked), db=name)
    path = sb.path / "djsandbox" / "settings.py"
    path.write_text(path.read_text().replace('"USER": \'postgres\'', f'"USER": {role!r}'))
    try:
        assert sb._database().user == role
        yield role
    finally:
        psql(settings, f"DROP OWNED BY {role}; DROP ROLE {role}", db=name)


def test_a_role_that_may_only_select_gets_the_same_sql(pg_copy, pg_settings):
    sb = _add_tiny(pg_copy())
    expected = _shown(sb)
    with _reader(sb, pg_settings):
        assert _shown(sb) == expected


def test_a_role_that_logs_in_with_a_password_gets_the_same_sql(pg_copy, pg_settings):
    """pg_dump is given the password as libpq's PGPASSWORD, never on its command line."""
    sb = _add_tiny(pg_copy())
    expected, name = _shown(sb), sb._database().name
    with password_role(pg_settings, "s3cret") as role:
        psql(pg_settings, f"GRANT CONNECT ON DATABASE {name} TO {role}; GRANT USAGE ON SCHEMA public TO {role}; "
                          f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}", db=name)
        path = sb.path / "djsandbox" / "settings.py"
        path.write_text(path.read_text().replace('"USER": \'postgres\', "PASSWORD": \'\'',
                                                 f'"USER": {role!r}, "PASSWORD": \'s3cret\''))
        try:
            assert sb._database().user == role
            assert _shown(sb) == expected
        finally:
            psql(pg_settings, f"DROP OWNED BY {role}", db=name)


def test_where_pg_dump_is_refused_the_sql_is_collected_live_as_before(pg_copy, pg_settings):
    """A role that may not read app_book: pg_dump cannot lock it, so there is no shadow; no error either."""
    sb = _add_tiny(pg_copy())
    with _reader(sb, pg_settings, "app_book"):
        steps = sb.migration_plan("tiny", "0003_not_unique").sql()
    assert list(steps) == STEPS
    assert steps["tiny.0003_not_unique"] == [
        "-- SQL not available: Found wrong number (0) of constraints for tiny_tiny(code, rack)"]
    assert all(lines and not lines[0].startswith("-- SQL not available") for lines in list(steps.values())[:2])


def test_a_plan_with_no_steps_asked_with_its_sql_makes_no_scratch_copy(pg_copy, monkeypatch):
    """The picker asks each target's plan with its SQL: where there is nothing to do, nothing is rehearsed
    (a scratch copy costs 0.17 s on the kit's server, 0.8 s for a learner's)."""
    from djmig_kernel.database.postgresql import shadow as pgshadow

    sb, made, real = pg_copy(own=True), [], pgshadow.shadow_settings
    monkeypatch.setattr(pgshadow, "shadow_settings", lambda database: made.append(database) or real(database))
    [(_, leaf)] = sb.graph().leaf_nodes("app")
    plan = sb.migration_plan("app", leaf, sql=True)
    assert plan.steps == [] and plan.sql() == {} and made == []
    plan = sb.migration_plan("app", "zero", sql=True)
    assert plan.steps and list(plan.sql()) == [step["migration"] for step in plan.steps] and len(made) == 1
