"""A real third-party project from PyPI (Wagtail: 183 migrations in 14 apps): the kit says what Django says.

The SQL of every rollback is checked against what migrate runs by the real-project contract (tests/real/), on
Wagtail's own project template among others; here, forwards from nothing against Django's executor.
"""

import pytest

from oracles import assert_same_as_django
from oracles import assert_same_sql, executor_sql
from oracles import parse_migrate_plan, plan_rows, plans

WAGTAIL_APPS = ["admin", "auth", "contenttypes", "sessions", "taggit", "wagtailadmin", "wagtailcore",
                "wagtaildocs", "wagtailembeds", "wagtailforms", "wagtailimages", "wagtailredirects",
                "wagtailsearch", "wagtailusers"]


def test_wagtail_graph_is_djangos_graph(wagtail):
    dag = assert_same_as_django(wagtail)
    assert dag.apps == WAGTAIL_APPS
    assert len(dag.nodes) == 183
    assert dag.applied >= set(dag.nodes)


@pytest.fixture(scope="module")
def migrate_plans(wagtail):
    """What `migrate APP zero --plan` prints for every app (and to each leaf), asked of one Django start."""
    return plans(wagtail)


@pytest.mark.parametrize("app", WAGTAIL_APPS)
def test_every_wagtail_app_to_zero_plans_as_migrate_does(wagtail, migrate_plans, app):
    """Step for step and operation for operation, migrations without operations included."""
    assert plan_rows(wagtail.plan(app, "zero")) == parse_migrate_plan(migrate_plans[f"{app} zero"])


def test_wagtail_rollback_sql_has_the_step_that_looks_a_constraint_up(wagtail):
    """Unapplying wagtailsearch.0001 drops a unique_together that a later wagtailsearch migration
    dropped and its undoing made again: collected against the live database it has no such index
    (Django's own collect_sql fails); rehearsed in the shadow database, it is there to drop."""
    plan = wagtail.migration_plan("wagtailsearch", "zero")
    sql = plan.sql()
    assert list(sql) == [step["migration"] for step in plan.steps]
    assert 'DROP INDEX "wagtailsearch_querydailyhits_query_id_date_1dd232e6_uniq";' in sql["wagtailsearch.0001_initial"]
    assert not [m for m, lines in sql.items() if lines and lines[0].startswith("-- SQL not available")]
    assert any(line.startswith("DROP TABLE") for lines in sql.values() for line in lines)


def test_wagtail_data_loss_to_zero_names_the_live_tables_that_go(wagtail):
    """wagtailsearch.0008 dropped the Query tables: the rollback re-creates them empty and drops them
    again, so migrate loses nothing of them; the index entries are there now and go."""
    losses = wagtail.data_loss("wagtailsearch", "zero")
    live = set(wagtail.tables())
    assert set(losses["table"]) == {"wagtailsearch_indexentry"} <= live
    assert not {"wagtailsearch_query", "wagtailsearch_querydailyhits"} & live
    assert (losses["rows"] == 0).all()


def test_wagtail_forwards_from_nothing_has_the_sql_djangos_executor_collects(wagtail_copy):
    wagtail_copy.manage("migrate", "auth", "zero", "--fake")
    [(_, leaf)] = wagtail_copy.graph().leaf_nodes("wagtailcore")
    plan = wagtail_copy.migration_plan("wagtailcore", leaf)
    assert len(plan.steps) > 90
    assert_same_sql(plan, executor_sql(wagtail_copy, "wagtailcore", leaf))


def test_the_sql_of_a_renamed_model_is_the_same_every_time(wagtail):
    """Undoing wagtailcore.0070 (PageRevision renamed Revision) rebuilds the tables pointing at it, in
    an order Django takes from a set: the kit's answer does not change from one run to the next."""
    runs = [wagtail.migration_plan("wagtailcore", "0069_log_entry_jsonfield").sql() for _ in range(3)]
    rename = "wagtailcore.0070_rename_pagerevision_revision"
    assert sum(line.startswith('CREATE TABLE "new__') for line in runs[0][rename]) >= 2
    assert runs[0] == runs[1] == runs[2]
