"""The exercises of notebooks 06-12 on real SQLite projects in the state each exercise starts from: the kit's solution
is right, the notebook's blank answer is not answered, and plausible wrong answers (some met on the way to the right
one, as a learner meets them) are each told their own mistake."""

import shutil
import sqlite3

import pytest

from answering import RIGHT, UNANSWERED, answer, answer_cell, empty_migrations, told
from djmig_kernel import Sandbox, bring_migrations, copy_project, exercise, replay


@pytest.fixture(scope="module")
def walkthrough(tmp_path_factory):
    """The walkthrough at the end of notebook 04, built once for the module."""
    return replay(tmp_path_factory.mktemp("base") / "walk", through="04")


@pytest.fixture
def sb(walkthrough, tmp_path):
    """A copy of the walkthrough at the end of notebook 04, the database with it, for one test."""
    return Sandbox.open(shutil.copytree(walkthrough.path, tmp_path / "djsandbox", symlinks=True))


def add_field(sb, model, line, name):
    """Add LINE to MODEL (Author or Book, as the walkthrough has them) in SB's models.py, and make and apply its
    migration NAME."""
    text, name_line = sb.models("app"), "    name = models.CharField(max_length=512)\n"
    text = text.replace(name_line, f"{name_line}    {line}\n", 1) if model == "Author" else f"{text}    {line}\n"
    sb.write_models("app", text)
    sb.makemigrations("app", name=name)
    sb.migrate("app")


def test_06_judges_the_prediction_then_the_moves(sb):
    add_field(sb, "Book", "year = models.IntegerField(null=True)", "book_year")
    sb.startapp("reviews")
    sb.write_models("reviews", "from app.models import Book\n\n\nclass Review(models.Model):\n"
                               "    book = models.ForeignKey(Book, on_delete=models.CASCADE)\n")
    sb.makemigrations("reviews")
    sb.migrate("reviews")
    ex = exercise("06", sb)
    assert answer(ex, answer_cell("06"), sb=sb)[0].kind == UNANSWERED
    right, _ = answer(ex, ex.solution, sb=sb)
    assert right.kind == RIGHT and right.line.startswith("All right: app_book and reviews_review went")
    for code, hint in [
        ("dropped, reviews_again = {'app_book'}, False", "reviews_review goes too: reviews.0001_initial depends"),
        ("dropped, reviews_again = {'app_book', 'reviews_review', 'app_author'}, False", "app_author stays"),
        ("dropped, reviews_again = 'app_book', False", "dropped should be a set of table names"),
        ("dropped, reviews_again = {'app_book', 'reviews_review'}, 'False'", "reviews_again should be True or False"),
        ("dropped, reviews_again = {'app_book', 'reviews_review'}, True\nsb.migrate('app', '0001_initial')",
         "app is at 0001_initial: now move it forward"),
        ("dropped, reviews_again = {'app_book', 'reviews_review'}, True\nsb.migrate('app', '0001_initial')\n"
         "sb.migrate('app', '0003_book_year')", "reviews.0001_initial is not applied again"),
        ("dropped, reviews_again = {'app_book', 'reviews_review'}, False", "app_book still has its rows: make the moves"),
    ]:
        verdict, _ = answer(ex, code, sb=sb)
        assert told(verdict, hint), (code, verdict.line)


def test_07_names_the_kind_and_subject_then_judges_the_repair(sb):
    add_field(sb, "Book", "year = models.IntegerField(null=True)", "book_year")
    add_field(sb, "Author", "email = models.EmailField(default='')", "author_email")
    with sqlite3.connect(sb.db_path) as db:
        db.execute("ALTER TABLE app_author DROP COLUMN email")
    db.close()
    ex = exercise("07", sb)
    assert answer(ex, answer_cell("07"), sb=sb)[0].kind == UNANSWERED
    for code, hint in [
        ("kind, subject = 'missing-field', 'app_author.email'", "kind 'missing-field' is not one of check()'s kinds"),
        ("kind, subject = 'unexpected-column', 'app_author.email'", "kind 'unexpected-column' means a table has a column"),
        ("kind, subject = 'missing-column', 'email'", "names the column without its table"),
        ("kind, subject = 'missing-column', 'app_author'", "names the table only"),
        ("kind, subject = 'missing-column', 'Author.email'", "name the table as the database calls it (app_author)"),
        ("kind, subject = 'missing-column', 'app_author.email'", "app_author has no email column yet: repair it with"),
    ]:
        verdict, _ = answer(ex, code, sb=sb)
        assert told(verdict, hint), (code, verdict.line)
    # The solution, one step at a time: faked back, the ledger lacks 0004; then applied for real.
    steps = ex.reference.splitlines(keepends=True)
    verdict, ns = answer(ex, "".join(steps[:3]), sb=sb)
    assert told(verdict, "app_author has no email column yet: repair it with the fix sb.check() gives (python "
                         "manage.py migrate app)"), verdict.line
    verdict, _ = answer(ex, steps[3], reset=False, namespace=ns)
    assert verdict.kind == RIGHT, verdict.line
    assert answer(ex, ex.solution, sb=sb)[0].kind == RIGHT


def test_08_tells_a_rename_answered_n_from_one_answered_y(sb):
    ex = exercise("08", sb)
    assert answer(ex, answer_cell("08"), sb=sb)[0].kind == UNANSWERED
    rename = 'sb.write_models("app", sb.models("app").replace("    title =", "    heading ="))\n'
    for code, hint in [
        (rename, "models.py says heading, but no migration describes it yet"),
        (rename + 'sb.makemigrations("app", answers=["y"])', "is not applied yet: run sb.migrate(\"app\")"),
        (rename + 'sb.makemigrations("app", answers=["n", "1", "\'\'"])\nsb.migrate("app")',
         "removes title and adds heading, so the titles go with the column"),
        ('sb.write_models("app", sb.models("app").replace("    title =", "    heading = models.CharField(max_length=9, '
         'default=\'\')\\n    title ="))', "Book in models.py has both title and heading"),
    ]:
        verdict, _ = answer(ex, code, sb=sb)
        assert told(verdict, hint), (code, verdict.line)
    right, _ = answer(ex, ex.solution, sb=sb)
    assert right.kind == RIGHT and "so Harry Potter kept its title" in right.line


def test_09_meets_each_mistake_on_the_way_to_the_merge(sb):
    ex = exercise("09", sb)
    assert answer(ex, answer_cell("09"), sb=sb)[0].kind == UNANSWERED
    blocks = ex.reference.split("\n\n")  # the teammate's branch, ours, then the merge
    merge = blocks[2].splitlines(keepends=True)
    names = {"sb": sb, "copy_project": copy_project, "bring_migrations": bring_migrations}
    verdict, _ = answer(ex, blocks[1], **names)  # ours only: no teammate's branch at all
    assert told(verdict, "no migration adds country: the teammate adds it in their copy"), verdict.line
    verdict, ns = answer(ex, blocks[0] + "\n\n" + blocks[1], **names)
    assert told(verdict, "sb lacks the teammate's 0003_author_country: bring it over"), verdict.line
    for lines, hint in [(merge[:1], "app has 2 leaves: 0003_author_born, 0003_author_country; make a merge"),
                        (merge[1:4], "is not applied yet: run sb.migrate(\"app\")"),
                        (merge[4:], None)]:
        verdict, ns = answer(ex, "".join(lines), reset=False, namespace=ns)
        assert told(verdict, hint) if hint else verdict.kind == RIGHT, verdict.line


def test_10_finishing_a_squash_names_what_is_left(sb):
    add_field(sb, "Book", "isbn = models.CharField(max_length=13, default='')", "book_isbn")
    add_field(sb, "Book", "pages = models.IntegerField(null=True)", "book_pages")
    sb.manage("squashmigrations", "app", "0001", "0004", "--noinput")
    sb.migrate("app")
    ex = exercise("10", sb)
    assert answer(ex, answer_cell("10"), sb=sb)[0].kind == UNANSWERED
    folder = "sb.path / 'app' / 'migrations' / "
    for code, hint in [
        (f"({folder}'0002_added_Book_model.py').unlink()", "still holds 0001_initial, 0003_book_isbn, 0004_book_pages"),
        (f"({folder}'0001_initial_squashed_0004_book_pages.py').unlink()", "the squash 0001_initial_squashed_0004_book"),
        (ex.solution.replace("squash.write_text(without_replaces)\n", ""), "the squash still has replaces"),
    ]:
        verdict, _ = answer(ex, code, sb=sb)
        assert told(verdict, hint), (code, verdict.line)
    assert answer(ex, ex.solution, sb=sb)[0].kind == RIGHT


def test_11_judges_the_data_migration_both_ways(sb):
    sb.write_models("app", sb.models("app").replace("max_length=512)\n", "max_length=512)\n"
                    "    first_name = models.CharField(max_length=100, blank=True)\n"
                    "    last_name = models.CharField(max_length=100, blank=True)\n", 1))
    sb.makemigrations("app", name="author_first_last")
    for name in ("split_names", "trim_names"):
        sb.manage("makemigrations", "app", "--empty", "--name", name)
    sb.migrate("app")
    folder = sb.path / "app" / "migrations"
    ex = exercise("11", sb)
    assert answer(ex, answer_cell("11"), sb=sb, migrations=folder)[0].kind == UNANSWERED
    for code, hint in [
        (ex.solution.replace("RunPython(add, remove)", "RunPython(add)"), "RunPython has no reverse"),
        (ex.solution.replace("RunPython(add, remove)", "RunPython(add, migrations.RunPython.noop)"),
         "after_rollback still has J.R.R. Tolkien"),
        (ex.solution.replace("again = sb.migrate(\"app\")\n", ""), "0006_add_tolkien is not applied: migrate forward"),
        (ex.solution.replace(', last_name="Tolkien"', ""), "give him his last name too"),
    ]:
        verdict, _ = answer(ex, code, sb=sb, migrations=folder)
        assert told(verdict, hint), (code, verdict.line)
    assert answer(ex, ex.solution, sb=sb, migrations=folder)[0].kind == RIGHT


OLD_CODE = """\
from django.db import connection


def save_book():
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO app_book (title, author_id, isbn) VALUES ('Old code', 1, '')")
"""


def test_12_wants_the_default_in_the_database(sb):
    sb.write_models("app", sb.models("app") + "    isbn = models.CharField(max_length=13, default='')\n\n"
                                              "    class Meta:\n        ordering = ['id']\n")
    sb.makemigrations("app", name="book_isbn")
    empty_migrations(sb, 4, 13)
    sb.migrate("app")
    (sb.path / "old_code.py").write_text(OLD_CODE)
    ex = exercise("12", sb)
    assert answer(ex, answer_cell("12"), sb=sb)[0].kind == UNANSWERED
    steps = ex.reference.splitlines(keepends=True)
    for code, hint in [
        (ex.solution.replace("db_default=", "default="), "no DEFAULT 'en' in its SQL): use db_default"),
        ("".join(steps[:3]), "store in sql what sqlmigrate prints"),
        ("".join(steps[:3]) + "sql = sb.manage('sqlmigrate', 'app', '0014')", "sql holds the whole CommandResult"),
        ("".join(steps[:4]), "0014_book_language is not applied yet"),
    ]:
        verdict, _ = answer(ex, code, sb=sb)
        assert told(verdict, hint) or (hint.startswith("store") and verdict.kind == UNANSWERED and hint in verdict.line), \
            (code, verdict.line)
    right, _ = answer(ex, ex.solution, sb=sb)
    assert right.kind == RIGHT and "fills itself with 'en'" in right.line, right.line
    assert len(sb.table("app_book")) == 1, "the check's insert of old code was not rolled back"
