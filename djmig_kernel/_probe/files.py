"""Where an app's models.py and migration files are, wherever it is installed, as Django's loader finds them."""

import importlib
import pathlib

from .target import unknown_app


def _folder(module_name):
    """Return the folder of package MODULE_NAME, or None if it cannot be imported or is no package."""
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    paths = list(getattr(module, "__path__", []))
    return paths[0] if paths else None


def answer(loader, app):
    """Return {"folder", "models", "migrations_folder", "migrations", "replaces"} of APP.

    ``migrations`` are the names MigrationLoader read from disk for APP (its MIGRATION_MODULES or
    APP/migrations, files starting with _ or ~ left out, as load_disk does), ``replaces`` the names each
    squash among them replaces; ``models`` is the app's models module's file, or None.
    """
    from django.apps import apps

    unknown = unknown_app(app)
    if unknown:
        return unknown
    config = apps.get_app_config(app)
    module_name, _ = loader.migrations_module(app)
    migrations = {name: migration for (label, name), migration in loader.disk_migrations.items() if label == app}
    models = getattr(config.models_module, "__file__", None)
    return {
        "folder": str(pathlib.Path(config.path)),
        "models": models,
        "migrations_folder": _folder(module_name) if module_name else None,
        "migrations": sorted(migrations),
        "replaces": {name: sorted(n for _a, n in m.replaces) for name, m in sorted(migrations.items()) if m.replaces},
    }
