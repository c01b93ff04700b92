"""Walk a project's own folders, and fingerprint the files that decide its migration graph and its settings."""

import os
from pathlib import Path

__all__ = ["project_folders", "migration_files_fingerprint", "settings_fingerprint"]

# Folders that hold no app of the project: caches, packages, version control (hidden folders).
_SKIPPED = {"__pycache__", "node_modules", "site-packages"}


def project_folders(root):
    """Yield (folder, file names) for ROOT and the folders below it that may hold the project's apps.

    Hidden folders, caches and virtual environments (a folder with pyvenv.cfg) are not walked.
    Reads the file system only.
    """
    for folder, subfolders, files in os.walk(root):
        if "pyvenv.cfg" in files:
            subfolders[:] = []
            continue
        subfolders[:] = [name for name in subfolders if not name.startswith(".") and name not in _SKIPPED]
        yield Path(folder), files


def _stat(path, project):
    # ctime and inode as git's index keeps them: a copy that keeps a file's time and size (cp -p, rsync -t, tar)
    # changes its ctime, which no program sets back, or its inode (a file renamed into place).
    stat = os.stat(path)
    return (os.path.relpath(path, project), stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_size)


def migration_files_fingerprint(project):
    """Return the sorted (path, mtime_ns, ctime_ns, inode, size) of every .py file in a migrations folder of PROJECT.

    Also the project's settings folders' .py files (INSTALLED_APPS). Equal fingerprints
    mean the graph Django builds is unchanged, except for what the ledger says is applied.
    Reads file metadata only.
    """
    found = []
    for folder, files in project_folders(project):
        if folder.name == "migrations" or "settings.py" in files or folder.name == "settings":
            found += [_stat(folder / file, project) for file in files if file.endswith(".py")]
    return sorted(found)


def settings_fingerprint(settings_file):
    """Return the sorted (path, mtime_ns, ctime_ns, inode, size) of the .py files beside SETTINGS_FILE (its package).

    Equal fingerprints mean the settings read the same. Reads file metadata only.
    """
    folder = Path(settings_file).parent
    return tuple(sorted(_stat(path, folder) for path in folder.glob("*.py")))
