"""Where a project's settings put its database (DATABASES["default"]), and the backend that reads it."""

from pathlib import Path

from .. import exceptions as exc
from ..commands.runner import read_answer
from ..project.files import settings_fingerprint
from ..project.settings import settings_module, settings_path
from .sqlite import SQLite

__all__ = ["database_path", "open_database"]

_MARK = "DJMIG-DATABASE:"
# Run in the project folder: Django's settings object reads the settings module as manage.py
# names it (packages, star imports, environment variables), without setting Django up, so
# no database driver is imported.
_ASK = (
    "import json, os, sys; sys.path.insert(0, os.getcwd()); "
    "os.environ.setdefault('DJANGO_SETTINGS_MODULE', {module!r}); "
    "from django.conf import settings; d = settings.DATABASES.get('default', {{}}); "
    f"print({_MARK!r} + json.dumps([d.get('ENGINE', ''), str(d.get('NAME', ''))]))"
)
_known = {}  # (project, settings files' fingerprint) -> (engine, name)


def _read_settings(project, timeout=60):
    """Return (ENGINE, NAME) of DATABASES["default"], as PROJECT's Django reads them (a Python start)."""
    label = "djmig read DATABASES from the settings"
    return tuple(read_answer(["-c", _ASK.format(module=settings_module(project))], project, timeout, label, _MARK))


def database_path(project, own):
    """Return the SQLite file that PROJECT's settings name (relative names: from the project folder).

    OWN: the kit made the project, so its database is db.sqlite3 beside manage.py, as
    startproject writes it. Any other project's settings are read by Django's settings
    object in a subprocess (once, then again only when a settings file changes). A database that is not a SQLite
    file raises UnsupportedDatabaseError. The file may not exist yet.
    """
    if own:
        return project / "db.sqlite3"
    try:
        key = (project, settings_fingerprint(settings_path(project)))
    except exc.DjmigError:
        return project / "db.sqlite3"  # no settings module to read: startproject's default
    if key not in _known:
        _known[key] = _read_settings(project)
    engine, name = _known[key]
    if not engine.endswith("sqlite3") or name in ("", ":memory:") or name.startswith("file:"):
        raise exc.UnsupportedDatabaseError(
            f"the project's database is {engine or 'not set'} (DATABASES['default']['ENGINE']) "
            f"{'named ' + repr(name) + ' ' if engine.endswith('sqlite3') else ''}and djmig reads only SQLite "
            f"files: point DATABASES['default'] at a file with django.db.backends.sqlite3 (other databases come later)"
        )
    return project / Path(name)  # an absolute NAME stays as it is


def open_database(project, own):
    """Return the backend that reads PROJECT's database (see database_path). Reads no table."""
    return SQLite(database_path(project, own))
