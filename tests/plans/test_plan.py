"""sb.plan(): the same operations, in the same order, as Django's `migrate APP TARGET --plan`."""

import re
import sqlite3

import pytest

from djmig_kernel import DjmigError, MigrationPicker
from djmig_kernel.exceptions import OwnCommandError
from djmig_kernel.plans.plan import PLAN_COLUMNS
from helpers import SQUASHED, migration_file
from oracles import assert_same_sql, django_plan, executor_sql, plan_rows
from projects import add_an_opaque_step_then_a_unique, add_then_drop_unique_together
from real.oracle import migrate_sql, statements


CASES = [
    ("books", "zero"),
    ("books", "0001_initial"),
    ("books", "0002_book_isbn"),  # unapplies only the merge, which has no operations: one empty row
    ("authors", "zero"),  # unapplies books too: it depends on authors
    ("authors", "0001_initial"),  # a migration the squash replaced: Django unpicks the squash
]


@pytest.mark.parametrize("app, target", CASES)
def test_plan_backwards_matches_migrate_plan(library, app, target):
    plan = library.plan(app, target)
    assert list(plan.columns) == PLAN_COLUMNS
    assert plan_rows(plan) == django_plan(library, app, target)
    assert set(plan["direction"]) <= {"unapply"}


def test_plan_forwards_matches_migrate_plan(library):
    library.migrate("authors", "zero")
    plan = library.plan("books", "0003_merge")
    assert plan_rows(plan) == django_plan(library, "books", "0003_merge")
    assert set(plan["direction"]) == {"apply"}
    # Applying books needs authors first: the squash, not the two files it replaces.
    assert plan["migration"].iloc[0] == "authors.0001_squashed_0002_author_bio"


def test_plan_of_the_cross_app_rollback_lists_both_apps_in_order(library):
    plan = library.plan("authors", "zero")
    assert plan_rows(plan) == [
        ("books.0003_merge", ""),
        ("books.0002_book_pages", "Undo Add field pages to book"),
        ("books.0002_book_isbn", "Undo Add field isbn to book"),
        ("books.0001_initial", "Undo Create model Genre"),
        ("books.0001_initial", "Undo Create model Book"),
        ("authors.0001_squashed_0002_author_bio", "Undo Create model Author"),
    ]


@pytest.mark.parametrize("target", ["0001", "0001_", "0001_initial"])
def test_plan_target_by_prefix_or_full_name(library, target):
    assert plan_rows(library.plan("books", target)) == [
        ("books.0003_merge", ""),
        ("books.0002_book_isbn", "Undo Add field isbn to book"),
        ("books.0002_book_pages", "Undo Add field pages to book"),
    ]


def test_plan_to_where_the_app_is_is_empty(library):
    plan = library.plan("books", "0003")
    assert plan.empty
    assert list(plan.columns) == PLAN_COLUMNS
    assert django_plan(library, "books", "0003") == []


def test_plan_marks_an_irreversible_operation_as_django_does(library):
    (library.path / "books/migrations/0004_fill.py").write_text(
        "from django.db import migrations\n\n\ndef fill(apps, schema_editor):\n    pass\n\n\n"
        "class Migration(migrations.Migration):\n"
        "    dependencies = [('books', '0003_merge')]\n"
        "    operations = [migrations.RunPython(fill)]\n"
    )
    library.migrate("books")
    plan = library.migration_plan("books", "0003")
    assert plan_rows(plan.operations()) == django_plan(library, "books", "0003")
    assert plan_rows(plan.operations()) == [("books.0004_fill", "Raw Python operation -> IRREVERSIBLE")]
    assert plan.irreversible == ["books.0004_fill"]


def test_plan_changes_nothing(library):
    before = library.ledger()
    library.plan("authors", "zero")
    assert library.ledger().equals(before)


@pytest.mark.parametrize("migration", ["0002_book_isbn", "0002_book_pages"])
def test_plan_sql_is_what_sqlmigrate_prints(library, migration):
    """Each step's SQL, as `sqlmigrate books NAME --backwards` prints it inside BEGIN; … COMMIT;."""
    steps = library.migration_plan("books", "0001").sql()
    assert list(steps) == ["books.0003_merge", "books.0002_book_isbn", "books.0002_book_pages"]
    printed = library.manage("sqlmigrate", "books", migration, "--backwards").stdout.splitlines()
    assert printed[0] == "BEGIN;" and printed[-1] == "COMMIT;"
    assert steps[f"books.{migration}"] == printed[1:-1]


def test_plan_lists_a_migration_without_operations_with_an_empty_operation(library):
    plan = library.plan("books", "0002_book_isbn")
    assert plan_rows(plan) == [("books.0003_merge", "")] == django_plan(library, "books", "0002_book_isbn")


def test_plan_sql_forwards_is_what_migrate_runs_step_after_step(library):
    """Each step's SQL is what migrate runs: the table it rebuilds has the columns, in the order, that
    migrate leaves (sqlmigrate renders its states another way and lists the added column first);
    the next step sees the first one done.
    """
    library.migrate("books", "0001")
    steps = library.migration_plan("books", "0003_merge").sql()
    assert list(steps) == ["books.0002_book_pages", "books.0002_book_isbn", "books.0003_merge"]
    library.migrate("books", "0002_book_pages")
    with sqlite3.connect(library.db_path) as connection:
        columns = [row[1] for row in connection.execute('PRAGMA table_info("books_book")')]
    assert columns[-1] == "pages"
    assert _remade_columns(steps["books.0002_book_pages"]) == columns
    remake = _remade_columns(steps["books.0002_book_isbn"])
    assert remake[-2:] == ["pages", "isbn"]
    assert steps["books.0003_merge"] == []


def _remade_columns(lines):
    """Return the column names of the table a step rebuilds, in order."""
    remake = next(line for line in lines if line.startswith('CREATE TABLE "new__'))
    return re.findall(r'(?:^CREATE TABLE "\w+" \(|, )"(\w+)"', remake)


def test_a_step_that_looks_a_constraint_up_has_the_sql_migrate_runs(library):
    """Undoing 0004 drops the unique (title, pages) that undoing 0005 made again: the live database, fully
    migrated, has no such index, so Django's own sqlmigrate cannot write the step; the kit rehearses the plan
    in a copy of the schema, where the index is there to drop under the name migrate gives it."""
    add_then_drop_unique_together(library)
    assert plan_rows(library.plan("books", "0003")) == django_plan(library, "books", "0003")
    steps = library.migration_plan("books", "0003").sql()
    assert list(steps) == ["books.0005_not_unique", "books.0004_unique"]
    with pytest.raises(DjmigError, match=r"Found wrong number \(0\) of constraints"):
        library.manage("sqlmigrate", "books", "0004_unique", "--backwards")
    library.migrate("books", "0004_unique")  # Django makes the index again: its name is the one to drop
    with sqlite3.connect(library.db_path) as connection:
        [(index,)] = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'books_book' AND name LIKE '%uniq'")
    assert f'DROP INDEX "{index}";' in steps["books.0004_unique"]


def test_an_operation_sees_what_the_operations_before_it_in_its_migration_did(library):
    """books.0004 (a squash's shape) makes a unique, adds a column and swaps the unique for one on it. Undone, its
    last operation drops the unique its second-to-last one made again: collected alone, that unique was
    not in the shadow ("Found wrong number (0) of constraints for books_book(title, pages)")."""
    (library.path / "books/migrations/0004_size.py").write_text(migration_file(
        [("books", "0003_merge")], 'migrations.AlterUniqueTogether("book", {("title", "pages")})',
        'migrations.AddField("book", "size", models.IntegerField(default=0))',
        'migrations.AlterUniqueTogether("book", {("title", "size")})'))
    library.migrate("books")
    steps = library.migration_plan("books", "0003").sql()
    ran, failed = migrate_sql(library, "books", "0003")
    assert not failed and {migration: statements(lines) for migration, lines in steps.items()} == ran
    assert ran["books.0004_size"][-1].startswith('DROP INDEX "books_book_title_pages_')


def test_a_step_whose_sql_cannot_be_computed_does_not_sink_the_plan(library):
    """A package's own operation whose undoing raises: its step says why, the other steps have their SQL,
    and migrate itself stops at that step too."""
    add_an_opaque_step_then_a_unique(library)
    steps = library.migration_plan("books", "0003").sql()
    assert list(steps) == ["books.0005_unique", "books.0004_reshelve"]
    assert steps["books.0004_reshelve"] == ["-- SQL not available: Reshelve is undone row by row, in Python"]
    assert any(line.startswith("DROP INDEX") for line in steps["books.0005_unique"])
    with pytest.raises(DjmigError, match="Reshelve is undone row by row"):
        library.migrate("books", "0003")


def _operation(name, description, forwards, preamble=""):
    """Return the source of a package's own operation NAME, undone as it is done: FORWARDS is its body."""
    body = "".join(f"        {line}\n" for line in forwards)
    return (f"{preamble}\n\nclass {name}(migrations.operations.base.Operation):\n"
            "    reduces_to_sql = True\n    reversible = True\n\n"
            "    def state_forwards(self, app_label, state):\n        pass\n\n"
            f"    def database_forwards(self, app_label, schema_editor, from_state, to_state):\n{body}\n"
            "    database_backwards = database_forwards\n\n"
            f"    def describe(self):\n        return {description!r}\n")


# A package's own operation, which reads a model of another app: the kit cannot tell what it reads.
_COUNT_AUTHORS = _operation("CountAuthors", "Count the authors", [
    'table = to_state.apps.get_model("authors", "Author")._meta.db_table',
    'schema_editor.execute(f"SELECT COUNT(*) FROM {table}")'])


@pytest.mark.parametrize("target", ["0003_merge", "0004_count"])
def test_a_packages_own_operation_gets_the_whole_state(library, target):
    """An operation that is not Django's may read any model: its step's SQL is worked out from the
    whole project state, and is what Django's executor collects, both ways."""
    (library.path / "books/migrations/0004_count.py").write_text(
        migration_file([("books", "0003_merge")], "CountAuthors()", preamble=_COUNT_AUTHORS))
    if target == "0004_count":
        library.migrate("books", "0003_merge")
    else:
        library.migrate("books")
    sql = library.migration_plan("books", target).sql()
    assert 'SELECT COUNT(*) FROM authors_author' in "\n".join(sql["books.0004_count"])
    assert_same_sql(library.migration_plan("books", target), executor_sql(library, "books", target))


# A package's own operation that takes its time to write its SQL (it looks the database over first).
_SURVEY = _operation("Survey", "Survey the database", [
    "if schema_editor.collect_sql:", "    time.sleep(0.3)", 'schema_editor.execute("SELECT 1")'], preamble="import time")


def test_the_sql_of_a_long_plan_may_take_longer_than_the_plan_was_asked_with(library):
    """A plan's SQL takes a while a step (on a large app, about as long as migrate takes to run it): asked with
    a timeout that its plan keeps within, a long plan's SQL may take longer, never past what migrate needs."""
    name = "0003_merge"
    for index in range(4, 9):
        migration = f"{index:04d}_survey"
        (library.path / "books" / "migrations" / f"{migration}.py").write_text(
            migration_file([("books", name)], "Survey()", preamble=_SURVEY))
        name = migration
    library.migrate("books")
    library.graph()  # the warm probe is up: the plan is a question of milliseconds
    plan = library.migration_plan("books", "0003_merge", timeout=1)
    assert len(plan.steps) == 5
    assert all(lines[-1] == "SELECT 1;" for lines in plan.sql().values())  # 1.5 s of surveys


# A project's own migrate, as a team writes one to keep rollbacks out of its deploys.
_NO_ROLLBACK = '''
from django.core.management.base import CommandError
from django.core.management.commands.migrate import Command as MigrateCommand


class Command(MigrateCommand):
    def handle(self, *args, **options):
        if options["migration_name"] == "zero":
            raise CommandError("no app goes back to zero here: write a migration that undoes what you need")
        return super().handle(*args, **options)
'''

# One that moves the apps depending on authors to their leaves whenever authors moves forward (the plan changes).
_DEPENDANTS_TOO = '''
from django.core.management.commands.migrate import Command as MigrateCommand


class Command(MigrateCommand):
    def handle(self, *args, **options):
        if options["app_label"] == "authors" and options["migration_name"] != "zero":
            options["app_label"], options["migration_name"] = "books", None
        return super().handle(*args, **options)
'''


def _own_migrate(sb, source):
    folder = sb.path / "books" / "management" / "commands"
    folder.mkdir(parents=True)
    for init in (folder.parent / "__init__.py", folder / "__init__.py"):
        init.write_text("")
    (folder / "migrate.py").write_text(source)


def test_a_projects_own_migrate_that_refuses_a_target_is_what_the_plan_says(library):
    """The plan is the project's own migrate's, as `manage.py migrate` runs it: where it refuses, the kit says
    so in its words, and the picker previews nothing to apply."""
    _own_migrate(library, _NO_ROLLBACK)
    refused = "this project's own migrate command (from books) refuses `migrate books zero`: no app goes back to zero"
    with pytest.raises(OwnCommandError, match=re.escape(refused)):
        library.plan("books", "zero")
    with pytest.raises(DjmigError, match="no app goes back to zero here"):
        library.manage("migrate", "books", "zero")
    picker = MigrationPicker(library, "books")
    picker.target.value = "zero"
    assert picker.status.startswith(f"Cannot preview: {refused}") and picker.apply.disabled
    assert plan_rows(library.plan("books", "0001_initial")) == django_plan(library, "books", "0001_initial")


def test_a_projects_own_migrate_that_plans_otherwise_is_what_the_plan_and_its_sql_follow(library):
    """Asked to move authors forward, the project's migrate moves books to its leaf too: so do the plan, the
    data it drops and its SQL (Django's own plan has authors' squash alone)."""
    _own_migrate(library, _DEPENDANTS_TOO)
    library.migrate("authors", "zero")
    plan = library.migration_plan("authors", SQUASHED[1])
    assert plan_rows(plan.operations()) == django_plan(library, "authors", SQUASHED[1])
    assert plan.nodes[0] == SQUASHED and {app for app, _ in plan.nodes} == {"authors", "books"}
    assert list(plan.sql()) == [step["migration"] for step in plan.steps]
