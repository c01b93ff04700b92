"""Answering an exercise as a learner does: the notebook's own answer cell, the kit's solution, or a wrong answer."""

import json
from pathlib import Path

from djmig_kernel.notebook.exercises import RIGHT, UNANSWERED, WRONG

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"

__all__ = ["answer_cell", "answer", "RIGHT", "UNANSWERED", "WRONG"]


def answer_cell(number):
    """Return the source of notebook NUMBER's answer cell, as the notebook stores it (the learner's blank)."""
    notebook = next(NOTEBOOKS.glob(f"{number}-*.ipynb"))
    cells = json.loads(notebook.read_text())["cells"]
    found = [cell for cell in cells if cell.get("id") == f"c{number}-ex-answer"]
    assert len(found) == 1, f"{notebook.name} has {len(found)} answer cells"
    return "".join(found[0]["source"])


def answer(ex, code, **namespace):
    """Reset EX, run CODE as the answer cell does (with EX as ``ex`` and NAMESPACE), and return (check, namespace)."""
    ns = {"ex": ex, **namespace}
    ex.reset()
    exec(code, ns)  # noqa: S102  (a learner's answer cell)
    return ex.check(ns), ns
