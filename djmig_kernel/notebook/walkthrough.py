"""The seed walkthrough's steps as data, and replay(): build a sandbox as it is at any notebook."""

from dataclasses import dataclass
from pathlib import Path

from ..exceptions import DjmigError, UnknownNotebookError
from ..project.places import learner_place
from ..sandbox import Sandbox
from . import replaycache

__all__ = ["Step", "STEPS", "NOTEBOOKS", "AUTHOR_MODELS", "BOOK_MODELS", "POPULATE", "replay"]

# models.py after notebook 02, and after notebook 03 (the seed's Book, with the on_delete
# today's Django requires).
AUTHOR_MODELS = """\
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=512)
"""

BOOK_MODELS = AUTHOR_MODELS + """

class Book(models.Model):
    title = models.CharField(max_length=512)
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
"""

# The seed's `manage.py shell` session.
POPULATE = """\
from app.models import Author, Book
author = Author(name="JK Rowling")
author.save()
book = Book(title="Harry Potter",author=author)
book.save()
"""

NOTEBOOKS = {
    "01": "Start a project",
    "02": "The Author model",
    "03": "The Book model",
    "04": "Populate with the ORM",
    "05": "Roll back",
}


@dataclass(frozen=True)
class Step:
    """One step of the walkthrough that changes the project.

    ``kind`` is "startproject", "startapp", "models" (write app/models.py), "shell"
    (run code with manage.py shell) or "manage" (run manage.py ARGS); ``args`` holds
    its arguments. The seed's look-only commands (showmigrations, sqlite3) are
    not steps: they change nothing, so replaying them would show nothing.
    """

    notebook: str
    kind: str
    args: tuple

    @property
    def summary(self):
        """Return the step in a few words, as the learner typed it."""
        if self.kind == "startproject":
            return f"startproject {self.args[0]}"
        if self.kind == "startapp":
            return f"startapp {self.args[0]} + INSTALLED_APPS"
        if self.kind == "models":
            label, source = self.args
            classes = [line.split()[1].split("(")[0] for line in source.splitlines() if line.startswith("class ")]
            return f"{label}/models.py: {', '.join(classes)}"
        if self.kind == "shell":
            return "shell (JK Rowling, Harry Potter)"
        return " ".join(self.args)

    def run(self, sandbox):
        """Do the step in SANDBOX. Starts Django (except for "models")."""
        if self.kind == "startapp":
            return sandbox.startapp(*self.args)
        if self.kind == "models":
            return sandbox.write_models(*self.args)
        if self.kind == "shell":
            return sandbox.shell(*self.args)
        if self.kind == "manage":
            return sandbox.manage(*self.args)
        raise DjmigError(f"a {self.kind!r} step makes the sandbox and cannot run inside one; use replay()")


STEPS = (
    Step("01", "startproject", ("djsandbox",)),
    Step("01", "manage", ("makemigrations",)),
    Step("01", "manage", ("migrate",)),
    Step("02", "startapp", ("app",)),
    Step("02", "models", ("app", AUTHOR_MODELS)),
    Step("02", "manage", ("makemigrations", "app")),
    Step("02", "manage", ("migrate",)),
    Step("03", "models", ("app", BOOK_MODELS)),
    Step("03", "manage", ("makemigrations", "--name", "added_Book_model", "app")),
    Step("03", "manage", ("migrate",)),
    Step("04", "shell", (POPULATE,)),
    Step("05", "manage", ("migrate", "app", "0001_initial")),
)


def _shown(path):
    """Return PATH relative to the working folder, or to the learner's place (where a read-only course's sandboxes
    go, as the notebook named them), or just its name: never an absolute path."""
    for base in (Path.cwd(), learner_place()):
        try:
            return str(path.resolve().relative_to(base.resolve()))
        except ValueError:
            pass
    return path.name


def replay(root, through, replace=True, database="sqlite"):
    """Build a sandbox in ROOT/djsandbox as it is at the end of notebook THROUGH, and return it.

    Runs every step of notebooks 01 to THROUGH (e.g. "04") in order, exactly as
    the notebooks do, so ids in the ledger match theirs; a state built before by this kit and Django
    is copied from the cache instead (replaycache: a SQLite project only). An existing ROOT/djsandbox
    made by the kit is rebuilt (REPLACE=True), so running a notebook again starts over.
    Prints one line per notebook replayed. Starts Django. DATABASE: as Sandbox.create's.
    """
    through = str(through).zfill(2)
    if through not in NOTEBOOKS:
        raise UnknownNotebookError(
            f"no walkthrough notebook {through!r}; choose one of: {', '.join(NOTEBOOKS)}"
        )
    steps = [step for step in STEPS if step.notebook <= through]
    project, *rest = steps  # STEPS open with startproject
    built = replaycache.find(steps, database)  # this state, built before by this kit and Django: copied
    sandbox = Sandbox.create(root, name=project.args[0], replace=replace, database=database, copy_of=built)
    if built is None:
        for step in rest:
            step.run(sandbox)
        replaycache.keep(steps, database, sandbox.path)
    span = "01" if through == "01" else f"01–{through}"
    lines = [f"Replayed notebooks {span} ({len(steps)} steps) into {_shown(sandbox.path)}:"]
    for number in (n for n in NOTEBOOKS if n <= through):
        done = ", ".join(step.summary for step in steps if step.notebook == number)
        lines.append(f"  {number} · {NOTEBOOKS[number]}: {done}")
    print("\n".join(lines))
    return sandbox
