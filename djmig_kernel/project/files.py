"""Fingerprint the files that decide a project's migration graph (migration files, settings)."""

import os

# Folders that hold no app of the project: a virtualenv, caches, version control.
_SKIPPED = {"__pycache__", "node_modules", "site-packages"}


def migration_files_fingerprint(project):
    """Return the sorted (path, mtime_ns, size) of every .py file in a migrations folder of PROJECT.

    Also the project's settings folders' .py files (INSTALLED_APPS). Equal fingerprints
    mean the graph Django builds is unchanged, except for what the ledger says is applied.
    Reads file metadata only.
    """
    found = []
    for folder, dirs, files in os.walk(project):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in _SKIPPED
                   and not os.path.exists(os.path.join(folder, d, "pyvenv.cfg"))]
        name = os.path.basename(folder)
        if name == "migrations" or "settings.py" in files or name == "settings":
            for file in files:
                if file.endswith(".py"):
                    stat = os.stat(os.path.join(folder, file))
                    found.append((os.path.relpath(os.path.join(folder, file), project), stat.st_mtime_ns, stat.st_size))
    return sorted(found)
