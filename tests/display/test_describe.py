"""The words that stand in for a DAG's picture: its title (the apps) and description (applied, current, outlined)."""

import time

from djmig_kernel import MigrationDAG
from djmig_kernel.display.describe import dag_description, dag_title, names_phrase
from djmig_kernel.display.jupyter import dag_as_text


def _chain(app, count, applied, parent=None):
    """Return (nodes, edges, applied nodes) of COUNT migrations of APP in a row, the first APPLIED applied."""
    nodes = [(app, f"{i:04d}_step") for i in range(1, count + 1)]
    edges = list(zip(nodes, nodes[1:])) + ([(parent, nodes[0])] if parent else [])
    return nodes, edges, set(nodes[:applied])


def _dag(*chains):
    nodes, edges, applied = [], [], set()
    for more_nodes, more_edges, more_applied in chains:
        nodes += more_nodes
        edges += more_edges
        applied |= more_applied
    return MigrationDAG(nodes=sorted(nodes), edges=sorted(edges), applied=frozenset(applied))


def test_the_title_names_the_apps_drawn():
    dag = _dag(_chain("shop", 2, 2), _chain("blog", 1, 0), _chain("auth", 1, 1))
    assert dag_title(dag) == "Migration graph of auth, blog and shop"
    assert dag_title(dag, apps=["shop"]) == "Migration graph of shop"
    assert dag_title(dag, apps=["shop", "blog"]) == "Migration graph of blog and shop"
    assert dag_title(MigrationDAG()) == "Migration graph with no migrations"


def test_each_app_says_what_is_applied_and_its_current_migration():
    dag = _dag(_chain("shop", 3, 2), _chain("blog", 1, 0))
    assert dag_description(dag) == (
        "blog: not applied 0001_step; current: zero (none applied). "
        "shop: applied 0001_step, 0002_step; not applied 0003_step; current: 0002_step."
    )
    assert dag_description(dag, apps=["blog"]) == "blog: not applied 0001_step; current: zero (none applied)."


def test_long_runs_are_named_by_their_ends():
    dag = _dag(_chain("shop", 120, 94))
    assert dag_description(dag) == (
        "shop: applied 0001_step … 0094_step (94 migrations); not applied 0095_step … 0120_step (26 migrations); "
        "current: 0094_step."
    )
    assert names_phrase(["a", "b", "c"]) == "a, b, c"
    assert names_phrase(["a", "b", "c", "d"]) == "a … d (4 migrations)"


def test_the_outlined_migrations_are_listed_by_app_with_what_the_outline_means():
    dag = _dag(_chain("shop", 6, 6), _chain("blog", 2, 2))
    plan = [("shop", "0006_step"), ("shop", "0005_step"), ("shop", "0002_step"), ("blog", "0002_step")]
    words = dag_description(dag, highlight=plan, meaning="in the plan")
    assert words.endswith("Thick orange outline, in the plan: blog 0002_step; shop 0002_step, 0005_step, 0006_step.")
    assert dag_description(dag, highlight=plan[:1]).endswith("Thick orange outline, highlighted: shop 0006_step.")
    # Migrations of apps that are not drawn are not described either.
    assert "blog" not in dag_description(dag, highlight=plan, apps=["shop"])


def test_the_text_form_says_what_the_outline_means_too():
    dag = _dag(_chain("shop", 2, 1))
    assert dag_as_text(dag, highlight=[("shop", "0002_step")], meaning="in the plan").endswith(
        " [ ] 0002_step  (after shop.0001_step; in the plan)")


def test_the_words_grow_with_the_runs_not_the_migrations():
    """A project of 40 apps of 250 migrations each is described in a few milliseconds, in a few lines."""
    chains = [_chain(f"app{i:02d}", 250, 200) for i in range(40)]
    dag = _dag(*chains)
    start = time.perf_counter()
    words = dag_description(dag, highlight=[node for nodes, _, _ in chains for node in nodes[190:210]])
    assert time.perf_counter() - start < 1
    assert len(words) < 40 * 200
