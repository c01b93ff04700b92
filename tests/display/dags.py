"""Small MigrationDAGs drawn for the drawing tests: chains of migrations, joined by extra edges."""

from djmig_kernel import MigrationDAG


def chain(app, count, applied=0, start=1):
    """Return the nodes and edges of APP's migrations START … START+COUNT-1, the first APPLIED applied."""
    nodes = [(app, f"{i:04d}") for i in range(start, start + count)]
    return nodes, list(zip(nodes, nodes[1:])), set(nodes[:applied])


def dag_of(*parts, extra_edges=(), replaces=None):
    """Return the MigrationDAG of the chains PARTS, with EXTRA_EDGES between them."""
    nodes, edges, applied = [], list(extra_edges), set()
    for part_nodes, part_edges, part_applied in parts:
        nodes += part_nodes
        edges += part_edges
        applied |= part_applied
    return MigrationDAG(nodes=sorted(nodes), edges=sorted(edges), applied=frozenset(applied),
                        replaces=replaces or {})
