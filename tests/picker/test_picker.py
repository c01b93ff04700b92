"""MigrationPicker and PiecesView, driven headless against a real sandbox: set values, click, read the database."""

import re
import shutil
import threading

import pytest

from djmig_kernel import MigrationPicker, PiecesView, Sandbox, replay
from djmig_kernel.display.frames import WholeFrame
from djmig_kernel.exceptions import UnknownAppError
from djmig_kernel.notebook.walkthrough import BOOK_MODELS
from projects import add_an_opaque_step_then_a_unique

YEAR_MODELS = BOOK_MODELS + "    year = models.IntegerField(null=True)\n"

REVIEW_MODELS = """
from django.db import models

from app.models import Book


class Review(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE)
    stars = models.IntegerField()
"""

IRREVERSIBLE = '''
from django.db import migrations


def touch(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("app", "0003_book_year")]
    operations = [migrations.RunPython(touch)]
'''


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """Build once: the walkthrough through notebook 04, then app.0003_book_year and reviews.0001.

        app:     0001_initial -> 0002_added_Book_model -> 0003_book_year
                                                              |
        reviews:                                         0001_initial

    Everything is applied; app_author, app_book and reviews_review hold one row each.
    """
    root = tmp_path_factory.mktemp("template")
    sb = replay(root, "04")
    sb.write_models("app", YEAR_MODELS)
    sb.makemigrations("app", name="book_year")
    sb.startapp("reviews")
    sb.write_models("reviews", REVIEW_MODELS)
    sb.makemigrations("reviews")
    sb.migrate()
    sb.shell("from reviews.models import Review; Review.objects.create(book_id=1, stars=5)")
    return sb.path


class CountingSandbox(Sandbox):
    """A real Sandbox that records each migrate it is asked to run.

    While ``gate`` (a threading.Event) is set to an unset event, migrate waits for it
    before it runs: a test can then act while a migrate is under way.
    """

    def __init__(self, path):
        super().__init__(path)
        self.migrates = []
        self.graphs = 0
        self.gate = None
        self.entered = threading.Event()

    def graph(self, timeout=60):
        self.graphs += 1
        return super().graph(timeout=timeout)

    def migrate(self, app=None, target=None, timeout=60):
        self.migrates.append((app, target))
        self.entered.set()
        if self.gate is not None:
            assert self.gate.wait(60), "the test never opened the gate"
        return super().migrate(app, target, timeout=timeout)


@pytest.fixture
def sb(template, tmp_path):
    """A fresh copy of the template sandbox for each test."""
    return CountingSandbox(shutil.copytree(template, tmp_path / "djsandbox"))


def app_ledger(sb, app="app"):
    return list(sb.ledger().query("app == @app")["name"])


def dot_source(picker):
    (output,) = picker._preview.dag.outputs
    return output["data"]["text/vnd.graphviz"]


ALL_APP = ["0001_initial", "0002_added_Book_model", "0003_book_year"]


def test_opens_on_the_current_migration_with_applied_ones_marked(sb):
    sb.migrate("app", "0002_added_Book_model")  # drags reviews.0001_initial back too
    picker = MigrationPicker(sb, "app")
    assert picker.target.value == "0002_added_Book_model"
    assert picker.target.options == (
        ("zero", "zero"),
        ("[X] 0001_initial", "0001_initial"),
        ("[X] 0002_added_Book_model", "0002_added_Book_model"),
        ("[ ] 0003_book_year", "0003_book_year"),
    )
    assert picker.plan is None and picker.apply.disabled
    assert picker.status == "app is at 0002_added_Book_model: nothing to do. Choose another target to preview it."
    assert repr(picker) == "<MigrationPicker of app 'app' in <Sandbox djsandbox>>"


def test_preview_shows_plan_sql_losses_and_highlighted_dag_and_changes_nothing(sb):
    before = sb.db_path.read_bytes()
    picker = MigrationPicker(sb, "app")
    picker.target.value = "0002_added_Book_model"

    assert picker.plan.nodes == [("reviews", "0001_initial"), ("app", "0003_book_year")]
    assert picker.losses.values.tolist() == [["reviews_review", None, 1], ["app_book", "year", 1]]
    preview = picker.preview
    assert preview.index("unapply reviews.0001_initial") < preview.index("unapply app.0003_book_year")
    assert 'DROP TABLE &quot;reviews_review&quot;' in preview
    assert "ALTER TABLE &quot;app_book&quot; DROP COLUMN &quot;year&quot;" in preview
    assert "table reviews_review (1 row)" in preview and "column app_book.year (1 row)" in preview
    assert picker.status == (
        "migrate app 0002_added_Book_model would unapply 2 migrations and drop table reviews_review (1 row), "
        "column app_book.year (1 row). Apply asks for a second click."
    )
    dot = dot_source(picker)
    assert "cluster_reviews" in dot  # the app dragged along is drawn
    highlighted = re.findall(r'^\s*"([^"]+)" \[[^\]]*penwidth=3', dot, re.M)
    assert highlighted == ["app.0003_book_year", "reviews.0001_initial"]
    assert sb.db_path.read_bytes() == before and sb.migrates == []


def test_a_preview_shows_the_plan_and_the_data_lost_first_and_the_sql_when_it_comes(sb):
    """What the page has been sent when the SQL is asked for (on a large app it takes seconds): the plan, its
    losses and the status line; then the same with the SQL."""
    picker = MigrationPicker(sb, "app")
    shown, when_sql_asked = [], []
    picker._preview.text.observe(lambda change: shown.append(change["new"]), names="value")
    plan_of = sb.migration_plan

    def watched(*args, **kwargs):  # the real plan, whose SQL request notes what the page showed by then
        plan = plan_of(*args, **kwargs)
        fetch = plan.fetch_sql
        plan.fetch_sql = lambda: (when_sql_asked.append((list(shown), picker.status)), fetch())[1]
        return plan
    sb.migration_plan = watched
    picker.target.value = "0002_added_Book_model"
    (before, status), = when_sql_asked
    assert "unapply reviews.0001_initial" in before[-1] and "table reviews_review (1 row)" in before[-1]
    assert before[-1].count("-- working out its SQL …") == 2 and "DROP TABLE" not in before[-1]
    assert status.startswith("migrate app 0002_added_Book_model would unapply 2 migrations and drop table")
    assert shown[-1].count("DROP TABLE &quot;reviews_review&quot;") == 1 and "working out" not in shown[-1]
    assert picker.status == status and not picker.apply.disabled


def test_the_data_lost_comes_first_in_a_preview_the_keyboard_can_scroll(sb):
    """The preview scrolls inside a box of fixed height: what a rollback drops is at its top, under the command,
    never below the steps and their SQL (for zero, app_author's one row came last, out of sight)."""
    picker = MigrationPicker(sb, "app")
    picker.target.value = "zero"
    preview = picker.preview
    assert preview.startswith("<div><b>python manage.py migrate app zero</b></div><div class='djmig-lost'>"
                              "<b>Data that would be lost</b><ul><li>table reviews_review (1 row)</li>")
    assert "<li>table app_author (1 row)</li>" in preview[:preview.index("<ol>")]
    # The live pane wraps it in a region that Tab reaches and a screen reader names.
    assert picker._preview.text.value == (
        "<div class='djmig-scroll' tabindex='0' role='region' aria-label='Preview of python manage.py migrate app "
        f"zero'>{preview}</div>")
    (output,) = picker._preview.dag.outputs
    assert "Thick orange outline, in the plan: app 0001_initial, 0002_added_Book_model, 0003_book_year; " \
           "reviews 0001_initial." in output["data"]["text/html"]


def test_a_plan_that_loses_data_runs_on_the_second_click(sb):
    picker = MigrationPicker(sb, "app")
    picker.target.value = "0001_initial"
    picker.apply.click()

    assert picker.armed and sb.migrates == []
    assert picker.status == (
        "Armed: migrate app 0001_initial drops table reviews_review (1 row), table app_book (1 row). "
        "Click apply again to go ahead, or choose another target."
    )
    assert picker.apply.description == "Apply: drop the data" and picker.apply.button_style == "danger"
    assert app_ledger(sb) == ALL_APP

    picker.apply.click()
    assert sb.migrates == [("app", "0001_initial")]
    assert app_ledger(sb) == ["0001_initial"] and app_ledger(sb, "reviews") == []
    assert "app_book" not in sb.tables() and "reviews_review" not in sb.tables()
    assert not picker.armed and picker.apply.description == "Apply"
    assert picker.status == "Done: unapplied 3 migrations; app is now at 0001_initial."
    # Ledger, tables and DAG refreshed.
    assert picker.target.options[2] == ("[ ] 0002_added_Book_model", "0002_added_Book_model")
    assert "0001_initial\n◀ current" in dot_source(picker)
    assert "0003_book_year" not in picker.pieces.reading.applied
    assert [change for change in picker.pieces.changes.ledger()] == [
        ("-", 20, "0002_added_Book_model"), ("-", 21, "0003_book_year")
    ]
    assert "- table app_book, with its 1 row" in picker.pieces.value


def test_choosing_another_target_disarms(sb):
    picker = MigrationPicker(sb, "app")
    picker.target.value = "zero"
    picker.apply.click()
    assert picker.armed
    picker.target.value = "0002_added_Book_model"
    assert not picker.armed and picker.apply.description == "Apply"
    picker.apply.click()  # arms for the new plan: it loses data too
    assert picker.armed and sb.migrates == []
    assert "drops table reviews_review (1 row), column app_book.year (1 row)" in picker.status
    assert app_ledger(sb) == ALL_APP


def test_a_loss_free_plan_runs_at_once(sb):
    sb.migrate("app", "zero")
    picker = MigrationPicker(sb, "app")
    assert picker.target.value == "zero"
    picker.target.value = "0003_book_year"
    assert picker.losses.empty
    assert picker.status == "migrate app 0003_book_year would apply 3 migrations; no data is lost. Apply runs it."

    picker.apply.click()
    assert sb.migrates == [("app", "zero"), ("app", "0003_book_year")]
    assert app_ledger(sb) == ALL_APP
    assert sb.table("app_book").empty  # the schema came back, the rows did not
    assert picker.status == "Done: applied 3 migrations; app is now at 0003_book_year."
    assert [label for label, _ in picker.target.options][1:] == [f"[X] {name}" for name in ALL_APP]


def test_an_irreversible_migration_shows_one_error_line_and_changes_nothing(sb):
    (sb.path / "app" / "migrations" / "0004_touch.py").write_text(IRREVERSIBLE)
    sb.migrate("app")
    before = sb.db_path.read_bytes()
    picker = MigrationPicker(sb, "app")
    picker.target.value = "0003_book_year"
    assert "app.0004_touch cannot be unapplied, so migrate will stop with an error" in picker.status

    picker.apply.click()
    assert picker.status.startswith("Error: `python manage.py migrate app 0003_book_year` failed: ")
    assert "IrreversibleError" in picker.status and "\n" not in picker.status
    assert "djmig-error" in picker._status.value
    assert sb.db_path.read_bytes() == before
    assert app_ledger(sb) == [*ALL_APP, "0004_touch"]
    assert not picker.running and not picker.apply.disabled


def test_clicks_while_a_migration_runs_are_ignored_not_queued(sb):
    picker = MigrationPicker(sb, "app")
    picker.target.value = "0002_added_Book_model"
    picker.apply.click()  # arm
    sb.gate = threading.Event()
    first = threading.Thread(target=picker.apply.click)
    first.start()
    assert sb.entered.wait(30), "the first click never started its migrate"
    assert picker.running and picker.apply.disabled and picker.target.disabled
    # More clicks while the migrate runs: each must return at once, not wait for it.
    more = threading.Thread(target=lambda: [picker.apply.click() for _ in range(3)])
    more.start()
    more.join(10)
    assert not more.is_alive(), "a click waited for the running migrate"
    sb.gate.set()
    first.join(60)

    assert sb.migrates == [("app", "0002_added_Book_model")]
    assert app_ledger(sb) == ALL_APP[:2]
    assert picker.status == "Done: unapplied 2 migrations; app is now at 0002_added_Book_model."
    assert not picker.running and picker.apply.disabled  # nothing left to do at the current migration


def test_refresh_picks_up_a_new_migration_file(sb):
    picker = MigrationPicker(sb, "app")
    sb.write_models("app", YEAR_MODELS + "    pages = models.IntegerField(null=True)\n")
    sb.makemigrations("app", name="book_pages")
    picker.refresh()
    assert picker.target.options[-1] == ("[ ] 0004_book_pages", "0004_book_pages")
    assert picker.target.value == "0003_book_year"
    assert picker.pieces.changes.migrations() == [("+", "0004_book_pages")]


def test_preview_of_a_broken_migration_folder_says_so_in_one_line(sb):
    picker = MigrationPicker(sb, "app")
    (sb.path / "app" / "migrations" / "0004_broken.py").write_text("this is not python\n")
    picker.target.value = "0001_initial"
    assert picker.status.startswith("Cannot preview: ")
    assert "\n" not in picker.status and picker.plan is None and picker.apply.disabled


def test_an_app_without_migrations_is_refused_in_one_line(sb):
    with pytest.raises(UnknownAppError) as error:
        MigrationPicker(sb, "reviewz")
    assert str(error.value) == (
        "app 'reviewz' has no migrations in <Sandbox djsandbox>; choose one of: admin, app, auth, "
        "contenttypes, reviews, sessions, or run sb.makemigrations('reviewz') first"
    )


def test_pieces_view_shows_the_four_pieces_and_what_changed(sb):
    view = PiecesView(sb, "app")
    assert repr(view) == "<PiecesView of app 'app'>"
    assert view.changes is None
    for title in ("app/models.py", "app/migrations/", "django_migrations (the ledger)", "database tables"):
        assert title in view.value
    sb.shell("from app.models import Author; Author.objects.create(name='Ursula K. Le Guin')")
    changes = view.refresh()
    assert changes.tables() == [("~", "app_author: 1 row → 2 rows")]
    assert "app_author: 1 row → 2 rows" in view.value


def test_a_squashed_app_taken_to_zero_drags_its_dependants_and_their_join_table(library):
    """authors.0001_squashed_0002 <- books.0001 <- (0002_book_isbn, 0002_book_pages) <- books.0003_merge"""
    picker = MigrationPicker(library, "authors")
    assert picker.target.options == (
        ("zero", "zero"), ("[X] 0001_squashed_0002_author_bio", "0001_squashed_0002_author_bio")
    )
    picker.target.value = "zero"
    assert picker.plan.nodes[-1] == ("authors", "0001_squashed_0002_author_bio")
    assert {app for app, _ in picker.plan.nodes} == {"authors", "books"}
    assert "books_book_genres" in set(picker.losses["table"])
    picker.apply.click()
    picker.apply.click()
    assert set(library.ledger()["app"]) & {"authors", "books"} == set()
    assert not any(t.startswith(("authors_", "books_")) for t in library.tables())
    assert picker.status == "Done: unapplied 5 migrations; authors is now at zero."


def test_an_inconsistent_history_is_one_line_in_the_preview_and_apply_changes_nothing(sb):
    import sqlite3

    with sqlite3.connect(sb.db_path) as connection:
        connection.execute("DELETE FROM django_migrations WHERE app = 'app' AND name = '0001_initial'")
    connection.close()
    before = sb.db_path.read_bytes()
    picker = MigrationPicker(sb, "app")
    picker.target.value = "zero"
    assert picker.status.startswith(
        "Cannot preview: migration app.0002_added_Book_model is applied before its dependency app.0001_initial "
        "(inconsistent history), so migrate would stop; repair the ledger: python manage.py shell -c ")
    assert "record_applied('app', '0001_initial')" in picker.status and "\n" not in picker.status
    status = picker.status
    picker.apply.click()
    assert picker.status == status  # nothing to run: the preview already said why
    assert sb.db_path.read_bytes() == before


def test_pieces_view_with_check_marks_what_check_names(sb):
    (sb.path / "app" / "migrations" / "0004_touch.py").write_text(
        IRREVERSIBLE.replace("migrations.RunPython(touch)", "migrations.RunPython(touch, touch)"))
    sb.migrate("app")
    view = PiecesView(sb, "app", check=True)
    assert "disagree" not in view.value
    (sb.path / "app/migrations/0004_touch.py").unlink()
    view.refresh()
    assert "0004_touch  ✗ no-file" in view.value


def test_apply_reads_the_applied_migrations_from_the_ledger_without_asking_django_again(sb):
    picker = MigrationPicker(sb, "app")
    picker.target.value = "0002_added_Book_model"
    asked = sb.graphs
    picker.apply.click()
    picker.apply.click()  # the year column goes: the second click runs it
    assert sb.migrates == [("app", "0002_added_Book_model")]
    assert sb.graphs == asked
    assert picker._graph.dag == sb.graph()  # the same graph, applied set and all, as Django's loader
    assert picker.target.options[-1] == ("[ ] 0003_book_year", "0003_book_year")


def test_apply_asks_django_again_when_a_migration_file_changed(sb):
    picker = MigrationPicker(sb, "app")
    picker.target.value = "0002_added_Book_model"
    (sb.path / "app/migrations/0004_empty.py").write_text(
        "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
        "    dependencies = [('app', '0003_book_year')]\n"
    )
    asked = sb.graphs
    picker.apply.click()
    picker.apply.click()  # the year column goes: the second click runs it
    assert sb.graphs == asked + 1
    assert ("app", "0004_empty") in picker._graph.dag.nodes


def test_the_preview_marks_a_step_whose_sql_cannot_be_computed_and_shows_the_rest(library):
    """books.0004 is a package's own operation whose undoing has no SQL; 0005 adds a unique (title, pages)."""

    add_an_opaque_step_then_a_unique(library)
    picker = MigrationPicker(library, "books")
    picker.target.value = "0003_merge"
    assert picker.plan.nodes == [("books", "0005_unique"), ("books", "0004_reshelve")]
    preview = picker._preview.text.value
    assert "-- SQL not available: Reshelve is undone row by row, in Python" in preview
    assert "DROP INDEX" in preview
    assert picker.status == "migrate books 0003_merge would unapply 2 migrations; no data is lost. Apply runs it."


def test_a_snapshot_keeps_what_the_picker_showed_at_that_moment(sb):
    picker = MigrationPicker(sb, "app")
    picker.target.value = "0002_added_Book_model"
    picker.apply.click()  # arms: the plan drops data
    armed = picker.snapshot()
    picker.apply.click()
    done = picker.snapshot()

    assert repr(armed).splitlines() == [
        "migrate to [[X] 0002_added_Book_model ▾]  [Apply: drop the data]",
        "Armed: migrate app 0002_added_Book_model drops table reviews_review (1 row), column app_book.year "
        "(1 row). Click apply again to go ahead, or choose another target.",
        "  1. unapply reviews.0001_initial: Undo Create model Review",
        "  2. unapply app.0003_book_year: Undo Add field year to book",
    ]
    assert "djmig-armed" in armed._repr_html_() and "DROP COLUMN" in armed._repr_html_()
    text = repr(done)
    assert text.startswith("migrate to [[X] 0002_added_Book_model ▾]  [Apply (disabled)]\n"
                           "Done: unapplied 2 migrations; app is now at 0002_added_Book_model.\n"
                           "What the last step changed:\n")
    assert "- column app_book.year" in text and "| app | 0003_book_year" in text  # the app's own pieces
    assert "What the last step changed" in done._repr_html_() and "<img" not in done._repr_html_()
    # The first snapshot did not change when the picker moved on.
    assert repr(armed).startswith("migrate to [[X] 0002_added_Book_model ▾]  [Apply: drop the data]")


def test_the_forecast_is_worked_out_when_asked_and_says_per_step_what_waits_and_what_breaks(sb):
    """Choosing a target previews plan, SQL and data lost without asking what the plan does to a live database;
    Forecast adds, per step, the lock that makes others wait on a table with rows and the old code that breaks,
    as plan.locks() and plan.old_code() say them; choosing another target drops it."""
    picker = MigrationPicker(sb, "app")
    picker.target.value = "0002_added_Book_model"
    assert picker.forecasts is None and "djmig-forecast" not in picker.preview
    assert picker.plan._locks is None, "the preview asked for the locks before Forecast was clicked"
    assert not picker.forecast.disabled
    picker.forecast.click()

    lines = {
        "reviews.0001_initial": ["locks the database against writes while it changes reviews_review (1 row)",
                                 "old code can't create, read, update or delete reviews.Review: "
                                 "no such table: reviews_review"],
        "app.0003_book_year": ["locks the database against writes while it reads every row of app_book (1 row)",
                               "old code can't create, read, update or delete app.Book: table app_book has no "
                               "column named year"],
    }
    assert picker.forecasts == lines
    locks, old_code = picker.plan.locks(), picker.plan.old_code()
    assert isinstance(old_code, WholeFrame)  # the database's error lines, shown whole
    assert set(locks.loc[locks["blocks"] == "writes", "table"]) == {"reviews_review", "app_book"}
    assert set(old_code.loc[~old_code["works"].astype(bool), "model"]) == {"reviews.Review", "app.Book"}
    assert picker.status.endswith("On a live database: 2 steps make others wait and old code breaks at 2 steps.")
    assert "On a live database: 2 steps" in picker.preview and lines["app.0003_book_year"][0] in picker.preview
    assert repr(picker.snapshot()).splitlines()[2:] == [
        "  1. unapply reviews.0001_initial: Undo Create model Review",
        *(f"     {line}" for line in lines["reviews.0001_initial"]),
        "  2. unapply app.0003_book_year: Undo Add field year to book",
        *(f"     {line}" for line in lines["app.0003_book_year"]),
    ]
    assert sb.migrates == [] and app_ledger(sb) == ALL_APP  # a forecast changes nothing

    picker.target.value = "zero"
    assert picker.forecasts is None and "djmig-forecast" not in picker.preview
    picker.target.value = "0003_book_year"  # nothing to do: nothing to forecast
    assert picker.forecast.disabled
