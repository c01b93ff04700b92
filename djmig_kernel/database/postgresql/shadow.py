"""Make a scratch PostgreSQL database holding a live database's schema only, where a plan's SQL is rehearsed."""

import contextlib
import itertools
import json
import os
import shutil
import tempfile
from pathlib import Path

from ... import exceptions as exc
from ...commands.runner import run
from . import server
from .errors import psycopg_module

__all__ = ["shadow_argv", "shadow_settings", "PREFIX"]

PREFIX = "djmig_shadow_"  # the scratch databases the kit makes on its own server: djmig_shadow_<pid>_<n>
_made = itertools.count()
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

    On the kit's own server it is a database of that server (djmig_shadow_<pid>_<n>); on a learner's own
    server nothing is made: a private server of the kit's is started under /tmp/djmig-shadows-<uid>/. Either
    is removed when the block ends. The schema is pg_dump's (--schema-only), so a role that may only SELECT
    is enough; where pg_dump or the restore fails, there is no shadow (the SQL is collected live).
    """
    with contextlib.ExitStack() as cleanup:
        try:
            dump, search_path = _dump(database), _search_path(database)
            place = _on_kit_server(database) if database.own else _private_server()
            settings = cleanup.enter_context(place)
            _restore(settings, dump, search_path)
        except Exception:  # noqa: BLE001  (no shadow, for whatever reason: the SQL is collected live, as before)
            settings = None
            cleanup.close()  # what was made is removed (quietly: see _on_kit_server, _private_server)
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
def _on_kit_server(database):
    """Yield the settings of a new empty database on the kit's own server of DATABASE; drop it afterwards.

    Made as the server's superuser (local connections are trusted there). Scratch databases that a killed
    process left behind (its pid no longer runs) are dropped first.
    """
    sql = psycopg_module().sql
    settings = server.settings_at(database.params.get("host") or "", database.params.get("port") or "5432",
                                  f"{PREFIX}{os.getpid()}_{next(_made)}")
    with server.admin(settings) as admin:
        for (name,) in admin.execute("SELECT datname FROM pg_database WHERE starts_with(datname, %s)", [PREFIX]):
            pid = name[len(PREFIX):].split("_")[0]
            if pid.isdigit() and int(pid) != os.getpid() and not server.alive(int(pid)):
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(settings["NAME"])))
    try:
        yield settings
    finally:  # best effort, the answer stands: one left behind is dropped by the next shadow once this pid is gone
        with contextlib.suppress(Exception), server.admin(settings) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(settings["NAME"])))


def _shadows_folder():
    """Return /tmp/djmig-shadows-<uid>/, made if missing: the private servers' folders, this user's only."""
    uid = os.getuid() if hasattr(os, "getuid") else os.getlogin()
    folder = Path(tempfile.gettempdir()) / f"djmig-shadows-{uid}"
    # as root, pgserver runs the server as a user of its own, which must reach its data and socket
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    folder.mkdir(mode=0o755 if root else 0o700, exist_ok=True)
    return folder, root


@contextlib.contextmanager
def _private_server():
    """Yield the settings of a database on a server of the kit's own, started for the block, then removed.

    For a learner's own server, where the kit makes nothing: a throwaway server (socket only) in a folder
    of /tmp/djmig-shadows-<uid>/, stopped and deleted afterwards.
    """
    parent, root = _shadows_folder()
    folder = Path(tempfile.mkdtemp(prefix="shadow-", dir=parent))
    try:
        if root:
            folder.chmod(0o755)
        settings = server.start(folder, name="shadow")
        yield settings
    finally:  # best effort, the answer stands
        with contextlib.suppress(Exception):
            server.stop(folder)
            server.forget(folder)
        shutil.rmtree(folder, ignore_errors=True)


def _restore(settings, dump, search_path):
    """Run DUMP in SETTINGS' database with psql; its connections then look tables up in SEARCH_PATH, as live ones do.

    pg_dump's own ``set_config('search_path', '', false)`` holds for the restoring session only: every name
    in the dump is schema-qualified. The database's own search_path setting gives Django's connections the
    live connections' schema.
    """
    sql = psycopg_module().sql
    name = sql.Identifier(settings["NAME"])
    with server.admin(settings) as admin:
        # Scratch data: a commit need not wait for the disk (each step of a plan commits in the shadow).
        admin.execute(sql.SQL("ALTER DATABASE {} SET synchronous_commit TO off").format(name))
    params = {"dbname": settings["NAME"], "user": settings["USER"], "host": settings["HOST"], "port": settings["PORT"]}
    # One transaction: one commit for the thousands of statements of a large schema, not one each.
    _run("psql", params, ["-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-f", "-"], stdin=dump)
    if search_path:
        with server.admin(settings) as admin:
            admin.execute(sql.SQL("ALTER DATABASE {} SET search_path TO {}").format(
                name, sql.SQL(", ").join(map(sql.Identifier, search_path))))
