"""What each statement of ``migrate APP NAME`` locks, rewrites and scans (``locks APP NAME``): watched in the
PostgreSQL shadow (postgresql.py), read from the SQL it runs on SQLite (sqlite.py)."""

from ..plan import migrate_plan
from ..shadow import comment_only
from ..sql import plan_sql


def answer(executor, app, name, shadow=None):
    """Return the SQL of each step of ``migrate APP NAME`` ("sql", as ``sql`` answers), what each of its statements
    locks ("locks": {"app.name": [[statement, [{table, origin, lock, created, rewrites, scans, ...}] or None]]}:
    None where nothing could be watched) and the facts of the live database that decide what a lock blocks.

    SHADOW: on PostgreSQL, the connection settings of the scratch database where the plan is rehearsed, watched.
    """
    found = migrate_plan(executor, app, name)
    if isinstance(found, dict):
        return found
    steps, vendor = found[1], executor.connection.vendor
    if vendor == "postgresql":
        from .postgresql import Watcher

        watcher = Watcher()
        sql = plan_sql(executor, steps, shadow, watcher)
        seen, facts = watcher.seen, {}
    else:
        sql = plan_sql(executor, steps)
        seen, facts = {}, {}
        if vendor == "sqlite":
            from .sqlite import Reader

            reader = Reader(executor.connection)
            for (migration, _), statements in zip(steps, sql):
                reader.read(str(migration), [s for s in statements if not comment_only(s)])
            seen, facts = reader.seen, reader.facts
    return {"sql": [[str(m), statements] for (m, _), statements in zip(steps, sql)], "locks": seen, "facts": facts}
