"""``python -m djmig_kernel check``: exit 0 when the pieces agree, 1 with the rows when not, 2 with one line on an error."""

import json
import sqlite3
import subprocess
import sys

import pytest


def _check(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "djmig_kernel", "check", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=300)


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
