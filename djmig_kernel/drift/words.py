"""The check() table, and the words of its rows: what disagrees, and the commands that repair it."""

import html

import pandas as pd

__all__ = ["CHECK_COLUMNS", "KINDS", "Disagreements", "inconsistent_fix", "no_file_row", "recorder_command"]

CHECK_COLUMNS = ["kind", "app", "subject", "detail", "fix"]
KINDS = (
    "model-changes", "pending", "no-file", "inconsistent",
    "missing-table", "missing-column", "unexpected-table", "unexpected-column",
)
_AGREE = "The four pieces agree: sb.check() finds nothing to fix."
_CELL = "text-align:left;vertical-align:top;white-space:normal;overflow-wrap:normal;word-break:normal"
_CODE = "font-family:var(--jp-code-font-family,monospace);font-size:12px"


class Disagreements(pd.DataFrame):
    """check()'s DataFrame (kind, app, subject, detail, fix), shown whole: no index, no cut lines.

    Empty, it says that the pieces agree instead of showing a bare header.
    """

    _metadata = []

    @property
    def _constructor(self):
        return Disagreements

    def __repr__(self):
        if self.empty:
            return _AGREE
        return "\n\n".join(
            f"{r.kind}  {r.app}  {r.subject}\n  {r.detail}\n  fix: {r.fix}" for r in self.itertuples(index=False)
        )

    def _repr_pretty_(self, printer, cycle):
        printer.text(repr(self))

    def _repr_html_(self):
        if self.empty:
            return f"<p>{html.escape(_AGREE)}</p>"
        head = "".join(f"<th style='{_CELL}'>{name}</th>" for name in CHECK_COLUMNS)
        body = "".join(
            "<tr>" + "".join(
                f"<td style='{_CELL};{_CODE if name in ('subject', 'fix') else ''}'>{html.escape(str(value))}</td>"
                for name, value in zip(CHECK_COLUMNS, row)
            ) + "</tr>"
            for row in self[CHECK_COLUMNS].itertuples(index=False)
        )
        return f"<table class='dataframe djmig-check'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def manage_line(*args):
    """Return ``python manage.py ARGS...`` as a fix line says it."""
    return "python manage.py " + " ".join(args)


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
