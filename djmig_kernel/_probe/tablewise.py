"""Run the SQLite shadow's pending steps a group of tables at a time, each group in a small database of its own.

Each ALTER TABLE makes SQLite parse its whole schema again (DROP COLUMN three times), so running a plan in the
shadow as it stands costs its statements times the schema (0.3 s for 170 fields of 40 tables). The shadow has
no rows, so a statement changes only the tables it names, and a rename the tables that refer to the renamed
one too (SQLite rewrites their REFERENCES): those tables are tied into groups; each group's tables and indexes
are made in an in-memory database of their own, its statements run there in plan order, and the tables and
indexes it ends with take the group's place in the shadow. The statements are the plan's own, run by SQLite:
the schema they leave is the one they leave in the shadow.

Not where a statement is not known here (a RunSQL's), names an index of no known table, or the shadow has a
trigger or a view (which reach across tables), nor where a group's statement fails on its own (a write that
reads a table of another group): ``run`` then answers False, and the steps run in the shadow itself.
"""

import re
import sqlite3

from .sqlshape import shape

__all__ = ["run"]

_REFERENCES = re.compile(r'REFERENCES\s+(?:"((?:[^"]|"")+)"|`([^`]+)`|\[([^\]]+)\]|([\w$]+))', re.I)


def _references(texts):
    """Return {table: {tables whose SQL refers to it}} for TEXTS, [(table, its CREATE or ALTER SQL)]."""
    found = {}
    for table, sql in texts:
        for match in _REFERENCES.finditer(sql):
            name = next(group for group in match.groups() if group).replace('""', '"').lower()
            found.setdefault(name, set()).add(table)
    return found


def _named(statements, indexes):
    """Return [(kind, [tables])] of each of STATEMENTS, lower-cased, or None if one is not known here. INDEXES:
    {index: table} before the first; a dropped index names its table as it stands then."""
    found = []
    for statement in statements:
        kind, names = shape(statement) if ";" not in statement.strip().rstrip(";") else (None, [])
        names = [name.lower() for name in (names[:1] if kind == "alter" else names)]
        if kind is None:
            return None
        if kind == "index":
            indexes[names[0]] = names[1]
            names = names[1:]
        elif kind == "drop_index":
            names = [indexes.pop(names[0], None)]
            if names[0] is None:
                return None
        elif kind == "rename":
            indexes = {index: names[1] if table == names[0] else table for index, table in indexes.items()}
        elif kind == "alter" and re.match(r"\s*ALTER\s+TABLE\s+\S+\s+RENAME\b", statement, re.I):
            kind = "rename"  # RENAME COLUMN: SQLite rewrites the REFERENCES to it too
        found.append((kind, names))
    return found


def _groups(named, references):
    """Return [[statement indexes], {tables}] of each group of tables that NAMED's statements tie together."""
    parent = {}

    def root(name):
        while parent.setdefault(name, name) != name:
            name = parent[name] = parent[parent[name]]
        return name

    for kind, tables in named:
        ties = [*tables, *(references.get(tables[0], ()) if kind == "rename" else ())]
        for table in ties[1:]:
            parent[root(table)] = root(ties[0])
    groups = {}
    for i, (_kind, tables) in enumerate(named):
        groups.setdefault(root(tables[0]), [[], set()])[0].append(i)
    for name in parent:
        groups.get(root(name), [[], set()])[1].add(name)
    return list(groups.values())


def _ends_with(schema, tables, statements):
    """Return (the tables of SCHEMA among TABLES, [CREATE SQL] of the tables and indexes STATEMENTS leave them as);
    raise sqlite3.Error where a statement fails on its own."""
    made = [(kind, name, sql) for kind, name, table, sql in schema if sql and table.lower() in tables]
    small = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for _kind, _name, sql in sorted(made, key=lambda row: row[0] != "table"):
            small.execute(sql)
        small.executescript("\n".join(statements))
        ends = small.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite^_%' "
                             "ESCAPE '^' ORDER BY type != 'table', rowid").fetchall()
    finally:
        small.close()
    return [name for kind, name, _sql in made if kind == "table"], [sql for (sql,) in ends]


def run(raw, steps):
    """Run STEPS (lists of SQL statements, comments left out) in RAW, the shadow's sqlite3 connection, a group of
    tables at a time; return False, having changed nothing, where they must run in RAW itself."""
    schema = raw.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite^_%' "
                         "ESCAPE '^'").fetchall()
    if any(kind in ("trigger", "view") or (sql or "").upper().startswith("CREATE VIRTUAL")
           for kind, _name, _table, sql in schema):
        return False
    statements = [statement for step in steps for statement in step]
    named = _named(statements, {name.lower(): table.lower() for kind, name, table, _ in schema if kind == "index"})
    if named is None:
        return False
    texts = [(table.lower(), sql) for kind, _name, table, sql in schema if kind == "table"]
    texts += [(tables[0], statement) for (kind, tables), statement in zip(named, statements)
              if kind in ("create", "alter")]
    ends = []
    for indexes, tables in _groups(named, _references(texts)):
        try:
            ends.append(_ends_with(schema, tables, [statements[i] for i in indexes]))
        except sqlite3.Error:
            return False
    dropped = [f'DROP TABLE "{name.replace(chr(34), chr(34) * 2)}";' for names, _made in ends for name in names]
    raw.execute("PRAGMA foreign_keys = OFF")
    raw.executescript("\n".join([*dropped, *(f"{sql};" for _names, made in ends for sql in made)]))
    return True
