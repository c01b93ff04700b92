"""The exercises as the notebooks store them: an answer for the learner to write, a check of the kit that says so
under Run All, and no solution that Run All runs (the kit keeps it: %load ex.solution)."""

import json
import re

import pytest

from tutorial import NOTEBOOKS


def _source(cell):
    return "".join(cell["source"])


def _shown(cell):
    return "".join("".join(o.get("data", {}).get("text/plain", o.get("text", ""))) for o in cell.get("outputs", ()))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[path.stem[:2] for path in NOTEBOOKS])
def test_an_exercise_is_for_the_learner_to_answer(notebook):
    """Each exercise: a cell that starts it (exercise(NN, ...)), a blank answer cell that stores nothing, and ex.check()
    that stores the one line saying it is not answered yet; no code is folded away for Run All to run."""
    cells, number = json.loads(notebook.read_text())["cells"], notebook.name[:2]
    exercises = sum(line.startswith("## Exercise") for cell in cells if cell["cell_type"] == "markdown"
                    for line in _source(cell).splitlines())
    assert exercises == 1, f"{notebook.name}: {exercises} exercises"
    folded = [i for i, cell in enumerate(cells) if cell["metadata"].get("jupyter", {}).get("source_hidden")]
    assert folded == [], f"{notebook.name}: code folded away in cells {folded}, which Run All runs"
    ids = [cell.get("id") for cell in cells]
    start, answer = ids.index(f"c{number}-ex-start"), ids.index(f"c{number}-ex-answer")
    assert answer == start + 1 and re.search(rf'ex = exercise\("{number}"', _source(cells[start]))
    assert "..." in _source(cells[answer]) or "# Your answer" in _source(cells[answer])
    assert not cells[answer]["outputs"], f"{notebook.name}: the blank answer cell stores an output"
    check = cells[answer + 1]
    assert _source(check) == "ex.check()"
    assert _shown(check).startswith("Not answered yet: "), f"{notebook.name}: the check stores {_shown(check)!r}"
    assert "%load ex.solution" in _source(cells[start - 1]), f"{notebook.name}: the text does not say how to see one"
