"""Settings for nbval's notebook tests (pytest loads this for tests/ and notebooks/ alike)."""

# Graphviz's SVG differs between Graphviz builds and fonts; each DAG is also
# stored as its DOT text (text/vnd.graphviz), which is compared instead.
NOT_COMPARED = ("image/svg+xml", "application/vnd.jupyter.widget-state+json")


def pytest_collectstart(collector):
    if type(collector).__name__ == "IPyNbFile":
        collector.skip_compare = (*collector.skip_compare, *NOT_COMPARED)

