"""sb.connect(): a psycopg connection of the learner's own to the project's PostgreSQL database, on a real server."""

import pytest

from djmig_kernel.exceptions import UnsupportedDatabaseError
from pgfixtures import psql


def test_it_reaches_the_projects_own_database_and_may_write(pg_copy, pg_settings):
    sb = pg_copy(own=True)  # the kit's server, a database of this test's own
    name = sb._database().name
    with sb.connect(application_name="learner") as connection:
        assert connection.autocommit and connection.info.dbname == name
        connection.execute("INSERT INTO app_author (name) VALUES ('Terry Pratchett')")
        seen = psql(pg_settings, f"SELECT application_name FROM pg_stat_activity WHERE datname = '{name}'")
        assert "learner" in seen.split()
    assert sb.table("app_author")["name"].tolist() == ["JK Rowling", "Terry Pratchett"]
    assert psql(pg_settings, "SELECT count(*) FROM app_author", db=name).strip() == "2"


def test_a_transaction_left_open_holds_its_locks_until_rollback(pg_copy):
    """What notebook 14 shows: BEGIN without COMMIT keeps ALTER TABLE's lock, seen from a second connection."""
    sb = pg_copy(own=True)
    locks = ("SELECT c.relname, l.mode, l.granted FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
             "WHERE c.relname LIKE 'app_%' AND l.pid <> pg_backend_pid() ORDER BY 1, 2")
    with sb.connect() as migration, sb.connect() as watcher:
        migration.execute("BEGIN")
        migration.execute('ALTER TABLE "app_book" ADD COLUMN "pages" integer NULL')
        assert watcher.execute(locks).fetchall() == [("app_book", "AccessExclusiveLock", True)]
        migration.execute("ROLLBACK")
        assert watcher.execute(locks).fetchall() == []
    assert "pages" not in sb.schema("app_book")["column"].tolist()


def test_on_sqlite_one_line_names_the_file_and_the_way(fresh):
    with pytest.raises(UnsupportedDatabaseError) as raised:
        fresh.connect()
    assert str(raised.value) == (
        "sb.connect() opens PostgreSQL connections and this project's database is the SQLite file db.sqlite3; "
        "use sqlite3.connect(sb.db_path), or make the sandbox with database='postgresql'")
