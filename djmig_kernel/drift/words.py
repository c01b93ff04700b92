"""The words of check()'s rows: its columns and kinds, and the commands that repair what disagrees."""

from ..display.terminal import manage_line

__all__ = ["CHECK_COLUMNS", "KINDS", "inconsistent_fix", "manage_line", "no_file_row", "recorder_command"]

CHECK_COLUMNS = ["kind", "app", "subject", "detail", "fix"]
KINDS = (
    "model-changes", "pending", "no-file", "inconsistent",
    "missing-table", "missing-column", "unexpected-table", "unexpected-column",
)


def recorder_command(method, *migrations):
    """Return the command line that makes the ledger record (or forget) MIGRATIONS, each "app.name"."""
    calls = "; ".join(f"r.{method}({app!r}, {name!r})" for app, name in (m.split(".", 1) for m in migrations))
    code = (
        "from django.db import connection; from django.db.migrations.recorder import MigrationRecorder; "
        f"r = MigrationRecorder(connection); {calls}"
    )
    return f'{manage_line("shell", "-c")} "{code}"'


def no_file_row(app, name, installed=True):
    """Return the check() row of a ledger row whose migration file is gone."""
    path = f"{app}/migrations/{name}.py"
    if not installed:
        detail = f"the ledger records {app}.{name}, but app {app!r} is not in INSTALLED_APPS"
        fix = f"add {app!r} back to INSTALLED_APPS, or forget the row: {recorder_command('record_unapplied', f'{app}.{name}')}"
    else:
        detail = f"the ledger records {app}.{name}, but {path} is gone"
        fix = f"restore {path} (e.g. git checkout -- {path}), or forget the row: " + recorder_command(
            "record_unapplied", f"{app}.{name}"
        )
    return ["no-file", app, f"{app}.{name}", detail, fix]


def inconsistent_fix(migration, dependency, made, records=()):
    """Return the repair of MIGRATION applied before DEPENDENCY; MADE: what DEPENDENCY makes is there.

    RECORDS: the names to record for DEPENDENCY (a squash: the migrations it replaces, as Django records them).
    """
    if made:  # the dependency ran, only its ledger row is missing
        return recorder_command("record_applied", *(records or [dependency]))
    return f"{recorder_command('record_unapplied', migration)} && {manage_line('migrate', '--fake-initial')}"
