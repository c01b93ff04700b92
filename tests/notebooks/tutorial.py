"""The tutorial's notebooks as the notebook tests see them: where they are."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
# The browser tests of notebooks 07 on are a file of their own, so that pytest-xdist runs them on the other worker.
EARLY = [p for p in NOTEBOOKS if p.name < "07"]
LATER = [p for p in NOTEBOOKS if p.name >= "07"]
