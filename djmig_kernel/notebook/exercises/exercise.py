"""Exercise: one exercise of a notebook: its start kept (reset() goes back), its reference solution, its check."""

from ...exceptions import DjmigError
from .keep import Kept
from .verdict import RIGHT, UNANSWERED, WRONG, Mistake, Unanswered, Verdict

__all__ = ["Exercise", "Answers", "RESET"]

# The answer cell's first line where the answer changes the sandbox.
RESET = "ex.reset()  # back to where the exercise starts, so this cell can run again and again\n"


class Answers:
    """The learner's answers: the notebook's variables, each one unanswered while it is missing or ``...``."""

    def __init__(self, namespace, task):
        self._namespace, self._task = namespace, task

    def __getitem__(self, name):
        value = self._namespace.get(name, Ellipsis)
        if value is Ellipsis:
            raise Unanswered(self._task)
        return value

    def get(self, name, default=None):
        """Return the variable NAME, or DEFAULT while it is missing or ``...``."""
        value = self._namespace.get(name, Ellipsis)
        return default if value is Ellipsis else value


class Exercise:
    """An exercise of notebook ``number``: made where it starts, over the sandboxes it changes.

    ``uses`` names the sandboxes it works on; ``task`` says in a few words what to do (an unanswered check
    repeats it); ``reference`` is one right answer's code (``solution`` as the learner loads it); ``changes``:
    the answer changes the sandboxes, so their files and databases are kept as they are now and ``reset()`` puts
    them back. ``begin`` reads, at the start, what the check compares the answer with; ``judge`` returns the
    line of a right answer or raises Mistake (or Unanswered) with the line that says what is wrong and what to do.
    """

    number = title = task = reference = ""
    changes = True
    uses = ("sb",)  # the names of the sandboxes it works on, as the notebook calls them

    def __init__(self, *sandboxes):
        self.sandboxes = sandboxes
        self._kept = [Kept(sandbox) for sandbox in sandboxes] if self.changes else []
        self.start = self.begin(*sandboxes)

    def __repr__(self):
        return f"<Exercise {self.number} · {self.title}>"

    @property
    def solution(self):
        """Return one right answer's code, as ``%load ex.solution`` puts it in the answer cell: opening with
        ex.reset() where the answer changes the sandbox, so that the cell can run again and again."""
        return (RESET if self.changes else "") + self.reference

    def begin(self, *sandboxes):
        """Return what the check needs to know of the start (read before the learner changes anything)."""
        return None

    def reset(self):
        """Put every sandbox of the exercise back as it was when the exercise started."""
        for kept in self._kept:
            kept.put_back()

    def changed(self, index=0):
        """Return True if the sandbox INDEX changed since the exercise started (files, or a SQLite file)."""
        return self._kept[index].changed()

    def judge(self, answers, *sandboxes):
        """Return the line of a right answer, or raise Mistake; ANSWERS: the learner's variables (Answers)."""
        raise NotImplementedError

    def check(self, namespace=None):
        """Return the Verdict on the answer: the notebook's variables (NAMESPACE, by default IPython's) and the
        sandboxes as they are now. Never raises for a wrong answer: it says what is wrong in one line."""
        if namespace is None:
            from IPython import get_ipython

            shell = get_ipython()
            namespace = shell.user_ns if shell is not None else {}
        try:
            line = self.judge(Answers(namespace, self.task), *self.sandboxes)
        except Unanswered as missing:
            return Verdict(UNANSWERED, f"{missing}; then run this check again (stuck? %load ex.solution)")
        except Mistake as mistake:
            return Verdict(WRONG, mistake)
        except DjmigError as error:  # the kit could not read the sandbox as the answer left it
            return Verdict(WRONG, f"{error} (ex.reset() puts the sandbox back where the exercise starts)")
        return Verdict(RIGHT, line)
