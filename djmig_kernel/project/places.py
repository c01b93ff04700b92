"""Where sandboxes go: where asked, or, from a folder the learner cannot write (a course), in a place of theirs."""

import os
from pathlib import Path

from .. import exceptions as exc

__all__ = ["PLACE_VARIABLE", "learner_place", "writable", "sandbox_root", "existing_root"]

# An instructor sets it (e.g. in the JupyterHub spawner's environment) to choose each learner's place.
PLACE_VARIABLE = "DJMIG_SANDBOXES"


def learner_place():
    """Return the learner's own folder for sandboxes: $DJMIG_SANDBOXES, else ~/djmig-sandboxes."""
    value = os.environ.get(PLACE_VARIABLE)
    return Path(value).expanduser() if value else Path.home() / "djmig-sandboxes"


def _nearest(folder):
    """Return FOLDER, or its nearest ancestor that exists (the one a mkdir would write in)."""
    folder = Path(os.path.abspath(folder))
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def writable(folder):
    """Return True if FOLDER could be made and written: it, or its nearest existing ancestor, is writable."""
    nearest = _nearest(folder)
    return nearest.is_dir() and os.access(nearest, os.W_OK | os.X_OK)


def _moved(root):
    """Return ROOT (relative) inside the learner's place."""
    return learner_place() / root


def sandbox_root(root):
    """Return the folder to make ROOT's sandbox in: ROOT itself where it can be written; else, for a
    relative ROOT, the same path inside the learner's place, said in one line. Neither: ReadOnlyFolderError.
    """
    root = Path(root)
    if writable(root):
        return root
    blocked = _nearest(root)
    if root.is_absolute():
        raise exc.ReadOnlyFolderError(f"cannot write in {str(blocked)!r}; choose a root folder you can write")
    place = _moved(root)
    if not writable(place):
        raise exc.ReadOnlyFolderError(
            f"cannot write {str(root)!r} here ({str(blocked)!r} is read-only) nor in {str(place)!r}; "
            f"set {PLACE_VARIABLE} to a folder you can write"
        )
    print(f"{str(blocked)!r} cannot be written, so {str(root)!r} is in {str(place)!r} (set {PLACE_VARIABLE} to move it)")
    return place


def existing_root(path):
    """Return PATH, or for a relative PATH that is not there but is in the learner's place, that one."""
    path = Path(path)
    if path.is_absolute() or path.exists() or writable(path) or not _moved(path).exists():
        return path
    return _moved(path)
