"""Notebooks side by side: two notebooks executing at once both show exactly the stored outputs.

That every notebook recovers when re-run after stopping halfway, and repeats itself when Run All runs
again in the same kernel, is checked in nbval's own kernel right after nbval's run (the item "Run All
again" of each notebook, in the root conftest.py). The test here runs in a copy of the notebooks folder,
so its sandboxes cannot clash with nbval's run of the same notebooks on the other worker.
"""

import subprocess
import sys

import nbformat
import pytest

from compare import code_cells, copy_notebooks, outputs
from tutorial import NOTEBOOKS, ROOT

@pytest.mark.notebook
def test_two_notebooks_executing_at_once_do_not_interfere(tmp_path):
    """Start two notebooks in two kernels at the same moment, in one folder; both show the stored outputs."""
    copy_notebooks(tmp_path)
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
        for index in code_cells(stored):
            assert outputs(ran.cells[index]) == outputs(stored.cells[index]), f"{name} cell {index} differs"
