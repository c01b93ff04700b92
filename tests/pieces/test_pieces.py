"""FourPieces and PiecesChange: one app's four moving pieces, read from real files and a real database."""

import sqlite3

from djmig_kernel import FourPieces
from helpers import LIBRARY_ROWS, files_digest

BOOKS_MIGRATIONS = ("0001_initial", "0002_book_isbn", "0002_book_pages", "0003_merge")


def test_capture_reads_each_piece(library):
    pieces = FourPieces.capture(library, "books")
    assert pieces.models == (library.path / "books" / "models.py").read_text()
    assert pieces.migrations == BOOKS_MIGRATIONS
    ledger = library.ledger()
    assert pieces.ledger.to_dict("records") == ledger[ledger["app"] == "books"].to_dict("records")
    assert pieces.rows == {t: n for t, n in LIBRARY_ROWS.items() if t.startswith("books_")}
    assert set(pieces.schema["table"]) == {"books_book", "books_book_genres", "books_genre"}
    assert pieces.applied == set(BOOKS_MIGRATIONS)


def test_capture_is_read_only(library):
    before = files_digest(library.path)
    FourPieces.capture(library, "books")
    assert files_digest(library.path) == before


def test_capture_of_an_app_with_nothing_yet(fresh):
    pieces = FourPieces.capture(fresh, "app")
    assert (pieces.models, pieces.migrations, pieces.rows) == ("", (), {})
    assert pieces.ledger.empty and pieces.schema.empty
    assert repr(pieces) == (
        "── app/models.py ──\n(no models.py)\n\n── app/migrations/ ──\n(no migration files)\n\n"
        "── django_migrations (the ledger) ──\n(no rows)\n\n── database tables ──\n(no tables)"
    )


def test_repr_marks_applied_migrations_and_lists_columns_with_references(library):
    library.migrate("books", "0002_book_pages")  # unapplies the merge, which depends on it
    text = repr(FourPieces.capture(library, "books"))
    assert "[X] 0001_initial.py\n[X] 0002_book_isbn.py\n[X] 0002_book_pages.py\n[ ] 0003_merge.py" in text
    assert "books_book (3 rows)\n" in text
    assert "    author_id bigint -> authors_author.id" in text


def test_changes_after_a_rollback(library):
    before = FourPieces.capture(library, "books")
    library.migrate("books", "0001_initial")
    change = FourPieces.capture(library, "books").changes_since(before)
    assert change.models() == [] and change.migrations() == []
    removed = change.ledger()
    assert {sign for sign, _, _ in removed} == {"-"}
    assert sorted(name for _, _, name in removed) == ["0002_book_isbn", "0002_book_pages", "0003_merge"]
    assert [i for _, i, _ in removed] == sorted(i for _, i, _ in removed)  # in ledger order
    assert sorted(change.tables()) == [("-", "column books_book.isbn"), ("-", "column books_book.pages")]
    assert bool(change)


def test_changes_after_new_models_and_rows(library):
    before = FourPieces.capture(library, "books")
    models = before.models + "\n\nclass Shelf(models.Model):\n    label = models.CharField(max_length=9)\n"
    library.write_models("books", models)
    library.makemigrations("books", name="shelf")
    library.migrate("books")
    with sqlite3.connect(library.db_path) as connection:
        connection.execute("DELETE FROM books_book_genres")
    change = FourPieces.capture(library, "books").changes_since(before)
    assert change.models()[-2:] == ["+class Shelf(models.Model):", "+    label = models.CharField(max_length=9)"]
    assert change.migrations() == [("+", "0004_shelf")]
    assert [(sign, name) for sign, _, name in change.ledger()] == [("+", "0004_shelf")]
    assert change.tables() == [
        ("+", "table books_shelf (0 rows)"),
        ("~", "books_book_genres: 4 rows → 0 rows"),
    ]
    text = repr(change)
    assert "books/migrations/:\n  + 0004_shelf.py" in text
    assert "<span style='color:#1a7f37'>+ 0004_shelf.py</span>" in change._repr_html_()


def test_no_change_is_falsy_and_says_unchanged(library):
    pieces = FourPieces.capture(library, "books")
    change = pieces.changes_since(pieces)
    assert not change
    assert repr(change) == (
        "books/models.py: unchanged\nbooks/migrations/: unchanged\ndjango_migrations: unchanged\ndatabase: unchanged"
    )


def test_html_shows_the_four_pieces(library):
    html = FourPieces.capture(library, "books")._repr_html_()
    for title in ("books/models.py", "books/migrations/", "django_migrations (the ledger)", "database tables"):
        assert f">{title}</div><pre" in html
    assert "<h4" not in html, "a box's title is no heading: it would skip the notebook's heading levels"


def test_a_ledger_row_without_its_file_is_marked_without_starting_django(library):
    (library.path / "books/migrations/0003_merge.py").unlink()
    pieces = FourPieces.capture(library, "books")
    assert list(pieces.problems["kind"]) == ["no-file"]
    assert "| books | 0003_merge  ✗ no-file" in repr(pieces)
    assert pieces.problems.iloc[0].tolist() == library.check("books").query("kind == 'no-file'").iloc[0].tolist()
    assert "✗ no-file</span>" in pieces._repr_html_()


def test_a_squash_keeps_the_rows_of_the_files_it_replaced_from_being_marked(library):
    for name in ("0001_initial", "0002_author_bio"):
        (library.path / f"authors/migrations/{name}.py").unlink(missing_ok=True)
    assert FourPieces.capture(library, "authors").problems.empty


def test_with_check_the_tables_the_ledger_promises_are_marked_in_checks_words(library):
    with sqlite3.connect(library.db_path) as connection:
        connection.executescript("DROP TABLE books_genre; ALTER TABLE books_book DROP COLUMN isbn;")
    connection.close()
    plain = FourPieces.capture(library, "books")
    assert plain.problems.empty  # without Django it cannot know what the ledger promises
    pieces = FourPieces.capture(library, "books", check=True)
    assert pieces.problems.equals(library.check("books"))
    text = repr(pieces)
    assert "books_genre  ✗ missing-table" in text
    assert "    isbn  ✗ missing-column" in text
    assert "── where the pieces disagree ──\nmissing-table books_genre: " in text


def test_pieces_agree_shows_no_disagreement_box(library):
    assert "disagree" not in repr(FourPieces.capture(library, "books", check=True))


def test_an_app_installed_as_a_package_shows_its_own_files_and_models_where_django_finds_them(library):
    """auth lives in site-packages, not in the project folder: its migration files and models.py are read where
    Django's loader and app config find them, and nothing is marked that check() does not report."""
    import django.contrib.auth.migrations as auth_migrations
    from pathlib import Path

    folder = Path(auth_migrations.__file__).parent
    on_disk = tuple(sorted(p.stem for p in folder.glob("*.py") if p.stem[0] not in "_~"))
    pieces = FourPieces.capture(library, "auth")
    assert len(on_disk) >= 12 and pieces.migrations == on_disk
    assert pieces.models == (folder.parent / "models.py").read_text()
    assert pieces.problems.empty and library.check("auth").empty
    assert list(pieces.ledger["name"]) == list(on_disk)  # every one applied, none marked as having no file

