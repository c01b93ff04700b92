"""Hold the probe's facts against the live schema: each place where the four pieces disagree, and its fix."""

from ..display.frames import CheckFrame
from .words import CHECK_COLUMNS, KINDS, inconsistent_fix, manage_line, no_file_row

__all__ = ["check_frame"]


class _Facts:
    """The probe's answer to ``check``, with the names the fixes need."""

    def __init__(self, facts):
        self.facts = facts
        self.before = facts["before"]
        self.last = facts["last_applied"]
        self.pending = set(facts["pending"])

    def redo(self, migration, live):
        """Return the commands that make again what MIGRATION made, ledger left as it is now.

        Faking back to just before MIGRATION and applying it again is safe only when it is its
        app's last applied migration and nothing else it made is there: on SQLite an operation may
        rebuild the table from the state at MIGRATION, which lacks what later migrations added.
        Otherwise the learner runs the one statement that makes the missing piece.
        """
        app, name = migration.split(".", 1)
        made_others = any(info["made"] == migration and table in live for table, info in self.facts["leaf"].items())
        if made_others or self.last.get(app) != name:
            return (f"run the statement that makes it from {manage_line('sqlmigrate', app, name)} in "
                    f"{manage_line('dbshell')} (migrating back and forth would redo more than is missing)")
        return " && ".join([manage_line("migrate", app, self.before.get(migration, "zero"), "--fake"),
                            manage_line("migrate", app, name)])

    def fake(self, migrations):
        """Return the command that records the pending MIGRATIONS of one app as applied without running them.

        ``migrate APP NAME --fake`` records NAME and what it depends on; one command per migration,
        in plan order, also covers two branches. ``--fake-initial`` fakes only an initial migration
        whose tables are there and runs the rest for real (on SQLite a table rebuild would even hide
        a column that is there): it is offered only where that is all there is to fake.
        """
        order = sorted(set(migrations), key=self.facts["pending"].index)
        commands = " && ".join(manage_line("migrate", *m.split(".", 1), "--fake") for m in order)
        if len(order) == 1 and order[0] in self.facts["initial"]:
            return f"{commands} (or {manage_line('migrate', order[0].split('.', 1)[0], '--fake-initial')})"
        return commands


def _model_changes(facts):
    for app, files in facts["changes"].items():
        for path, operations in files:
            detail = f"makemigrations would write {path}: " + "; ".join(operations)
            yield ["model-changes", app, app, detail, f"{manage_line('makemigrations', app)} && {manage_line('migrate', app)}"]


def _pending(facts):
    for migration in facts["pending"]:
        app = migration.split(".", 1)[0]
        yield ["pending", app, migration, f"{migration} is not applied yet", manage_line("migrate", app)]


def _inconsistent(facts):
    for migration, dependency, made, records in facts["inconsistent"]:
        app = migration.split(".", 1)[0]
        detail = f"{migration} is applied, but its dependency {dependency} is not"
        if made:
            detail += f" (what {dependency} makes is there)"
        yield ["inconsistent", app, migration, detail, inconsistent_fix(migration, dependency, made, records)]


# SQLite's names for a table's implicit row id (a virtual table's key column, for one): never listed.
_ROWID = {"rowid", "oid", "_rowid_"}


def _missing(known, expected, live):
    for table, info in expected.items():
        if table not in live:
            if info["app"] in known.facts["unmigrated"]:
                # An app without migrations: only migrate --run-syncdb makes its tables.
                detail = f"app {info['app']!r} has no migrations, and the database has no table {table} for its model"
                fix = f"{manage_line('migrate', '--run-syncdb')}, or give the app migrations: {manage_line('makemigrations', info['app'])}"
                yield ["missing-table", info["app"], table, detail, fix]
                continue
            made = info["made"] or "an applied migration"
            detail = f"{made} makes table {table} and the ledger says it is applied, but the database has no such table"
            yield ["missing-table", info["app"], table, detail, known.redo(info["made"], live) if info["made"] else ""]
            continue
        for column, *_ in info["columns"]:
            if column not in live[table] and column.lower() not in _ROWID:
                made = info["columns_made"].get(column) or info["made"]
                detail = f"{made} adds column {table}.{column} and the ledger says it is applied, but the table lacks it"
                yield ["missing-column", info["app"], f"{table}.{column}", detail, known.redo(made, live) if made else ""]


def _owner(table, apps):
    """Return the app whose label prefixes TABLE (Django's default table names), or None."""
    matches = [app for app in apps if table.startswith(f"{app}_")]
    return max(matches, key=len) if matches else None


def _unexpected(known, expected, live, run_sql):
    """Yield the unexpected-table and -column rows; where a pending migration made it, fix them together.

    What pending migrations made is there already: all of one app's are faked in one command.
    """
    rows = list(_unexpected_rows(known, expected, live, run_sql))
    made = {}
    for row in rows:
        if isinstance(row[4], list):
            made.setdefault(row[1], []).extend(row[4])
    for row in rows:
        if isinstance(row[4], list):
            row[4] = known.fake(made[row[1]])
        yield row


def _unexpected_rows(known, expected, live, run_sql):
    facts = known.facts
    leaf = facts["leaf"]
    ignored = set(facts["bookkeeping"]) | set(facts["runsql"])
    apps = {info["app"] for info in leaf.values()}
    for table, columns in live.items():
        if table in ignored:
            continue
        if table not in expected:
            if table in facts["known"] and table not in leaf:
                continue  # an unmanaged model reads it: the project knows it, no migration should make it
            made = leaf.get(table, {}).get("made")
            if made in known.pending:
                detail = f"{made} makes table {table}, but the ledger says {made} is not applied"
                # Its columns that later pending migrations add are there too: fake those as well.
                later = {leaf[table]["columns_made"].get(c) for c in columns} & known.pending
                yield ["unexpected-table", leaf[table]["app"], table, detail, [made, *sorted(later)]]
            else:
                detail = f"no applied migration makes table {table}"
                drop = run_sql('DROP TABLE "' + table + '"')
                fix = f"describe it in a model and run {manage_line('makemigrations')}, or if nothing uses it drop it: {drop}"
                yield ["unexpected-table", _owner(table, apps), table, detail, fix]
            continue
        made_columns = {c for c, *_ in expected[table]["columns"]}
        for column in columns:
            if column in made_columns:
                continue
            made = leaf.get(table, {}).get("columns_made", {}).get(column)
            app = expected[table]["app"]
            if made in known.pending:
                detail = f"{made} adds column {table}.{column}, but the ledger says {made} is not applied"
                yield ["unexpected-column", app, f"{table}.{column}", detail, [made]]
            else:
                detail = f"no applied migration adds column {table}.{column}"
                drop = run_sql('ALTER TABLE "' + table + '" DROP COLUMN "' + column + '"')
                fix = f"add the field to the model and run {manage_line('makemigrations', app)}, or drop it: {drop}"
                yield ["unexpected-column", app, f"{table}.{column}", detail, fix]


def check_frame(facts, live, run_sql, app=None):
    """Return the check() DataFrame: FACTS from the probe against LIVE {table: [columns]} of the database.

    RUN_SQL(statement) is the command a fix line gives for a statement (the database's own shell).
    Tables of SQLite's own making (virtual tables' shadow tables, sqlite_*) must already be left out of LIVE.
    """
    known = _Facts(facts)
    rows = [*_model_changes(facts), *_pending(facts)]
    rows += [no_file_row(a, n, installed) for a, n, installed in facts["no_file"]]
    rows += list(_inconsistent(facts))
    expected = facts["expected"]
    if expected is not None:  # None: the applied migrations do not make one state (inconsistent history)
        schema_rows = [*_missing(known, expected, live), *_unexpected(known, expected, live, run_sql)]
        rows += sorted(schema_rows, key=lambda r: KINDS.index(r[0]))
    frame = CheckFrame(rows, columns=CHECK_COLUMNS)
    if app is not None:
        frame = frame[frame["app"] == app].reset_index(drop=True)
    return frame
