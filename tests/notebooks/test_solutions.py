"""The exercises' reference solutions, folded away: what they leave under the folded cell gives nothing away."""

import json

import pytest

from tutorial import NOTEBOOKS


def _folded(cells):
    """Return the indices of CELLS that are code folded away in JupyterLab (its ``•••``)."""
    return [index for index, cell in enumerate(cells)
            if cell["cell_type"] == "code" and cell["metadata"].get("jupyter", {}).get("source_hidden")]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[path.stem[:2] for path in NOTEBOOKS])
def test_a_folded_solution_shows_no_result(notebook):
    """Each exercise's solution is folded away, and stores no output: under the folded cell, on the page and
    on the site, a result would be the answer (end the solution with an assignment, as the others do)."""
    cells = json.loads(notebook.read_text())["cells"]
    exercises = sum(line.startswith("## Exercise") for cell in cells if cell["cell_type"] == "markdown"
                    for line in "".join(cell["source"]).splitlines())
    folded = _folded(cells)
    assert len(folded) == exercises, f"{notebook.name}: {exercises} exercises, but solutions folded in cells {folded}"
    shown = [index for index in folded if cells[index].get("outputs")]
    assert shown == [], f"{notebook.name}: the folded solution in cell {shown} shows its result"
