"""SQLite: read a project's SQLite file read-only, and guard a migrate on it with a snapshot of the file."""

from .backend import SQLite

__all__ = ["SQLite"]
