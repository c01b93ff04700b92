"""The migration graph as Django's MigrationLoader builds it."""


def _pair(key):
    # JSON has no tuples: a migration's key goes as [app, name].
    return [key[0], key[1]]


def answer(loader):
    """Return the migration graph as Django's MigrationLoader builds it."""
    graph = loader.graph
    nodes = sorted(graph.nodes)
    edges = sorted(
        (parent.key, child)
        for child in nodes
        for parent in graph.node_map[child].parents
    )
    return {
        "nodes": [_pair(n) for n in nodes],
        "edges": [[_pair(p), _pair(c)] for p, c in edges],
        "applied": [_pair(n) for n in sorted(loader.applied_migrations)],
        "replaces": {
            f"{k[0]}.{k[1]}": [_pair(r) for r in m.replaces]
            for k, m in sorted(loader.replacements.items())
            if k in graph.nodes
        },
        # Every squash, also one left out of the graph because it is partly applied.
        "squashes": {f"{k[0]}.{k[1]}": [_pair(r) for r in m.replaces] for k, m in sorted(loader.replacements.items())},
    }
