"""Tables, rows and columns of a project's database as the kit shows them, read through its backend."""

from ..display.frames import Frame
from ..exceptions import UnknownTableError

__all__ = ["read_table", "read_schema", "schema_frame", "SCHEMA_COLUMNS"]

SCHEMA_COLUMNS = ["table", "column", "type", "notnull", "pk", "references"]


def _check_tables(database, names, tables):
    for name in tables:
        if name not in names:
            app_tables = [n for n in names if not n.startswith(("auth_", "django_"))]
            hint = f"choose one of: {', '.join(app_tables)}" if app_tables else "run migrate to create tables"
            raise UnknownTableError(f"no table {name!r} in {database.label}; {hint}")


def read_table(database, name):
    """Return the rows of table NAME of DATABASE (a backend) as a Frame.

    This is a read-only operation - it does not write to the database.
    """
    with database.session():  # one connection for the names and the rows
        _check_tables(database, database.table_names(), [name])
        return Frame(database.rows(name))


def read_schema(database, tables=None):
    """Return a Frame with a row per column: table, column, type, notnull, pk, references.

    TABLES (None: every table) limits it to those tables, each of which must exist; ``references`` is
    "table.column" for a foreign key, else None.
    This is a read-only operation - it does not write to the database.
    """
    with database.session():  # one connection for the names and the columns
        names = database.table_names()
        tables = names if tables is None else list(tables)
        _check_tables(database, names, tables)
        columns = database.columns(tables)
    rows = [[table, *column] for table in tables for column in columns[table]]
    return Frame(rows, columns=SCHEMA_COLUMNS)


def schema_frame(database, tables):
    """Return the schema() Frame of TABLES, {table: {"columns": [[column, type, notnull, pk, references]]}}.

    TABLES come from Django's migration state; types are spelled as DATABASE reports them,
    so the frame compares with read_schema()'s.
    """
    rows = [
        [table, name, database.state_type(type_), *rest]
        for table in sorted(tables)
        for name, type_, *rest in tables[table]["columns"]
    ]
    return Frame(rows, columns=SCHEMA_COLUMNS)
