"""Where a project's settings put its database (DATABASES["default"]), the backend that reads it, and the kit's server."""

import os
import shutil
from pathlib import Path

from .. import exceptions as exc
from ..commands import warm
from ..commands.manage import create_project
from ..commands.runner import read_answer
from ..project.files import settings_fingerprint
from ..project.folders import made_by_kit, make_room, owned
from ..project.places import sandbox_root
from ..project.settings import settings_module, settings_path
from .postgresql import PostgreSQL, server
from .sqlite import SQLite

__all__ = ["database_path", "open_database", "new_project", "start_own_server", "stop_own_server"]

_MARK = "DJMIG-DATABASE:"
_CONNECTION = ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS")
# Run in the project folder: Django's settings object reads the settings module as manage.py
# names it (packages, star imports, environment variables), without setting Django up, so
# no database driver is imported. The answer (it may hold a password) is kept in memory only.
_ASK = (
    "import json, os, sys; sys.path.insert(0, os.getcwd()); "
    "os.environ.setdefault('DJANGO_SETTINGS_MODULE', {module!r}); "
    "from django.conf import settings; d = settings.DATABASES.get('default', {{}}); "
    f"print({_MARK!r} + json.dumps({{{{k: d[k] for k in {_CONNECTION!r} if k in d}}}}, default=str))"
)
_SQLITE = {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}  # startproject's
# (project, settings files' fingerprint, the environment they may read) -> the connection settings of DATABASES["default"]
_known = {}


def _read_settings(project, timeout=60):
    """Return the connection settings of DATABASES["default"], as PROJECT's Django reads them (a Python start)."""
    label = "djmig read DATABASES from the settings"
    return read_answer(["-c", _ASK.format(module=settings_module(project))], project, timeout, label, _MARK)


def _settings(project, own):
    """Return (DATABASES["default"], whether it is the kit's server) for PROJECT.

    The kit's own projects are known without a Python start; others are read by their Django, once, and again when
    a settings file or the environment changes (settings may read DATABASE_URL, os.environ["DB_NAME"]).
    """
    if own:
        try:
            kit_server = "_djmig_postgres(" in settings_path(project).read_text()
        except (exc.DjmigError, OSError):
            kit_server = False
        return (server.settings(project), True) if kit_server else (_SQLITE, False)
    try:
        key = (project, settings_fingerprint(settings_path(project)), frozenset(os.environ.items()))
    except exc.DjmigError:
        return _SQLITE, False  # no settings module to read: startproject's default
    if key not in _known:
        _known[key] = _read_settings(project)
    return _known[key], server.is_own(project, _known[key])


def open_database(project, own):
    """Return the backend that reads PROJECT's database, as DATABASES["default"] says. Reads no table.

    OWN: the kit made the project, so its database is db.sqlite3 beside manage.py, or the kit's server
    when the settings are the kit's PostgreSQL ones. Any other project's settings are read by Django's
    settings object in a subprocess (once, then again only when a settings file changes). An engine
    other than SQLite or PostgreSQL, or a SQLite database that is no file, raises UnsupportedDatabaseError.
    """
    settings, kit_server = _settings(project, own)
    engine, name = str(settings.get("ENGINE") or ""), str(settings.get("NAME") or "")
    if engine.endswith(("postgresql", "postgis")):
        hint = (f"the kit's server for this project is stopped; start it with Sandbox.open({str(project)!r})"
                if kit_server else None)
        return PostgreSQL(settings, own=kit_server, start_hint=hint)
    if not engine.endswith("sqlite3") or name in ("", ":memory:") or name.startswith("file:"):
        raise exc.UnsupportedDatabaseError(
            f"the project's database is {engine or 'not set'} (DATABASES['default']['ENGINE']) "
            f"{'named ' + repr(name) + ' ' if engine.endswith('sqlite3') else ''}and djmig reads SQLite files "
            f"and PostgreSQL only: point DATABASES['default'] at a file with django.db.backends.sqlite3, or at "
            f"a server with django.db.backends.postgresql"
        )
    return SQLite(project / Path(name))  # an absolute NAME stays as it is


def database_path(project, own):
    """Return the SQLite file that PROJECT's settings name (it may not exist yet); None for PostgreSQL."""
    return open_database(project, own).path


def new_project(root, name, replace, timeout, database, copy_of=None):
    """Run startproject NAME in ROOT for DATABASE ("sqlite" or "postgresql"); return the project folder.

    "postgresql": the settings point at a server the kit starts, its data in the project's .pgdata. With
    REPLACE, a server the kit runs in the old folder is stopped before the folder is deleted. COPY_OF, a
    SQLite project folder of the kit's: copied (its files dated now) instead of running startproject.
    """
    if database not in ("sqlite", "postgresql"):
        raise exc.UnsupportedDatabaseError(f"no database {database!r}; choose database='sqlite' or 'postgresql'")
    if database == "postgresql":
        server.check_installed()
    root = sandbox_root(root)
    target = root / name
    if replace and not target.is_symlink() and made_by_kit(target):  # what make_room will delete
        server.stop(target)  # a running server's data cannot be deleted from under it
        warm.stop(target)
    if copy_of is not None:
        if database != "sqlite":
            raise exc.UnsupportedDatabaseError("copy_of copies a SQLite project only; leave it out for PostgreSQL")
        return _copied(Path(copy_of), target, replace)
    project = create_project(root, name, replace, timeout)
    if database == "postgresql":
        try:
            server.use_in_settings(settings_path(project))
            server.start(project)
        except BaseException:
            server.stop(project)
            shutil.rmtree(project, ignore_errors=True)
            raise
    return project


def _copied(source, target, replace):
    make_room(target, replace)
    try:
        shutil.copytree(source, target, copy_function=shutil.copy)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return target


def _own_server(project):
    """Return PROJECT's backend if it is the kit's server; a learner's project is read only if it has .pgdata."""
    if not owned(project) and not server.pgdata(project).is_dir():
        return None
    database = open_database(project, owned(project))
    return database if getattr(database, "own", False) else None


def start_own_server(project):
    """Start the kit's server for PROJECT if its settings name it and it is not running; return PROJECT."""
    if _own_server(project) is not None and not server.running(project):
        server.start(project)
    return project


def stop_own_server(project):
    """Stop the kit's server for PROJECT; return False if it was not running (or is a learner's own)."""
    return _own_server(project) is not None and server.stop(project)
