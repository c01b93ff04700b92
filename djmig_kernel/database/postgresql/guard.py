"""Nothing half done on PostgreSQL: clone the kit's own database around a migrate, put back on failure."""

import contextlib
import time

from ... import exceptions as exc
from ...display.terminal import manage_line
from ..outcome import SAY_PUT_BACK, explain_partial_migrate, put_back_said
from .copy import GuardCopy
from .errors import error_for, psycopg_module

__all__ = ["cloned"]


@contextlib.contextmanager
def cloned(database, args, maintenance_db="postgres"):
    """Copy DATABASE (CREATE DATABASE ... TEMPLATE) before the body; if the body raises, put that copy back.

    Each migration is its own transaction, so a plan failing at its second migration would keep the
    first; the copy keeps the kit's promise of nothing half done. Needs CREATEDB (the kit's server:
    superuser) and no other session on the database while it is copied. Only the copy made here is put
    back: one that a guard killed midway left is removed (the database may hold newer rows), and one line
    says so (see GuardCopy.claim).
    """
    copy = GuardCopy(database, args, maintenance_db)
    try:
        try:
            for note in copy.claim():
                print(note)
            started = time.perf_counter()
            copy.make()
        except psycopg_module().Error as error:
            raise error_for(error, database) from None
        database.clone_seconds = time.perf_counter() - started
        try:
            yield
        except BaseException as error:
            _put_back(copy, database, args, error)
            if isinstance(error, SAY_PUT_BACK):
                raise put_back_said(error, f"database {database.name!r}") from None
            raise
        with contextlib.suppress(psycopg_module().Error):  # its disk is full: the next migrate removes it
            copy.drop()
    finally:
        copy.close()


def _put_back(copy, database, args, error):
    """Put COPY back after ERROR; if the server cannot (its disk is full, it stopped), say what stays, in one line."""
    try:
        copy.put_back()
    except psycopg_module().Error as failure:
        result = getattr(error, "result", None)
        stays = f"; {explain_partial_migrate(result.stdout).message}" if result is not None else ""
        cause = error_for(failure, database)
        cls, why = type(cause), str(cause)
        # Migrate failed for want of disk and the server stopped with it: after its crash it may have freed
        # what it had half written, so the disk alone need not look full any more.
        if copy.disk_full() or isinstance(error, exc.DiskSpaceError):
            cls, why = exc.DiskSpaceError, (f"its server's disk is full ({exc.megabytes(copy.free())} free); free "
                                            f"some space (and start the server again if it stopped: Sandbox.open)")
        if copy.set_aside:
            stays = f"; the next sb.migrate() puts {copy.copy} back first"
        raise cls(f"`{manage_line(*args)}` failed and database {database.name!r} was not put back: {why}{stays}",
                  result=result) from None
