"""Answering an exercise as a learner does: the notebook's own answer cell, the kit's solution, or a wrong answer."""

import json
from pathlib import Path

from djmig_kernel import DjmigError
from djmig_kernel.notebook.exercises import RIGHT, UNANSWERED, WRONG

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"

__all__ = ["answer_cell", "answer", "told", "empty_migrations", "notebook_cell", "RIGHT", "UNANSWERED", "WRONG"]


def answer_cell(number):
    """Return the source of notebook NUMBER's answer cell, as the notebook stores it (the learner's blank)."""
    notebook = next(NOTEBOOKS.glob(f"{number}-*.ipynb"))
    cells = json.loads(notebook.read_text())["cells"]
    found = [cell for cell in cells if cell.get("id") == f"c{number}-ex-answer"]
    assert len(found) == 1, f"{notebook.name} has {len(found)} answer cells"
    return "".join(found[0]["source"])


def answer(ex, code, reset=True, namespace=None, **names):
    """Reset EX (unless RESET is false), run CODE as the answer cell does (with EX as ``ex``), and
    return (the check's verdict, the namespace: NAMESPACE, one an earlier answer returned, or a new one, with
    NAMES). An answer that fails with the kit's error (as a learner's cell
    may) is checked all the same, as the learner then runs the check."""
    ns = {} if namespace is None else namespace
    ns.update(ex=ex, **names)
    if reset and not code.startswith("ex.reset()"):  # an answer cell that opens with it resets by itself
        ex.reset()
    try:
        exec(code, ns)  # noqa: S102  (a learner's answer cell)
    except DjmigError:
        pass
    return ex.check(ns), ns


def told(verdict, hint):
    """Return True if VERDICT is a wrong answer whose line holds HINT."""
    return verdict.kind == WRONG and hint in verdict.line


def notebook_cell(number, needle):
    """Return the source of notebook NUMBER's one code cell holding NEEDLE: the notebook's own code, for a test to run."""
    cells = json.loads(next(NOTEBOOKS.glob(f"{number}-*.ipynb")).read_text())["cells"]
    found = ["".join(c["source"]) for c in cells if c["cell_type"] == "code" and needle in "".join(c["source"])]
    assert len(found) == 1, f"notebook {number} has {len(found)} code cells with {needle!r}"
    return found[0]


def empty_migrations(sb, first, last):
    """Write migrations FIRST..LAST of app with no operations (each after the one before), without Django."""
    folder = sb.path / "app" / "migrations"
    for number in range(first, last + 1):
        before = next(folder.glob(f"{number - 1:04d}_*.py")).stem
        (folder / f"{number:04d}_step.py").write_text(
            f"from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
            f"    dependencies = [('app', '{before}')]\n    operations = []\n")
