"""Nothing half done on PostgreSQL: clone the kit's own database around a migrate, or say what a failure left."""

import contextlib
import re
import time
from typing import NamedTuple

from .. import exceptions as exc
from ..display.terminal import manage_line
from .pgerrors import error_for, psycopg_module

__all__ = ["cloned", "told", "clone_name", "MigrateOutcome", "explain_partial_migrate"]

# migrate writes "  Applying app.0002_x..." then " OK" (plus " (0.012s)" at -v 2) on the same line
_STEP = re.compile(r"^\s*(Applying|Unapplying) (\S+?)\.\.\.( OK\b.*)?\s*$")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_ANY_STEP = re.compile(r"^\s*(Applying|Unapplying) \S+\.\.\.", re.M)
# PostgreSQL adds CONTEXT: lines after the exception's own line, so the error is not the last line
_ERROR = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception): .*$")


def clone_name(name):
    """Return the name of the copy the guard keeps of database NAME (identifiers are cut at 63 bytes)."""
    return f"{name[:40]}__djmig_before"


@contextlib.contextmanager
def cloned(database, args, maintenance_db="postgres"):
    """Copy DATABASE (CREATE DATABASE ... TEMPLATE) before the body; if the body raises, put the copy back.

    Each migration is its own transaction, so a plan failing at its second migration would keep the
    first; the copy keeps the kit's promise of nothing half done. Needs CREATEDB (the kit's server:
    superuser) and no other session on the database while it is copied. A copy left by a guard that was
    killed midway is the last state the kit promised: it is put back first.
    """
    psycopg = psycopg_module()
    sql = psycopg.sql
    name, copy = database.name, clone_name(database.name)
    db, clone = sql.Identifier(name), sql.Identifier(copy)
    admin = database.connect(dbname=maintenance_db)
    try:
        names = {n for (n,) in admin.execute("SELECT datname FROM pg_database")}
        if copy in names:
            _restore(admin, db, clone, present=name in names)
        started = time.perf_counter()
        try:
            admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(clone, db))
        except psycopg.errors.ObjectInUse:
            raise _busy(admin, name, args) from None
        except psycopg.Error as error:
            raise error_for(error, database) from None
        database.clone_seconds = time.perf_counter() - started
        try:
            yield
        except BaseException:
            _restore(admin, db, clone, present=True)
            raise
        admin.execute(sql.SQL("DROP DATABASE {}").format(clone))
    finally:
        admin.close()


def _restore(admin, db, clone, present):
    sql = psycopg_module().sql
    if present:  # FORCE ends sessions a killed migrate may have left behind
        admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(db))
    admin.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(clone, db))


def _busy(admin, name, args):
    others = admin.execute(
        "SELECT pid, coalesce(nullif(application_name, ''), backend_type) FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid()", [name]).fetchall()
    sessions = ", ".join(f"{app} (pid {pid})" for pid, app in others) or "another session"
    return exc.DatabaseBusyError(
        f"`{manage_line(*args)}` not run: {sessions} is connected to database {name!r}, and the kit copies it "
        f"first (PostgreSQL copies only a database nobody uses); close it (e.g. quit dbshell) and run again")


@contextlib.contextmanager
def told(args):
    """Let a migrate on a learner's own server fail as it does, its error saying what stays applied."""
    try:
        yield
    except exc.CommandError as error:
        result = error.result
        if result is None or isinstance(error, exc.CommandTimeout) or not _ANY_STEP.search(
                _ANSI.sub("", result.stdout)):
            raise
        line = next((x for x in reversed(result.stderr.splitlines()) if _ERROR.match(x)), "")
        outcome = explain_partial_migrate(result.stdout, line)
        raise type(error)(f"`{manage_line(*args)}` failed: {outcome.message}", result=result) from None


class MigrateOutcome(NamedTuple):
    done: list  # "app.name" in the order they were applied (or unapplied), each committed
    failed: str | None  # the one that raised: rolled back unless it is non-atomic
    direction: str  # "Applying" or "Unapplying"
    message: str  # one line, for a learner's own server, where the kit keeps no copy


def explain_partial_migrate(stdout, error="", non_atomic=()):
    """Return the MigrateOutcome of a migrate that failed, from what it printed (STDOUT) and its ERROR line.

    NON_ATOMIC: "app.name" of migrations with atomic = False, whose changes up to the failure stay.
    """
    done, failed, direction = [], None, "Applying"
    for line in _ANSI.sub("", stdout).splitlines():
        step = _STEP.match(line)
        if step:
            direction = step[1]
            if step[3]:
                done.append(step[2])
            else:
                failed = step[2]
    verb = "applied" if direction == "Applying" else "unapplied"
    one = len(done) == 1
    kept = (f"{', '.join(done)} {'was' if one else 'were'} {verb} and stay{'s' if one else ''} so "
            f"(each migration is its own transaction)") if done else f"nothing was {verb} before it"
    cause = f" ({exc.one_line(error)})" if error else ""
    if failed is None:
        message = f"migrate failed before {direction.lower()} any migration{cause}; {kept}"
    elif failed in non_atomic:
        message = (f"migrate failed in {failed}{cause}, which is non-atomic (atomic = False): the changes it "
                   f"made before the error stay and it is not recorded in django_migrations; {kept}; "
                   f"check the database by hand, fix {failed} and run migrate again")
    else:
        message = (f"migrate failed in {failed}{cause}: it was rolled back and is not recorded in "
                   f"django_migrations; {kept}; fix {failed} and run migrate again, or migrate back to undo them")
    return MigrateOutcome(done, failed, direction, exc.one_line(message))
