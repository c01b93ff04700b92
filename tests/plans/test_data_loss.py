"""sb.data_loss(): every table and column a migrate would drop, with live row counts, across apps."""

import pytest

from djmig_kernel.plans.plan import LOSS_COLUMNS
from helpers import AUTHOR, AUTHOR_BIO, BOOKS, BOOK_PAGES, LIBRARY_ROWS, count


def _losses(frame):
    return [(t, None if c is None or c != c else c, r) for t, c, r in frame.itertuples(index=False)]


def test_unapplying_authors_first_migration_also_drops_the_books_tables(library):
    """authors -> zero unapplies books (its FK needs authors): their tables count too."""
    loss = library.data_loss("authors", "zero")
    assert list(loss.columns) == LOSS_COLUMNS
    assert _losses(loss) == [
        ("books_genre", None, 2),
        ("books_book", None, 3),
        ("books_book_genres", None, 4),  # the many-to-many join table
        ("authors_author", None, 2),
    ]
    for table, _, rows in _losses(loss):
        assert rows == count(library, table) == LIBRARY_ROWS[table]


@pytest.mark.parametrize("target", ["0001", "0001_initial"])
def test_undoing_add_field_drops_columns_counted_by_their_table(library, target):
    """books back to 0001: pages and isbn go, each with the 3 rows of books_book."""
    assert _losses(library.data_loss("books", target)) == [
        ("books_book", "isbn", 3),
        ("books_book", "pages", 3),
    ]


def test_zero_drops_whole_tables_not_their_columns(library):
    loss = _losses(library.data_loss("books", "zero"))
    assert loss == [("books_genre", None, 2), ("books_book", None, 3), ("books_book_genres", None, 4)]


def test_unapplying_only_a_merge_loses_nothing(library):
    loss = library.data_loss("books", "0002_book_isbn")
    assert loss.empty
    assert list(loss.columns) == LOSS_COLUMNS


def test_applying_additions_loses_nothing(library):
    library.migrate("books", "zero")
    assert library.data_loss("books", "0003_merge").empty


def test_forward_remove_field_and_delete_model(library):
    """A forward migration that removes isbn and the genres many-to-many, and deletes Genre."""
    library.write_models("books", BOOKS.replace("    genres = models.ManyToManyField(Genre)\n", "")
                         .replace("class Genre(models.Model):\n    name = models.CharField(max_length=50)\n", "")
                         + BOOK_PAGES)
    library.makemigrations("books", name="trim")
    # In the order of the migration's operations: RemoveField genres, RemoveField isbn, DeleteModel Genre.
    assert _losses(library.data_loss("books", "0004")) == [
        ("books_book_genres", None, 4),
        ("books_book", "isbn", 3),
        ("books_genre", None, 2),
    ]


def test_unapplying_a_squash_counts_what_it_created(library):
    """authors back to 0001_initial: Django unpicks the squash and undoes only 0002_author_bio."""
    assert _losses(library.data_loss("authors", "0001_initial")) == [("authors_author", "bio", 2)]


def test_undoing_an_added_many_to_many_drops_its_join_table(library):
    library.write_models("authors", AUTHOR + AUTHOR_BIO + "    favourites = models.ManyToManyField('books.Book', related_name='fans')\n")
    library.makemigrations("authors", name="favourites")
    library.migrate("authors")
    library.shell("from authors.models import Author\nAuthor.objects.get(pk=1).favourites.add(1, 2)")
    assert _losses(library.data_loss("authors", "0001_squashed")) == [("authors_author_favourites", None, 2)]


def test_data_loss_changes_nothing(library):
    before = library.ledger(), library.tables()
    library.data_loss("authors", "zero")
    after = library.ledger(), library.tables()
    assert before[0].equals(after[0]) and before[1] == after[1]
