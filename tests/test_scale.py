"""The generated many-app project of benchmarks/ (small here): the kit still says what Django says."""

import sys
from pathlib import Path

import pytest

from djmig_kernel.notebook.branches import copy_project
from oracles import executor_sql, masked_sql
from oracles import assert_same_as_django
from oracles import plan_rows, django_plan

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from project import generate  # noqa: E402


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """4 apps of 12 migrations: cross-app dependencies, foreign keys to app00, removed fields; all applied."""
    sb = generate(tmp_path_factory.mktemp("scale"), "generated", 4, 12)
    sb.migrate(timeout=600)
    return sb


def test_generated_models_match_their_migrations(generated):
    assert "No changes detected" in generated.manage("makemigrations", "--check", "--dry-run").stdout


def test_generated_graph_is_djangos_graph(generated):
    dag = assert_same_as_django(generated)
    assert [n for n in dag.nodes if n[0].startswith("app")] == [
        (f"app{k:02d}", name) for k in range(4)
        for name in ["0001_initial"] + [f"{i:04d}_step" for i in range(2, 13)]
    ]


@pytest.mark.parametrize("app", ["app00", "app01", "app03"])
def test_generated_rollbacks_plan_as_migrate_does(generated, app):
    assert plan_rows(generated.plan(app, "zero")) == django_plan(generated, app, "zero")


def test_generated_rollback_of_app00_drags_every_app_and_has_sql_for_every_step(generated):
    plan = generated.migration_plan("app00", "zero")
    assert {app for app, _ in plan.nodes} == {"app00", "app01", "app02", "app03"}
    sql = plan.sql()
    assert list(sql) == [step["migration"] for step in plan.steps]
    assert all(lines and not lines[0].startswith("-- SQL not available") for lines in sql.values())
    losses = generated.data_loss("app00", "zero")
    assert {f"app{k:02d}_model{j}" for k in range(4) for j in range(4)} == set(losses["table"])


def test_generated_rollback_sql_is_what_djangos_executor_collects(generated):
    """Every app points at app00.Model0: a step on it renders its neighbours, and still says what Django says."""
    assert masked_sql(generated.migration_plan("app00", "zero")) == executor_sql(generated, "app00", "zero")


def test_generated_forwards_sql_is_what_djangos_executor_collects(generated):
    """From nothing (a teammate's copy, no database yet) to app03's last migration."""
    teammate = copy_project(generated, "teammate")
    plan = teammate.migration_plan("app03", "0012_step")
    assert len(plan.steps) > 40
    assert masked_sql(plan) == executor_sql(teammate, "app03", "0012_step")
