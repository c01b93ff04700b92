"""sb.check() and sb.schema_at() against real Django and real SQLite: the words of fixes, and no false alarms.

Every kind of break, and its fixes run in turn, is in test_converge.py.
"""

import os
import shlex
import sqlite3

import pytest

from djmig_kernel import exceptions as exc
from djmig_kernel.drift.words import CHECK_COLUMNS, recorder_command
from helpers import AUTHOR, AUTHOR_BIO, files_digest

LATE = "    born = models.IntegerField(null=True)\n"


def sql(sb, script):
    """Change the database behind Django's back, as a learner with the sqlite3 shell would."""
    with sqlite3.connect(sb.db_path) as connection:
        connection.executescript(script)
    connection.close()


def run_fix(sb, fix):
    """Run each ``python manage.py ...`` command of a fix line, in order, with real Django."""
    for command in fix.split(" && "):
        args = shlex.split(command)
        assert args[:2] == ["python", "manage.py"], fix
        sb.manage(*args[2:])


def rows(frame):
    return [tuple(r) for r in frame[["kind", "app", "subject"]].itertuples(index=False)]


def test_a_migrated_project_agrees(library):
    frame = library.check()
    assert list(frame.columns) == CHECK_COLUMNS
    assert frame.empty


def test_schema_at_the_applied_migrations_is_the_live_schema(library):
    key = ["table", "column"]
    live = library.schema().query("table != 'django_migrations'").sort_values(key).reset_index(drop=True)
    state = library.schema_at().sort_values(key).reset_index(drop=True)
    assert state.equals(live)


def test_schema_at_a_target_is_the_schema_after_migrating_there(library):
    before = files_digest(library.path)
    state = library.schema_at("books", "0001_initial")
    assert files_digest(library.path) == before  # it asks; it does not move
    assert not {"pages", "isbn"} & set(state[state.table == "books_book"].column)
    library.migrate("books", "0001_initial")
    key = ["table", "column"]
    live = library.schema().query("table != 'django_migrations'").sort_values(key).reset_index(drop=True)
    assert state.sort_values(key).reset_index(drop=True).equals(live)


def test_schema_at_zero_drops_the_app_and_the_migrations_that_depend_on_it(library):
    tables = set(library.schema_at("authors", "zero").table)
    # books.0001_initial depends on authors, so migrate authors zero undoes it and its books_genre too.
    assert not {t for t in tables if t.startswith(("authors_", "books_"))}
    assert "auth_user" in tables


def _model_changes(sb):
    sb.write_models("authors", AUTHOR + AUTHOR_BIO + LATE)


def _pending(sb):
    _model_changes(sb)
    sb.makemigrations("authors", name="author_born")


def _dropped_table(sb):
    sql(sb, "DROP TABLE books_genre")


def _dropped_column(sb):
    sql(sb, "ALTER TABLE books_book DROP COLUMN pages")


def _stray_column(sb):
    sql(sb, "ALTER TABLE authors_author ADD COLUMN nickname varchar(20)")


def test_a_table_made_by_an_unapplied_migration_is_faked_not_rebuilt(library):
    sql(library, "DELETE FROM django_migrations WHERE app = 'books'")
    found = library.check("books")
    table_rows = found[found.kind == "unexpected-table"]
    assert set(table_rows.subject) == {"books_book", "books_genre", "books_book_genres"}
    # --fake-initial would fake 0001 only and run the 0002s for real: SQLite would rebuild books_book. And
    # `migrate books 0001_initial --fake`, run again once 0003_merge is applied, would unapply it: the
    # recorder writes the rows, so every row's fix can run in turn (tests/drift/test_converge.py runs them).
    (fix,) = set(table_rows.fix)
    assert fix == recorder_command("record_applied", "books.0001_initial", "books.0002_book_pages", "books.0002_book_isbn")
    assert set(found[found.kind == "pending"].fix) == {fix, "python manage.py migrate books"}


def test_an_adopted_table_is_faked_by_one_command(library, ip):
    """The fix is one command, runnable as it is shown in %manage (and a terminal): no "(or …)" after it."""
    library.startapp("shelves")
    library.write_models("shelves", "class Shelf(models.Model):\n    label = models.CharField(max_length=20)\n")
    library.makemigrations("shelves")
    sql(library, 'CREATE TABLE "shelves_shelf" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, '
                 '"label" varchar(20) NOT NULL)')
    found = library.check("shelves")
    assert rows(found) == [("pending", "shelves", "shelves.0001_initial"),
                           ("unexpected-table", "shelves", "shelves_shelf")]
    assert set(found.fix) == {"python manage.py migrate shelves 0001_initial --fake"}
    ip.user_ns["sb"] = library
    ip.run_line_magic("manage", found.fix[1])
    assert library.check().empty


def test_the_missing_table_fix_is_the_statement_that_makes_it_when_the_migration_made_other_tables(library, ip):
    """The statement runs through Django's dbshell: as it is shown, in %manage as in a terminal."""
    _dropped_table(library)
    (fix,) = library.check()["fix"]
    assert fix == ("python manage.py dbshell -- 'CREATE TABLE \"books_genre\" (\"id\" integer NOT NULL PRIMARY KEY "
                   "AUTOINCREMENT, \"name\" varchar(50) NOT NULL);'")
    ip.user_ns["sb"] = library
    ip.run_line_magic("manage", fix)
    assert library.check().empty


def test_the_missing_column_fix_does_not_redo_a_migration_that_later_ones_follow(library):
    # Faking books back to 0001 and applying 0002_book_pages rebuilds books_book on SQLite from
    # the state at 0002_book_pages, which has no isbn: the redo would drop the other branch's column.
    # The kit's statement rebuilds it from the applied state, isbn and all.
    _dropped_column(library)
    (fix,) = library.check()["fix"]
    assert fix.startswith("python manage.py dbshell -- 'CREATE TABLE \"new__books_book\" (")
    assert '"pages" integer NOT NULL, "isbn" varchar(13) NOT NULL)' in fix


def test_a_dropped_table_of_the_last_migration_is_made_again_by_the_fix(library):
    _pending(library)
    library.migrate("authors")
    sql(library, "ALTER TABLE authors_author DROP COLUMN born")
    (fix,) = library.check()["fix"]
    assert fix == ("python manage.py migrate authors 0001_squashed_0002_author_bio --fake && "
                   "python manage.py migrate authors 0003_author_born")
    run_fix(library, fix)
    assert library.check().empty


def test_check_of_one_app_keeps_its_rows(library):
    _stray_column(library)
    _dropped_column(library)
    assert rows(library.check("authors")) == [("unexpected-column", "authors", "authors_author.nickname")]
    assert rows(library.check("books")) == [("missing-column", "books", "books_book.pages")]


def test_check_of_an_unknown_app_fails_in_one_line(library):
    with pytest.raises(exc.UnknownAppError, match="no installed app with label 'nope'"):
        library.check("nope")


def test_a_fresh_project_has_only_pending_migrations(fresh):
    found = fresh.check()
    assert set(found["kind"]) == {"pending"}
    assert "auth.0001_initial" in set(found["subject"])
    assert not (fresh.path / "db.sqlite3").exists()  # asking made no database


def test_squash_rows_in_the_ledger_are_not_missing_files(library):
    # Django records the replaced names too; once the squash is applied their files may go.
    for name in ("0001_initial", "0002_author_bio"):
        path = library.path / f"authors/migrations/{name}.py"
        if path.exists():
            path.unlink()
    assert library.check().empty


def test_an_app_without_migrations_needs_run_syncdb(library):
    library.startapp("shelves")
    library.write_models("shelves", "class Shelf(models.Model):\n    label = models.CharField(max_length=20)\n")
    for path in (library.path / "shelves/migrations").iterdir():
        path.unlink()
    (library.path / "shelves/migrations").rmdir()
    found = library.check()
    assert rows(found) == [("missing-table", "shelves", "shelves_shelf")]
    assert found.fix[0] == ("python manage.py migrate --run-syncdb, or give the app migrations: "
                            "python manage.py makemigrations shelves")
    run_fix(library, found.fix[0].split(",")[0])
    assert library.check().empty


def test_a_fix_through_dbshell_without_the_sqlite3_shell_says_how_to_install_it(library, monkeypatch):
    _dropped_table(library)
    (fix,) = library.check()["fix"]
    path = [p for p in os.environ["PATH"].split(os.pathsep) if not os.path.exists(os.path.join(p, "sqlite3"))]
    monkeypatch.setenv("PATH", os.pathsep.join(path))
    with pytest.raises(exc.CommandError) as caught:
        library.manage(*shlex.split(fix)[2:])
    assert str(caught.value).endswith(
        "failed: CommandError: You appear not to have the 'sqlite3' program installed or on your path; dbshell runs "
        "the database's own shell: install sqlite3 (apt-get install sqlite3 or postgresql-client, conda install "
        "sqlite or postgresql) and run it again")
