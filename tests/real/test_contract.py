"""The real-project contract (DESIGN.md, seven points) on every corpus project on SQLite (tests/real/contract.py)."""

import sqlite3

import pytest

import contract
import sqlite_side as side

pytestmark = pytest.mark.corpus


def test_1_graph_is_the_loaders(project):
    contract.graph_is_the_loaders(project, side)


def test_2_every_apps_plans_are_migrate_plan(project):
    contract.every_apps_plans_are_migrate_plan(project, side)


def test_3_check_is_empty_where_django_is_clean(project):
    contract.check_is_empty_where_django_is_clean(project, side)


def test_3_a_table_or_column_dropped_by_hand_gives_one_row(project_copy):
    contract.a_table_or_column_dropped_by_hand_gives_one_row(project_copy, side)


def test_4_schema_at_is_schema(project):
    contract.schema_at_is_schema(project, side)


def test_the_shown_sql_runs_on_a_database_with_a_full_text_index(tmp_path):
    """Wagtail's search: an FTS5 index kept by triggers on its table; a shown step renames the table."""
    db = tmp_path / "db.sqlite3"
    with sqlite3.connect(db) as connection:
        connection.executescript(
            "CREATE TABLE entry (id integer PRIMARY KEY, body text);"
            "CREATE VIRTUAL TABLE entry_fts USING fts5(body, content='entry', content_rowid='id');"
            "CREATE TRIGGER entry_ai AFTER INSERT ON entry BEGIN"
            " INSERT INTO entry_fts(rowid, body) VALUES (new.id, new.body); END;"
            "CREATE TRIGGER entry_ad AFTER DELETE ON entry BEGIN"
            " INSERT INTO entry_fts(entry_fts, rowid, body) VALUES ('delete', old.id, old.body); END;"
            "CREATE TABLE django_migrations (id integer PRIMARY KEY, app text, name text, applied datetime);"
            "INSERT INTO entry (body) VALUES ('kept apart');")
    side.run_shown(db, {"search.0002": ["-- Rename table", 'ALTER TABLE "entry" RENAME TO "entry_old";']})
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(*) FROM entry_old").fetchone() == (0,)
        assert connection.execute("SELECT count(*) FROM entry_fts_config").fetchone()[0] > 0


def test_5_and_7_rollback_sql_is_what_migrate_runs_and_losses_are_counted(project, tmp_path):
    """The root apps' rollbacks, chained: every step's statements are migrate's; none lacks SQL."""
    found = contract.rollback_sql_is_what_migrate_runs_and_losses_are_counted(project, side, tmp_path)
    assert not found["without"], found["without"]
    assert not found["different"], found["different"]


def test_6_drawings_picker_and_pieces_work_for_every_app(project):
    contract.drawings_picker_and_pieces_work_for_every_app(project, side)


def test_a_command_error_is_a_djmig_error(project):
    contract.a_command_error_is_a_djmig_error(project)
