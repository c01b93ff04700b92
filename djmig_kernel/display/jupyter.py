"""A MigrationDAG in Jupyter: its mimebundle (SVG and DOT, or text where Graphviz is missing) and show()."""

import shutil

from .render import dotted, render_dag

__all__ = ["DagDisplay", "DagDrawing", "dag_as_text", "dag_bundle", "DOT_MIMETYPE", "GRAPHVIZ_HINT"]

DOT_MIMETYPE = "text/vnd.graphviz"
GRAPHVIZ_HINT = (
    "Graphviz's 'dot' program is not on PATH, so the DAG is shown as text: install it with "
    "'sudo apt-get install graphviz' (Debian/Ubuntu), 'brew install graphviz' (macOS) "
    "or 'conda install -c conda-forge graphviz'"
)


def dag_as_text(dag, highlight=(), apps=None):
    """Return DAG as text, showmigrations-style, with each migration's dependencies."""
    highlight = {tuple(n) for n in highlight}
    lines = []
    for app in dag.apps:
        if apps is not None and app not in apps:
            continue
        lines.append(app)
        current = dag.current(app)
        for node in (n for n in dag.nodes if n[0] == app):
            mark = "[X]" if node in dag.applied else "[ ]"
            notes = []
            parents = dag.parents(node)
            if parents:
                notes.append("after " + ", ".join(dotted(p) for p in parents))
            if node in dag.replaces:
                notes.append("squashes " + ", ".join(n[1] for n in dag.replaces[node]))
            if node == current:
                notes.append("current")
            if node in highlight:
                notes.append("highlighted")
            suffix = f"  ({'; '.join(notes)})" if notes else ""
            lines.append(f" {mark} {node[1]}{suffix}")
    return "\n".join(lines)


def dag_bundle(dag, highlight=(), apps=None, collapse="auto"):
    """Return a Jupyter mimebundle: SVG and DOT where Graphviz is installed, else text and a hint."""
    text = repr(dag)
    if shutil.which("dot") is None:
        return {"text/plain": f"{text}\n{dag_as_text(dag, highlight, apps)}\n{GRAPHVIZ_HINT}"}
    digraph = render_dag(dag, highlight, apps, collapse)
    return {
        "image/svg+xml": digraph.pipe(format="svg", encoding="utf-8"),
        DOT_MIMETYPE: digraph.source,
        "text/plain": text,
    }


class DagDrawing:
    """A MigrationDAG to display with some apps only and some migrations highlighted."""

    def __init__(self, dag, apps=None, highlight=(), collapse="auto"):
        self.dag, self.apps, self.highlight = dag, apps, tuple(tuple(n) for n in highlight)
        self.collapse = collapse

    def __repr__(self):
        return repr(self.dag)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return dag_bundle(self.dag, self.highlight, self.apps, self.collapse)


class DagDisplay:
    """What makes a MigrationDAG show itself in a notebook, kept apart from the graph's data.

    The DAG class mixes this in, as graphviz's graphs mix in their Jupyter integration.
    """

    def _repr_mimebundle_(self, include=None, exclude=None):
        return dag_bundle(self)

    def show(self, apps=None, highlight=(), collapse="auto"):
        """Return the DAG for display, limited to APPS, with the HIGHLIGHT migrations outlined.

        COLLAPSE folds runs of plain migrations into one node each (see render_dag).
        """
        return DagDrawing(self, apps, highlight, collapse)
