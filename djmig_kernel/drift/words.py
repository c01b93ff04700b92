"""The words of check()'s rows: its columns and kinds, and the commands that repair what disagrees."""

from ..display.terminal import manage_line

__all__ = ["CHECK_COLUMNS", "KINDS", "LEFT_OVER", "inconsistent_fix", "ledger_repairs", "left_over_row", "manage_line",
           "no_file_row", "recorder_command"]

CHECK_COLUMNS = ["kind", "app", "subject", "detail", "fix"]
KINDS = (
    "model-changes", "pending", "no-file", "inconsistent",
    "missing-table", "missing-column", "unexpected-table", "unexpected-column",
)
LEFT_OVER = "leftover-copy"  # not a disagreement of the four pieces: what a guard that died left on the server


def _call(method, app, name):
    if method == "record_applied":  # once only: run twice, record_applied would write a second row
        return f"({app!r}, {name!r}) in r.applied_migrations() or r.record_applied({app!r}, {name!r})"
    return f"r.{method}({app!r}, {name!r})"


def recorder_command(method, *migrations):
    """Return the command line that makes the ledger record (or forget) MIGRATIONS, each "app.name".

    Running it twice does what running it once does.
    """
    calls = "; ".join(_call(method, *m.split(".", 1)) for m in migrations)
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


def left_over_row(name, left, what, run_sql):
    """Return the check() row of LEFT, what a guard of database NAME that died left on the server.

    WHAT: "copy" (made before a migrate) or "aside" (the database as a failed migrate left it, set aside when
    the copy was put back). RUN_SQL(statement) is the command that runs a statement; its DROP fails while a live
    guard holds the copy.
    """
    if what == "copy":
        detail = (f"{left} is the copy of database {name!r} the kit made before a migrate that was stopped before "
                  f"it finished (its kernel died); it is not put back over {name!r}, which keeps every change made "
                  f"since, and the next sb.migrate() removes it")
    else:
        detail = (f"{left} is what a failed migrate left in database {name!r}, set aside when the kit put its copy "
                  f"back and not yet removed (its disk was full); the next sb.migrate() removes it")
    return [LEFT_OVER, None, left, detail, run_sql('DROP DATABASE "' + left + '"')]


def inconsistent_fix(migration, dependency, made, records=()):
    """Return the repair of MIGRATION applied before DEPENDENCY; MADE: what DEPENDENCY makes is there.

    MIGRATION may be a list: every applied migration that depends on DEPENDENCY.
    RECORDS: the names to record for DEPENDENCY (a squash: the migrations it replaces, as Django records them).
    """
    if made:  # the dependency ran, only its ledger row is missing
        return recorder_command("record_applied", *(records or [dependency]))
    dependents = [migration] if isinstance(migration, str) else migration
    return f"{recorder_command('record_unapplied', *dependents)} && {manage_line('migrate', '--fake-initial')}"


def ledger_repairs(inconsistent):
    """Return {dependency: its ledger repair} for the probe's INCONSISTENT [migration, dependency, made, records].

    One repair for each dependency: where it did not run, every migration applied before it is forgotten at once.
    """
    dependents, facts = {}, {}
    for migration, dependency, made, records in inconsistent:
        dependents.setdefault(dependency, []).append(migration)
        facts[dependency] = made, records
    return {dependency: inconsistent_fix(dependents[dependency], dependency, *facts[dependency])
            for dependency in dependents}
