"""``python -m djmig_kernel check``: exit 0 when the pieces agree, 1 with the rows when not, 2 with one line on an error;
``plan``: the whole preview of a migrate, exit 1 when a hazard named in --fail-on is in it."""

import json
import sqlite3
import subprocess
import sys

import pandas as pd
import pytest

from djmig_kernel.display.frames import Frame
from djmig_kernel.plans.locks import LOCK_COLUMNS
from djmig_kernel.plans.plan import LOSS_COLUMNS, OLD_CODE_COLUMNS
from djmig_kernel.plans.preview import hazards


def _check(*args, cwd=None, command="check"):
    return subprocess.run([sys.executable, "-m", "djmig_kernel", command, *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=300)


def _plan(*args):
    return _check(*args, command="plan")


def test_a_project_whose_pieces_agree_exits_0(library):
    run = _check(library.path)
    assert (run.returncode, run.stdout.strip(), run.stderr) == (
        0, "The four pieces agree: sb.check() finds nothing to fix.", "")


def test_the_folder_defaults_to_the_working_directory(library):
    assert _check(cwd=library.path).returncode == 0


def test_a_table_dropped_by_hand_exits_1_with_its_row(library):
    with sqlite3.connect(library.db_path) as connection:
        connection.execute("DROP TABLE books_book_genres")
    run = _check(library.path, "--json")
    assert run.returncode == 1, run.stderr
    rows = json.loads(run.stdout)
    assert [(r["kind"], r["app"], r["subject"]) for r in rows] == [("missing-table", "books", "books_book_genres")]
    assert set(rows[0]) == {"kind", "app", "subject", "detail", "fix"}
    text = _check(library.path)
    assert text.returncode == 1 and text.stdout.startswith("missing-table  books  books_book_genres\n")


def test_app_limits_the_rows_to_that_app(library):
    with sqlite3.connect(library.db_path) as connection:
        connection.execute("DROP TABLE books_book_genres")
    assert _check(library.path, "--app", "authors").returncode == 0
    assert _check(library.path, "--app", "books").returncode == 1


@pytest.mark.parametrize("args, line", [
    (["--app", "nope"], "djmig: no installed app with label 'nope'; choose one of: "),
    (["/nonexistent/project"], "djmig: no manage.py in 'project'; open the folder that holds manage.py"),
])
def test_an_error_exits_2_with_one_line(library, args, line):
    run = _check(*([] if args[0].startswith("/") else [library.path]), *args)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.startswith(line) and run.stderr.count("\n") == 1, run.stderr


def test_plan_prints_the_whole_preview_and_fails_on_the_hazards_named(library):
    """Rolling books back to zero drops its tables, and their locks stop other writers on tables with rows."""
    run = _plan(library.path, "books", "zero")
    assert run.returncode == 0, run.stderr  # nothing named in --fail-on
    for heading in ("migrate books zero", "Plan:", "SQL:", "-- books.0001_initial", "Data lost:", "Locks:",
                    "Hazards:", "  data-loss: drops table books_book (3 rows)",
                    "  blocking: books.0001_initial: locks the database against writes while it changes books_book "
                    "(3 rows): DROP TABLE"):
        assert heading in run.stdout, heading
    assert _plan(library.path, "books", "zero", "--fail-on", "data-loss").returncode == 1
    assert "  old-code: books.0002_book_pages: books.Book read fails: no such table: books_book\n" in run.stdout
    as_json = _plan(library.path, "books", "zero", "--json", "--fail-on", "blocking,data-loss")
    assert as_json.returncode == 1, as_json.stderr
    preview = json.loads(as_json.stdout)
    assert {"app", "target", "plan", "sql", "data_loss", "locks", "old_code", "hazards"} <= set(preview)
    assert set(preview["hazards"]) == {"data-loss", "blocking", "old-code"}
    locks = library.migration_plan("books", "zero").locks()
    assert [(r["migration"], r["table"], r["lock"], r["blocks"], r["rows"]) for r in preview["locks"]] == [
        (r.migration, r.table, r.lock, r.blocks, None if r.rows is pd.NA else r.rows) for r in locks.itertuples()]


def test_plan_without_hazards_exits_0(shelf):
    """Making a table: the file's lock stops other writers, but the table is new and has no rows."""
    run = _plan(shelf.path, "shelf", "0001", "--fail-on", "data-loss,blocking,old-code")
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.rstrip().endswith("Hazards: none")
    assert "Old code:\nmigration  model  action  works  error\n(no rows)" in run.stdout  # no code knew shelf.Shelf
    assert "CREATE TABLE \"shelf_shelf\"" in run.stdout


@pytest.mark.parametrize("args, line", [
    (["books", "zero", "--fail-on", "data-loss,slow"],
     "djmig: --fail-on names no hazard 'slow'; choose from data-loss, blocking, old-code (comma-separated)"),
    (["books", "0009"], "djmig: no migration matches '0009' in app 'books'; choose one of: zero, 0001_initial"),
])
def test_plan_errors_exit_2_with_one_line(library, args, line):
    run = _plan(library.path, *args)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.startswith(line) and run.stderr.count("\n") == 1, run.stderr


def test_old_code_the_shadow_could_not_follow_is_no_hazard():
    """old_code()'s works is None (NA) where the scratch copy could not follow the plan: not known, no failure."""
    unknown = Frame([["app.0002_book", "app.Book", "read", None, None]], columns=OLD_CODE_COLUMNS)
    assert hazards(Frame([], columns=LOSS_COLUMNS), Frame([], columns=LOCK_COLUMNS),
                   unknown.astype({"works": "boolean"})) == {}
