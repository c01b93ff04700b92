"""The tutorial's exercises: each one's start kept (reset), its solution, and a check that names the mistake."""

from ...exceptions import UnknownExerciseError
from .addcolumn import AddColumnLock
from .datamigration import AddTolkien
from .dbdefault import ColumnForOldCode
from .disagree import PredictThenRepair
from .ledger import CountAuth
from .merge import MergeBranches
from .migrationtest import TestTrim
from .moves import ThereAndBack
from .parents import Parents
from .pieces import WhichPiece
from .predict import PredictMakemigrations
from .rehearse import Rehearse
from .rename import RenameTitle
from .rollback import AllTheWayBack
from .rows import SecondBook
from .savepoint import Savepoint
from .squash import FinishSquash
from .verdict import RIGHT, UNANSWERED, WRONG, Verdict

__all__ = ["exercise", "EXERCISES", "Verdict", "RIGHT", "WRONG", "UNANSWERED"]

EXERCISES = {cls.number: cls for cls in (
    WhichPiece, CountAuth, PredictMakemigrations, Parents, SecondBook, AllTheWayBack, ThereAndBack,
    PredictThenRepair, RenameTitle, MergeBranches, FinishSquash, AddTolkien, ColumnForOldCode, Savepoint,
    AddColumnLock, TestTrim, Rehearse,
)}


def exercise(number, *sandboxes):
    """Start the exercise of notebook NUMBER ("05") on SANDBOXES: keep them as they are now, for ex.reset().

    ex.check() judges the answer (the notebook's variables and the sandboxes) in one line; %load ex.solution
    puts one right answer in a cell.
    """
    key = str(number).zfill(2)
    if key not in EXERCISES:
        raise UnknownExerciseError(f"no exercise {number!r}: the notebooks' exercises are {', '.join(EXERCISES)}")
    cls = EXERCISES[key]
    if len(sandboxes) != len(cls.uses):
        call = "".join(f", {name}" for name in cls.uses)
        raise UnknownExerciseError(f"exercise {key} works on {len(cls.uses)} sandbox(es), not {len(sandboxes)}: "
                                   f"start it with exercise({key!r}{call})")
    return cls(*sandboxes)
