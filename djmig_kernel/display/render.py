"""Draw a MigrationDAG as a graphviz.Digraph (no I/O)."""

import re

import graphviz

from .describe import DEFAULT_MEANING, dag_title
from .fold import fold
from .layout import stacking_edges

__all__ = ["render_dag", "dotted"]

_APPLIED = {"style": "filled", "fillcolor": "#c7e9c0", "color": "#238b45"}
_UNAPPLIED = {"style": "dashed", "fillcolor": "white", "color": "#737373", "fontcolor": "#525252"}
_HIGHLIGHT = {"color": "#d94801", "penwidth": "3"}
# At most 9.5 inches wide (684 pt, 912 px): the notebook column of JupyterLab in a 1400 px window.
# Graphviz only ever shrinks a drawing to fit `size`; a small graph keeps its natural size.
_FIT = {"size": "9.5,100"}
# A folded drawing is a big one: tighter rows and columns, lower boxes.
_COMPACT = {"ranksep": "0.3", "nodesep": "0.15"}
_COMPACT_NODE = {"height": "0.3", "margin": "0.06,0.03"}


# One short line each ("\\l": left-justified), so that the legend never widens a small drawing.
_LEGEND = ("filled: applied   dashed: not applied\\ldouble border: a leaf of its app\\l"
           "dashed arrow: depends on another app\\l")


# A drawing with more rows than this is taller than a screen: its legend goes on top instead of below.
TALL = 10
_LINE = 22  # characters: a longer migration name is wrapped after an underscore


def _wrap(text):
    """Return TEXT with its long lines broken after underscores, each line at most _LINE characters
    where it can be."""
    lines = []
    for line in text.split("\n"):
        pieces = re.findall(r"[^_]*_|[^_]+$", line) or [line]
        current = ""
        for piece in pieces:
            if current and len(current) + len(piece) > _LINE:
                lines.append(current)
                current = ""
            current += piece
        lines.append(current)
    return "\n".join(lines)


def _left_out_line(count):
    what = "dependency that the others imply" if count == 1 else "dependencies that the others imply"
    return f"{count} cross-app {what}: not drawn\\l"


def dotted(node):
    """Return "app.name" for the migration NODE, (app, name)."""
    return f"{node[0]}.{node[1]}"


def _label(dag, node, current, merges, folded):
    lines = [node[1]]
    replaced = dag.replaces.get(node)
    if replaced:
        line = f"squashes {len(replaced)}: {replaced[0][1]} … {replaced[-1][1]}"
        long = folded and len(line) > 32
        lines += [f"squashes {len(replaced)}:", f"{replaced[0][1]} …", replaced[-1][1]] if long else [line]
    if node in merges:
        lines.append("merge")
    if node == current:
        lines.append("◀ current")
    return _wrap("\n".join(lines)) if folded else "\n".join(lines)


def _run_label(run):
    return _wrap(f"{len(run)} migrations:\n{run[0][1]}\n… {run[-1][1]}")


def render_dag(dag, highlight=(), apps=None, collapse="auto", meaning=DEFAULT_MEANING):
    """Return a graphviz.Digraph of DAG: a cluster per app, parents above children, named by its title.

    Applied migrations are filled, unapplied ones dashed; each app's leaves have a
    double border and its current migration says so; HIGHLIGHT nodes (an iterable of
    (app, name)) are drawn in a thick orange outline, which the legend says stands for
    MEANING (e.g. "in the plan"). APPS limits the drawing to
    those app labels; edges from other apps then show as their app's name.
    COLLAPSE=True folds each run of SHORTEST_RUN or more migrations of one app that follow
    each other with no branch, merge, squash, cross-app edge, highlight or status change
    into one node "N migrations: first … last"; "auto" folds only when the drawing
    would have more than FOLD_ABOVE nodes; False never folds. A folded drawing that would
    still have more than FOLD_ABOVE nodes lets cross-app edges fold too, and leaves out the
    cross-app edges that the others imply (see fold.fold); one of STACK_FROM apps or more
    stacks them in columns (see layout).
    """
    highlight = {tuple(n) for n in highlight}
    shown = [n for n in dag.nodes if apps is None or n[0] in apps]
    shown_set = set(shown)
    folded_runs, left_out = fold(dag, shown, highlight, collapse)
    runs = {node: run for run in folded_runs for node in run}
    leaves = set(dag.leaf_nodes())
    left_out = {(p, c) for p, c in left_out if c in shown_set and p in shown_set}
    folded = bool(runs or left_out)  # a big drawing: wrapped labels, compact, apps stacked
    graph_attr = {"rankdir": "TB", "fontname": "Helvetica", "fontsize": "10",
                  "labelloc": "b", "labeljust": "l",
                  "label": _LEGEND + (f"thick orange outline: {meaning}\\l" if highlight else "")
                  + ("3-d box: migrations folded into one\\l" if runs else "")
                  + (_left_out_line(len(left_out)) if left_out else ""),
                  **_FIT, **(_COMPACT if folded else {})}
    # The graph's name is the title Graphviz gives the SVG: the apps, not a bare "migrations".
    dot = graphviz.Digraph(dag_title(dag, apps), graph_attr=graph_attr,
                           node_attr={"shape": "box", "fontname": "Helvetica", "fontsize": "11",
                                      **(_COMPACT_NODE if folded else {})},
                           edge_attr={"color": "#525252"})
    merges = set(dag.merges())
    for app in sorted({n[0] for n in shown}):
        current = dag.current(app)
        with dot.subgraph(name=f"cluster_{app}") as cluster:
            cluster.attr(label=app, labelloc="t", labeljust="c", fontsize="12", style="rounded", color="#9e9e9e")
            for node in (n for n in shown if n[0] == app):
                attrs = dict(_APPLIED if node in dag.applied else _UNAPPLIED)
                if node in highlight:
                    attrs.update(_HIGHLIGHT)
                if node in runs:
                    if node == runs[node][0]:
                        cluster.node(dotted(node), _run_label(runs[node]), shape="box3d", **attrs)
                    continue
                if node in leaves:
                    attrs["peripheries"] = "2"
                cluster.node(dotted(node), _label(dag, node, current, merges, folded), **attrs)
    outside, drawn = set(), set()
    for parent, child in dag.edges:
        if child not in shown_set or (parent, child) in left_out:
            continue
        if parent in shown_set:
            edge = (_head(runs, parent), _head(runs, child))
            if edge[0] == edge[1] or edge in drawn:
                continue  # inside a folded run, or already drawn to it
            drawn.add(edge)
            cross = parent[0] != child[0]
            dot.edge(*map(dotted, edge), **({"style": "dashed"} if cross else {}))
        else:
            outside.add((parent[0], child))
    for above, below in stacking_edges([n for n in shown if _head(runs, n) == n], sorted(drawn)) if folded else ():
        dot.edge(dotted(above), dotted(below), style="invis", minlen="2")
    for app, child in sorted(outside):
        dot.node(f"{app} (not shown)", shape="plaintext", fontcolor="#737373")
        dot.edge(f"{app} (not shown)", dotted(_head(runs, child)), style="dotted")
    if _ranks({_head(runs, n) for n in shown}, drawn) > TALL:
        dot.graph_attr["labelloc"] = "t"  # a tall drawing: its legend on top, in view where the drawing starts
    return dot


def _ranks(nodes, edges):
    """Return how many boxes the longest chain of EDGES (parent, child) among NODES has: the drawing's rows."""
    children, parents = {n: [] for n in nodes}, {n: 0 for n in nodes}
    for parent, child in edges:
        children[parent].append(child)
        parents[child] += 1
    depth = {n: 1 for n in nodes}
    ready = [n for n in nodes if not parents[n]]
    while ready:  # Kahn's order: each node once, each edge once
        node = ready.pop()
        for child in children[node]:
            depth[child] = max(depth[child], depth[node] + 1)
            parents[child] -= 1
            if not parents[child]:
                ready.append(child)
    return max(depth.values(), default=0)


def _head(runs, node):
    """Return the node NODE is drawn as: itself, or the first of the folded run it is in."""
    return runs[node][0] if node in runs else node


