"""Stack the app clusters of a many-app drawing in columns, so that it fits the notebook's column.

Graphviz starts every app's cluster at the top, side by side: fourteen apps make a
drawing five screens wide. Here an app whose migrations all come after another app's
in a dependency order goes below it, tied by invisible edges; the edges only ever point
from an earlier migration to a later one, so they add no cycle and bend no real edge.
"""

import math

__all__ = ["stacking_edges", "STACK_FROM"]

STACK_FROM = 4  # drawings of fewer apps stay side by side
# A notebook scrolls down, not across: a drawing about twice as tall as wide shows at two
# thirds of its size in the column. A column of nodes is about as wide as 1.75 rows are tall,
# so that is about 3.5 rows for each column.
_ROWS_PER_COLUMN = 3.5


def _order(nodes, edges):
    """Return {node: position} in a dependency order that finishes one app before starting another
    whenever it can (Kahn's algorithm, staying in the app of the last node placed).

    NODES: {node: its place in the drawing}, which breaks ties.
    """
    parents = {node: 0 for node in nodes}
    children = {node: [] for node in nodes}
    for parent, child in edges:
        parents[child] += 1
        children[parent].append(child)
    ready = {}  # app: its ready nodes, in drawing order
    for node in nodes:
        if not parents[node]:
            ready.setdefault(node[0], []).append(node)
    position, app = {}, None
    while ready:
        if app not in ready:
            app = min(ready, key=lambda a: min(nodes[n] for n in ready[a]))
        node = ready[app].pop(0)
        if not ready[app]:
            del ready[app]
        position[node] = len(position)
        for child in children[node]:
            parents[child] -= 1
            if not parents[child]:
                ready.setdefault(child[0], []).append(child)
    return position


def stacking_edges(nodes, edges):
    """Return the invisible edges that stack apps in columns.

    NODES: the drawn nodes (each (app, name)), in drawing order; EDGES: the drawn edges
    between them. Each edge is (above, below): from a last migration of an app to a first
    migration of the app stacked below it. Returns [] for fewer than STACK_FROM apps, and where EDGES make a cycle.
    """
    apps = {}
    for node in nodes:
        apps.setdefault(node[0], []).append(node)
    if len(apps) < STACK_FROM:
        return []
    index = {node: i for i, node in enumerate(nodes)}
    position = _order(index, edges)
    if len(position) < len(index):  # EDGES have a cycle: no order to stack by, so apps stay side by side
        return []
    inside = [(p, c) for p, c in edges if p[0] == c[0]]
    has_parent = {c for _, c in inside}
    has_child = {p for p, _ in inside}
    spans = sorted((min(position[n] for n in members), max(position[n] for n in members), app)
                   for app, members in apps.items())
    heights = {app: len(members) for app, members in apps.items()}
    cap = max(max(heights.values()), math.ceil(math.sqrt(sum(heights.values()) * _ROWS_PER_COLUMN)))
    columns = []  # each [height, end of its last app, its last app]
    result = []
    for start, end, app in spans:
        fits = [c for c in columns if c[1] < start and c[0] + heights[app] <= cap]
        if not fits:
            columns.append([heights[app], end, app])
            continue
        column = max(fits, key=lambda c: c[0])
        above = column[2]
        result += [(last, first) for last in apps[above] if last not in has_child
                   for first in apps[app] if first not in has_parent]
        column[:] = [column[0] + heights[app], end, app]
    return result
