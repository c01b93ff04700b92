"""A notebook's outputs as nbval compares them (streams joined, skipped types left out, masked), and copies of the notebooks."""

import configparser
import re
import shutil

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


def code_cells(notebook):
    return [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]


def copy_notebooks(folder):
    for notebook in (ROOT / "notebooks").glob("*.ipynb"):
        shutil.copy(notebook, folder / notebook.name)  # links between notebooks keep working
