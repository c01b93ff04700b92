"""An exercise's start: a sandbox's files and database as they were, kept in memory or on its server."""

import os
import shutil
import sqlite3

from ...exceptions import DatabaseBusyError
from ...project.files import project_folders

__all__ = ["Kept"]

_JOURNALS = ("-journal", "-wal", "-shm")


def _files(root, database):
    """Return {path: bytes} of the project's own files (not its database), and the folders they are in."""
    skipped = set() if database is None else {database.with_name(database.name + s) for s in ("", *_JOURNALS)}
    files, folders = {}, set()
    for folder, names in project_folders(root):
        folders.add(folder)
        files.update({folder / n: (folder / n).read_bytes() for n in names if folder / n not in skipped})
    return folders, files


def _sql(statement, *names):
    """Return STATEMENT with NAMES quoted as identifiers (psycopg's sql module)."""
    from psycopg import sql

    return sql.SQL(statement).format(*map(sql.Identifier, names))


def _read_whole(path):
    """Return the bytes of the SQLite file PATH, read while a read transaction keeps any writer from committing."""
    lock = sqlite3.connect(path, timeout=5, isolation_level=None)
    try:
        lock.execute("BEGIN")
        lock.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return path.read_bytes()
    finally:
        lock.close()


class Kept:
    """SANDBOX as it is now: its files and its SQLite file in memory, or its PostgreSQL database copied on its server.

    put_back() writes back only what differs, so a sandbox nobody changed stays byte for byte as it is.
    """

    def __init__(self, sandbox):
        self.sandbox = sandbox
        self.path = sandbox.db_path  # None on PostgreSQL
        self.folders, self.files = _files(sandbox.path, self.path)
        self.data = self.copy = None
        if self.path is not None and self.path.is_file():
            self.data = _read_whole(self.path)
        elif self.path is None:
            self.copy = self._postgresql_copy()

    def __repr__(self):
        return f"<Kept {self.sandbox.path.name}>"

    def _admin(self):
        return self.sandbox.connect(dbname="postgres")

    def _postgresql_copy(self):
        """Copy the database on its server (CREATE DATABASE ... TEMPLATE); return the copy's name."""
        with self.sandbox.connect() as probe:
            name = probe.info.dbname
        copy = f"{name[:40]}__djmig_exercise"
        with self._admin() as admin:
            admin.execute(_sql("DROP DATABASE IF EXISTS {} WITH (FORCE)", copy))
            busy = admin.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [name]).fetchone()[0]
            if busy:
                raise DatabaseBusyError(
                    f"the exercise cannot keep database {name!r} as it starts: {busy} connection(s) of yours are "
                    f"open on it; close them (connection.close()) and run this cell again")
            admin.execute(_sql("CREATE DATABASE {} TEMPLATE {}", copy, name))
        self.name = name
        return copy

    def changed(self):
        """Return True if the sandbox's files or its SQLite file differ from what was kept (PostgreSQL: its files)."""
        folders, now = _files(self.sandbox.path, self.path)
        if folders != self.folders or now != self.files:
            return True
        if self.data is not None:
            return not self.path.is_file() or self.path.read_bytes() != self.data
        return self.path is not None and self.path.exists()

    def put_back(self):
        """Put the files and the database back as they were when this was made (files made since are removed)."""
        folders, now = _files(self.sandbox.path, self.path)
        for folder in sorted(folders - self.folders, key=lambda f: len(f.parts)):
            shutil.rmtree(folder, ignore_errors=True)
        for path in now.keys() - self.files.keys():
            path.unlink(missing_ok=True)
        for path, content in self.files.items():
            if now.get(path) != content:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content)
        if self.copy is not None:
            self._put_back_postgresql()
        elif self.data is not None:
            if self.path.is_file() and self.path.read_bytes() == self.data:
                return  # unchanged, and left byte for byte as it is
            for suffix in _JOURNALS:
                self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)
            fresh = self.path.with_name(f".{self.path.name}.djmig-exercise")
            fresh.write_bytes(self.data)
            os.replace(fresh, self.path)  # whole or not at all
        elif self.path is not None:  # there was no database yet
            for suffix in ("", *_JOURNALS):
                self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)

    def _put_back_postgresql(self):
        with self._admin() as admin:
            admin.execute(_sql("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name))
            admin.execute(_sql("CREATE DATABASE {} TEMPLATE {}", self.name, self.copy))
