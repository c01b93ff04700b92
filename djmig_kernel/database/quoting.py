"""Quote an SQL identifier the standard way, which SQLite and PostgreSQL both read."""

__all__ = ["quote_name"]


def quote_name(name):
    """Return NAME quoted as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'
