"""The exercises of notebooks 00-05 on the walkthrough's real project: the kit's solution is right, the notebook's blank
answer says it is not answered, and each plausible wrong answer is told its own mistake in one line."""

import pytest

from answering import RIGHT, UNANSWERED, answer, answer_cell, told
from djmig_kernel import exercise, replay


@pytest.fixture(scope="module")
def sb(tmp_path_factory):
    """The walkthrough at the end of notebook 04 (05's exercise starts there too: app at 0002, rows in it)."""
    return replay(tmp_path_factory.mktemp("exercises") / "walk", through="04")


QUESTIONS = [
    "Which tables does db.sqlite3 have right now?", "Which migrations has migrate run on this database?",
    "What do I want my tables to look like?", "Which steps lead from an empty database to my models?",
    "Which piece does makemigrations write?",
]


def _pieces(*pieces):
    return "answers = " + repr(dict(zip(QUESTIONS, pieces)))


RIGHT_PIECES = ["schema", "django_migrations", "models.py", "migrations/", "migrations/"]


@pytest.mark.parametrize("code, hint", [
    # zip() stopped at the shorter list: four answers of five passed
    ("answers = " + repr(dict(zip(QUESTIONS[:4], RIGHT_PIECES))), "'Which piece does makemigrations write?' is not in"),
    (_pieces(*RIGHT_PIECES[:4]).replace("}", ", 'Which piece does makemigrations write?': ...}"), "1 question still has ..."),
    (_pieces("schema", "migrations/", "models.py", "migrations/", "migrations/"),
     "'Which migrations has migrate run on this database?': the migrations/ directory holds every migration, run or not"),
    (_pieces("schema", "django_migrations", "models.py", "migrations", "migrations/"), "did you mean 'migrations/'?"),
    (_pieces("schema", "ledger", "models.py", "migrations/", "migrations/"), "did you mean 'django_migrations'?"),
    (_pieces("models.py", "django_migrations", "schema", "migrations/", "migrations/"),
     "'Which tables does db.sqlite3 have right now?': what a database really has is its schema; models.py and the "
     "migration files say what it should have (1 more not right either)"),
    ("answers = ['schema']", "answers should be the dict of the cell above"),
])
def test_00_names_the_question_with_the_wrong_piece(code, hint):
    ex = exercise("00")
    assert answer(ex, answer_cell("00"))[0].kind == UNANSWERED
    assert answer(ex, ex.solution)[0].kind == RIGHT
    verdict, _ = answer(ex, code)
    assert told(verdict, hint), verdict.line


@pytest.mark.parametrize("code, hint", [
    ("auth_applied = sb.ledger().query(\"app == 'auth'\")", "auth_applied holds a table; store how many rows"),
    ("auth_applied = '12'", "auth_applied is the text '12'; store a number"),
    ("auth_applied = len(sb.ledger())", "is every app's rows in the ledger; count only those whose app is 'auth'"),
    ("auth_applied = 2", "2 is how many migrations 'app' has applied"),
    ("auth_applied = 13", "13 is not it: count the ledger's rows whose app is 'auth'"),
])
def test_01_counts_auth_s_rows_in_the_ledger(sb, code, hint):
    ex = exercise("01", sb)
    assert answer(ex, answer_cell("01"), sb=sb)[0].kind == UNANSWERED
    right, _ = answer(ex, ex.solution, sb=sb)
    assert right.kind == RIGHT and "auth has 12 migrations applied" in right.line
    verdict, _ = answer(ex, code, sb=sb)
    assert told(verdict, hint), verdict.line


def test_02_compares_the_prediction_with_what_makemigrations_prints(sb):
    ex = exercise("02", sb)
    assert answer(ex, answer_cell("02"), sb=sb)[0].kind == UNANSWERED
    assert answer(ex, ex.solution, sb=sb)[0].kind == RIGHT
    for code, hint in [
        ("prediction = 'No changes detected'", "that is what a bare makemigrations prints"),
        ("prediction = 'No changes detected in app \"app\"'", "almost: Django writes that line with other quotes"),
        ("prediction = \"Migrations for 'app':\"", "when models.py has a change no migration describes"),
        ("prediction = ''", "prediction is empty"),
        ("prediction = None", "prediction should be the line as text"),
    ]:
        verdict, _ = answer(ex, code, sb=sb)
        assert told(verdict, hint), (code, verdict.line)
    assert not list((sb.path / "app" / "migrations").glob("0003_*")), "the check wrote a migration"


def test_03_names_each_parent_by_app_and_name(sb):
    ex = exercise("03", sb)
    assert answer(ex, answer_cell("03"), sb=sb)[0].kind == UNANSWERED
    assert answer(ex, ex.solution, sb=sb)[0].kind == RIGHT
    for code, hint in [
        ("parents = ('app', '0001_initial')", "parents holds one migration"),
        ("parents = ['0001_initial']", "name each migration by its (app, name) pair"),
        ("parents = [('app', '0002_added_Book_model')]", "is the migration itself"),
        ("parents = []", "[] says 0002_added_Book_model depends on nothing"),
        ("parents = [('app', '0001_initial'), ('auth', '0001_initial')]", "('auth', '0001_initial') is not a parent"),
    ]:
        verdict, _ = answer(ex, code, sb=sb)
        assert told(verdict, hint), (code, verdict.line)


SHELL = 'sb.shell("""\nfrom app.models import Author, Book\n{}\n""")'


def test_04_judges_the_rows_of_app_book(sb):
    ex = exercise("04", sb)
    assert answer(ex, answer_cell("04"), sb=sb)[0].kind == UNANSWERED
    right, _ = answer(ex, ex.solution, sb=sb)
    again, _ = answer(ex, ex.solution, sb=sb)  # the answer cell run again: ex.reset() first
    assert right.kind == again.kind == RIGHT
    for body, hint in [
        ('Book.objects.create(title="Fantastic Beasts", author=Author.objects.create(name="JK Rowling"))',
         "app_author has 1 new author(s)"),
        ('a = Author.objects.get(name="JK Rowling")\nBook.objects.create(title="Harry Potter", author=a)',
         "the new book is called 'Harry Potter' again"),
        ('a = Author.objects.get(name="JK Rowling")\nfor t in ("A", "B"): Book.objects.create(title=t, author=a)',
         "app_book has 2 new books, not one"),
        ('Book.objects.all().delete()', "app_book lost 1 book(s)"),
    ]:
        verdict, _ = answer(ex, SHELL.format(body), sb=sb)
        assert told(verdict, hint), (body, verdict.line)
    ex.reset()


def test_05_judges_loss_and_where_app_is(sb):
    ex = exercise("05", sb)
    assert answer(ex, answer_cell("05"), sb=sb)[0].kind == UNANSWERED
    right, _ = answer(ex, ex.solution, sb=sb)
    assert right.kind == RIGHT and "loss named app_author and app_book" in right.line
    for code, hint in [
        ('loss = sb.data_loss("app", "0001_initial")\nsb.migrate("app", "zero")', "loss does not name app_author"),
        ('sb.migrate("app", "zero")\nloss = sb.data_loss("app", "zero")', "loss is empty: data_loss was asked when"),
        ('loss = sb.data_loss("app", "zero")', "app still has its tables and its ledger rows"),
        ('loss = sb.data_loss("app", "zero")\nsb.migrate("app", "0001_initial")', "app is at 0001_initial, not zero"),
        ('loss = sb.data_loss("app", "zero")\nsb.manage("migrate", "app", "zero", "--fake")', "--fake changed the ledger"),
        ('loss = ["app_author", "app_book"]\nsb.migrate("app", "zero")', "loss should be the table"),
    ]:
        verdict, _ = answer(ex, code, sb=sb)
        assert told(verdict, hint), (code, verdict.line)
    ex.reset()
    assert sorted(t for t in sb.tables() if t.startswith("app_")) == ["app_author", "app_book"]
