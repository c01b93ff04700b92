"""The contract's SQLite side: what tests/real/contract.py asks of a project's database, answered with sqlite3."""

import shutil
import sqlite3

from djmig_kernel import Sandbox
from oracle import statements

NAME = "sqlite"


def copy(project, folder):
    """Return a Sandbox on a copy of PROJECT in FOLDER (its db.sqlite3 beside it)."""
    return Sandbox.open(shutil.copytree(project.path, folder, symlinks=True))


def droppable(sb):
    """Return (a table nothing points at, a plain column of another such table) of SB's database."""
    with sqlite3.connect(sb.db_path) as connection:
        tables = [t for (t,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name != 'django_migrations' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name")]
        pointed = {row[2] for t in tables for row in connection.execute(f'PRAGMA foreign_key_list("{t}")')}
        free = [t for t in tables if t not in pointed and not t.startswith(("django_", "auth_"))]
        for table in free[1:]:
            indexed = {row[2] for (index, *_) in [(r[1],) for r in connection.execute(f'PRAGMA index_list("{table}")')]
                       for row in connection.execute(f'PRAGMA index_info("{index}")')}
            linked = {row[3] for row in connection.execute(f'PRAGMA foreign_key_list("{table}")')}
            for _, column, _, _, _, pk in connection.execute(f'PRAGMA table_info("{table}")'):
                if not pk and column not in indexed | linked:
                    return free[0], (table, column)
    raise AssertionError("no table and column to drop")


def drop_table(sb, table):
    with sqlite3.connect(sb.db_path) as connection:
        connection.execute("PRAGMA foreign_keys = OFF")
        connection.execute(f'DROP TABLE "{table}"')
    connection.close()


def drop_column(sb, table, column):
    with sqlite3.connect(sb.db_path) as connection:
        connection.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
    connection.close()


def internal(sb):
    """Return the tables SQLite makes for itself: a virtual table's shadow tables."""
    with sqlite3.connect(sb.db_path) as connection:
        virtual = [n for (n,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")]
        names = [n for (n,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    connection.close()
    return {n for n in names for v in virtual if n.startswith(f"{v}_")} | set(virtual)


def schema(sb):
    """Return {table: [(column, type, notnull)]} of SB's database, SQLite's own tables left out."""
    with sqlite3.connect(sb.db_path) as connection:
        names = [n for (n,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        found = {n: [(r[1], r[2], r[3]) for r in connection.execute(f'PRAGMA table_info("{n}")')] for n in names}
    connection.close()
    return found


def counts(sb, tables):
    """Return {table: SELECT count(*)} of TABLES in SB's database."""
    with sqlite3.connect(sb.db_path) as connection:
        found = {t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    connection.close()
    return found


def run_shown(db, shown):
    """Run the shown statements of each step, in the plan's order, on the database file DB (as migrate: foreign keys off).

    The rows go first: a RunPython step (shown as a comment) fills a column in Python that a later
    statement makes NOT NULL, so the shown SQL alone is the schema's, not the data's. Only ordinary
    tables are emptied: the shadow tables of an FTS5 index (its _config, _data…) are the index's own,
    and emptied behind its back they leave a table that SQLite cannot open, so a later rename of a
    table with a trigger into it fails ("vtable constructor failed") where migrate's does not.
    """
    connection = sqlite3.connect(db, isolation_level=None)
    try:
        connection.execute("PRAGMA foreign_keys = OFF")
        for table, in connection.execute("SELECT name FROM pragma_table_list WHERE schema = 'main' "
                                         "AND type = 'table' AND name NOT LIKE 'sqlite_%'").fetchall():
            connection.execute(f'DELETE FROM "{table}"')
        for lines in shown.values():
            connection.executescript("\n".join(statements(lines, mask=False)))
        connection.execute("DELETE FROM django_migrations")  # the ledger is migrate's, not the SQL's
    finally:
        connection.close()


def run(sb, shown):
    """Run the shown statements of each step on SB's database (run_shown)."""
    run_shown(sb.db_path, shown)
