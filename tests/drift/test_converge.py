"""Fixes that converge: for every kind of break check() knows, each row's fix, run for real in the order shown (in a
terminal, and in %manage), leaves check() empty, and Django agrees (``migrate --check`` and ``makemigrations
--check`` are clean).

How a fix line is run, and which alternative: tests/fixes.py.
"""

import sqlite3

import pytest
from fixes import converges
from helpers import AUTHOR, AUTHOR_BIO, files_digest

from djmig_kernel.drift.words import KINDS


def sql(sb, script):
    """Change the database behind Django's back, as a learner with the sqlite3 shell would."""
    with sqlite3.connect(sb.db_path) as connection:
        connection.executescript(script)
    connection.close()


BORN = "    born = models.IntegerField(null=True)\n"


def _born(sb):
    """authors.0003_author_born adds a nullable column; applied."""
    sb.write_models("authors", AUTHOR + AUTHOR_BIO + BORN)
    sb.makemigrations("authors", name="author_born")
    sb.migrate("authors")


def _not_installed(sb):
    settings = sb.path / sb.path.name / "settings.py"
    settings.write_text(settings.read_text() + "\nINSTALLED_APPS.remove('books')\n")


BOOKS_ROWS = [("no-file", "books", f"books.{name}") for name in ("0001_initial", "0002_book_isbn", "0002_book_pages", "0003_merge")]
BOOKS_PENDING = [("pending", "books", f"books.{name}") for name in ("0001_initial", "0002_book_pages", "0002_book_isbn", "0003_merge")]
BOOKS_TABLES = ["books_book", "books_book_genres", "books_genre"]
FORGET_PAGES = "DELETE FROM django_migrations WHERE app = 'books' AND name = '0002_book_pages';"

# Each break of the library project, and the rows (kind, app, subject) check() gives for it.
BREAKS = {
    "model-changes": (lambda sb: sb.write_models("authors", AUTHOR + AUTHOR_BIO + BORN),
                      [("model-changes", "authors", "authors")]),
    "pending": (lambda sb: (sb.write_models("authors", AUTHOR + AUTHOR_BIO + BORN), sb.makemigrations("authors")),
                [("pending", "authors", "authors.0003_author_born")]),
    "no-file": (lambda sb: (_born(sb), (sb.path / "authors/migrations/0003_author_born.py").unlink(),
                            sb.write_models("authors", AUTHOR + AUTHOR_BIO)),
                [("no-file", "authors", "authors.0003_author_born"), ("unexpected-column", "authors", "authors_author.born")]),
    "no-file-of-an-app-not-installed": (_not_installed, BOOKS_ROWS + [("unexpected-table", None, t) for t in BOOKS_TABLES]),
    "inconsistent-made": (lambda sb: sql(sb, FORGET_PAGES), [
        ("pending", "books", "books.0002_book_pages"), ("inconsistent", "books", "books.0003_merge"),
        ("unexpected-column", "books", "books_book.pages")]),
    "inconsistent-not-made": (lambda sb: sql(sb, FORGET_PAGES + "ALTER TABLE books_book DROP COLUMN pages"),
                              [("pending", "books", "books.0002_book_pages"), ("inconsistent", "books", "books.0003_merge")]),
    "missing-table": (lambda sb: sql(sb, "DROP TABLE books_genre"), [("missing-table", "books", "books_genre")]),
    "missing-table-pointed-at": (lambda sb: sql(sb, "DROP TABLE authors_author"),
                                 [("missing-table", "authors", "authors_author")]),
    "missing-join-table": (lambda sb: sql(sb, "DROP TABLE books_book_genres"),
                           [("missing-table", "books", "books_book_genres")]),
    "missing-table-a-later-migration-added-to": (lambda sb: (_born(sb), sql(sb, "DROP TABLE authors_author")),
                                                 [("missing-table", "authors", "authors_author")]),
    "missing-column": (lambda sb: sql(sb, "ALTER TABLE books_book DROP COLUMN pages"),
                       [("missing-column", "books", "books_book.pages")]),
    "missing-columns-of-one-table": (lambda sb: sql(sb, "ALTER TABLE books_book DROP COLUMN pages;"
                                                    "ALTER TABLE books_book DROP COLUMN isbn"),
                                     [("missing-column", "books", "books_book.pages"),
                                      ("missing-column", "books", "books_book.isbn")]),
    "missing-column-of-the-last-migration": (lambda sb: (_born(sb), sql(sb, "ALTER TABLE authors_author DROP COLUMN born")),
                                             [("missing-column", "authors", "authors_author.born")]),
    "unexpected-tables-of-pending-migrations": (lambda sb: sql(sb, "DELETE FROM django_migrations WHERE app = 'books'"),
                                                BOOKS_PENDING + [("unexpected-table", "books", t) for t in BOOKS_TABLES]),
    "unexpected-column-of-a-pending-migration": (
        lambda sb: (_born(sb), sql(sb, "DELETE FROM django_migrations WHERE app = 'authors' AND name = '0003_author_born'")),
        [("pending", "authors", "authors.0003_author_born"), ("unexpected-column", "authors", "authors_author.born")]),
    "unexpected-table": (lambda sb: sql(sb, "CREATE TABLE authors_notes (id integer PRIMARY KEY, body text)"),
                         [("unexpected-table", "authors", "authors_notes")]),
    "unexpected-column": (lambda sb: sql(sb, "ALTER TABLE authors_author ADD COLUMN nickname varchar(20)"),
                          [("unexpected-column", "authors", "authors_author.nickname")]),
}


def test_every_kind_and_shape_of_break_is_here():
    """Every kind check() knows, and each way rows.py fixes one, has a break below."""
    assert {kind for _, rows in BREAKS.values() for kind, *_ in rows} == set(KINDS)


@pytest.mark.parametrize("name", BREAKS)
def test_running_every_fix_in_order_leaves_nothing_to_fix(library, name):
    breaks, expected = BREAKS[name]
    breaks(library)
    before = files_digest(library.path)
    found = library.check()
    assert files_digest(library.path) == before  # check changes nothing
    assert [tuple(r) for r in found[["kind", "app", "subject"]].itertuples(index=False)] == expected
    assert all(found["detail"])
    converges(library, found)


def test_every_fix_runs_as_shown_in_manage_too(library, ip):
    """Each fix pasted after %manage as check() shows it: two commands joined by &&, the recorder through shell -c
    (SQL through dbshell: test_drift.py). Two breaks at once, in two apps, for one check()."""
    for name in ["missing-column-of-the-last-migration", "inconsistent-made"]:
        BREAKS[name][0](library)
    ip.user_ns["sb"] = library
    found = library.check()
    assert len(found) == 4
    converges(library, found, run_line=lambda line: ip.run_line_magic("manage", line))
