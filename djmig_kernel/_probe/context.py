"""Run each probe request in the context that the management command it stands for sets up."""

import contextlib

# The command each request stands for: what the learner would type to get the same answer.
STANDS_FOR = {"graph": "showmigrations", "plan": "migrate", "sql": "migrate", "locks": "migrate",
              "state": "migrate", "check": "makemigrations"}

# Django 5.2's commands, read from their source (django/core/management/commands/):
# makemigrations and migrate decorate handle() with @no_translations (translation.deactivate_all(),
# the old language activated again afterwards); migrate first imports every app's ``management``
# module (apps register their signal handlers there); both build their autodetector from the
# command's own ``autodetector`` attribute, which a project's overriding command may change.
# showmigrations and sqlmigrate keep the active language.
_NO_TRANSLATIONS = {"makemigrations", "migrate"}


def _import_management_modules():
    """Import the ``management`` module of every app that has one, as ``migrate`` does before anything else."""
    from importlib import import_module

    from django.apps import apps
    from django.utils.module_loading import module_has_submodule

    for app_config in apps.get_app_configs():
        if module_has_submodule(app_config.module, "management"):
            import_module(".management", app_config.name)


@contextlib.contextmanager
def command_context(request):
    """Run the body as the command REQUEST stands for runs its handle()."""
    from django.utils import translation

    command = STANDS_FOR.get(request)
    if command == "migrate":
        _import_management_modules()
    if command not in _NO_TRANSLATIONS:
        yield
        return
    saved = translation.get_language()
    translation.deactivate_all()
    try:
        yield
    finally:
        if saved is not None:
            translation.activate(saved)


def autodetector(command="makemigrations"):
    """Return the autodetector class that the project's own COMMAND (the one manage.py runs) uses."""
    from django.core.management import get_commands, load_command_class
    from django.db.migrations.autodetector import MigrationAutodetector

    found = load_command_class(get_commands()[command], command)
    return getattr(found, "autodetector", MigrationAutodetector)
