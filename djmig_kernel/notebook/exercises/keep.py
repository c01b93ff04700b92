"""An exercise's start: a sandbox's files and database as they were, kept in memory or on its server, put back on demand."""

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


class Kept:
    """SANDBOX as it is now: its files in memory, its database in memory (SQLite) or a copy on its server."""

    def __init__(self, sandbox):
        self.sandbox = sandbox
        self.path = sandbox.db_path  # None on PostgreSQL
        self.folders, self.files = _files(sandbox.path, self.path)
        self.memory = self.copy = None
        if self.path is not None and self.path.is_file():
            self.memory = sqlite3.connect(":memory:", check_same_thread=False)
            with sqlite3.connect(self.path) as live:
                live.backup(self.memory)
            live.close()
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
        elif self.memory is not None:
            live = sqlite3.connect(self.path)
            try:
                self.memory.backup(live)
            finally:
                live.close()
        elif self.path is not None:  # there was no database yet
            for suffix in ("", *_JOURNALS):
                self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)

    def _put_back_postgresql(self):
        with self._admin() as admin:
            admin.execute(_sql("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name))
            admin.execute(_sql("CREATE DATABASE {} TEMPLATE {}", self.name, self.copy))
