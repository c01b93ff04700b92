"""Notebooks side by side: two notebooks executing at once both show exactly the stored outputs.

That every notebook recovers when re-run after stopping halfway, and repeats itself when Run All runs
again in the same kernel, is checked in nbval's own kernel right after nbval's run (the item "Run All
again" of each notebook, in the root conftest.py). The test here runs in a copy of the notebooks folder,
so its sandboxes cannot clash with nbval's run of the same notebooks on the other worker.
"""

import configparser
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
# What nbval does not compare either (root conftest.py), plus what nbval never compares.
NOT_COMPARED = {"image/svg+xml", "image/png", "image/jpeg", "application/vnd.jupyter.widget-view+json",
                "application/vnd.jupyter.widget-state+json"}


def _sanitizers():
    config = configparser.ConfigParser(interpolation=None)
    config.read(ROOT / "tests" / "nbval-sanitize.cfg")
    return [(re.compile(config[s]["regex"]), config[s]["replace"]) for s in config.sections()]


SANITIZERS = _sanitizers()


def _clean(text):
    for pattern, replacement in SANITIZERS:
        text = pattern.sub(replacement, text)
    return text


def _outputs(cell):
    """Return CELL's outputs as nbval compares them: streams joined, skipped types left out, masked."""
    shown = []
    for output in cell.get("outputs", []):
        kind = output["output_type"]
        if kind == "stream":
            if shown and shown[-1][0] == output["name"]:
                shown[-1] = (output["name"], shown[-1][1] + output["text"])
            else:
                shown.append((output["name"], output["text"]))
        elif kind == "error":
            shown.append(("error", output["ename"], output["evalue"]))
        else:
            data = {k: v for k, v in output["data"].items() if k not in NOT_COMPARED}
            shown.append((kind, {k: v if isinstance(v, str) else "".join(v) for k, v in sorted(data.items())}))
    return _clean(repr(shown))


def _code_cells(notebook):
    return [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]


def _copy_notebooks(folder):
    for notebook in (ROOT / "notebooks").glob("*.ipynb"):
        shutil.copy(notebook, folder / notebook.name)  # links between notebooks keep working


@pytest.mark.notebook
def test_two_notebooks_executing_at_once_do_not_interfere(tmp_path):
    """Start two notebooks in two kernels at the same moment, in one folder; both show the stored outputs."""
    _copy_notebooks(tmp_path)
    names = [NOTEBOOKS[4].name, NOTEBOOKS[5].name]
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "--inplace",
             "--ExecutePreprocessor.kernel_name=python3", "--ExecutePreprocessor.timeout=300", name],
            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        for name in names
    ]
    for name, run in zip(names, runs):
        assert run.wait(timeout=600) == 0, f"{name} failed: {run.stderr.read()[-2000:]}"
    for name in names:
        stored = nbformat.read(ROOT / "notebooks" / name, as_version=4)
        ran = nbformat.read(tmp_path / name, as_version=4)
        for index in _code_cells(stored):
            assert _outputs(ran.cells[index]) == _outputs(stored.cells[index]), f"{name} cell {index} differs"
