"""What a project's own makemigrations command would write, asked of that command: a project may override it."""

import contextlib
import io


def overridden(command):
    """Return True if an installed app, not Django, provides the management COMMAND that manage.py runs."""
    from django.core.management import get_commands

    return get_commands().get(command, "django.core") != "django.core"


@contextlib.contextmanager
def _replaced(owner, name, value):
    saved = getattr(owner, name)
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, saved)


def own_changes(app):
    """Return {label: [Migration]}: what the project's own ``makemigrations [APP] --dry-run`` would write.

    The project's command runs as manage.py runs it (its handle(), its patches, its autodetector); only
    the end of Django's makemigrations is caught: write_migration_files, which a dry run calls to print what
    it would write, hands the changes over instead. Its questions are answered as --noinput answers them,
    without the exit of a field that needs a default (the probe's own questioner).
    """
    from django.core.management import call_command, get_commands, load_command_class
    from django.core.management.commands import makemigrations as django_makemigrations
    from django.db.migrations.questioner import MigrationQuestioner

    caught = {}

    def write_migration_files(self, changes, update_previous_migration_paths=None):
        caught.update(changes)

    def questioner(specified_apps=(), dry_run=False, **_options):
        return MigrationQuestioner(specified_apps=set(specified_apps), dry_run=dry_run)

    command = load_command_class(get_commands()["makemigrations"], "makemigrations")
    with _replaced(django_makemigrations.Command, "write_migration_files", write_migration_files), \
            _replaced(django_makemigrations, "NonInteractiveMigrationQuestioner", questioner):
        call_command(command, *([app] if app else []), dry_run=True, interactive=False, verbosity=0,
                     stdout=io.StringIO(), stderr=io.StringIO())
    return caught
