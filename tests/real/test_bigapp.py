"""The box office (tests/bigapp.py), an app of 200 migrations with dozens of models in each state: what the kit
says of it is what Django says, for a few targets (its size is in the number of migrations, not of checks)."""

import pytest

from bigapp import APP, PLUGINS
from oracles import assert_same_as_django, django_plan, plan_rows

pytestmark = pytest.mark.corpus


def test_the_box_office_is_what_its_migrations_make(boxoffice):
    assert "No changes detected" in boxoffice.manage("makemigrations", "--check", "--dry-run").stdout
    dag = assert_same_as_django(boxoffice)
    assert len([node for node in dag.nodes if node[0] == APP]) == 200
    assert {app for app, _ in dag.nodes} >= {APP, *PLUGINS}


@pytest.mark.parametrize("app, target", [(APP, "zero"), (APP, "0150_auto"), ("payments", "zero")])
def test_its_plans_are_migrate_plan(boxoffice, app, target):
    assert plan_rows(boxoffice.plan(app, target)) == django_plan(boxoffice, app, target)
