"""The SQL that makes again a table or column that the applied migrations describe and the database lacks.

Each statement is the schema editor's own, for the model as the applied migrations leave it (not as the
migration that made the piece saw it: on SQLite adding a column rebuilds the table, and a rebuild from an
older state would drop what later migrations added). Redoing a migration instead would also redo what
else it did, and what depends on it in other apps.
"""

import functools

# SQLite's names for a table's implicit row id: never missing.
_ROWID = {"rowid", "oid", "_rowid_"}


def live_columns(connection):
    """Return {table: {its columns}} of the live database, in one query. Read-only."""
    queries = {
        "sqlite": "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'",
        "postgresql": "SELECT table_name, column_name FROM information_schema.columns "
                      "WHERE table_schema = current_schema()",
    }
    columns = {}
    with connection.cursor() as cursor:
        if connection.vendor in queries:
            cursor.execute(queries[connection.vendor])
            rows = cursor.fetchall()
        else:
            introspection = connection.introspection
            rows = [(t, c.name) for t in introspection.table_names(cursor)
                    for c in introspection.get_table_description(cursor, t)]
    for table, column in rows:
        columns.setdefault(table, set()).add(column)
    return columns


def _create(model, editor):
    editor.create_model(model)


def _collected(connection, action):
    """Return the SQL the schema editor collects for ACTION(editor), running none of it.

    SQLite's editor checks the foreign keys on leaving, which a missing table breaks (its rows point at
    nothing): in collect mode nothing has changed, so that check is left out.
    """
    check = connection.__dict__.get("check_constraints")
    connection.check_constraints = lambda table_names=None: None
    try:
        with connection.schema_editor(collect_sql=True, atomic=False) as editor:
            action(editor)
    finally:
        if check is None:
            del connection.check_constraints
        else:
            connection.check_constraints = check
    return editor.collected_sql


def _own(connection, table, statements):
    """Return the STATEMENTS about TABLE itself: create_model also makes the model's join tables."""
    quoted = connection.ops.quote_name(table)
    return [s for s in statements
            if s.startswith((f"CREATE TABLE {quoted} ", f"ALTER TABLE {quoted} ", f"COMMENT ON COLUMN {quoted}.",
                             f"COMMENT ON TABLE {quoted} ")) or f" ON {quoted} " in s]


def _models(state):
    return {model._meta.db_table: model for model in state.apps.get_models(include_auto_created=True)}


def _column_sql(connection, state, model, column, later):
    """Return the SQL that adds COLUMN to MODEL's table, whose columns LATER (fields of MODEL) are missing too.

    Those are left out of the model, so that the statements run in row order each add one column to the
    table as it then is.
    """
    meta = model._meta
    field = next(f for f in meta.local_concrete_fields if f.column == column)
    if later:
        if meta.auto_created:
            return None  # a join table is not in the state: its columns cannot be left out
        state = state.clone()
        for other in later:
            state.remove_field(meta.app_label, meta.model_name, other.name)
        model = state.apps.get_model(meta.app_label, meta.model_name)
        field = model._meta.get_field(field.name)
    return _collected(connection, lambda editor: editor.add_field(model, field))


def statements(connection, state, expected, unmigrated):
    """Return {table or "table.column": [SQL]} for each table and column of EXPECTED that the database lacks.

    STATE is the applied migrations' state, EXPECTED its tables (state.tables()). Tables of the
    UNMIGRATED apps are left out: only ``migrate --run-syncdb`` makes those.
    """
    live = live_columns(connection)
    models = None  # rendered only where something is missing
    made = {}
    for table, info in expected.items():
        if info["app"] in unmigrated:
            continue
        if table not in live:
            models = models or _models(state)
            made[table] = _own(connection, table, _collected(connection, functools.partial(_create, models[table])))
            continue
        missing = [c for c, *_ in info["columns"] if c not in live[table] and c.lower() not in _ROWID]
        if missing:
            models = models or _models(state)
            fields = {f.column: f for f in models[table]._meta.local_concrete_fields}
            for k, column in enumerate(missing):
                sql = _column_sql(connection, state, models[table], column, [fields[c] for c in missing[k + 1:]])
                if sql is not None:
                    made[f"{table}.{column}"] = sql
    return made
