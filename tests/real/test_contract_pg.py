"""The real-project contract (DESIGN.md, seven points) on the corpus on PostgreSQL (tests/pgcorpus.py, tests/real/contract.py)."""

import pytest

import contract
from pg_side import Side
from pgcorpus import PG_CORPUS, Copies

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module", params=PG_CORPUS)
def project(request, pg_corpus):
    """A corpus project on PostgreSQL, fully migrated: tests only read it (named as conftest.py's SQLite one,
    so that make test-fast leaves these tests out as it leaves those out)."""
    return pg_corpus(request.param)


@pytest.fixture
def side(pg_settings):
    """The PostgreSQL side of the contract; the copies of databases it makes are dropped after the test."""
    copies = Copies(pg_settings)
    yield Side(pg_settings, copies)
    copies.drop()


@pytest.fixture
def project_copy(project, side, tmp_path):
    """A copy of the corpus project and of its database, for a test that changes it."""
    return side.copy(project, tmp_path / project.path.name)


def test_1_graph_is_the_loaders(project, side):
    contract.graph_is_the_loaders(project, side)


def test_2_every_apps_plans_are_migrate_plan(project, side):
    contract.every_apps_plans_are_migrate_plan(project, side)


def test_3_check_is_empty_where_django_is_clean(project, side):
    contract.check_is_empty_where_django_is_clean(project, side)


def test_3_a_table_or_column_dropped_by_hand_gives_one_row(project_copy, side):
    contract.a_table_or_column_dropped_by_hand_gives_one_row(project_copy, side)


def test_4_schema_at_is_schema(project, side):
    contract.schema_at_is_schema(project, side)


def test_5_and_7_rollback_sql_is_what_migrate_runs_and_losses_are_counted(project, side, tmp_path):
    """The root apps' rollbacks, chained: every step has SQL, and it is what migrate runs (steps whose schema editor
    looks a constraint or an index up by name see the schema the steps before them leave, in the shadow database:
    django-oscar's catalogue.0001, customer.0004 and customer.0005 did not, collected against the live one; nor did
    accounts' pages.0005 and 0008, where django.contrib.postgres kept the shadow from opening; and the operations
    of pages.0001_squashed_0004_page and 0006 see what the operations before them in the migration did)."""
    found = contract.rollback_sql_is_what_migrate_runs_and_losses_are_counted(project, side, tmp_path)
    assert not found["without"] and not found["different"], found


def test_6_drawings_picker_and_pieces_work_for_every_app(project, side):
    contract.drawings_picker_and_pieces_work_for_every_app(project, side)


def test_a_command_error_is_a_djmig_error(project):
    contract.a_command_error_is_a_djmig_error(project)
