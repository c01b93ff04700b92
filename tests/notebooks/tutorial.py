"""The tutorial's notebooks as the notebook tests see them: where they are."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
# The first part, 00-06: the walkthrough (what the classroom test runs).
EARLY = [p for p in NOTEBOOKS if p.name < "07"]
