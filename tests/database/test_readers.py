"""ledger(), tables(), table() and schema(): read straight from db.sqlite3, checked against sqlite3 itself."""

import shutil
import sqlite3
import subprocess

import pytest

from djmig_kernel.database.ledger import LEDGER_COLUMNS
from djmig_kernel.database.schema import SCHEMA_COLUMNS
from helpers import LIBRARY_ROWS


def _query(sb, sql):
    with sqlite3.connect(sb.db_path) as connection:
        return connection.execute(sql).fetchall()


def test_ledger_is_the_django_migrations_table_by_id(library):
    ledger = library.ledger()
    assert list(ledger.columns) == LEDGER_COLUMNS
    assert list(ledger.itertuples(index=False, name=None)) == _query(
        library, "SELECT id, app, name, applied FROM django_migrations ORDER BY id"
    )
    # Applying the squash records the two migrations it replaces as well, before itself.
    authors = list(ledger.loc[ledger["app"] == "authors", "name"])
    assert authors == ["0001_initial", "0002_author_bio", "0001_squashed_0002_author_bio"]


def test_ledger_follows_migrate(library):
    library.migrate("books", "0001")
    names = list(library.ledger().query("app == 'books'")["name"])
    assert names == ["0001_initial"]


def test_ledger_without_a_database_is_empty(fresh):
    ledger = fresh.ledger()
    assert ledger.empty
    assert list(ledger.columns) == LEDGER_COLUMNS


def test_tables_are_sorted_names_of_tables(library):
    tables = library.tables()
    assert tables == sorted(tables)
    assert set(LIBRARY_ROWS) <= set(tables)
    assert tables == [name for (name,) in _query(
        library, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="needs the sqlite3 shell")
def test_tables_as_the_sqlite3_shell_lists_them(library):
    shell = subprocess.run(["sqlite3", str(library.db_path), ".tables"], capture_output=True, text=True, check=True)
    assert library.tables() == sorted(shell.stdout.split())


def test_tables_without_a_database(fresh):
    assert fresh.tables() == []


@pytest.mark.parametrize("table", sorted(LIBRARY_ROWS))
def test_table_returns_every_row(library, table):
    rows = library.table(table)
    assert len(rows) == LIBRARY_ROWS[table]
    assert list(rows.itertuples(index=False, name=None)) == _query(library, f'SELECT * FROM "{table}"')


def test_table_columns_follow_the_schema(library):
    books = library.table("books_book")
    assert list(books.columns) == ["id", "title", "author_id", "pages", "isbn"]
    assert list(books["title"]) == ["A Wizard of Earthsea", "Mort", "Small Gods"]


def test_schema_has_a_row_per_column_with_foreign_keys(library):
    schema = library.schema("books_book", "books_book_genres")
    assert list(schema.columns) == SCHEMA_COLUMNS
    rows = [tuple(r) for r in schema.itertuples(index=False, name=None)]
    assert rows == [
        ("books_book", "id", "INTEGER", True, True, None),
        ("books_book", "title", "varchar(200)", True, False, None),
        ("books_book", "author_id", "bigint", True, False, "authors_author.id"),  # the cross-app foreign key
        ("books_book", "pages", "INTEGER", True, False, None),
        ("books_book", "isbn", "varchar(13)", True, False, None),
        ("books_book_genres", "id", "INTEGER", True, True, None),
        ("books_book_genres", "book_id", "bigint", True, False, "books_book.id"),
        ("books_book_genres", "genre_id", "bigint", True, False, "books_genre.id"),
    ]


def test_schema_of_every_table(library):
    schema = library.schema()
    assert sorted(set(schema["table"])) == library.tables()
    columns = _query(library, "SELECT COUNT(*) FROM pragma_table_list t, pragma_table_info(t.name) "
                              "WHERE t.schema = 'main' AND t.name NOT LIKE 'sqlite_%'")
    assert len(schema) == columns[0][0]


def test_schema_without_a_database(fresh):
    schema = fresh.schema()
    assert schema.empty
    assert list(schema.columns) == SCHEMA_COLUMNS
