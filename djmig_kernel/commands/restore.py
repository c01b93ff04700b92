"""Put a project's migration folders back as they were when a command must leave no trace."""

import contextlib
import shutil

from ..project.files import project_folders


def _migration_folders(root):
    """Yield every folder named ``migrations`` below ROOT, outside virtual environments and hidden folders."""
    return (folder for folder, _ in project_folders(root) if folder.name == "migrations")


def _files(root):
    """Return {path: bytes} of the files in ROOT's migration folders, and the folders themselves."""
    folders = set(_migration_folders(root))
    files = {path: path.read_bytes() for folder in folders for path in folder.rglob("*") if path.is_file()}
    return folders, files


@contextlib.contextmanager
def migrations_restored_on_error(root):
    """Put every migration folder below ROOT back as it was if the body raises.

    ``makemigrations`` writes only there: new migration files (and a new
    ``migrations`` package for an app that had none); ``--update`` also rewrites
    and deletes one. The files as they were are kept in memory.
    """
    folders, before = _files(root)
    try:
        yield
    except BaseException:
        now_folders, now = _files(root)
        for folder in now_folders - folders:
            shutil.rmtree(folder, ignore_errors=True)
        for path in now.keys() - before.keys():
            path.unlink(missing_ok=True)
        for path, content in before.items():
            if now.get(path) != content:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content)
        raise
