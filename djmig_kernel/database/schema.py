"""Read tables, rows and columns straight from a SQLite file."""

import pandas as pd

from ._db import read_only
from ._frame import Frame
from .exceptions import UnknownTableError

__all__ = ["read_tables", "read_table", "read_schema", "read_columns", "count_rows", "schema_frame", "SCHEMA_COLUMNS"]

SCHEMA_COLUMNS = ["table", "column", "type", "notnull", "pk", "references"]


def _quote(name):
    return '"' + name.replace('"', '""') + '"'


def _names(connection):
    if connection is None:
        return []
    rows = connection.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
        "AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )
    return [name for (name,) in rows]


def read_tables(db_path):
    """Return the sorted table names, as sqlite3's ``.tables`` lists them.

    This is a read-only operation - it does not write to the database.
    """
    with read_only(db_path) as connection:
        return _names(connection)


def _check_table(connection, name):
    names = _names(connection)
    if name not in names:
        app_tables = [n for n in names if not n.startswith(("auth_", "django_"))]
        hint = f"choose one of: {', '.join(app_tables)}" if app_tables else "run migrate to create tables"
        raise UnknownTableError(f"no table {name!r} in db.sqlite3; {hint}")


def read_table(db_path, name):
    """Return the rows of table NAME as a DataFrame.

    This is a read-only operation - it does not write to the database.
    """
    with read_only(db_path) as connection:
        _check_table(connection, name)
        return Frame(pd.read_sql_query(f"SELECT * FROM {_quote(name)}", connection))


def count_rows(db_path, tables):
    """Return {table: how many rows it has} for TABLES, 0 for a table that is not there.

    This is a read-only operation - it does not write to the database.
    """
    with read_only(db_path) as connection:
        present = set(_names(connection))
        return {
            name: connection.execute(f"SELECT COUNT(*) FROM {_quote(name)}").fetchone()[0]
            if name in present else 0
            for name in tables
        }


def read_schema(db_path, tables=None):
    """Return a DataFrame with a row per column: table, column, type, notnull, pk, references.

    TABLES (None: every table) limits it to those tables, each of which must exist; ``references`` is
    "table.column" for a foreign key, else None.
    This is a read-only operation - it does not write to the database.
    """
    rows = []
    with read_only(db_path) as connection:
        if tables is None:
            tables = _names(connection)
        for name in tables:
            _check_table(connection, name)
        for name in tables:
            foreign = {
                row[3]: f"{row[2]}.{row[4]}"
                for row in connection.execute(f"PRAGMA foreign_key_list({_quote(name)})")
            }
            for _, column, type_, notnull, _default, pk in connection.execute(
                f"PRAGMA table_info({_quote(name)})"
            ):
                rows.append([name, column, type_, bool(notnull), bool(pk), foreign.get(column)])
    return Frame(rows, columns=SCHEMA_COLUMNS)


def read_columns(db_path):
    """Return {table: [column names]} of every table and view, leaving out virtual tables' shadow tables.

    SQLite makes the shadow tables (an FTS5 table's ``_data``, ``_idx``, ...) itself.
    This is a read-only operation - it does not write to the database.
    """
    with read_only(db_path) as connection:
        if connection is None:
            return {}
        shadow = {name for _, name, kind, *_ in connection.execute("PRAGMA main.table_list") if kind == "shadow"}
        return {
            name: [row[1] for row in connection.execute(f"PRAGMA table_info({_quote(name)})")]
            for name in _names(connection)
            if name not in shadow
        }


# SQLite reports these declared types in capitals (PRAGMA table_info), whatever the CREATE TABLE said.
_SQLITE_TYPES = {"int", "integer", "real", "text", "blob", "any"}


def schema_frame(tables):
    """Return the schema() DataFrame of TABLES, {table: {"columns": [[column, type, notnull, pk, references]]}}.

    Types are spelled as SQLite reports them, so the frame compares with read_schema()'s.
    """
    rows = [
        [table, name, type_.upper() if type_.lower() in _SQLITE_TYPES else type_, *rest]
        for table in sorted(tables)
        for name, type_, *rest in tables[table]["columns"]
    ]
    return Frame(rows, columns=SCHEMA_COLUMNS)
