"""Run a notebook again in one kernel and compare every run with its stored outputs, as nbval compares them."""

import configparser
import re
import shutil

import nbformat
from nbclient import NotebookClient

from tutorial import ROOT

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


def outputs(cell):
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


def _run(client, notebook, indices):
    for index in indices:
        client.execute_cell(notebook.cells[index], index)
    return [outputs(notebook.cells[i]) for i in indices]


def code_cells(notebook):
    return [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]


def copy_notebooks(folder):
    for notebook in (ROOT / "notebooks").glob("*.ipynb"):
        shutil.copy(notebook, folder / notebook.name)  # links between notebooks keep working


def check_rerun(path, tmp_path):
    """Run half of notebook PATH's cells, then Run All, then Run All again, all in one kernel.

    Both full runs must show exactly the stored outputs (what nbval compares).
    """
    copy_notebooks(tmp_path)
    stored = nbformat.read(path, as_version=4)
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    cells = code_cells(notebook)
    expected = [outputs(stored.cells[i]) for i in cells]
    with client.setup_kernel():
        _run(client, notebook, cells[: len(cells) // 2])  # stopped halfway
        after_a_half_run = _run(client, notebook, cells)
        run_again = _run(client, notebook, cells)
    for i, index in enumerate(cells):
        assert after_a_half_run[i] == expected[i], f"cell {index} differs after a half run, then Run All"
        assert run_again[i] == expected[i], f"cell {index} differs when Run All runs a second time"
