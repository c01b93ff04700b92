"""Find a project's settings module and register apps in its INSTALLED_APPS."""

import re

from ..exceptions import DjmigError

_SETTINGS_MODULE = re.compile(r"""DJANGO_SETTINGS_MODULE['"]\s*,\s*['"]([\w.]+)['"]""")
_INSTALLED_APPS = re.compile(r"^INSTALLED_APPS\s*=\s*\[(?P<body>.*?)^\]", re.S | re.M)


def settings_module(project):
    """Return the settings module that PROJECT's manage.py names, e.g. "mysite.settings"."""
    text = (project / "manage.py").read_text()
    match = _SETTINGS_MODULE.search(text)
    if not match:
        raise DjmigError(
            "manage.py does not set DJANGO_SETTINGS_MODULE; "
            "open a project made by django-admin startproject"
        )
    return match.group(1)


def settings_path(project):
    """Return the settings.py that PROJECT's manage.py points at."""
    return project.joinpath(*settings_module(project).split(".")).with_suffix(".py")


def lists_app(body, label):
    """Return True if the INSTALLED_APPS source BODY already lists app LABEL."""
    entry = re.compile(rf"""['"]{re.escape(label)}(\.apps\.\w+)?['"]""")
    return bool(entry.search(body))


def register_app(project, label):
    """Add LABEL to INSTALLED_APPS in PROJECT's settings.py, unless it is there already."""
    path = settings_path(project)
    text = path.read_text()
    match = _INSTALLED_APPS.search(text)
    if not match:
        raise DjmigError(
            f"no 'INSTALLED_APPS = [' list found in {path.name}; add {label!r} to INSTALLED_APPS by hand"
        )
    body = match.group("body")
    if lists_app(body, label):
        return
    quote = "'" if body.count("'") > body.count('"') else '"'
    end = match.end("body")
    text = text[:end] + f"    {quote}{label}{quote},\n" + text[end:]
    path.write_text(text)
