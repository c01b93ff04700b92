"""Make a scratch PostgreSQL database holding a live database's schema only, where a plan's SQL is rehearsed."""

import contextlib
import hashlib
import itertools
import json
import os

from ... import exceptions as exc
from ...commands.runner import run
from . import server, shadowserver
from .errors import psycopg_module

__all__ = ["shadow_argv", "shadow_settings", "PREFIX"]

PREFIX = "djmig_shadow_"  # the scratch databases on the shadow server: djmig_shadow_<pid>_<n>, _t<digest> the kept
_made = itertools.count()
_templates = {}  # (host, port) of a shadow server: the database holding the last schema restored there
_TIMEOUT = 120  # seconds for pg_dump or psql; a schema of thousands of tables dumps in a few


class _NoShadow(Exception):
    """The shadow cannot be made: the plan's SQL is collected against the live database instead."""


@contextlib.contextmanager
def shadow_argv(database, wanted=True):
    """Yield the probe option naming a shadow of DATABASE's schema (``["--shadow=JSON"]``), or [] if none.

    Only where WANTED; the shadow is gone when the block ends.
    """
    if not wanted:
        yield []
        return
    with shadow_settings(database) as settings:
        yield [] if settings is None else ["--shadow=" + json.dumps(settings)]


@contextlib.contextmanager
def shadow_settings(database):
    """Yield DATABASES settings of a scratch database holding DATABASE's schema, no rows; None if none can be made.

    It is a database of this process's shadow server (shadowserver.py), copied from one holding the schema,
    which is restored once for each new schema (_template), and dropped when the block ends; nothing is made on
    the project's own server, the kit's or a learner's. The schema is pg_dump's (--schema-only), so a role
    that may only SELECT is enough; where pg_dump or the restore fails, there is no shadow (the SQL is collected
    live).
    """
    with contextlib.ExitStack() as cleanup:
        try:
            dump, search_path = _dump(database), _search_path(database)
            settings = cleanup.enter_context(_copy(shadowserver.settings(), dump))
            _settle(settings, search_path)
        except Exception:  # noqa: BLE001  (no shadow, for whatever reason: the SQL is collected live, as before)
            settings = None
            cleanup.close()  # what was made is removed (quietly: see _copy)
        yield settings


def _conninfo(params):
    """Return a libpq connection string of PARAMS without the password (given in PGPASSWORD instead)."""
    psycopg = psycopg_module()
    return psycopg.conninfo.make_conninfo(**{k: v for k, v in params.items() if k != "password"})


def _run(program, params, args, stdin=None):
    """Return the stdout of the wheel's PROGRAM run on PARAMS' database; raise _NoShadow if it fails."""
    env = {"PGPASSWORD": str(params["password"])} if params.get("password") else {}
    try:
        done = run([*args, "-d", _conninfo(params)], server.bin_dir(), _TIMEOUT, label=program, input=stdin,
                   env=env, program=str(server.bin_dir() / program))
    except exc.CommandTimeout as error:
        raise _NoShadow(str(error)) from None
    if done.returncode:
        raise _NoShadow(f"{program}: {done.stderr.strip()}")
    return done.stdout


def _dump(database):
    """Return pg_dump's schema-only SQL of DATABASE, as its settings' role sees it (Django's assume_role too).

    Inside a one_state() block, the schema of its snapshot: the one the plan whose SQL is rehearsed was read from.
    """
    role = [f"--role={database.role}"] if database.role else []
    snapshot = [f"--snapshot={database.snapshot}"] if database.snapshot else []
    return _run("pg_dump", database.params, ["--schema-only", "--no-owner", "--no-privileges", *role, *snapshot])


def _search_path(database):
    """Return the schemas DATABASE's connections look tables up in, $user resolved, as the live role sees them."""
    with database._reading() as connection:
        return list(connection.execute("SELECT current_schemas(false)").fetchone()[0])


@contextlib.contextmanager
def _copy(host, dump):
    """Yield the settings of a new database holding DUMP on the shadow server whose settings are HOST; drop it
    afterwards. It is a copy (CREATE DATABASE ... TEMPLATE) of the database _template keeps for DUMP."""
    sql = psycopg_module().sql
    settings = {**host, "NAME": f"{PREFIX}{os.getpid()}_{next(_made)}"}
    with server.admin(settings) as admin:
        template = _template(admin, settings, dump)
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(settings["NAME"]), sql.Identifier(template)))
    try:
        yield settings
    finally:  # best effort, the answer stands: the server goes at exit, and all in it
        with contextlib.suppress(Exception), server.admin(settings) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(settings["NAME"])))


def _template(admin, settings, dump):
    """Return the name of this process's database holding DUMP on the server of SETTINGS (ADMIN: a connection
    there), restoring it first unless it is the one kept from the last time (one a server: an older one goes)."""
    sql = psycopg_module().sql
    server_key = (settings["HOST"], settings["PORT"])
    name = f"{PREFIX}{os.getpid()}_t{_digest(dump)}"
    kept = _templates.get(server_key)
    if kept == name and admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        return name
    if kept:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(kept)))
        del _templates[server_key]
    admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
    try:
        _restore({**settings, "NAME": name}, dump)
    except Exception:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        raise
    _templates[server_key] = name
    return name


def _digest(dump):
    """Return a digest of the schema DUMP holds: the same for two dumps of one schema (pg_dump's \\restrict
    and \\unrestrict lines carry a key of their own each time)."""
    lines = (line for line in dump.splitlines() if not line.startswith(("\\restrict ", "\\unrestrict ")))
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def _restore(settings, dump):
    """Run DUMP in SETTINGS' database with psql, in one transaction: one commit for the thousands of statements
    of a large schema, not one each. pg_dump's own ``set_config('search_path', '', false)`` holds for the
    restoring session only: every name in the dump is schema-qualified."""
    params = {"dbname": settings["NAME"], "user": settings["USER"], "host": settings["HOST"], "port": settings["PORT"]}
    _run("psql", params, ["-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-f", "-"], stdin=dump)


def _settle(settings, search_path):
    """Make the connections to SETTINGS' database look tables up in SEARCH_PATH, as the live ones do (a
    database's own setting: a copy does not inherit it)."""
    if not search_path:
        return
    sql = psycopg_module().sql
    with server.admin(settings) as admin:
        admin.execute(sql.SQL("ALTER DATABASE {} SET search_path TO {}").format(
            sql.Identifier(settings["NAME"]), sql.SQL(", ").join(map(sql.Identifier, search_path))))
