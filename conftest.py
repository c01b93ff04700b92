"""Settings for nbval's notebook tests (pytest loads this for tests/ and notebooks/ alike), and the re-run check.

nbval runs each notebook in a fresh kernel and compares every cell with its stored outputs. Right after its
last cell, in the same kernel, one more item of the notebook ("Run All again") runs the first half of the
cells again, as a learner who stopped halfway, then Run All, and compares every output with the stored one
by nbval's own comparison: so a notebook recovers from a half run and repeats itself, and nbval's one fresh
run serves as the first run of that check. In its Run All every cell must also reply "ok", as JupyterLab's Run
All needs to go on to the end (it stops at the first error reply, even of a cell tagged raises-exception: a
cell that fails on purpose says so with %%expect_error); the browser tests then read the stored outputs.
"""

import os
import shutil
import tempfile

import pytest
from nbval.kernel import RunningKernel

# Graphviz's SVG differs between Graphviz builds and fonts; each DAG is also
# stored as its DOT text (text/vnd.graphviz), which is compared instead.
NOT_COMPARED = ("image/svg+xml", "application/vnd.jupyter.widget-state+json")

RERUN = "Run All again"

# The notebooks' sandboxes (notebook 15 writes a test_migrations.py in its own): a learner's projects, not the
# kit's tests. Collected, they made the next `make test` in the same checkout fail.
collect_ignore = ["notebooks/sandboxes"]


def pytest_configure(config):
    """Give the whole run (every worker, kernel and JupyterLab it starts) one new, empty cache of replayed
    projects (djmig_kernel/notebook/replaycache.py): each state is built for real once per run, never taken
    from an earlier run or from the developer's own cache."""
    if not hasattr(config, "workerinput"):  # the controller, before pytest-xdist starts the workers
        config.djmig_cache = tempfile.mkdtemp(prefix="djmig-cache-")
        os.environ["DJMIG_CACHE"] = config.djmig_cache


def pytest_unconfigure(config):
    if getattr(config, "djmig_cache", None):
        shutil.rmtree(config.djmig_cache, ignore_errors=True)


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


def _await_reply(self, msg_id, timeout=None):
    """nbval's RunningKernel.await_reply, which also keeps the reply's status (ok, error) in self.djmig_status."""
    while True:
        msg = self.get_message(stream="shell", timeout=timeout)
        if msg["parent_header"].get("msg_id") == msg_id:
            if msg["content"]["status"] == "aborted":
                raise RuntimeError("Kernel aborted execution request")
            self.djmig_status = msg["content"]["status"]
            return


RunningKernel.await_reply = _await_reply


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
                notebook.kernel.djmig_status = None
                self._run_again(cell, when)
                if cells is self.cells and notebook.kernel.djmig_status not in ("ok", None):
                    raise RerunDiffers(
                        f"{cell.name} ({when}) replied {notebook.kernel.djmig_status!r}: JupyterLab's Run All stops "
                        f"there; a cell that fails on purpose shows its error with %%expect_error\n\n"
                        f"Input:\n{cell.cell.source}")

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


# The fixtures of the real projects (tests/conftest.py): what make test-fast leaves to make test.
REAL_PROJECT = {"wagtail", "wagtail_copy", "project", "project_copy", "corpus_copy", "boxoffice"}

# The files that take longest (pytest --durations=0, two workers), longest first. pytest-xdist's --dist
# loadfile gives each worker a file at a time in collection order: started last, a long file runs on alone
# while the other worker idles. These go first, then the notebooks (nbval, 10-40 s each), then the rest (files
# of seconds), each group in collection order.
LONGEST_FIRST = (
    "tests/real/test_contract.py", "tests/real/test_contract_pg.py", "tests/site/test_site.py",
    "tests/notebooks/test_browser.py", "tests/test_third_party.py", "tests/classroom/test_jupyterhub.py",
)


def pytest_collection_modifyitems(config, items):
    """Mark notebook items nbval, and the tests that build or read a real project real_project (make test-fast);
    put the longest files first (LONGEST_FIRST)."""
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.nbval)
        elif REAL_PROJECT & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.real_project)
    rank = {name: index for index, name in enumerate(LONGEST_FIRST)}
    notebooks, rest = len(rank), len(rank) + 1
    items.sort(key=lambda item: rank.get(item.path.relative_to(config.rootpath).as_posix(),
                                         notebooks if item.path.suffix == ".ipynb" else rest))
