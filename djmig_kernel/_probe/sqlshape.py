"""Read a SQLite statement as SQLite parses its first words: what kind it is and which tables or indexes it names."""

import re

__all__ = ["READS", "shape"]

_ID = r'(?:"(?:[^"]|"")+"|`[^`]+`|\[[^\]]+\]|[\w$]+)'
_NAME = rf"(?:{_ID}\s*\.\s*)?({_ID})"  # a table or index name, its schema ("main".) left out
_SHAPES = [
    ("create", rf"CREATE\s+(?:TEMP\w*\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?{_NAME}"),
    ("index", rf"CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?{_NAME}\s+ON\s+{_NAME}"),
    ("drop_index", rf"DROP\s+INDEX\s+(?:IF\s+EXISTS\s+)?{_NAME}"),
    ("drop", rf"DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?{_NAME}"),
    ("rename", rf"ALTER\s+TABLE\s+{_NAME}\s+RENAME\s+TO\s+{_NAME}"),
    ("alter", rf"ALTER\s+TABLE\s+{_NAME}\s+(\w+)"),
    ("copy", rf"(?:INSERT|REPLACE)\s+(?:OR\s+\w+\s+)?INTO\s+{_NAME}.*?\bSELECT\b.*?\bFROM\s+{_NAME}"),
    ("insert", rf"(?:INSERT|REPLACE)\s+(?:OR\s+\w+\s+)?INTO\s+{_NAME}"),
    ("update", rf"UPDATE\s+(?:OR\s+\w+\s+)?{_NAME}"),
    ("delete", rf"DELETE\s+FROM\s+{_NAME}"),
]
_SHAPES = [(kind, re.compile(r"\s*" + pattern, re.I | re.S)) for kind, pattern in _SHAPES]
# A statement that only reads: a query, or a PRAGMA that asks (one that sets a value has "=").
READS = re.compile(r"\s*(?:SELECT|WITH|EXPLAIN|VALUES)\b|\s*PRAGMA\s+[\w.]+\s*(?:\(\s*[\w\"]*\s*\))?\s*;?\s*$", re.I)


def _unquote(name):
    if name[0] in '"`[':
        return name[1:-1].replace('""', '"') if name[0] == '"' else name[1:-1]
    return name


def shape(statement):
    """Return (kind, [names]) of STATEMENT, or (None, []) for one not known here: a table's kind ("create",
    "drop", "alter" with its verb upper-cased, "insert", "update", "delete"), "copy" (the table written, the one
    read), "rename" (old name, new), "index" (the index, its table) or "drop_index" (the index)."""
    for kind, pattern in _SHAPES:
        match = pattern.match(statement)
        if match:
            return kind, [_unquote(group) if kind != "alter" or i == 0 else group.upper()
                          for i, group in enumerate(match.groups())]
    return None, []
