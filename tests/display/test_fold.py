"""Folded DAG drawings: render_dag(collapse=...) and MigrationDAG.show, checked through the DOT text."""

import re

import pytest

from djmig_kernel import render_dag
from dags import chain, dag_of
from djmig_kernel.display.fold import fold, fold_runs, implied_edges, whole_runs
from djmig_kernel.display.jupyter import DOT_MIMETYPE


def node_lines(source):
    return [line.strip() for line in source.splitlines() if "[label=" in line]


def test_a_straight_run_folds_but_the_current_migration_and_the_leaf_stay():
    """a.0001 -> … -> a.0005 (applied, current) -> a.0006 -> … -> a.0010 (leaf)"""
    dag = dag_of(chain("a", 10, applied=5))
    source = render_dag(dag, collapse=True).source
    assert '"a.0001" [label="4 migrations:\n0001\n… 0004"' in source
    assert '"a.0006" [label="4 migrations:\n0006\n… 0009"' in source
    assert '"a.0005" [label="0005\n◀ current"' in source
    assert '"a.0010" [label=0010' in source
    assert len(node_lines(source)) == 4
    edges = re.findall(r'"([\w.]+)" -> "([\w.]+)"', source)
    assert edges == [("a.0001", "a.0005"), ("a.0005", "a.0006"), ("a.0006", "a.0010")]
    assert "3-d box: migrations folded into one" in source


def test_runs_shorter_than_three_stay_and_collapse_false_never_folds():
    dag = dag_of(chain("a", 10, applied=5))
    assert len(node_lines(render_dag(dag, collapse=False).source)) == 10
    short = dag_of(chain("a", 4, applied=4))  # 0001 0002 0003 | 0004 current leaf
    assert [len(run) for run in fold_runs(short, short.nodes, collapse=True)] == [3]
    shorter = dag_of(chain("a", 3, applied=3))
    assert fold_runs(shorter, shorter.nodes, collapse=True) == []


def test_auto_folds_only_drawings_of_more_than_40_nodes():
    small = dag_of(chain("a", 40))
    assert fold_runs(small, small.nodes, collapse="auto") == []
    large = dag_of(chain("a", 41))
    assert fold_runs(large, large.nodes, collapse="auto") == [large.nodes[:40]]


def test_highlight_branch_merge_and_squash_break_runs():
    """
    a.0001 -> a.0002 -> a.0003 (highlighted) -> a.0004 -> a.0005 -> a.0006 -> a.0007 (squash)
      -> a.0008 -> a.0009 -> a.0010 -> a.0011 (branch) -> {a.0012, a.0013} -> a.0014 (merge, leaf)
    """
    nodes, edges, _ = chain("a", 11)
    edges += [(("a", "0011"), ("a", "0012")), (("a", "0011"), ("a", "0013")),
              (("a", "0012"), ("a", "0014")), (("a", "0013"), ("a", "0014"))]
    nodes += [("a", "0012"), ("a", "0013"), ("a", "0014")]
    dag = dag_of((nodes, edges, set()), replaces={("a", "0007"): [("a", "0007a"), ("a", "0007b")]})
    runs = fold_runs(dag, dag.nodes, highlight={("a", "0003")}, collapse=True)
    assert [[name for _, name in run] for run in runs] == [["0004", "0005", "0006"], ["0008", "0009", "0010"]]


def test_a_cross_app_edge_keeps_its_migration_apart_unless_other_dependencies_imply_it():
    """
    b.0001 ------------> a.0003          (a.0003's only way after b.0001: kept apart)
       \\----------------------> a.0006   (a.0006 comes after a.0003 anyway: implied, folded)
    a.0001 -> a.0002 -> … -> a.0010
    """
    b = chain("b", 1, applied=1)
    dag = dag_of(chain("a", 10, applied=10), b,
                 extra_edges=[(("b", "0001"), ("a", "0003")), (("b", "0001"), ("a", "0006"))])
    runs = fold_runs(dag, dag.nodes, collapse=True)
    assert [[name for _, name in run] for run in runs] == [["0004", "0005", "0006", "0007", "0008", "0009"]]
    source = render_dag(dag, collapse=True).source
    # The implied edge changes no order: a folded drawing leaves it out, and its legend says so.
    assert '"b.0001" -> "a.0003" [style=dashed]' in source
    assert '"b.0001" -> "a.0004"' not in source
    assert "1 cross-app dependency that the others imply: not drawn" in source
    # Unfolded, every dependency is drawn.
    assert '"b.0001" -> "a.0006" [style=dashed]' in render_dag(dag, collapse=False).source


def test_show_passes_collapse_to_the_drawing():
    dag = dag_of(chain("a", 10, applied=5))
    folded = dag.show(collapse=True)._repr_mimebundle_()
    assert "4 migrations:" in folded[DOT_MIMETYPE]
    assert "4 migrations:" not in dag.show(collapse=False)._repr_mimebundle_()[DOT_MIMETYPE]


def test_a_drawing_still_too_big_lets_cross_app_edges_fold_too():
    """Six apps of 12, each depending on the one before at its 3rd, 6th and 9th migration: the
    first folding leaves more than 40 nodes, so the second folds across the cross-app edges,
    which are then drawn to the folded nodes."""
    parts, extra = [], []
    for k in range(6):
        parts.append(chain(f"app{k}", 12, applied=12))
        if k:
            extra += [((f"app{k - 1}", f"{i:04d}"), (f"app{k}", f"{i:04d}")) for i in (3, 6, 9)]
    dag = dag_of(*parts, extra_edges=extra)
    strict = fold_runs(dag, dag.nodes, collapse=True)
    assert len(dag.nodes) - sum(len(run) - 1 for run in strict) > 40
    runs, _ = fold(dag, dag.nodes, collapse="auto")
    drawn = len(dag.nodes) - sum(len(run) - 1 for run in runs)
    assert drawn <= 12  # each app: its run and its last migration (current and leaf)
    source = render_dag(dag).source
    assert '"app0.0001" -> "app1.0001" [style=dashed]' in source
    assert all(f'"app{k}.0012" [label="0012\n◀ current"' in source for k in range(6))


@pytest.mark.graphviz
def test_wagtails_graph_folds_and_keeps_what_a_learner_needs(wagtail):
    """183 migrations become about 40 nodes; leaves, current migrations, squashes and merges keep
    their own node, and every app that depends on another still has a dashed arrow from it."""
    dag = wagtail.graph()
    source = render_dag(dag).source
    drawn = {line.split(" [")[0].strip('"') for line in node_lines(source)}
    assert len(drawn) <= 45
    keep = set(dag.leaf_nodes()) | set(dag.replaces) | set(dag.merges())
    keep |= {dag.current(app) for app in dag.apps}
    assert {f"{app}.{name}" for app, name in keep} <= drawn
    runs, _ = fold(dag, dag.nodes)
    folded = {node for run in runs for node in run}
    assert sum(len(run) for run in runs) == len(folded)
    assert len(drawn) == len(dag.nodes) - len(folded) + len(runs)
    app_edges = {(p[0], c[0]) for p, c in dag.edges if p[0] != c[0]}
    drawn_app_edges = set(re.findall(r'"(\w+)\.\w+" -> "(\w+)\.\w+" \[style=dashed\]', source))
    parents = {}
    for parent, child in dag.edges:
        parents.setdefault(child, []).append(parent)
    implied = implied_edges(parents, dag.edges)
    assert {(p[0], c[0]) for p, c in set(dag.edges) - implied if p[0] != c[0]} == drawn_app_edges
    assert drawn_app_edges <= app_edges


@pytest.mark.graphviz
def test_a_long_plan_highlighted_on_wagtail_folds_into_highlighted_boxes(wagtail):
    """Rolling wagtailcore back to zero undoes 134 migrations: drawn one by one they would be over
    150 nodes; highlighted runs fold among themselves, in the plan's orange."""
    dag = wagtail.graph()
    plan = wagtail.migration_plan("wagtailcore", "zero").nodes
    assert len(plan) > 100
    source = render_dag(dag, highlight=plan).source
    lines = node_lines(source)
    assert len(lines) <= 50
    boxes = [node for node in re.findall(r"\[label=[^\]]*\]", source) if "shape=box3d" in node]
    assert any('penwidth=3' in line for line in boxes) and any('penwidth=3' not in line for line in boxes)
    runs, _ = fold(dag, dag.nodes, highlight=set(plan))
    assert all(len({node in set(plan) for node in run}) == 1 for run in runs)


def test_many_small_apps_fold_tighter_to_at_most_45_boxes():
    """django-oscar's shape: 21 apps, most of two to five migrations, squashes among them. Twenty apps of
    0001 -> 0002 -> 0003 (leaf, current) and one of ten with a squash at 0005: 70 nodes, and the loose
    fold leaves 64 boxes (runs of two and the squash stay apart). The third level folds runs of two and
    the squash, keeping every leaf and current migration apart."""
    small = [chain(f"app{k:02d}", 3, applied=3) for k in range(20)]
    squashed = {("big", "0005"): [("big", f"0005_{i}") for i in range(3)]}
    dag = dag_of(*small, chain("big", 10, applied=10), replaces=squashed)
    implied = implied_edges(dag.adjacency()[0], dag.edges)
    loose = fold_runs(dag, dag.nodes, implied=implied, loose=True)
    assert len(dag.nodes) - sum(len(run) - 1 for run in loose) == 64
    runs, _ = fold(dag, dag.nodes)
    assert sorted(runs) == sorted([[(f"app{k:02d}", "0001"), (f"app{k:02d}", "0002")] for k in range(20)]
                                  + [[("big", f"{i:04d}") for i in range(1, 10)]])
    assert len(node_lines(render_dag(dag).source)) == 70 - 20 - 8 == 42
    assert '"big.0010" [label=' in render_dag(dag).source  # the leaf, current, stays apart


def test_a_drawing_the_loose_fold_brings_under_45_boxes_is_not_folded_tighter():
    """Wagtail's 41 boxes after the loose fold stay as they are: runs of two and squashes stay apart."""
    dag = dag_of(*(chain(f"app{k:02d}", 3, applied=3) for k in range(14)))  # 42 nodes, 42 boxes loose
    runs, _ = fold(dag, dag.nodes)
    assert runs == []


def _application():
    """A large application's graph, 294 migrations in 20 apps: a main app of 196 with two merges and squashes,
    fifteen plugins of 2 to 8 that depend on it along its history (the longer ones with a merge of their own),
    and Django's own apps, the main app depending on auth."""
    parts, extra = [], [(("auth", "0012"), ("main", "0001"))]
    parts.append(chain("main", 196, applied=196))
    for at in (50, 120):  # a branch beside 0050, merged by 0052
        branch = ("main", f"{at:04d}b")
        parts.append(([branch], [(("main", f"{at - 1:04d}"), branch), (branch, ("main", f"{at + 2:04d}"))], {branch}))
    replaces = {("main", f"{at:04d}"): [("main", f"{at:04d}_{i}") for i in range(2)] for at in (10, 30, 80, 140)}
    for app, count in (("contenttypes", 2), ("auth", 12), ("admin", 3), ("sessions", 1)):
        parts.append(chain(app, count, applied=count))
    for p in range(15):
        app, count = f"plugin{p:02d}", 2 + (p * 5) % 7
        parts.append(chain(app, count, applied=count))
        extra += [(("main", f"{min(196, 10 + p * 12 + j * 9):04d}"), (app, f"{j:04d}")) for j in range(1, count + 1)]
        if count >= 6:
            branch = (app, "0003b")
            parts.append(([branch], [((app, "0002"), branch), (branch, (app, "0005"))], {branch}))
    return dag_of(*parts, extra_edges=extra, replaces=replaces)


def _cycles(source):
    """Return True if the drawn (visible) edges of a DOT SOURCE go round in a circle."""
    edges = re.findall(r'^\s*"([^"]+)" -> "([^"]+)"(?! \[[^\]]*invis)', source, re.M)
    graph = {}
    for parent, child in edges:
        graph.setdefault(parent, []).append(child)
    state = {}

    def visit(node):
        state[node] = "open"
        for child in graph.get(node, ()):
            if state.get(child) == "open" or (child not in state and visit(child)):
                return True
        state[node] = "done"
        return False
    return any(node not in state and visit(node) for node in list(graph))


def test_a_large_applications_twenty_apps_with_merges_fold_to_at_most_45_boxes():
    """Folding runs of two and squashes leaves 77 boxes (each merge splits its app into five); the last level
    folds each app's history across its branches and merges: what came before its current migration, then that."""
    dag = _application()
    implied = implied_edges(dag.adjacency()[0], dag.edges)
    tight = fold_runs(dag, dag.nodes, implied=implied, tight=True)
    assert len(dag.nodes) - sum(len(run) - 1 for run in tight) == 77
    source = render_dag(dag).source
    assert len(node_lines(source)) == 39 <= 45
    assert '"main.0001" [label="197 migrations:\n0001\n… 0195"' in source  # with the branches
    assert '"main.0196" [label="0196\n◀ current"' in source
    assert all(f'"plugin{p:02d}.0001" [label=' in source for p in range(15)) and not _cycles(source)


def test_the_last_level_never_folds_a_run_that_a_drawn_edge_leaves_and_comes_back_to():
    """b.0001 depends on a.0002 and a.0004 on b.0001: a.0001 … a.0003 and a.0004 … a.0005 are two boxes, with
    b between them; one box of a.0001 … a.0005 would be drawn before and after b."""
    parts = [chain(f"app{k:02d}", 3, applied=3) for k in range(23)]  # 46 boxes at least: the last level folds
    dag = dag_of(*parts, chain("a", 6, applied=6), chain("b", 2, applied=2),
                 extra_edges=[(("a", "0002"), ("b", "0001")), (("b", "0001"), ("a", "0004"))])
    runs = whole_runs(dag, dag.nodes, (), implied_edges(dag.adjacency()[0], dag.edges))
    assert [("a", "0001"), ("a", "0002"), ("a", "0003")] in runs and [("a", "0004"), ("a", "0005")] in runs
    assert not _cycles(render_dag(dag).source)
