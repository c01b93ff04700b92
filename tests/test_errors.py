r"""Bad input: each case is one DjmigError line that names the value and the fix, and changes nothing.

Every case is a test id ``bad-NN-…`` (count them: ``pytest tests/test_errors.py --collect-only -q | grep -c
'\[bad-'``); "nothing lost" is proved by hashing every file below the test's folder (the sandbox's sources,
migrations and db.sqlite3) before and after.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from djmig_kernel import DjmigError, Sandbox
from djmig_kernel import exceptions as exc
from djmig_kernel.display.jupyter import DOT_MIMETYPE, GRAPHVIZ_HINT
from helpers import AUTHOR, AUTHOR_BIO, BOOKS, files_digest, migration_file

APPS = "admin, auth, authors, books, contenttypes, messages, sessions, staticfiles"
BOOKS_NAMES = "zero, 0001_initial, 0002_book_isbn, 0002_book_pages, 0003_merge"
LABEL_FIX = (
    "is not a valid app name; use a Python identifier such as 'app' or 'library' "
    "(letters, digits and _, not starting with a digit, not a keyword)"
)


@dataclass
class Case:
    """ACT(sb, root) must raise ERROR with exactly MESSAGE, which names VALUE."""

    act: Callable
    error: type
    message: str
    value: str
    prepare: Callable = None  # (sb) -> a resource to close after the case, or None


def _bad_models(sb):
    sb.write_models("books", BOOKS.replace("class Book(models.Model):", "class Book(models.Model)"))


def _no_on_delete(sb):
    sb.write_models("books", BOOKS + "\n\nclass Review(models.Model):\n    book = models.ForeignKey(Book)\n")


def _write_migration(sb, name, *args, **kwargs):
    (sb.path / f"books/migrations/{name}.py").write_text(migration_file(*args, **kwargs))


FILL = "def fill(apps, schema_editor):\n    pass\n"


def _irreversible(sb):
    _write_migration(sb, "0004_fill", [("books", "0003_merge")], "migrations.RunPython(fill)", preamble=FILL)
    sb.migrate("books")


def _irreversible_then_reversible(sb):
    _irreversible(sb)
    _write_migration(sb, "0005_book_year", [("books", "0004_fill")],
                     'migrations.AddField("book", "year", models.IntegerField(default=0))')
    sb.migrate("books")


def _slow_migration(sb):
    _write_migration(sb, "0004_slow", [("books", "0003_merge")],
                     'migrations.AddField("book", "year", models.IntegerField(default=0))',
                     "migrations.RunPython(wait)", preamble="import time\n\n\ndef wait(apps, schema_editor):\n"
                     "    time.sleep(60)\n")


def _two_leaves(sb):
    for name in ("0004_a", "0004_b"):
        _write_migration(sb, name, [("books", "0003_merge")], "migrations.RunPython(migrations.RunPython.noop)")


class _Locker:
    """Another program holding db.sqlite3 in an exclusive transaction, like an open sqlite3 shell.

    It must be another process: SQLite's POSIX locks are per process, and reading
    the file for the digest in this process would drop a lock this process held.
    """

    CODE = ("import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
            "c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); time.sleep(120)")

    def __init__(self, path):
        self.process = subprocess.Popen([sys.executable, "-c", self.CODE, str(path)], stdout=subprocess.PIPE,
                                        text=True)
        assert self.process.stdout.readline() == "locked\n"

    def close(self):
        self.process.kill()
        self.process.wait()


def _lock(sb):
    return _Locker(sb.db_path)


def _unmigrated_app(sb):
    sb.startapp("shelf")


def _foreign_folder(sb, root):
    (root / "djsandbox").mkdir()
    (root / "djsandbox/notes.txt").write_text("mine, not the kit's\n")


def _linked_sandbox(sb, root):
    (root / "djsandbox").symlink_to(sb.path, target_is_directory=True)


def _kit_folder(sb, root):
    Sandbox.create(root)


def failed(command, line, fix):
    """Return the message for a Django command that failed with LINE."""
    return f"`{command}` failed: {line.removesuffix('.')}; {fix}"


NO_APP = "create and register the app with sb.startapp('nope')"
UNKNOWN_APP = f"no installed app with label 'nope'; choose one of: {APPS}, or {NO_APP.replace('the app', 'it')}"
DJANGO_NO_APP = ("No installed app with label 'nope'.", f"check the spelling, or {NO_APP}")
UNKNOWN_0009 = f"no migration matches '0009' in app 'books'; choose one of: {BOOKS_NAMES}"
NO_MIGRATIONS = ("no migration matches '0001_initial' in app 'shelf'; it has no migrations yet: run "
                 "sb.makemigrations('shelf') first")
AMBIGUOUS = "more than one migration of app {} starts with {} ({}); give more of the name"
SYNTAX = ("SyntaxError: expected ':' (books/models.py, line 11)", "fix that line and run the command again")
ON_DELETE = (
    "TypeError: ForeignKey.__init__() missing 1 required positional argument: 'on_delete' (books/models.py, "
    "line 18)", "give every ForeignKey an on_delete, e.g. models.ForeignKey(Author, on_delete=models.CASCADE)")
IRREVERSIBLE = (
    "django.db.migrations.exceptions.IrreversibleError: Operation <RunPython <function fill>> in "
    "books.0004_fill is not reversible", "nothing was unapplied; give that RunPython/RunSQL a reverse "
    "(e.g. migrations.RunPython.noop) or choose a target after it")
CONFLICT = ("CommandError: Conflicting migrations detected; multiple leaf nodes in the migration graph: (0004_a, "
            "0004_b in books). To fix them run 'python manage.py makemigrations --merge'")
LOCKED = "close the other program or connection"
NOT_OWNED = ("folder 'djsandbox' was not made by djmig (no .djmig-sandbox file), so it is left untouched; "
             "choose another name or root")
NO_MANAGE_PY = "no manage.py in {!r}; open the folder that holds manage.py, or make one with Sandbox.create(root)"
TABLES = "choose one of: authors_author, books_book, books_book_genres, books_genre"


def _django(command, line_and_fix):
    return failed(command, *line_and_fix)


CASES = {
    # -- unknown app ----------------------------------------------------------
    "unknown-app-plan": Case(lambda sb, root: sb.plan("nope", "zero"), exc.UnknownAppError, UNKNOWN_APP, "'nope'"),
    "unknown-app-data-loss": Case(
        lambda sb, root: sb.data_loss("nope", "zero"), exc.UnknownAppError, UNKNOWN_APP, "'nope'"),
    "unknown-app-migrate": Case(
        lambda sb, root: sb.migrate("nope", "zero"), exc.UnknownAppError,
        failed("python manage.py migrate nope zero", f"CommandError: {DJANGO_NO_APP[0]}", DJANGO_NO_APP[1]),
        "'nope'"),
    "unknown-app-makemigrations": Case(
        lambda sb, root: sb.makemigrations("nope"), exc.UnknownAppError,
        _django("python manage.py makemigrations nope", DJANGO_NO_APP), "'nope'"),
    "unknown-app-showmigrations": Case(
        lambda sb, root: sb.showmigrations("nope"), exc.UnknownAppError,
        _django("python manage.py showmigrations nope", DJANGO_NO_APP), "'nope'"),
    "unknown-app-write-models": Case(
        lambda sb, root: sb.write_models("nope", "class A(models.Model):\n    pass\n"), exc.UnknownAppError,
        "no app 'nope' in sandbox 'library'; create it with sb.startapp('nope')", "'nope'"),
    "app-without-migrations-plan": Case(
        lambda sb, root: sb.plan("shelf", "0001_initial"), exc.UnknownMigrationError, NO_MIGRATIONS,
        "'0001_initial'", _unmigrated_app),
    "app-without-migrations-migrate": Case(
        lambda sb, root: sb.migrate("shelf", "0001_initial"), exc.UnknownMigrationError, NO_MIGRATIONS,
        "'0001_initial'", _unmigrated_app),
    "target-without-app": Case(
        lambda sb, root: sb.migrate(target="0001"), exc.UnknownAppError,
        "target '0001' needs an app; call sb.migrate(APP, '0001')", "'0001'"),
    # -- unknown or ambiguous migration ---------------------------------------
    "unknown-migration-migrate": Case(
        lambda sb, root: sb.migrate("books", "0009"), exc.UnknownMigrationError, UNKNOWN_0009, "'0009'"),
    "unknown-migration-plan": Case(
        lambda sb, root: sb.plan("books", "0009"), exc.UnknownMigrationError, UNKNOWN_0009, "'0009'"),
    "unknown-migration-data-loss": Case(
        lambda sb, root: sb.data_loss("books", "0009"), exc.UnknownMigrationError, UNKNOWN_0009, "'0009'"),
    "unknown-migration-forwards-plan": Case(
        lambda sb, root: sb.graph().forwards_plan(("books", "0009")), exc.UnknownMigrationError, UNKNOWN_0009,
        "'0009'"),
    "ambiguous-prefix-migrate": Case(
        lambda sb, root: sb.migrate("books", "0002"), exc.AmbiguousMigrationError,
        AMBIGUOUS.format("'books'", "'0002'", "0002_book_isbn, 0002_book_pages"), "'0002'"),
    "ambiguous-prefix-plan": Case(
        lambda sb, root: sb.plan("books", "0002"), exc.AmbiguousMigrationError,
        AMBIGUOUS.format("'books'", "'0002'", "0002_book_isbn, 0002_book_pages"), "'0002'"),
    "ambiguous-prefix-squash-data-loss": Case(
        lambda sb, root: sb.data_loss("authors", "0001"), exc.AmbiguousMigrationError,
        AMBIGUOUS.format("'authors'", "'0001'", "0001_initial, 0001_squashed_0002_author_bio"), "'0001'"),
    # -- models.py that Django cannot import ---------------------------------
    **{
        f"{problem}-{verb}": Case(act, exc.CommandError, _django(command, line_and_fix), where, prepare)
        for problem, prepare, line_and_fix, where in [
            ("syntax-error", _bad_models, SYNTAX, "books/models.py, line 11"),
            ("no-on-delete", _no_on_delete, ON_DELETE, "books/models.py, line 18"),
        ]
        for verb, act, command in [
            ("makemigrations", lambda sb, root: sb.makemigrations(), "python manage.py makemigrations"),
            ("migrate", lambda sb, root: sb.migrate(), "python manage.py migrate"),
            ("graph", lambda sb, root: sb.graph(), "djmig probe graph"),
        ]
    },
    # -- migrations Django refuses to run ------------------------------------
    "irreversible-run-python": Case(
        lambda sb, root: sb.migrate("books", "0003"), exc.CommandError,
        _django("python manage.py migrate books 0003", IRREVERSIBLE), "books.0004_fill", _irreversible),
    "irreversible-after-a-reversible-step": Case(
        lambda sb, root: sb.migrate("books", "0003"), exc.CommandError,
        _django("python manage.py migrate books 0003", IRREVERSIBLE), "books.0004_fill",
        _irreversible_then_reversible),
    "conflicting-leaves-migrate": Case(
        lambda sb, root: sb.migrate(), exc.CommandError,
        f"`python manage.py migrate` failed: {CONFLICT}", "0004_a, 0004_b", _two_leaves),
    "conflicting-leaves-migrate-target": Case(
        lambda sb, root: sb.migrate("books", "0004_a"), exc.CommandError,
        f"`python manage.py migrate books 0004_a` failed: {CONFLICT}", "0004_a, 0004_b", _two_leaves),
    "conflicting-leaves-plan": Case(
        lambda sb, root: sb.plan("books", "0004_a"), exc.CommandError,
        "conflicting migrations: more than one leaf (0004_a, 0004_b in books), so migrate would stop; "
        "merge them with `python manage.py makemigrations --merge` and try again", "0004_a, 0004_b", _two_leaves),
    # -- the database or the command is stuck ---------------------------------
    "locked-database-migrate": Case(
        lambda sb, root: sb.migrate("books", "0001"), exc.DatabaseLockedError,
        "`python manage.py migrate books 0001` not run: db.sqlite3 is busy (database is locked); "
        f"{LOCKED} that holds it open (e.g. a sqlite3 shell) and run again", "db.sqlite3", _lock),
    "locked-database-ledger": Case(
        lambda sb, root: sb.ledger(), exc.DatabaseLockedError,
        "cannot read db.sqlite3: another connection holds it locked (database is locked); "
        f"{LOCKED} (e.g. a sqlite3 shell) and read again", "db.sqlite3", _lock),
    "locked-database-graph": Case(
        lambda sb, root: sb.graph(), exc.CommandError,
        "`djmig probe graph` failed: django.db.utils.OperationalError: database is locked; "
        f"{LOCKED} that holds db.sqlite3 open (e.g. a sqlite3 shell) and run again", "db.sqlite3", _lock),
    "hanging-migration-timeout": Case(
        lambda sb, root: sb.migrate("books", timeout=3), exc.CommandTimeout,
        "`python manage.py migrate books` ran past its 3 s timeout and was stopped; pass a larger timeout= "
        "if it needs longer, or look for what it waits on", "3 s", _slow_migration),
    "command-silent-exit": Case(
        lambda sb, root: sb.shell("import os; os._exit(3)"), exc.CommandError,
        "`python manage.py shell -c 'import os; os._exit(3)'` exited with code 3 and printed no error; what it "
        "printed: %last_error", "code 3"),
    "probe-timeout": Case(
        lambda sb, root: sb.plan("books", "zero", timeout=0.01), exc.CommandTimeout,
        "`djmig probe plan books zero` ran past its 0.01 s timeout and was stopped; pass a larger timeout= "
        "if it needs longer, or look for what it waits on", "0.01 s"),
    # -- reading what is not there --------------------------------------------
    "unknown-table": Case(
        lambda sb, root: sb.table("book"), exc.UnknownTableError, f"no table 'book' in db.sqlite3; {TABLES}",
        "'book'"),
    "unknown-table-schema": Case(
        lambda sb, root: sb.schema("books_book", "genre"), exc.UnknownTableError,
        f"no table 'genre' in db.sqlite3; {TABLES}", "'genre'"),
    # -- making and opening sandboxes ----------------------------------------
    "create-replace-over-a-foreign-folder": Case(
        lambda sb, root: Sandbox.create(root, replace=True), exc.NotOwnedError, NOT_OWNED, "'djsandbox'",
        _foreign_folder),
    "create-replace-over-a-symlink": Case(
        lambda sb, root: Sandbox.create(root, replace=True), exc.NotOwnedError, NOT_OWNED, "'djsandbox'",
        _linked_sandbox),
    "create-over-an-existing-sandbox": Case(
        lambda sb, root: Sandbox.create(root), exc.SandboxExistsError,
        "folder 'djsandbox' already exists; pass replace=True to rebuild it or choose another name",
        "'djsandbox'", _kit_folder),
    "open-a-folder-without-manage-py": Case(
        lambda sb, root: Sandbox.open(sb.path / "books"), exc.NoProjectError, NO_MANAGE_PY.format("books"),
        "'books'"),
    "open-a-missing-folder": Case(
        lambda sb, root: Sandbox.open(root / "nowhere"), exc.NoProjectError, NO_MANAGE_PY.format("nowhere"),
        "'nowhere'"),
}

# Labels that are not identifiers (path separators, keywords, digits first, empty) and
# labels that would shadow a module Python already has.
NOT_IDENTIFIERS = ["a/b", "../outside", "class", "lambda", "1st", "", "shelf; touch pwned"]
MODULES = ["os", "json", "django"]
for label in NOT_IDENTIFIERS:
    for verb, act in [
        ("startapp", lambda sb, root, label=label: sb.startapp(label)),
        ("write-models", lambda sb, root, label=label: sb.write_models(label, "x = 1")),
        ("migrate", lambda sb, root, label=label: sb.migrate(label, "zero")),
        ("plan", lambda sb, root, label=label: sb.plan(label, "zero")),
        ("create-project", lambda sb, root, label=label: Sandbox.create(root, label)),
    ]:
        CASES[f"invalid-label-{verb}-{label or 'empty'}"] = Case(
            act, exc.InvalidNameError,
            f"{label!r} {LABEL_FIX}".replace("app name", "project name") if verb == "create-project"
            else f"{label!r} {LABEL_FIX}", repr(label))
for label in MODULES:
    CASES[f"module-name-startapp-{label}"] = Case(
        lambda sb, root, label=label: sb.startapp(label), exc.InvalidNameError,
        f"app name {label!r} clashes with the existing Python module {label!r}; choose another name, "
        f"such as '{label}_app'", repr(label))
    CASES[f"module-name-create-project-{label}"] = Case(
        lambda sb, root, label=label: Sandbox.create(root, label), exc.InvalidNameError,
        f"project name {label!r} clashes with the existing Python module {label!r}; choose another name, "
        f"such as '{label}_app'", repr(label))



# -- pieces that disagree: a database that is not one, a ledger out of step with the files or tables --
def _not_a_database(sb):
    sb.db_path.write_text("these are notes, not a database\n" * 64)


def _ledger(sb, script):
    with sqlite3.connect(sb.db_path) as connection:
        connection.executescript(script)
    connection.close()


def _forgotten_dependency(sb):
    _ledger(sb, "DELETE FROM django_migrations WHERE app = 'books' AND name = '0002_book_pages'")


def _forgotten_app(sb):
    _ledger(sb, "DELETE FROM django_migrations WHERE app = 'books'")


def _dropped_book_table(sb):
    _ledger(sb, "DROP TABLE books_book_genres")


def _dropped_pages_column(sb):
    _ledger(sb, "ALTER TABLE books_book DROP COLUMN pages")


NOT_A_DATABASE = ("db.sqlite3 is not a SQLite database SQLite can read (file is not a database); move it aside "
                  "(e.g. mv db.sqlite3 db.sqlite3.broken) and run sb.migrate() to make a new one")
RECORD_PAGES = ('python manage.py shell -c "from django.db import connection; from django.db.migrations.recorder '
                "import MigrationRecorder; r = MigrationRecorder(connection); ('books', '0002_book_pages') in "
                "r.applied_migrations() or r.record_applied('books', '0002_book_pages')\"")
INCONSISTENT = ("migration books.0003_merge is applied before its dependency books.0002_book_pages (inconsistent "
                f"history), so migrate would stop; repair the ledger: {RECORD_PAGES}")
for verb, act in [
    ("ledger", lambda sb, root: sb.ledger()),
    ("tables", lambda sb, root: sb.tables()),
    ("table", lambda sb, root: sb.table("books_book")),
    ("schema", lambda sb, root: sb.schema()),
    ("check", lambda sb, root: sb.check()),
    ("schema-at", lambda sb, root: sb.schema_at()),
    ("graph", lambda sb, root: sb.graph()),
    ("plan", lambda sb, root: sb.plan("books", "zero")),
    ("migrate", lambda sb, root: sb.migrate("books", "zero")),
]:
    CASES[f"not-a-database-{verb}"] = Case(act, exc.NotADatabaseError, NOT_A_DATABASE, "db.sqlite3", _not_a_database)
for verb, act in [
    ("plan", lambda sb, root: sb.plan("books", "zero")),
    ("data-loss", lambda sb, root: sb.data_loss("books", "zero")),
    ("schema-at", lambda sb, root: sb.schema_at("books", "zero")),
]:
    CASES[f"inconsistent-history-{verb}"] = Case(
        act, exc.InconsistentHistoryError, INCONSISTENT, "books.0002_book_pages", _forgotten_dependency)
CASES.update({
    "inconsistent-history-migrate": Case(
        lambda sb, root: sb.migrate("books"), exc.InconsistentHistoryError,
        failed("python manage.py migrate books", "django.db.migrations.exceptions.InconsistentMigrationHistory: "
               "Migration books.0003_merge is applied before its dependency books.0002_book_pages on database "
               "'default'", "repair the ledger first: sb.check() gives the command"),
        "books.0002_book_pages", _forgotten_dependency),
    "table-already-exists-migrate": Case(
        lambda sb, root: sb.migrate("books"), exc.CommandError,
        "`python manage.py migrate books` failed: django.db.utils.OperationalError: table \"books_genre\" already "
        "exists (applying books.0001_initial); the table is there but the ledger does not record "
        "books.0001_initial: record it without running it with python manage.py migrate books 0001_initial --fake "
        "(or python manage.py migrate books --fake-initial), then migrate again", "books_genre", _forgotten_app),
    "no-such-table-migrate": Case(
        lambda sb, root: sb.migrate("books", "zero"), exc.CommandError,
        "`python manage.py migrate books zero` failed: django.db.utils.OperationalError: no such table: "
        "books_book_genres (unapplying books.0001_initial); table books_book_genres is gone already: record the "
        "rollback without running it with python manage.py migrate books zero --fake", "books_book_genres",
        _dropped_book_table),
    # SQLite names the column it was given quoted, quotes and all (""pages""): the line quotes it once
    "no-such-column-migrate": Case(
        lambda sb, root: sb.migrate("books", "0001_initial"), exc.CommandError,
        "`python manage.py migrate books 0001_initial` failed: django.db.utils.OperationalError: no such column: "
        "\"pages\" (unapplying books.0002_book_pages); column pages is gone already: record the rollback without "
        "running it with python manage.py migrate books 0001_initial --fake", '"pages"', _dropped_pages_column),
})

IDS = [f"bad-{n:02d}-{name}" for n, name in enumerate(CASES, 1)]

# -- questions makemigrations asks on a terminal (numbered after the two tests with bodies of their own) ----
RENAMED = AUTHOR.replace("    name =", "    full_name =") + AUTHOR_BIO
RENAME = "Was author.name renamed to author.full_name (a CharField)? [y/N]"
RENAME_MEANING = "('y' renames and keeps the data; 'n' drops and re-creates, losing it)"
YEAR = ("It is impossible to add a non-nullable field 'year' to book without specifying a default. … Select an "
        "option:")


def _renamed(sb):
    sb.write_models("authors", RENAMED)


def _year(sb):
    sb.write_models("books", BOOKS + "    year = models.IntegerField()\n")


QUESTION_CASES = {
    "unanswered-rename": Case(
        lambda sb, root: sb.makemigrations("authors"), exc.QuestionError,
        f'`python manage.py makemigrations authors` asked "{RENAME}" and had no answer; nothing was written; '
        f"answer it, e.g. sb.makemigrations('authors', answers=['y']) {RENAME_MEANING}", "author.full_name",
        _renamed),
    "unanswered-rename-manage": Case(
        lambda sb, root: sb.manage("makemigrations"), exc.QuestionError,
        f'`python manage.py makemigrations` asked "{RENAME}" and had no answer; nothing was written; answer it, '
        f"e.g. sb.makemigrations(answers=['y']) {RENAME_MEANING}", "author.full_name", _renamed),
    "unanswered-not-null-field": Case(
        lambda sb, root: sb.makemigrations("books"), exc.QuestionError,
        f'`python manage.py makemigrations books` asked "{YEAR}" and had no answer; nothing was written; answer '
        "it, e.g. sb.makemigrations('books', answers=['1', '0']) (1 then a Python value: a one-off default for "
        "the existing rows; or give the field a default in models.py)", "'year' to book", _year),
    "unanswered-one-off-default": Case(
        lambda sb, root: sb.makemigrations("books", answers=["1"]), exc.QuestionError,
        '`python manage.py makemigrations books` asked "Please enter the default value as valid Python. … >>> '
        "(the one-off default for 'year' on book)\" with no answer left (1 given: '1'); nothing was written; "
        "answer it too, e.g. sb.makemigrations('books', answers=['1', '0']) (a Python value for the existing "
        "rows, e.g. 0 or 'unknown')", "'year' on book", _year),
    "refused-yes-no-answer": Case(
        lambda sb, root: sb.makemigrations("authors", answers=["maybe"]), exc.QuestionError,
        f"`python manage.py makemigrations authors` did not take 'maybe' as the answer to \"{RENAME}\" (Django "
        "asked again: \"Please answer yes or no:\"); nothing was written; answer 'y' or 'n', e.g. "
        "sb.makemigrations('authors', answers=['y'])", "'maybe'", _renamed),
    "refused-python-default": Case(
        lambda sb, root: sb.makemigrations("books", answers=["1", "unknown"]), exc.QuestionError,
        "`python manage.py makemigrations books` did not take 'unknown' as the answer to \"Please enter the "
        "default value as valid Python. … >>> (the one-off default for 'year' on book)\" (NameError: name "
        "'unknown' is not defined); nothing was written; give a valid Python value (text needs quotes), e.g. "
        "sb.makemigrations('books', answers=['1', \"'unknown'\"])", "'unknown'", _year),
    "answers-left-over": Case(
        lambda sb, root: sb.makemigrations("authors", answers=["y", "n"]), exc.QuestionError,
        "`python manage.py makemigrations authors` asked 1 question but got 2 answers ('n' not used); nothing "
        "was written; give one answer per question, e.g. sb.makemigrations('authors', answers=['y'])", "'n'",
        _renamed),
    "noinput-not-null-field": Case(
        lambda sb, root: sb.manage("makemigrations", "books", "--noinput"), exc.QuestionError,
        "`python manage.py makemigrations books --noinput` stopped: Field 'year' on model 'book' not migrated: "
        "it is impossible to add a non-nullable field without specifying a default; nothing was written; give "
        "the field a default in models.py, or answer Django's question without --noinput, e.g. "
        "sb.makemigrations('books', answers=['1', '0'])", "'year'", _year),
    "answers-as-one-string": Case(
        lambda sb, root: sb.makemigrations("authors", answers="y"), exc.QuestionError,
        "answers must be a list of strings, one per question, e.g. answers=['y']; got 'y'", "'y'", _renamed),
    "unanswered-squashmigrations": Case(
        lambda sb, root: sb.manage("squashmigrations", "books", "0002_book_pages"), exc.QuestionError,
        '`python manage.py squashmigrations books 0002_book_pages` asked "Do you wish to proceed? [y/N]" and '
        "had no answer; Django stopped there; add --noinput to let Django answer for you, e.g. "
        "sb.manage('squashmigrations', 'books', '0002_book_pages', '--noinput')", "[y/N]"),
}
QUESTION_IDS = [f"bad-{n:02d}-{name}" for n, name in enumerate(QUESTION_CASES, len(CASES) + 3)]


def assert_clear(error, case):
    """The message is one line, exactly as expected, and names the bad value."""
    message = str(error)
    assert isinstance(error, DjmigError)
    assert "\n" not in message
    assert message == case.message
    assert case.value in message


@pytest.mark.parametrize("case", [*CASES.values(), *QUESTION_CASES.values()], ids=IDS + QUESTION_IDS)
def test_bad_input_gives_one_clear_line_and_changes_nothing(library, tmp_path, case):
    resource = case.prepare(library) if case.prepare and case.prepare.__code__.co_argcount == 1 else None
    if case.prepare and case.prepare.__code__.co_argcount == 2:
        case.prepare(library, tmp_path)
    try:
        before = files_digest(tmp_path)
        with pytest.raises(case.error) as caught:
            case.act(library, tmp_path)
        after = files_digest(tmp_path)
    finally:
        if resource is not None:
            resource.close()
    assert_clear(caught.value, case)
    assert after == before


def _processes_in(folder):
    """Return the ids of running processes whose working directory is FOLDER."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and Path(os.readlink(entry / "cwd")) == folder:
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _numbered(n, name):
    """Number a bad-input test that needs its own body after the table's cases: bad-NN-NAME."""
    return pytest.mark.parametrize("number", [n], ids=[f"bad-{n:02d}-{name}"])


@_numbered(len(CASES) + 1, "hanging-shell-and-the-process-it-started")
def test_hanging_command_is_killed_with_everything_it_started(library, tmp_path, number):
    """`shell` code that sleeps, after starting a child process that sleeps too: both are killed."""
    before = files_digest(tmp_path)
    code = "import subprocess, time; subprocess.Popen(['sleep', '60']); time.sleep(60)"
    started = time.monotonic()
    with pytest.raises(exc.CommandTimeout) as caught:
        library.shell(code, timeout=2)
    assert time.monotonic() - started < 10
    message = str(caught.value)
    assert message.startswith('`python manage.py shell -c "import subprocess, time; ')
    assert message.endswith("` ran past its 2 s timeout and was stopped; pass a larger timeout= if it needs "
                            "longer, or look for what it waits on")
    assert "\n" not in message
    deadline = time.monotonic() + 5
    while _processes_in(library.path) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_in(library.path) == []
    assert files_digest(tmp_path) == before


@_numbered(len(CASES) + 2, "dot-missing")
def test_dot_missing_falls_back_to_text_with_the_install_hint(library, tmp_path, monkeypatch, number):
    """No `dot` on PATH: the DAG still displays, as text, with one line that says how to install it."""
    dag = library.graph()
    path = [p for p in os.environ["PATH"].split(os.pathsep) if not os.path.exists(os.path.join(p, "dot"))]
    monkeypatch.setenv("PATH", os.pathsep.join(path))
    assert shutil.which("dot") is None
    before = files_digest(tmp_path)
    bundle = dag._repr_mimebundle_()
    assert set(bundle) == {"text/plain"}
    text = bundle["text/plain"]
    assert text.splitlines()[0] == repr(dag)
    assert text.splitlines()[-1] == GRAPHVIZ_HINT
    assert " [X] 0003_merge  (after books.0002_book_isbn, books.0002_book_pages; current)" in text
    assert DOT_MIMETYPE not in bundle
    assert files_digest(tmp_path) == before


def test_rolled_back_plan_left_the_reversible_step_applied(library):
    """The db file is put back when migrate fails half way: books.0005 is still applied, columns intact."""
    _irreversible_then_reversible(library)
    ledger = library.ledger()
    with pytest.raises(exc.CommandError):
        library.migrate("books", "0003")
    assert library.ledger().equals(ledger)
    assert "year" in set(library.schema("books_book")["column"])
    assert not any(library.db_path.parent.glob("db.sqlite3-*"))
