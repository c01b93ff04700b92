"""Settings for nbval's notebook tests (pytest loads this for tests/ and notebooks/ alike), and the re-run check.

nbval runs each notebook in a fresh kernel and compares every cell with its stored outputs. Right after its
last cell, in the same kernel, one more item of the notebook ("Run All again") runs the first half of the
cells again, as a learner who stopped halfway, then Run All, and compares every output with the stored one
by nbval's own comparison: so a notebook recovers from a half run and repeats itself, and nbval's one fresh
run serves as the first run of that check.
"""

import pytest

# Graphviz's SVG differs between Graphviz builds and fonts; each DAG is also
# stored as its DOT text (text/vnd.graphviz), which is compared instead.
NOT_COMPARED = ("image/svg+xml", "application/vnd.jupyter.widget-state+json")

RERUN = "Run All again"


def pytest_collectstart(collector):
    if type(collector).__name__ == "IPyNbFile":
        collector.skip_compare = (*collector.skip_compare, *NOT_COMPARED)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    """Give every notebook one more item after its cells: the re-run check, in nbval's kernel."""
    outcome = yield
    if type(collector).__name__ != "IPyNbFile":
        return
    report = outcome.get_result()
    cells = [item for item in report.result or () if type(item).__name__ == "IPyNbCell"]
    if report.passed and cells:
        report.result.append(RunAllAgain.from_parent(collector, name=RERUN, cells=cells))


def pytest_runtest_makereport(item, call):
    """Remember the first nbval cell of a notebook that failed: the re-run check then has nothing to repeat."""
    if type(item).__name__ == "IPyNbCell" and call.excinfo is not None and call.when in ("setup", "call"):
        if not call.excinfo.errisinstance(pytest.skip.Exception):
            item.parent.__dict__.setdefault("djmig_failed", item.name)


class RerunDiffers(Exception):
    pass


class RunAllAgain(pytest.Item):
    """In the kernel nbval has just run the whole notebook in: the first half again, then Run All.

    Every cell's outputs must again equal the stored ones (nbval's comparison, its sanitizers and its
    skipped types), and so the outputs of nbval's fresh run.
    """

    def __init__(self, *, cells, **kwargs):
        super().__init__(**kwargs)
        self.cells = cells
        self.add_marker(pytest.mark.notebook)

    def runtest(self):
        notebook = self.parent
        failed = notebook.__dict__.get("djmig_failed")
        if failed:
            pytest.skip(f"nbval's run stopped at {failed}, so there is no run to repeat")
        if notebook.kernel is None or not notebook.kernel.is_alive():
            raise RerunDiffers("nbval's kernel is gone, so the notebook cannot run again in it")
        half = self.cells[: len(self.cells) // 2]
        for when, cells in (("run again after Run All, as a half run", half),
                            ("after that half run, Run All", self.cells)):
            for cell in cells:
                self._run_again(cell, when)

    def _run_again(self, first, when):
        again = type(first).from_parent(
            self.parent, name=first.name, cell_num=first.cell_num, cell=first.cell, options=first.options
        )
        try:
            again.runtest()
        except pytest.skip.Exception:
            return
        except Exception as error:  # nbval's NbCellError: the cell failed or its outputs differ
            details = [f"{first.name} ({when}): {error}", f"Input:\n{first.cell.source}"]
            if getattr(error, "inner_traceback", None):
                details.append(error.inner_traceback)
            raise RerunDiffers("\n\n".join(details)) from None

    def repr_failure(self, excinfo):
        if excinfo.errisinstance(RerunDiffers):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f"{self.parent.name}::{RERUN}"


# Scheduling for pytest-xdist's --dist loadgroup (the Makefile's `make test`), with --no-loadscope-reorder so
# that the units of work go out in the order collected here: each notebook's nbval cells and its re-run are
# one unit, on one worker and in order; each browser test and each test of the Wagtail corpus is a unit of its
# own; every other test file is one unit, as under --dist loadfile. The units go out longest first, so that
# the last ones, which leave the other worker idle, are short. Only the order depends on the estimates below.
# Seconds a whole test file took (2 workers, under load), for the files that take longest; any other test
# counts half a second.
FILE_SECONDS = {"test_picker.py": 120, "test_walkthrough.py": 85, "test_drift_real.py": 70, "test_errors.py": 70,
                "test_plan.py": 60, "test_drift.py": 55, "test_dag.py": 45, "test_branches.py": 40,
                "test_side_by_side.py": 80, "test_postgresql.py": 90}


def _code_cells(path):
    import nbformat

    return sum(cell.cell_type == "code" for cell in nbformat.read(str(path), as_version=4).cells)


def _unit(item, tests_in_file):
    """Return (the group of ITEM, None for a unit of its own; ITEM's estimated seconds)."""
    group = item.path.relative_to(item.config.rootpath).as_posix()
    if item.path.suffix == ".ipynb":  # a cell runs once for nbval; the re-run runs 1.5 times every cell
        return group, 1.5 * _code_cells(item.path) if item.name == RERUN else 1.0
    if item.path.name == "test_browser.py":  # Run All in JupyterLab and Chromium
        notebook = item.callspec.params.get("notebook") if hasattr(item, "callspec") else None
        notebook = notebook or item.module.ROOT / "notebooks" / item.module.NOTEBOOK
        return None, 2.6 * _code_cells(notebook) + (5 if hasattr(item, "callspec") else 20)
    if item.path.name == "test_third_party.py":  # the SQL of whole plans takes longest
        return None, 70.0 if "executor" in item.name or "every_time" in item.name else 20.0
    if item.path.name == "test_contract.py":  # a real project's contract: whole plans, migrate on copies
        return None, 60.0 if "rollback" in item.name else 15.0
    if item.path.name in FILE_SECONDS:
        return group, FILE_SECONDS[item.path.name] / tests_in_file
    return group, 0.5


# The fixtures of the real projects (tests/conftest.py): what make test-fast leaves to make test.
REAL_PROJECT = {"wagtail", "wagtail_copy", "project", "project_copy"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.nbval)
        elif REAL_PROJECT & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.real_project)
    if config.getoption("dist", "no") != "loadgroup":
        return
    tests_in_file = {}
    for item in items:
        tests_in_file[item.path] = tests_in_file.get(item.path, 0) + 1
    units = {}
    for index, item in enumerate(items):
        group, seconds = _unit(item, tests_in_file[item.path])
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))
        unit = units.setdefault(group or item.nodeid, [0.0, index, []])
        unit[0] += seconds
        unit[2].append(item)
    items[:] = [item for _, _, members in sorted(units.values(), key=lambda u: (-u[0], u[1])) for item in members]
