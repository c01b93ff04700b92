"""Big folded drawings stack their apps in columns (_layout), checked through dot's own placement."""

import graphlib
import re

import pytest

from djmig_kernel import render_dag
from djmig_kernel.display.fold import fold
from djmig_kernel.display.layout import stacking_edges
from dags import chain, dag_of


def _placed(digraph):
    """Return {node id: (x, y)} as dot places the nodes (its plain output, in inches)."""
    placed = {}
    for line in digraph.pipe(format="plain", encoding="utf-8").splitlines():
        parts = line.split()
        if parts[0] == "node":
            placed[parts[1].strip('"')] = (float(parts[2]), float(parts[3]))
    return placed


def _drawn(dag):
    runs, left_out = fold(dag, dag.nodes)
    head = {node: run[0] for run in runs for node in run}
    nodes = [n for n in dag.nodes if head.get(n, n) == n]
    edges = {(head.get(p, p), head.get(c, c)) for p, c in dag.edges if (p, c) not in left_out}
    return nodes, sorted((p, c) for p, c in edges if p != c)


@pytest.mark.graphviz
def test_eight_apps_that_depend_on_nothing_stack_in_two_columns():
    """Eight apps of 12 migrations fold to two nodes each; side by side they would be eight wide."""
    dag = dag_of(*(chain(f"app{k}", 12, applied=12) for k in range(8)))
    placed = _placed(render_dag(dag, collapse=True))
    leaves = [placed[f'app{k}.0012'] for k in range(8)]
    assert len({round(x, 1) for x, _ in leaves}) == 2
    assert len({round(y, 1) for _, y in leaves}) == 4


def test_apps_that_depend_on_each_other_stack_only_where_no_cycle_follows():
    """app1 depends on app0 at every third migration; app2 … app5 on nothing: the invisible edges
    only ever go from one app's last drawn node to a later app's first, and make no cycle."""
    parts = [chain(f"app{k}", 12, applied=12) for k in range(6)]
    extra = [(("app0", f"{i:04d}"), ("app1", f"{i:04d}")) for i in (3, 6, 9)]
    dag = dag_of(*parts, extra_edges=extra)
    nodes, edges = _drawn(dag)
    stacked = stacking_edges(nodes, edges)
    assert stacked and all(top[0] != bottom[0] for top, bottom in stacked)
    sorter = graphlib.TopologicalSorter()
    for parent, child in edges + stacked:
        sorter.add(child, parent)
    sorter.prepare()  # raises CycleError if the stacking made a cycle


def test_fewer_than_four_apps_stay_side_by_side():
    dag = dag_of(*(chain(f"app{k}", 20, applied=20) for k in range(3)))
    assert stacking_edges(*_drawn(dag)) == []
    assert "style=invis" not in render_dag(dag, collapse=True).source


@pytest.mark.graphviz
def test_wagtails_folded_drawing_fits_the_notebook_column_and_keeps_its_edges_acyclic(wagtail):
    """Fourteen apps: at its natural size under 1.6 times the notebook column's 9.5 inches, and at
    most three times as tall (Graphviz alone lays them out six columns wide)."""
    dag = wagtail.graph()
    nodes, edges = _drawn(dag)
    sorter = graphlib.TopologicalSorter()
    for parent, child in edges + stacking_edges(nodes, edges):
        sorter.add(child, parent)
    sorter.prepare()
    drawing = render_dag(dag)
    drawing.attr(size="")  # its natural size
    svg = drawing.pipe(format="svg", encoding="utf-8")
    width, height = (float(v) for v in re.search(r'width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups())
    assert width <= 1.6 * 684 and height <= 3 * width, (width, height)


def _site_between_package_migrations():
    """The shape of the ``wagtail start`` site: its home.0001 comes after core.0040 and its home.0002
    runs before core.0053 (run_before), beside forty one-migration apps that force the loose folding."""
    extra = [(("core", "0040"), ("home", "0001")), (("home", "0002"), ("core", "0053"))]
    singles = [chain(f"a{k:02d}", 1, applied=1) for k in range(40)]
    return dag_of(chain("core", 80, applied=80), chain("home", 2, applied=2), *singles, extra_edges=extra)


def test_an_app_between_two_migrations_of_another_folds_without_a_cycle():
    """Folding core.0001 … core.0079 into one node would draw it before and after home: the run ends
    where home.0002 comes back into it, and the layout orders every drawn node."""
    dag = _site_between_package_migrations()
    nodes, edges = _drawn(dag)
    assert ("home", "0001") in nodes and len(nodes) > 40  # the loose folding ran
    sorter = graphlib.TopologicalSorter()
    for parent, child in edges:
        sorter.add(child, parent)
    sorter.prepare()  # raises CycleError if folding made a cycle
    stacking_edges(nodes, edges)
    source = render_dag(dag).source  # raised KeyError: ('home', '0001') in stacking_edges
    assert '"core.0040" -> "home.0001"' not in source or '"home.0002" -> "core.0053"' in source


def test_stacking_a_drawing_with_a_cycle_leaves_the_apps_side_by_side():
    nodes = [(f"app{k}", "0001") for k in range(4)] + [("app0", "0002")]
    edges = [(("app0", "0001"), ("app1", "0001")), (("app1", "0001"), ("app0", "0001"))]
    assert stacking_edges(nodes, edges) == []


def test_each_stacking_edge_goes_from_the_app_above_down_to_the_app_below():
    """Eight apps; app1 … app7 each start after app0's last migration (app0.0012 -> appK.0001). Stacked
    below app0, an app is tied from app0's last migration to its own first: an edge the other way round
    would make a cycle with the real edge, and would point up the drawing."""
    extra = [(("app0", "0012"), (f"app{k}", "0001")) for k in range(1, 8)]
    dag = dag_of(*(chain(f"app{k}", 12, applied=12) for k in range(8)), extra_edges=extra)
    nodes, edges = _drawn(dag)
    stacked = stacking_edges(nodes, edges)
    assert stacked
    inside = [(p, c) for p, c in edges if p[0] == c[0]]
    for above, below in stacked:
        assert above[0] != below[0]
        assert above not in {p for p, _ in inside}  # the last drawn node of its app
        assert below not in {c for _, c in inside}  # the first drawn node of its app
    sorter = graphlib.TopologicalSorter()
    for parent, child in edges + stacked:
        sorter.add(child, parent)
    sorter.prepare()  # raises CycleError if an edge points back up
