"""render_dag(): the DOT text of a DAG (checked through .source), its SVG, and the text fallback."""

import base64
import re

import pytest

from djmig_kernel import MigrationDAG, render_dag
from djmig_kernel.display.jupyter import DOT_MIMETYPE, dag_as_text, dag_bundle, dag_svg
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
    assert lines[0] == 'digraph "Migration graph of a and b" {'  # the title Graphviz gives the SVG


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
    assert "\\lthick orange outline: highlighted\\l" in source  # the legend says it in words, not "orange" alone


def test_the_legend_says_what_the_outline_means(dag):
    assert "\\lthick orange outline: in the plan\\l" in render_dag(dag, highlight=[B1], meaning="in the plan").source
    assert "orange" not in render_dag(dag, meaning="in the plan").source  # nothing outlined, nothing to explain


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
    assert set(bundle) == {"text/html", "image/svg+xml", DOT_MIMETYPE, "text/plain"}
    assert bundle[DOT_MIMETYPE] == render_dag(dag).source
    assert bundle["text/plain"] == "<MigrationDAG: 5 migrations in 2 apps, 2 applied>"
    assert "<svg" in bundle["image/svg+xml"]


WORDS = ("a: applied 0001, 0002; not applied 0003, 0004; current: 0002. "
         "b: not applied 0001; current: zero (none applied). Thick orange outline, in the plan: a 0004; b 0001.")


@pytest.mark.graphviz
def test_the_svg_opens_with_its_title_and_description(dag):
    svg = dag_bundle(dag, highlight=[A4, B1], meaning="in the plan")["image/svg+xml"]
    opening = svg[svg.index("<svg"):].split("\n")
    assert opening[0].startswith('<svg role="img" ')
    assert opening[2] == f"<title>Migration graph of a and b</title><desc>{WORDS}</desc>"
    assert svg.count("<desc>") == 1
    assert "<title>migrations</title>" not in svg


@pytest.mark.graphviz
def test_the_html_picture_is_the_svg_with_the_words_as_its_alt_text(dag):
    """JupyterLab draws image/svg+xml as an <img> without alt text; it prefers text/html, which has one."""
    bundle = dag_bundle(dag, highlight=[A4, B1], meaning="in the plan")
    picture = re.fullmatch(r'<img alt="([^"]*)" src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)">',
                           bundle["text/html"])
    assert picture, bundle["text/html"][:200]
    assert picture.group(1) == f"Migration graph of a and b. {WORDS}"
    assert base64.b64decode(picture.group(2)).decode() == bundle["image/svg+xml"]


@pytest.mark.graphviz
def test_dag_svg_is_the_displayed_svg(dag):
    assert dag_svg(dag, highlight=[A2]) == dag_bundle(dag, highlight=[A2])["image/svg+xml"]


@pytest.mark.graphviz
def test_show_draws_some_apps_with_migrations_highlighted(dag):
    drawing = dag.show(apps=["a"], highlight=[A2])
    assert repr(drawing) == repr(dag)
    bundle = drawing._repr_mimebundle_()
    assert bundle[DOT_MIMETYPE] == render_dag(dag, highlight=[A2], apps=["a"]).source
    assert '"b.0001"' not in bundle[DOT_MIMETYPE]


def _chain(length, app="a"):
    nodes = [(app, f"{i:04d}") for i in range(1, length + 1)]
    return MigrationDAG(nodes=nodes, edges=list(zip(nodes, nodes[1:])), applied=frozenset(nodes))


def _legend_at(source):
    return re.search(r"graph \[[^\]]*labelloc=(\w)", source)[1]


def test_a_drawing_taller_than_a_screen_has_its_legend_on_top_where_it_starts():
    """A chain of ten migrations keeps its legend below; one of eleven (Django's auth has twelve) is taller than a
    screen, so the legend goes on top, in view where the picture begins."""
    assert _legend_at(render_dag(_chain(10), collapse=False).source) == "b"
    assert _legend_at(render_dag(_chain(11), collapse=False).source) == "t"
    # folded, the same chain is a few boxes: its legend goes back below
    assert _legend_at(render_dag(_chain(11), collapse=True).source) == "b"
