"""Hold the probe's facts against the live schema: each place where the four pieces disagree, and its fix."""

from ..display.frames import CheckFrame
from .fixes import Fixes
from .words import CHECK_COLUMNS, KINDS, LEFT_OVER, left_over_row, manage_line, no_file_row

__all__ = ["check_frame"]


def _model_changes(facts):
    for app, files in facts["changes"].items():
        for path, operations in files:
            detail = f"makemigrations would write {path}: " + "; ".join(operations)
            yield ["model-changes", app, app, detail, f"{manage_line('makemigrations', app)} && {manage_line('migrate', app)}"]


def _pending(known):
    for migration in known.facts["pending"]:
        app = migration.split(".", 1)[0]
        yield ["pending", app, migration, f"{migration} is not applied yet", known.pending_fix(migration)]


def _inconsistent(known):
    for migration, dependency, made, _records in known.facts["inconsistent"]:
        app = migration.split(".", 1)[0]
        detail = f"{migration} is applied, but its dependency {dependency} is not"
        if made:
            detail += f" (what {dependency} makes is there)"
        yield ["inconsistent", app, migration, detail, known.repairs[dependency]]


# SQLite's names for a table's implicit row id (a virtual table's key column, for one): never listed.
_ROWID = {"rowid", "oid", "_rowid_"}


def _missing(known, expected, live, run_sql):
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
            yield ["missing-table", info["app"], table, detail, known.make(table, info["made"], run_sql)]
            continue
        for column, *_ in info["columns"]:
            if column not in live[table] and column.lower() not in _ROWID:
                made = info["columns_made"].get(column) or info["made"]
                detail = f"{made} adds column {table}.{column} and the ledger says it is applied, but the table lacks it"
                yield ["missing-column", info["app"], f"{table}.{column}", detail,
                       known.make(f"{table}.{column}", made, run_sql)]


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


def check_frame(facts, live, run_sql, app=None, left_over=None):
    """Return the check() DataFrame: FACTS from the probe against LIVE {table: [columns]} of the database.

    RUN_SQL(statement) is the command a fix line gives for a statement (the database's own shell).
    Tables of SQLite's own making (virtual tables' shadow tables, sqlite_*) must already be left out of LIVE.
    LEFT_OVER: [(name, database, what)] that guards of database NAME that died left on the server (left_over_row):
    their rows come first, whichever APP is asked about.
    """
    known = Fixes(facts, live)
    expected, schema_rows = facts["expected"], []
    if expected is not None:  # None: the applied migrations do not make one state (inconsistent history)
        schema_rows = [*_missing(known, expected, live, run_sql), *_unexpected(known, expected, live, run_sql)]
    rows = [left_over_row(*left, run_sql) for left in left_over or ()]
    rows += [*_model_changes(facts), *_pending(known)]  # after the schema's rows: their fakes fix these too
    rows += [no_file_row(a, n, installed) for a, n, installed in facts["no_file"]]
    rows += list(_inconsistent(known))
    rows += sorted(schema_rows, key=lambda r: KINDS.index(r[0]))
    frame = CheckFrame(rows, columns=CHECK_COLUMNS)
    if app is not None:
        frame = frame[(frame["app"] == app) | (frame["kind"] == LEFT_OVER)].reset_index(drop=True)
    return frame
