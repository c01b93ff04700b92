"""Two lines of work on one project: a teammate's copy of the folder, and the migration files a merge brings."""

import filecmp
import shutil

from .. import exceptions as exc
from ..project.folders import COPY_MARKER, made_by_kit, make_room, mark_copy, owned
from ..project.names import check_identifier
from ..sandbox import Sandbox

__all__ = ["copy_project", "bring_migrations"]

# A clone of the code has no database of its own (db.sqlite3, the kit's server's .pgdata are not
# committed), nor byte code.
_NOT_COPIED = shutil.ignore_patterns("db.sqlite3", "db.sqlite3-*", ".pgdata", "__pycache__", COPY_MARKER)


def copy_project(sandbox, name, replace=True):
    """Copy SANDBOX's folder, without its database, to the folder NAME beside it; return it as a Sandbox.

    This is what a teammate's clone of the code is: the same files, a database of its
    own (none until it migrates). An existing folder NAME is rebuilt (REPLACE=True) only
    if the kit made it, its PostgreSQL server and warm probe stopped first; REPLACE=False refuses.
    Starts no Django.
    """
    check_identifier(name, "project")
    target = sandbox.path.parent / name
    if target == sandbox.path:
        raise exc.InvalidNameError(f"{name!r} is the project being copied; choose another name, such as 'teammate'")
    if replace and not target.is_symlink() and made_by_kit(target):  # the kit's old copy, to be deleted:
        old = Sandbox(target)
        old.stop_database()  # its server first (a running server's data cannot be deleted from under it)
        old.close()  # and its warm probe
    make_room(target, replace)
    shutil.copytree(sandbox.path, target, symlinks=True, ignore=_NOT_COPIED)
    if not owned(target):  # a copy of a project the kit did not make: still the kit's to rebuild, its settings its own
        mark_copy(target)
    return Sandbox.open(target)  # on the kit's PostgreSQL server: a server of its own, started


def _migration_files(sandbox, app):
    check_identifier(app, "app")
    folder = sandbox.path / app / "migrations"
    if not (folder / "__init__.py").is_file():
        raise exc.UnknownAppError(
            f"app {app!r} has no migrations folder in sandbox {sandbox.path.name!r}; "
            f"run makemigrations {app} there first"
        )
    return folder, {p.name: p for p in folder.glob("*.py") if p.name != "__init__.py"}


def bring_migrations(source, target, app):
    """Copy into TARGET the migration files of APP that SOURCE has and TARGET lacks; return their names.

    This is what merging SOURCE's branch into TARGET's brings to APP/migrations/
    (models.py is merged by hand, as git would ask). A file both have with different
    contents is a conflict: nothing is copied. Starts no Django.
    """
    if source == target:
        raise exc.InvalidNameError(
            f"source and target are both {source.path.name!r}; bring migrations from another copy of the project"
        )
    _, theirs = _migration_files(source, app)
    folder, ours = _migration_files(target, app)
    differ = sorted(n for n in theirs.keys() & ours.keys() if not filecmp.cmp(theirs[n], ours[n], shallow=False))
    if differ:
        raise exc.BranchConflictError(
            f"{app}/migrations/{differ[0]} differs between {source.path.name!r} and {target.path.name!r}; "
            f"give one of them another name (or delete it) before bringing the files over"
        )
    new = sorted(theirs.keys() - ours.keys())
    for name in new:
        shutil.copy2(theirs[name], folder / name)
    return new
