"""No false alarms: check() is empty and schema_at() is the live schema on freshly migrated real projects.

Two projects: Wagtail (a CMS from PyPI: 13 apps, squashed migrations, an FTS5 virtual table made
by a SeparateDatabaseAndState, multi-table inheritance, tagging through models), and a project built
here with every shape a real project brings that Wagtail lacks (a custom user model, proxy and
unmanaged models, a RunSQL table and an FTS5 table, a many-to-many with ``through``, a squash
whose replaced files are gone, a database cache table).
"""

import sqlite3

import pytest

from helpers import files_digest, migration_file

from oracles import assert_same_sql, executor_sql

def _virtual_tables(sb):
    with sqlite3.connect(sb.db_path) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")
        names = {name for (name,) in rows}
    connection.close()
    return names


def _same_schema(sb):
    """Return the state's and the database's columns of the tables migrations make.

    A virtual table's columns are its module's (FTS5's are untyped), not the model's that the
    state keeps for it: those tables are left out of the comparison.
    """
    key = ["table", "column"]
    state = sb.schema_at()
    state = state[~state["table"].isin(_virtual_tables(sb))].sort_values(key).reset_index(drop=True)
    live = sb.schema(*sorted(set(state["table"]))).sort_values(key).reset_index(drop=True)
    return state, live


@pytest.mark.parametrize("project", ["wagtail_copy", "zoo"])
def test_a_freshly_migrated_real_project_agrees(project, request):
    sb = request.getfixturevalue(project)
    before = files_digest(sb.path)
    found = sb.check()
    assert found.empty, found.to_string()
    state, live = _same_schema(sb)
    assert state.equals(live)
    assert files_digest(sb.path) == before


def test_wagtail_has_the_shapes_the_no_false_alarm_test_needs(wagtail):
    tables = wagtail.tables()
    assert len(tables) > 50
    assert "wagtailsearch_indexentry_fts" in tables  # the FTS5 virtual table
    assert any(name.endswith("_fts_data") for name in tables)  # and SQLite's shadow tables
    replaced = wagtail.graph().replaces
    assert replaced, "Wagtail ships squashed migrations"


def test_zoo_has_the_shapes_the_no_false_alarm_test_needs(zoo):
    tables = set(zoo.tables())
    assert {"zoo_legacy", "zoo_search", "zoo_search_data", "zoo_cache", "zoo_user",
            "zoo_restaurant", "zoo_article_tags", "zoo_membership"} <= tables
    assert "zoo_placeproxy" not in tables and "auth_user" not in tables
    assert not (zoo.path / "zoo/migrations/0001_initial.py").exists()


def test_a_real_project_still_reports_what_is_broken(wagtail_copy):
    with sqlite3.connect(wagtail_copy.db_path) as connection:
        connection.execute("DROP TABLE taggit_tag")
    connection.close()
    found = wagtail_copy.check()
    assert list(found[["kind", "subject"]].itertuples(index=False, name=None)) == [("missing-table", "taggit_tag")]


def test_zoo_sql_with_a_renamed_model_is_what_djangos_executor_collects(zoo):
    """A custom user, a multi-table child, a proxy, an unmanaged model, a many-to-many through a model
    and a squash, then Tag renamed: its many-to-many table is renamed as migrate renames it."""
    (zoo.path / "zoo/migrations/0004_rename_tag.py").write_text(
        migration_file([("zoo", "0003_legacy_and_search")], 'migrations.RenameModel("Tag", "Label")'))
    zoo.migrate("zoo")
    plan = zoo.migration_plan("zoo", "zero")
    assert any('RENAME TO "zoo_article_tags"' in line for line in plan.sql()["zoo.0004_rename_tag"])
    assert_same_sql(plan, executor_sql(zoo, "zoo", "zero"))
    zoo.manage("migrate", "zoo", "0003", "--fake")
    assert_same_sql(zoo.migration_plan("zoo", "0004_rename_tag"), executor_sql(zoo, "zoo", "0004_rename_tag"))
