"""The tutorial's notebooks as the notebook tests see them: where they are."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
# The browser tests come in three files of about the same length (00-06, 07-11, 12 on), so that pytest-xdist
# (--dist loadfile, one file to a worker) can share them out between its workers.
EARLY = [p for p in NOTEBOOKS if p.name < "07"]
LATER = [p for p in NOTEBOOKS if "07" <= p.name < "12"]
LAST = [p for p in NOTEBOOKS if p.name >= "12"]
