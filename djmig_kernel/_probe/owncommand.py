"""What a project's own makemigrations or migrate command would do, asked of that command: a project may override
either (large applications do, to leave out changes they do not want migrations for, or to refuse a rollback)."""

import contextlib
import io


def overridden(command):
    """Return True if an installed app, not Django, provides the management COMMAND that manage.py runs."""
    return command_app(command) != "django.core"


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


def own_plan(executor, app, name):
    """Return the plan the project's own ``migrate APP NAME --plan`` works out, as EXECUTOR's migrations
    [(migration, backwards)]; raise what the command raises (it may refuse, as its migrate would).

    The project's command runs as manage.py runs it (its handle(), its patches), with --plan, which changes
    nothing; the plan it asks Django's executor for is caught as the executor hands it back. System checks are
    left out, as the kit's every question leaves them out.
    """
    from django.core.management import call_command, get_commands, load_command_class
    from django.db.migrations.executor import MigrationExecutor

    caught, original = [], MigrationExecutor.migration_plan

    def migration_plan(self, targets, clean_start=False):
        plan = original(self, targets, clean_start)
        if not clean_start:
            caught.append(plan)
        return plan

    command = load_command_class(get_commands()["migrate"], "migrate")
    with _replaced(MigrationExecutor, "migration_plan", migration_plan):
        call_command(command, app, name, plan=True, skip_checks=True, interactive=False, verbosity=0,
                     stdout=io.StringIO(), stderr=io.StringIO())
    if not caught:
        return []
    nodes = executor.loader.graph.nodes  # the probe's own migrations, which its other answers walk
    return [(nodes[migration.app_label, migration.name], backwards) for migration, backwards in caught[-1]]


def command_app(command):
    """Return the app whose management COMMAND manage.py runs (Django's own: "django.core")."""
    from django.core.management import get_commands

    return get_commands().get(command, "django.core")
