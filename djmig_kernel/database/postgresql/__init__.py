"""PostgreSQL: read a project's database read-only, run the kit's own server, guard a migrate, rehearse in a shadow."""

from .backend import PostgreSQL

__all__ = ["PostgreSQL"]
