"""What each statement of ``migrate APP NAME`` locks, rewrites and scans, and whether the code of the models before
it works after it (``locks APP NAME``): watched in the PostgreSQL shadow (postgresql.py), read from the SQL it runs
on SQLite (sqlite.py); the old models' ORM run in the shadow after the plan (oldcode.py)."""

from .. import oldcode
from ..plan import migrate_plan
from ..shadow import comment_only
from ..sql import plan_sql


def answer(executor, app, name, shadow=None, old_code=False):
    """Return the SQL of each step of ``migrate APP NAME`` ("sql", as ``sql`` answers), what each of its statements
    locks ("locks": {"app.name": [[statement, [{table, origin, lock, created, rewrites, scans, ...}] or None]]}:
    None where nothing could be watched), the facts of the live database that decide what a lock blocks, and
    the old code's actions ("old_code": [[migration, model, action, works, error]], works None where the
    shadow could not follow the plan).

    SHADOW: on PostgreSQL, the connection settings of the scratch database where the plan is rehearsed, watched.
    "old_code" is there if OLD_CODE, or if it costs no more than the old code's own queries: the shadow ran every
    step already (PostgreSQL's). On SQLite the shadow runs a step only when a later one looks at it; running them
    all there costs about what collecting the SQL does.
    """
    found = migrate_plan(executor, app, name)
    if isinstance(found, dict):
        return found
    steps, vendor = found[1], executor.connection.vendor
    ran = {}

    def run_old_code(shadow):
        if not (old_code or shadow.caught_up_already()):
            return
        models = oldcode.old_models(executor, steps)
        connection = shadow.caught_up() if models else None
        if connection is None:
            ran["old_code"] = [[label, f"{m._meta.app_label}.{m.__name__}", action, None, None]
                               for label, m in models for action in oldcode.ACTIONS]
        else:
            ran["old_code"] = oldcode.run(models, connection)

    if vendor == "postgresql":
        from .postgresql import Watcher

        watcher = Watcher()
        sql = plan_sql(executor, steps, shadow, watcher, run_old_code)
        seen, facts = watcher.seen, {}
    else:
        sql = plan_sql(executor, steps, after=run_old_code)
        seen, facts = {}, {}
        if vendor == "sqlite":
            from .sqlite import Reader

            reader = Reader(executor.connection)
            for (migration, _), statements in zip(steps, sql):
                reader.read(str(migration), [s for s in statements if not comment_only(s)])
            seen, facts = reader.seen, reader.facts
    return {"sql": [[str(m), statements] for (m, _), statements in zip(steps, sql)], "locks": seen, "facts": facts,
            **ran}
