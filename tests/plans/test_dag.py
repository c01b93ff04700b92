"""MigrationDAG: sb.graph() against Django's own MigrationLoader, and the plan algorithms against MigrationGraph."""

import pytest
from django.db.migrations.graph import MigrationGraph

from djmig_kernel import DjmigError, MigrationDAG
from helpers import SQUASHED, migration_file
from oracles import assert_same_as_django

def test_library_graph_is_djangos_graph(library):
    """The library, everything applied: the squash stands in for the two migrations it replaces."""
    dag = assert_same_as_django(library)
    assert SQUASHED in dag.nodes
    assert ("authors", "0001_initial") not in dag.nodes
    assert dag.replaces == {SQUASHED: [("authors", "0001_initial"), ("authors", "0002_author_bio")]}
    assert dag.leaf_nodes("books") == [("books", "0003_merge")]


def test_library_graph_with_the_squash_half_applied(library):
    """authors back at 0001_initial: half the squash is applied, so Django keeps the originals.

        authors.0001_initial  (applied)
             |            \
        authors.0002_author_bio  books.0001_initial -> ... -> books.0003_merge
          (unapplied)              (still applied: books needs only authors.0001_initial)
    """
    library.migrate("authors", "0001_initial")
    dag = assert_same_as_django(library)
    assert SQUASHED not in dag.nodes
    assert dag.replaces == {}
    assert dag.current("authors") == ("authors", "0001_initial")
    assert ("authors", "0002_author_bio") not in dag.applied
    assert dag.current("books") == ("books", "0003_merge")
    assert dag.parents(("books", "0001_initial")) == [("authors", "0001_initial")]
    assert dag.leaf_nodes("authors") == [("authors", "0002_author_bio")]


def test_graph_of_a_fresh_project_has_djangos_apps_only(fresh):
    dag = assert_same_as_django(fresh)
    assert dag.apps == ["admin", "auth", "contenttypes", "sessions"]
    assert dag.applied == frozenset()


def test_graph_with_two_leaves_before_the_merge(library):
    """Two 0004s on top of the merge: both are leaves of books until someone merges them.

              books.0003_merge
                /          \\
      books.0004_a      books.0004_b
    """
    for name in ("0004_a", "0004_b"):
        (library.path / f"books/migrations/{name}.py").write_text(
            migration_file([("books", "0003_merge")], "migrations.RunPython(migrations.RunPython.noop)")
        )
    dag = assert_same_as_django(library)
    assert dag.leaf_nodes("books") == [("books", "0004_a"), ("books", "0004_b")]
    assert dag.current("books") == ("books", "0003_merge")


def test_structure_of_the_library(library):
    dag = library.graph()
    books = [n for n in dag.nodes if n[0] == "books"]
    assert books == [("books", "0001_initial"), ("books", "0002_book_isbn"),
                     ("books", "0002_book_pages"), ("books", "0003_merge")]
    assert dag.parents(("books", "0001_initial")) == [SQUASHED]
    assert dag.children(("books", "0001_initial")) == [("books", "0002_book_isbn"), ("books", "0002_book_pages")]
    assert dag.merges() == [("books", "0003_merge")]
    assert dag.current("books") == ("books", "0003_merge")
    assert dag.root_nodes("books") == [("books", "0001_initial")]
    assert repr(dag) == "<MigrationDAG: 23 migrations in 6 apps, 23 applied>"


# -- the plan algorithms on graphs without Django's loader ---------------------

def _django_graph(edges):
    graph = MigrationGraph()
    for edge in edges:
        for node in edge:
            if node not in graph.nodes:
                graph.add_node(node, None)
    for parent, child in edges:
        graph.add_dependency(None, child, parent)
    return graph


def _dag(edges):
    return MigrationDAG(nodes=sorted({n for e in edges for n in e}), edges=sorted(edges))


A1, A2, A3, A4 = (("a", f"000{i}") for i in range(1, 5))
B1, B2, C1 = ("b", "0001"), ("b", "0002"), ("c", "0001")

SHAPES = {
    # a.0001 -> a.0002 -> a.0003 -> a.0004
    "chain": [(A1, A2), (A2, A3), (A3, A4)],
    #        a.0001
    #       /      \
    #   a.0002    a.0003
    #       \      /
    #        a.0004
    "diamond": [(A1, A2), (A1, A3), (A2, A4), (A3, A4)],
    #   a.0001 -> a.0002 -> a.0003
    #      \                  ^
    #       b.0001 -> b.0002 -/     and c.0001 after a.0001 and b.0002
    "cross-app": [(A1, A2), (A2, A3), (A1, B1), (B1, B2), (B2, A3), (A1, C1), (B2, C1)],
    #   a.0001   b.0001
    #       \     /
    #       a.0002 -> a.0003
    #   b.0001 -> b.0002
    "two roots": [(A1, A2), (B1, A2), (A2, A3), (B1, B2)],
}


@pytest.mark.parametrize("shape", SHAPES)
def test_plans_match_django_migration_graph(shape):
    edges = SHAPES[shape]
    dag, graph = _dag(edges), _django_graph(edges)
    for node in dag.nodes:
        assert dag.forwards_plan(node) == graph.forwards_plan(node), node
        assert dag.backwards_plan(node) == graph.backwards_plan(node), node
    assert dag.leaf_nodes() == graph.leaf_nodes()
    assert dag.root_nodes() == graph.root_nodes()
    for app in dag.apps:
        assert dag.leaf_nodes(app) == graph.leaf_nodes(app)
        assert dag.root_nodes(app) == graph.root_nodes(app)


def test_diamond_plans():
    """
        a.0001
       /      \\
    a.0002   a.0003
       \\      /
        a.0004

    Django's depth-first search takes the last of the sorted parents first.
    """
    dag = _dag(SHAPES["diamond"])
    assert dag.forwards_plan(A4) == [A1, A3, A2, A4]
    assert dag.backwards_plan(A1) == [A4, A3, A2, A1]
    assert dag.merges() == [A4]
    assert dag.leaf_nodes() == [A4]


def test_current_follows_applied():
    """a.0001 -> a.0002 -> a.0003 -> a.0004, with a.0001 and a.0002 applied."""
    dag = MigrationDAG(nodes=[A1, A2, A3, A4], edges=SHAPES["chain"], applied=frozenset({A1, A2}))
    assert dag.current("a") == A2
    assert dag.current("b") is None
    assert repr(dag) == "<MigrationDAG: 4 migrations in 1 apps, 2 applied>"


@pytest.mark.parametrize(
    "node, message",
    [
        (("a", "0009"), "no migration matches '0009' in app 'a'; choose one of: zero, 0001, 0002, 0003, 0004"),
        (("z", "0001"), "no migration matches '0001' in app 'z'; it has no migrations yet: run "
                        "sb.makemigrations('z') first"),
    ],
)
@pytest.mark.parametrize("method", ["forwards_plan", "backwards_plan"])
def test_plan_of_an_unknown_node(method, node, message):
    with pytest.raises(DjmigError) as error:
        getattr(_dag(SHAPES["chain"]), method)(node)
    assert str(error.value) == message


def test_from_probe_reads_the_probe_json():
    data = {
        "nodes": [["a", "0001"], ["a", "0002_squashed"]],
        "edges": [[["a", "0001"], ["a", "0002_squashed"]]],
        "applied": [["a", "0001"]],
        "replaces": {"a.0002_squashed": [["a", "0002"], ["a", "0003"]]},
    }
    dag = MigrationDAG.from_probe(data)
    assert dag.nodes == [A1, ("a", "0002_squashed")]
    assert dag.edges == [(A1, ("a", "0002_squashed"))]
    assert dag.applied == {A1}
    assert dag.replaces == {("a", "0002_squashed"): [A2, A3]}


def test_with_applied_follows_the_ledger_as_djangos_loader_does(library):
    """books back at 0001: the DAG re-read from the ledger equals the one Django builds."""
    before = library.graph()
    library.migrate("books", "0001")
    ledger = library.ledger()
    assert before.with_applied(zip(ledger["app"], ledger["name"])) == library.graph()


def test_with_applied_gives_up_when_a_squash_becomes_half_applied(library):
    """authors back at 0001_initial: Django swaps the squash for the migrations it replaces."""
    before = library.graph()
    library.migrate("authors", "0001_initial")
    ledger = library.ledger()
    assert before.with_applied(zip(ledger["app"], ledger["name"])) is None
    # ... and once all of them are applied again, the graph is the first one again.
    half = library.graph()
    library.migrate("authors")
    ledger = library.ledger()
    assert half.with_applied(zip(ledger["app"], ledger["name"])) is None
    assert before.with_applied(zip(ledger["app"], ledger["name"])) == library.graph()
