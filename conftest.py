"""Settings for nbval's notebook tests (pytest loads this for tests/ and notebooks/ alike)."""

import pytest

# Graphviz's SVG differs between Graphviz builds and fonts; each DAG is also
# stored as its DOT text (text/vnd.graphviz), which is compared instead.
NOT_COMPARED = ("image/svg+xml", "application/vnd.jupyter.widget-state+json")


def pytest_collectstart(collector):
    if type(collector).__name__ == "IPyNbFile":
        collector.skip_compare = (*collector.skip_compare, *NOT_COMPARED)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist turns the group into a suffix of the test's id
def pytest_collection_modifyitems(items):
    """Keep each notebook's cells together on one pytest-xdist worker (``--dist loadgroup``).

    nbval runs a notebook's cells in order in one kernel; every other test may go to any worker,
    so the long runs (a notebook re-run, a notebook in the browser) spread over both.
    """
    for item in items:
        if type(item).__name__ == "IPyNbCell":
            item.add_marker(pytest.mark.xdist_group(item.parent.nodeid))
