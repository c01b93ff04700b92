"""render_dag(): the DOT text of a DAG (checked through .source), its SVG, and the text fallback."""

import pytest

from djmig_kernel import MigrationDAG, render_dag
from djmig_kernel.display.jupyter import DOT_MIMETYPE, dag_as_text, dag_bundle
from helpers import SQUASHED

A1, A2, A3, A4 = (("a", f"000{i}") for i in range(1, 5))
B1 = ("b", "0001")

APPLIED = 'color="#238b45" fillcolor="#c7e9c0" style=filled'
UNAPPLIED = 'color="#737373" fillcolor=white fontcolor="#525252"'


@pytest.fixture
def dag():
    """
              a.0001 (applied) ----------> b.0001
             /      \\
    a.0002 (applied) a.0003 (squashes a.0002x, a.0003x)
             \\      /
              a.0004 (merge)
    """
    return MigrationDAG(
        nodes=[A1, A2, A3, A4, B1],
        edges=[(A1, A2), (A1, A3), (A1, B1), (A2, A4), (A3, A4)],
        applied=frozenset({A1, A2}),
        replaces={A3: [("a", "0002x"), ("a", "0003x")]},
    )


def _lines(source):
    return [line.strip() for line in source.splitlines()]


def test_a_cluster_per_app(dag):
    lines = _lines(render_dag(dag).source)
    assert "subgraph cluster_a {" in lines and "subgraph cluster_b {" in lines
    assert lines[0] == "digraph migrations {"


@pytest.mark.parametrize(
    "node_line",
    [
        f'"a.0001" [label=0001 {APPLIED}]',  # applied: filled
        f'"a.0002" [label="0002\n◀ current" {APPLIED}]',  # the app's current migration
        f'"a.0003" [label="0003\nsquashes 2: 0002x … 0003x" {UNAPPLIED} style=dashed]',  # unapplied: dashed
        f'"a.0004" [label="0004\nmerge" {UNAPPLIED} peripheries=2 style=dashed]',  # a leaf: double border
        f'"b.0001" [label=0001 {UNAPPLIED} peripheries=2 style=dashed]',
    ],
    ids=["applied", "current", "squash", "merge-leaf", "other-app-leaf"],
)
def test_node_attributes(dag, node_line):
    assert node_line in render_dag(dag).source


def test_edges_parent_to_child_and_cross_app_dashed(dag):
    lines = _lines(render_dag(dag).source)
    edges = [line for line in lines if "->" in line]
    assert edges == [
        '"a.0001" -> "a.0002"',
        '"a.0001" -> "a.0003"',
        '"a.0001" -> "b.0001" [style=dashed]',
        '"a.0002" -> "a.0004"',
        '"a.0003" -> "a.0004"',
    ]


def test_highlight_outlines_in_thick_orange(dag):
    source = render_dag(dag, highlight=[B1]).source
    assert '"b.0001" [label=0001 color="#d94801" fillcolor=white fontcolor="#525252" penwidth=3 ' \
           'peripheries=2 style=dashed]' in source
    assert source.count("penwidth=3") == 1


def test_apps_limits_the_drawing_and_names_the_rest(dag):
    lines = _lines(render_dag(dag, apps=["b"]).source)
    assert "subgraph cluster_a {" not in lines
    assert '"a (not shown)" -> "b.0001" [style=dotted]' in lines
    assert not any(line.startswith('"a.') for line in lines)


def test_library_squash_merge_and_cross_app_edge(library):
    source = render_dag(library.graph()).source
    assert '"authors.0001_squashed_0002_author_bio" -> "books.0001_initial" [style=dashed]' in source
    assert 'label="0001_squashed_0002_author_bio\nsquashes 2: 0001_initial … 0002_author_bio\n◀ current"' in source
    assert f'"books.0003_merge" [label="0003_merge\nmerge\n◀ current" {APPLIED.replace("style", "peripheries=2 style")}]' \
        in source
    assert '"books.0002_book_isbn" -> "books.0003_merge"' in source
    assert '"books.0002_book_pages" -> "books.0003_merge"' in source
    assert SQUASHED in library.graph().replaces


def test_text_form_lists_every_migration_with_its_parents(dag):
    assert dag_as_text(dag, highlight=[A4]) == (
        "a\n"
        " [X] 0001\n"
        " [X] 0002  (after a.0001; current)\n"
        " [ ] 0003  (after a.0001; squashes 0002x, 0003x)\n"
        " [ ] 0004  (after a.0002, a.0003; highlighted)\n"
        "b\n"
        " [ ] 0001  (after a.0001)"
    )


@pytest.mark.graphviz
def test_dot_draws_the_svg(library):
    digraph = render_dag(library.graph(), highlight=[SQUASHED])
    svg = digraph.pipe(format="svg", encoding="utf-8")
    assert svg.lstrip().startswith("<?xml")
    assert "<title>books.0003_merge</title>" in svg
    assert "<title>authors.0001_squashed_0002_author_bio&#45;&gt;books.0001_initial</title>" in svg


@pytest.mark.graphviz
def test_a_dag_displays_as_svg_with_its_dot_text(dag):
    bundle = dag_bundle(dag)
    assert set(bundle) == {"image/svg+xml", DOT_MIMETYPE, "text/plain"}
    assert bundle[DOT_MIMETYPE] == render_dag(dag).source
    assert bundle["text/plain"] == "<MigrationDAG: 5 migrations in 2 apps, 2 applied>"
    assert "<svg" in bundle["image/svg+xml"]


@pytest.mark.graphviz
def test_show_draws_some_apps_with_migrations_highlighted(dag):
    drawing = dag.show(apps=["a"], highlight=[A2])
    assert repr(drawing) == repr(dag)
    bundle = drawing._repr_mimebundle_()
    assert bundle[DOT_MIMETYPE] == render_dag(dag, highlight=[A2], apps=["a"]).source
    assert '"b.0001"' not in bundle[DOT_MIMETYPE]
