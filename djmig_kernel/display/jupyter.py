"""A MigrationDAG in Jupyter: its mimebundle (a picture with its text alternative, and DOT; or text where
Graphviz is missing) and show()."""

import base64
import html
import re
import shutil

from .describe import DEFAULT_MEANING, dag_description, dag_title
from .render import dotted, render_dag

__all__ = ["DagDisplay", "DagDrawing", "dag_as_text", "dag_bundle", "dag_svg", "DOT_MIMETYPE", "GRAPHVIZ_HINT"]

DOT_MIMETYPE = "text/vnd.graphviz"
GRAPHVIZ_HINT = (
    "Graphviz's 'dot' program is not on PATH, so the DAG is shown as text: install it with "
    "'sudo apt-get install graphviz' (Debian/Ubuntu), 'brew install graphviz' (macOS) "
    "or 'conda install -c conda-forge graphviz'"
)


def dag_as_text(dag, highlight=(), apps=None, meaning=DEFAULT_MEANING):
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
                notes.append(meaning)
            suffix = f"  ({'; '.join(notes)})" if notes else ""
            lines.append(f" {mark} {node[1]}{suffix}")
    return "\n".join(lines)


def _drawing(dag, highlight, apps, collapse, meaning):
    """Return (render_dag's Digraph, its SVG, its text alternative). The SVG holds the title (the apps) and the
    description (what is applied, current and outlined for MEANING) first inside its <svg> element, where a
    screen reader and a browser showing the file alone look for them. Runs Graphviz's dot."""
    digraph = render_dag(dag, highlight, apps, collapse, meaning)
    title, description = dag_title(dag, apps), dag_description(dag, highlight, apps, meaning)
    words = f"<title>{html.escape(title, quote=False)}</title><desc>{html.escape(description, quote=False)}</desc>"
    svg = re.sub(r"<svg\b([^>]*)>", lambda m: f'<svg role="img"{m.group(1)}>\n{words}',
                 digraph.pipe(format="svg", encoding="utf-8"), count=1)
    return digraph, svg, f"{title}. {description}"


def dag_svg(dag, highlight=(), apps=None, collapse="auto", meaning=DEFAULT_MEANING):
    """Return render_dag's drawing of DAG as SVG, with a title and a description of what it shows."""
    return _drawing(dag, highlight, apps, collapse, meaning)[1]


def dag_bundle(dag, highlight=(), apps=None, collapse="auto", meaning=DEFAULT_MEANING):
    """Return a Jupyter mimebundle: where Graphviz is installed, the picture as HTML (an <img> whose alt text
    says what it shows: JupyterLab draws a bare SVG as an <img> with none), as SVG, and its DOT text;
    else text and a hint."""
    text = repr(dag)
    if shutil.which("dot") is None:
        return {"text/plain": f"{text}\n{dag_as_text(dag, highlight, apps, meaning)}\n{GRAPHVIZ_HINT}"}
    digraph, svg, alt = _drawing(dag, highlight, apps, collapse, meaning)
    source = base64.b64encode(svg.encode()).decode()
    return {
        "text/html": f'<img alt="{html.escape(alt)}" src="data:image/svg+xml;base64,{source}">',
        "image/svg+xml": svg,
        DOT_MIMETYPE: digraph.source,
        "text/plain": text,
    }


class DagDrawing:
    """A MigrationDAG to display with some apps only and some migrations highlighted."""

    def __init__(self, dag, apps=None, highlight=(), collapse="auto", meaning=DEFAULT_MEANING):
        self.dag, self.apps, self.highlight = dag, apps, tuple(tuple(n) for n in highlight)
        self.collapse, self.meaning = collapse, meaning

    def __repr__(self):
        return repr(self.dag)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return dag_bundle(self.dag, self.highlight, self.apps, self.collapse, self.meaning)


class DagDisplay:
    """What makes a MigrationDAG show itself in a notebook, kept apart from the graph's data.

    The DAG class mixes this in, as graphviz's graphs mix in their Jupyter integration.
    """

    def _repr_mimebundle_(self, include=None, exclude=None):
        return dag_bundle(self)

    def show(self, apps=None, highlight=(), collapse="auto", meaning=DEFAULT_MEANING):
        """Return the DAG for display, limited to APPS, with the HIGHLIGHT migrations outlined.

        COLLAPSE folds runs of plain migrations into one node each (see render_dag); MEANING says in the
        legend and the text alternative what the outline stands for ("the new migration", "the leaves").
        """
        return DagDrawing(self, apps, highlight, collapse, meaning)
