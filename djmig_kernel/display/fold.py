"""Find the runs of plain migrations that a DAG drawing folds into one node each."""

import heapq

__all__ = ["fold", "fold_runs", "whole_runs", "implied_edges", "FOLD_ABOVE", "MOST_BOXES", "SHORTEST_RUN"]

FOLD_ABOVE = 40  # collapse="auto" folds only drawings of more nodes than this
MOST_BOXES = 45  # a folded drawing of more boxes than this does not fit one screen: fold() folds tighter
SHORTEST_RUN = 3


def _reaches(parents, start, goal):
    """Return True if GOAL is START or one of its ancestors."""
    seen, stack = set(), [start]
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            stack.extend(parents.get(node, ()))
    return False


def implied_edges(parents, edges):
    """Return the cross-app EDGES that the child's other dependencies already imply.

    (auth.0001, wagtailcore.0040) is implied when wagtailcore.0039, which 0040 also
    depends on, comes after auth.0001 anyway: the edge changes no order.
    """
    return {
        (parent, child) for parent, child in edges
        if parent[0] != child[0]
        and any(_reaches(parents, other, parent) for other in parents[child] if other != parent)
    }


def _folds(shown, collapse):
    """Return True if a drawing of the SHOWN nodes folds: unless COLLAPSE is False, or "auto" and it is small."""
    return not (collapse is False or (collapse == "auto" and len(shown) <= FOLD_ABOVE))


def fold_runs(dag, shown, highlight=(), collapse="auto", loose=False, implied=None, tight=False):
    """Return the runs of SHOWN nodes to fold, each a list of 3 or more migrations in order.

    A run is migrations of one app that follow each other with no branch, merge, squash,
    cross-app edge, highlight or change of applied status; the app's current migration
    and its leaves stay apart too. A cross-app edge that the other dependencies already
    imply (IMPLIED, worked out when None) does not keep a migration apart, nor does any
    cross-app edge when LOOSE: it is drawn to the folded node. But a LOOSE run ends where a
    drawn edge comes back into it from a migration that follows one of its own (the
    ``wagtail start`` site's home.0001 comes after wagtailcore.0040 and home.0002 runs before
    wagtailcore.0053): one node for both would come before and after home, a cycle. When
    LOOSE, a HIGHLIGHT migration folds too, with highlighted ones only. TIGHT (which is LOOSE too)
    folds squashes like any migration and runs of two. COLLAPSE: True folds, False never does,
    "auto" folds only when more than FOLD_ABOVE nodes are shown.
    """
    if not _folds(shown, collapse):
        return []
    loose = loose or tight
    shown_set = set(shown)
    parents, children = dag.adjacency()
    if implied is None:
        implied = implied_edges(parents, dag.edges)
    highlight = set(highlight)
    keep = (set() if loose else highlight) | (set() if tight else set(dag.replaces)) | set(dag.leaf_nodes())
    keep |= {dag.current(app) for app in {n[0] for n in shown}}

    def own(node, others):
        return [n for n in others.get(node, ()) if n[0] == node[0]]

    def plain(node):
        crossing = [(p, node) for p in parents.get(node, ()) if p[0] != node[0]]
        crossing += [(node, c) for c in children.get(node, ()) if c[0] != node[0]]
        return (node not in keep and len(own(node, parents)) <= 1 and len(own(node, children)) == 1
                and (loose or all(edge in implied for edge in crossing)))

    plain_nodes = {n for n in shown if plain(n)}

    def follows(node, child):
        # CHILD continues NODE's run: both plain and shown, of the same applied status and highlight.
        return (node in plain_nodes and child in plain_nodes and child in shown_set
                and (node in dag.applied) == (child in dag.applied)
                and (node in highlight) == (child in highlight))

    def detour(first, child):
        # A drawn edge into CHILD from outside the run that starts at FIRST, from a migration that comes
        # after FIRST: folding CHILD in would draw the run both before and after that migration (a cycle).
        return any(p[0] != child[0] and (p, child) not in implied and _reaches(parents, p, first)
                   for p in parents.get(child, ()))

    runs = []
    for node in shown:
        if node not in plain_nodes or any(follows(p, node) for p in own(node, parents)):
            continue  # not plain, or not the first of its chain
        run = [node]
        while follows(run[-1], own(run[-1], children)[0]):
            child = own(run[-1], children)[0]
            if loose and detour(run[0], child):  # the chain goes on in a run of its own
                runs.append(run)
                run = []
            run.append(child)
        runs.append(run)
    return [run for run in runs if len(run) >= (2 if tight else SHORTEST_RUN)]


def fold(dag, shown, highlight=(), collapse="auto"):
    """Return (runs to fold, cross-app edges to leave out) for a drawing of the SHOWN nodes.

    First the runs of fold_runs. If that still leaves more than FOLD_ABOVE nodes, cross-app
    edges stop keeping migrations apart (each is drawn to the node its migration is folded
    into) and highlighted migrations fold among themselves (a long plan is a run too), so
    that a real project's graph fits one screen; if that leaves more than MOST_BOXES (many small
    apps: django-oscar's 21), squashes fold like other migrations and runs of two fold too; if that still leaves
    more (a large application's twenty apps, with merges of their own), each app's history folds across its
    branches and merges (whole_runs). Each app's leaves and current migration stay apart at every level. A folded drawing leaves out the
    cross-app edges that the others imply: they change no order, and they are what makes a
    many-app drawing a thicket.
    """
    if not _folds(shown, collapse):
        return [], set()
    implied = implied_edges(dag.adjacency()[0], dag.edges)
    runs = fold_runs(dag, shown, highlight, collapse, implied=implied)
    if len(shown) - sum(len(run) - 1 for run in runs) > FOLD_ABOVE:
        runs = fold_runs(dag, shown, highlight, collapse, loose=True, implied=implied)
    if len(shown) - sum(len(run) - 1 for run in runs) > MOST_BOXES:
        runs = fold_runs(dag, shown, highlight, collapse, implied=implied, tight=True)
    if len(shown) - sum(len(run) - 1 for run in runs) > MOST_BOXES:
        runs = whole_runs(dag, shown, highlight, implied)
    return runs, implied


def _in_order(parents, children, nodes):
    """Return NODES parents first, in their given order where the graph leaves it open (Kahn's, with a heap)."""
    index = {node: i for i, node in enumerate(nodes)}
    waiting = {node: sum(1 for p in parents.get(node, ()) if p in index) for node in nodes}
    ready = [i for node, i in index.items() if not waiting[node]]
    heapq.heapify(ready)
    order = []
    while ready:
        node = nodes[heapq.heappop(ready)]
        order.append(node)
        for child in children.get(node, ()):
            if child in index:
                waiting[child] -= 1
                if not waiting[child]:
                    heapq.heappush(ready, index[child])
    return order


def _comes_after(parents, node, run, rank):
    """Return True if NODE follows a migration of RUN (RANK: each node's place in an order parents first)."""
    first, stack, seen = rank[run[0]], [node], set()
    members = set(run)
    while stack:
        here = stack.pop()
        if here in members:
            return True
        if here not in seen and rank.get(here, -1) > first:
            seen.add(here)
            stack.extend(parents.get(here, ()))
    return False


def whole_runs(dag, shown, highlight, implied):
    """Return the runs of the last level of folding: each app's migrations in order, across its branches and
    merges, squashes too, each run of one applied status (and highlight) and 2 or more long.

    An app's leaves and current migration still stay apart, and a run ends where a drawn edge would come back
    into it from a migration that follows one of its own (a cycle). A large application's twenty apps, each
    with merges or squashes of its own, are then two boxes each: what came before its current migration, and
    that migration.
    """
    parents, children = dag.adjacency()
    shown_set = set(shown)
    keep = set(dag.leaf_nodes()) | {dag.current(app) for app in {n[0] for n in shown}}
    order = _in_order(parents, children, list(shown))
    rank = {node: i for i, node in enumerate(order)}
    runs = {}  # app: its runs so far, the last one open
    for node in order:
        app_runs = runs.setdefault(node[0], [[]])
        run = app_runs[-1]
        drawn = [p for p in parents.get(node, ()) if p in shown_set and p not in run and (p, node) not in implied]
        if run and (node in keep or (node in dag.applied) != (run[0] in dag.applied)
                    or (node in highlight) != (run[0] in highlight)
                    or any(_comes_after(parents, p, run, rank) for p in drawn)):
            app_runs.append([])
        if node not in keep:
            app_runs[-1].append(node)
    return [run for app in sorted(runs) for run in runs[app] if len(run) >= 2]
