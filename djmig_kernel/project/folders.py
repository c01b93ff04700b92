"""Project folders: room for a new one, the kit's marker, the checks before opening one, and models.py files."""

import difflib
import html
import shutil
import textwrap
from pathlib import Path

from .. import exceptions as exc
from ..display.html import PRE_STYLE, diff_line_html
from .names import check_identifier

__all__ = ["MARKER", "COPY_MARKER", "SourceChange", "make_room", "mark", "mark_copy", "owned", "made_by_kit",
           "project_folder", "app_folder", "write_models"]

MARKER = ".djmig-sandbox"
# A copy that copy_project made of a project the kit did not make: the kit's to delete, but its settings
# are the project's own (MARKER also says the settings are the kit's: db.sqlite3, or the kit's server).
COPY_MARKER = ".djmig-copy"
_MODELS_HEADER = "from django.db import models\n"


class SourceChange:
    """A file the kit wrote: shown as a unified diff against what was there before."""

    def __init__(self, name, old, new):
        self.name, self.old, self.new = name, old, new

    def lines(self):
        """Return the unified diff from the old text to the new, as lines."""
        return list(difflib.unified_diff(
            self.old.splitlines(), self.new.splitlines(),
            f"a/{self.name}", f"b/{self.name}", lineterm="",
        ))

    def __repr__(self):
        return "\n".join(self.lines()) or f"{self.name}: unchanged"

    def _repr_pretty_(self, printer, cycle):
        printer.text(repr(self))

    def _repr_html_(self):
        lines = self.lines()
        body = "\n".join(map(diff_line_html, lines)) if lines else html.escape(repr(self))
        return f"<pre style='{PRE_STYLE};font-family:var(--jp-code-font-family,monospace)'>{body}</pre>"


def make_room(target, replace):
    """Delete the folder TARGET if REPLACE and the kit made it; refuse if it exists otherwise."""
    name = target.name
    if target.exists() or target.is_symlink():
        if not replace:
            raise exc.SandboxExistsError(
                f"folder {name!r} already exists; pass replace=True to rebuild it "
                f"or choose another name"
            )
        if target.is_symlink() or not made_by_kit(target):
            raise exc.NotOwnedError(
                f"folder {name!r} was not made by djmig (no {MARKER} file), so it is left untouched; "
                f"choose another name or root"
            )
        shutil.rmtree(target)


def mark(folder):
    """Mark FOLDER as made by the kit, so that replace=True may delete it later."""
    (folder / MARKER).write_text("This folder was made by djmig; Sandbox.create(replace=True) may delete it.\n")


def mark_copy(folder):
    """Mark FOLDER as the kit's copy of a project the kit did not make, so that replace=True may delete it later."""
    (folder / COPY_MARKER).write_text("This folder is a copy that djmig made; copy_project(replace=True) may delete it.\n")


def owned(folder):
    """Return True if the kit made FOLDER as a project of its own, with the kit's settings (it holds MARKER)."""
    return (folder / MARKER).is_file()


def made_by_kit(folder):
    """Return True if the kit made FOLDER: a project of its own, or a copy of someone else's."""
    return owned(folder) or (folder / COPY_MARKER).is_file()


def project_folder(path):
    """Return PATH if it holds manage.py, else raise NoProjectError."""
    path = Path(path)
    if not (path / "manage.py").is_file():
        raise exc.NoProjectError(
            f"no manage.py in {path.name or str(path)!r}; open the folder that holds manage.py, "
            f"or make one with Sandbox.create(root)"
        )
    return path


def app_folder(project, label):
    """Return PROJECT/LABEL, which must be an app (a package)."""
    check_identifier(label, "app")
    folder = project / label
    if not (folder / "__init__.py").is_file():
        raise exc.UnknownAppError(
            f"no app {label!r} in sandbox {project.name!r}; create it with sb.startapp({label!r})"
        )
    return folder


def write_models(project, label, source):
    """Write SOURCE (dedented) to LABEL/models.py and return the change; add the models import if missing."""
    path = app_folder(project, label) / "models.py"
    text = textwrap.dedent(source).strip("\n") + "\n"
    if "from django.db import models" not in text:
        text = f"{_MODELS_HEADER}\n\n{text}"
    old = path.read_text() if path.exists() else ""
    path.write_text(text)
    return SourceChange(f"{label}/models.py", old, text)
