"""A classroom on a real JupyterHub: two learners run notebooks 00–06 from one read-only course folder, at once.

The hub runs with the instructors' classroom/jupyterhub_config.py (made to fit the test only in what a test
needs: loopback ports, test logins, homes in a temporary folder). Every notebook runs in a fresh kernel of the
learner's own single-user server, reached through the proxy: its REST API starts the kernel in ~/course (the
read-only course folder) and each code cell goes over the kernel's websocket. Each cell's outputs must be the
stored ones, apart from the one line the kit prints to say the sandbox is in the learner's place.
"""

import os
import re
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from hub import Hub, install_proxy
from kernel import Kernel

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "notebooks"))
from compare import code_cells, outputs  # noqa: E402 (the notebook tests' comparison, as nbval compares)
from tutorial import EARLY, ROOT  # noqa: E402

LEARNERS = ("learner1", "learner2")
pytestmark = pytest.mark.notebook
TIMINGS = {}  # (how, learner) -> {notebook: seconds}


def _listing(folder):
    return sorted((str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*"))


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    """Start the hub on a read-only copy of notebooks/ with two learners' servers; stop it all afterwards."""
    install_proxy()
    folder = tmp_path_factory.mktemp("classroom")
    course = folder / "course"
    shutil.copytree(ROOT / "notebooks", course,
                    ignore=shutil.ignore_patterns("sandboxes", ".ipynb_checkpoints", "__pycache__"))
    for path in (course, *course.rglob("*")):
        path.chmod(path.stat().st_mode & ~0o222)
    before = _listing(course)
    hub = Hub(folder, {"DJMIG_COURSE": str(course)})
    try:
        servers = {name: hub.add_learner(name) for name in LEARNERS}
        yield {"hub": hub, "course": course, "servers": servers, "before": before}
    finally:
        left = hub.stop()
        for path in (course, *course.rglob("*")):
            path.chmod(path.stat().st_mode | 0o200)  # so that pytest can delete it
    assert left == 0, f"{left} processes of the hub's were still running after it stopped"


def _place_line(course, home):
    """Return the pattern of the one line the kit prints when a sandbox goes to the learner's place."""
    return re.compile(rf"^{re.escape(repr(str(course)))} cannot be written, so '([^']+)' is in "
                      rf"'{re.escape(str(home / 'djmig-work'))}/\1' \(set DJMIG_SANDBOXES to move it\)\n", re.M)


def _without(ran, place):
    """Return the cell outputs RAN without the place lines, and how many there were."""
    kept, count = [], 0
    for output in ran:
        if output["output_type"] == "stream":
            text, found = place.subn("", output["text"])
            count += found
            if not text:
                continue
            output = {**output, "text": text}
        kept.append(output)
    return kept, count


def run_notebook(server, token, notebook, course, home):
    """Run NOTEBOOK's code cells in a fresh kernel of SERVER started in ~/course; return (problems, seconds)."""
    stored = nbformat.read(notebook, as_version=4)
    place, problems, said = _place_line(course, home), [], 0
    started = time.monotonic()
    kernel = Kernel(server, token, "course")
    try:
        for index in code_cells(stored):
            cell = stored.cells[index]
            ran, status = kernel.execute(cell.source)
            ran, count = _without(ran, place)
            said += count
            expected_error = "raises-exception" in cell.metadata.get("tags", [])
            if status != "ok" and not expected_error:
                problems.append(f"{notebook.name} cell {index} failed: {ran}")
            elif outputs({"outputs": ran}) != outputs(cell):
                problems.append(f"{notebook.name} cell {index} differs:\n  ran:    {outputs({'outputs': ran})}\n"
                                f"  stored: {outputs(cell)}")
        seconds = time.monotonic() - started
        cwd, _ = kernel.execute("import os; print(os.getcwd(), end='')")
    finally:
        kernel.shutdown()
    if cwd[0]["text"] != str(course):
        problems.append(f"{notebook.name}: the kernel ran in {cwd[0]['text']}, not in the course folder {course}")
    if not said:
        problems.append(f"{notebook.name}: no line said that the sandbox is in {home / 'djmig-work'}")
    return problems, seconds


def run_course(classroom, name):
    """Run notebooks 00–06 one after another as learner NAME; return (problems, {notebook: seconds})."""
    server, token = classroom["servers"][name]
    home = classroom["hub"].homes / name
    problems, times = [], {}
    for notebook in EARLY:
        found, times[notebook.name[:2]] = run_notebook(server, token, notebook, classroom["course"], home)
        problems += found
    return problems, times


def _check_places(classroom, names):
    """Each learner's sandboxes of notebooks 00–06 are in their own home, and the course folder is as it was."""
    for name in names:
        place = classroom["hub"].homes / name / "djmig-work" / "sandboxes"
        made = sorted(p.parent.parent.name for p in place.glob("*/djsandbox/manage.py"))
        assert made == [n.name[:2] for n in EARLY], f"{name}'s sandboxes: {made}"
    assert _listing(classroom["course"]) == classroom["before"], "something was written in the course folder"


@pytest.mark.skipif(not os.environ.get("DJMIG_CLASSROOM_TIMINGS"),
                    reason="the time of one learner alone, for comparison: DJMIG_CLASSROOM_TIMINGS=1 runs it "
                           "(the side-by-side test checks the same of two learners)")
def test_a_learner_runs_notebooks_00_to_06_on_the_hub_from_the_read_only_course(classroom):
    problems, TIMINGS["alone", "learner1"] = run_course(classroom, "learner1")
    assert not problems, "\n".join(problems[:10])
    _check_places(classroom, ["learner1"])


def test_two_learners_run_them_side_by_side_each_in_their_own_home(classroom):
    with ThreadPoolExecutor(len(LEARNERS)) as pool:
        runs = {name: pool.submit(run_course, classroom, name) for name in LEARNERS}
        results = {name: run.result() for name, run in runs.items()}
    for name, (_, times) in results.items():
        TIMINGS["side by side", name] = times
    _print_timings()
    for name, (problems, _) in results.items():
        assert not problems, f"{name}:\n" + "\n".join(problems[:10])
    _check_places(classroom, LEARNERS)


def _print_timings():
    columns = [key for key in (("alone", "learner1"), *(("side by side", n) for n in LEARNERS)) if key in TIMINGS]
    print("\nseconds per notebook on the hub:", " | ".join(f"{how} ({name})" for how, name in columns))
    for number in (n.name[:2] for n in EARLY):
        print(f"  {number}: " + " | ".join(f"{TIMINGS[key][number]:6.1f}" for key in columns))
    print("  all: " + " | ".join(f"{sum(TIMINGS[key].values()):6.1f}" for key in columns))
