"""Resolve a migrate target the way ``migrate APP NAME`` does."""


def unknown_app(app):
    """Return None if APP is an installed app's label, else the probe's error answer."""
    from django.apps import apps

    try:
        apps.get_app_config(app)
    except LookupError:
        labels = sorted(c.label for c in apps.get_app_configs())
        return {"error": "app", "app": app, "apps": labels}
    return None


def resolve(loader, app, name):
    """Resolve NAME in APP as ``migrate APP NAME`` does; return a migrate target or an error dict."""
    from django.db.migrations.exceptions import AmbiguityError

    unknown = unknown_app(app)
    if unknown:
        return unknown
    if app not in loader.migrated_apps:
        return {"error": "unmigrated", "app": app}
    if name == "zero":
        return (app, None)
    # Every migration file is a valid target, also those a squashed migration replaces.
    names = sorted(n for a, n in loader.disk_migrations if a == app)
    try:
        migration = loader.get_migration_by_prefix(app, name)
    except AmbiguityError:
        matches = [n for n in names if n.startswith(name)]
        return {"error": "ambiguous", "app": app, "name": name, "matches": matches}
    except KeyError:
        return {"error": "unknown", "app": app, "name": name, "candidates": names}
    return (app, migration.name)
