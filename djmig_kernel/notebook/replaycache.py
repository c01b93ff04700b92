"""A cache of the walkthrough's replayed projects: each state built once for this kit and Django, then copied.

replay() runs up to nine Django commands to bring a sandbox to the end of a notebook, and every notebook
after 02 starts with one, again each time its setup cell runs. The state it builds depends only on the
steps, the kit's own source, Django and Python, so the first build of each is kept under the cache folder
($DJMIG_CACHE, else $XDG_CACHE_HOME/djmig or ~/.cache/djmig; DJMIG_CACHE= empty turns it off) and later
replays copy it. A copy is the build: the same files, the same ledger rows and ids, the same data. Only
SQLite projects are kept (a PostgreSQL project's data is a server's). The cache is best effort: a folder
that cannot be read or written is not used, and says nothing.
"""

import hashlib
import os
import shutil
import sys
import tempfile
from importlib import metadata
from pathlib import Path

__all__ = ["CACHE_VARIABLE", "cache_folder", "key", "find", "keep", "KEPT"]

CACHE_VARIABLE = "DJMIG_CACHE"
KEPT = 24  # states kept; the oldest go first (each is a few hundred kilobytes)
_KIT = Path(__file__).resolve().parents[1]


def cache_folder():
    """Return the folder of replayed states, or None when DJMIG_CACHE is set empty (no cache)."""
    value = os.environ.get(CACHE_VARIABLE)
    if value is not None:
        return Path(value).expanduser() / "replay" if value else None
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "djmig" / "replay"


def source_digest(package=_KIT):
    """Return a digest of every .py file of PACKAGE (the kit), by path and contents."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(Path(package).rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def key(steps, database):
    """Return the name of the state that STEPS build on DATABASE, for this kit, Django and Python."""
    parts = [repr(tuple(steps)), database, source_digest(), metadata.version("django"), sys.version]
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


def find(steps, database):
    """Return the kept project folder that STEPS build on DATABASE, or None."""
    folder = cache_folder()
    if folder is None or database != "sqlite":
        return None
    kept = folder / key(steps, database)
    try:
        if not kept.is_dir():
            return None
        os.utime(kept)  # the least recently used go first
    except OSError:
        pass
    return kept if kept.is_dir() else None


def keep(steps, database, project):
    """Keep a copy of PROJECT, just built by STEPS on DATABASE, for later replays (if it can be written)."""
    folder = cache_folder()
    if folder is None or database != "sqlite":
        return
    target = folder / key(steps, database)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=".building-", dir=folder))
    except OSError:
        return
    try:
        copy = building / project.name
        shutil.copytree(project, copy, ignore=shutil.ignore_patterns("__pycache__", "*-journal", "*-wal", "*-shm"))
        os.utime(copy)  # copytree dated it as PROJECT; its age is the time it was kept
        os.rename(copy, target)  # whole or not at all; another kernel's copy may be there first
    except OSError:
        pass
    finally:
        shutil.rmtree(building, ignore_errors=True)
    _trim(folder)


def _trim(folder):
    """Delete the oldest kept states beyond KEPT."""
    try:
        states = sorted((p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")),
                        key=lambda p: p.stat().st_mtime)
    except OSError:
        return
    for old in states[:-KEPT]:
        shutil.rmtree(old, ignore_errors=True)
