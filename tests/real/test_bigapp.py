"""The box office (tests/bigapp.py), an app of 200 migrations with dozens of models in each state: what the kit
says of it is what Django says, for a few targets (its size is in the number of migrations, not of checks)."""

import re

import pytest

from bigapp import APP, PLUGINS
from djmig_kernel import render_dag
from djmig_kernel.commands.warm import probe_code
from helpers import django_answer
from oracles import assert_same_as_django, assert_same_sql, django_plan, executor_sql, plan_rows

pytestmark = pytest.mark.corpus


def test_the_box_office_is_what_its_migrations_make(boxoffice):
    assert "No changes detected" in boxoffice.manage("makemigrations", "--check", "--dry-run").stdout
    dag = assert_same_as_django(boxoffice)
    assert len([node for node in dag.nodes if node[0] == APP]) == 200
    assert {app for app, _ in dag.nodes} >= {APP, *PLUGINS}


@pytest.mark.graphviz
def test_its_graph_folds_to_at_most_45_boxes_that_fit_the_column(boxoffice):
    """Near 300 migrations in 20 apps, plugins with merges of their own: folding runs of two and squashes left
    69 boxes; each app's history folds across its branches and merges."""
    dag = boxoffice.graph()
    boxes = re.findall(r'^\s+"[^"]+" \[label=', render_dag(dag).source, re.M)
    assert len(dag.apps) == 20 and len(dag.nodes) > 290 and len(boxes) <= 45
    svg = dag.show()._repr_mimebundle_()["image/svg+xml"]
    assert float(re.search(r'width="([\d.]+)pt"', svg).group(1)) <= 684 + 1  # the notebook column


@pytest.mark.parametrize("app, target", [(APP, "zero"), ("payments", "zero")])
def test_its_plans_are_migrate_plan(boxoffice, app, target):
    assert plan_rows(boxoffice.plan(app, target)) == django_plan(boxoffice, app, target)


# The models each step of the box office's last three migrations, undone, renders to collect its SQL (as the
# probe collects it), and those of the last state that point at its events.
RENDERED = """
import json
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import ModelState
{load_probe}
from djmig_probe import sql

rendered, render = [], ModelState.render
def recording(self, apps):
    rendered.append([self.name_lower, sorted(self.fields)])
    return render(self, apps)
ModelState.render = recording
executor = MigrationExecutor(connection)
steps = sql.plan_sql(executor, executor.migration_plan([("boxoffice", "0197_auto")]))
state = executor.loader.project_state()
def points_at_events(model):
    return any(getattr(field.remote_field, "model", None) == "boxoffice.event" for field in model.fields.values())
pointing = sorted(name for (app, name), model in state.models.items() if app == "boxoffice" and points_at_events(model))
print(json.dumps({{"rendered": rendered, "steps": steps, "pointing": pointing}}))
"""


def test_a_step_renders_what_it_touches_not_the_models_pointing_at_them(boxoffice):
    """Undoing a migration that adds a column to events renders events and what events point at (their primary
    keys), never the dozens of models pointing at events with their fields: the SQL of a step costs what the step
    touches, not the size of the app (each step rendered them all, and a rollback of the app ran past its
    timeout)."""
    answer = django_answer(boxoffice, RENDERED.format(load_probe=probe_code("pass")))
    named = {word.lower() for migration in ("0198_auto", "0199_auto", "0200_auto")
             for word in re.findall(r"(?:model_name|name|to)='(?:boxoffice\.)?(\w+)'",
                                    (boxoffice.path / APP / "migrations" / f"{migration}.py").read_text())}
    assert len(answer["steps"]) >= 3 and len(answer["pointing"]) > 50
    others = set(answer["pointing"]) - named
    with_their_fields = {name for name, fields in answer["rendered"] if name in others and "event" in fields}
    assert not with_their_fields, f"{len(with_their_fields)} models that the steps do not touch were rendered"


def test_the_sql_of_steps_on_its_hubs_is_what_djangos_executor_collects(boxoffice):
    """Rendered without the models pointing at them, and with the models they point at cut to their keys, the
    steps on events, orders and their positions still write Django's SQL, table rebuilds and all."""
    assert_same_sql(boxoffice.migration_plan(APP, "0199_auto"), executor_sql(boxoffice, APP, "0199_auto"))
