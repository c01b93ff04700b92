"""A migrate plan as the probe reports it: steps, operations, SQL and what it would drop."""

from dataclasses import dataclass, field

from .. import exceptions as exc
from ..display.frames import Frame, WholeFrame
from .locks import LOCK_COLUMNS, locks_frame

__all__ = ["MigrationPlan", "PLAN_COLUMNS", "LOSS_COLUMNS", "OLD_CODE_COLUMNS", "sql_timeout"]

PLAN_COLUMNS = ["migration", "direction", "operation"]
LOSS_COLUMNS = ["table", "column", "rows"]
OLD_CODE_COLUMNS = ["migration", "model", "action", "works", "error"]
# The seconds a step of a plan may take to have its SQL worked out (and its locks watched): migrate itself spends
# up to about a second a step on an app whose every state has dozens of models, and sqlmigrate of one migration
# as long; what a plan's SQL may take grows with the plan, so that a plan migrate can run never times out.
SECONDS_PER_STEP = 2


def sql_timeout(timeout, steps):
    """Return the timeout of the SQL (or the locks) of a plan of STEPS: TIMEOUT, or more for a long plan."""
    return max(timeout, SECONDS_PER_STEP * len(steps))


@dataclass
class MigrationPlan:
    """What ``migrate APP TARGET`` would do, worked out by the sandbox's Django.

    The SQL of its steps is worked out only when ``sql()`` is first asked: FETCH_SQL
    (a function that starts Django once) returns the probe's answer to ``sql APP TARGET``,
    and the plan keeps it. So are its locks and old code, when ``locks()`` or ``old_code()`` is first asked:
    FETCH_LOCKS returns the probe's answer to ``locks APP TARGET`` (the SQL too); DATABASE returns the
    backend that reads the live tables' sizes.
    """

    app: str
    target: str
    steps: list
    losses: list
    fetch_sql: object = field(default=None, compare=False, repr=False)
    fetch_locks: object = field(default=None, compare=False, repr=False)
    database: object = field(default=None, compare=False, repr=False)
    _sql: dict = field(default_factory=dict, compare=False, repr=False)
    _locks: dict = field(default=None, compare=False, repr=False)

    @property
    def nodes(self):
        """Return the (app, name) of every migration the plan applies or unapplies, in order."""
        return [tuple(step["migration"].split(".", 1)) for step in self.steps]

    @property
    def irreversible(self):
        """Return the migrations that cannot be unapplied, as "app.name"."""
        return [s["migration"] for s in self.steps if s["irreversible"]]

    def operations(self):
        """Return a DataFrame with a row per operation, in the order ``migrate --plan`` prints them.

        A migration without operations (a merge, an empty or no-op migration) still gets
        one row, with an empty operation, so the migration column lists every step Django takes.
        """
        rows = [
            [step["migration"], step["direction"], operation]
            for step in self.steps
            for operation in step["operations"] or [""]
        ]
        return Frame(rows, columns=PLAN_COLUMNS)

    def dropped(self):
        """Return the (table, column) the plan drops, each once, in plan order (column None: the whole table).

        A column whose whole table is dropped in the same plan is left out: the table says it all.
        """
        whole = {table for table, column, _ in self.losses if column is None}
        # dict.fromkeys: each (table, column) once, in plan order, in linear time
        return list(dict.fromkeys(
            (table, column) for table, column, _migration in self.losses if column is None or table not in whole
        ))

    def data_loss(self, count_rows):
        """Return a DataFrame (table, column, rows) of what the plan drops, rows counted live.

        COUNT_ROWS: a function from table names to {table: rows}, such as Sandbox.row_counts.
        """
        dropped = self.dropped()
        counts = count_rows(sorted({table for table, _ in dropped}))
        rows = [[table, column, counts[table]] for table, column in dropped]
        frame = Frame(rows, columns=LOSS_COLUMNS)
        return frame.astype({"rows": "int64"})

    def sql(self):
        """Return {"app.name": [SQL statements]} for each step, in plan order, as migrate would run them.

        Computed in one pass over the plan when first asked (starts Django once), then kept.
        A step whose SQL cannot be computed holds one line, "-- SQL not available: <Django's
        reason>"; a step that cannot be unapplied, "-- IRREVERSIBLE: ...".
        """
        if not self._sql and self.steps:
            if self.fetch_sql is None:
                raise exc.DjmigError("this plan has no sandbox to ask for its SQL; use sb.migration_plan(app, target)")
            self.add_sql(self.fetch_sql())
        return {step["migration"]: self._sql.get(step["migration"], []) for step in self.steps}

    def add_sql(self, answer):
        """Keep the SQL of the probe's ANSWER (its "sql": [["app.name", [statements]], ...])."""
        self._sql.update((migration, statements) for migration, statements in answer["sql"])

    def _watched(self, old_code=False):
        """Return the probe's answer to ``locks APP TARGET``, asked when first needed (its SQL kept too); asked
        again with ``--old-code`` if OLD_CODE and the answer kept has none (SQLite's, where it costs more)."""
        if self._locks is None or (old_code and "old_code" not in self._locks):
            if not self.steps:
                self._locks = {"locks": {}, "facts": {}, "old_code": []}
            elif self.fetch_locks is None:
                raise exc.DjmigError("this plan has no sandbox to ask what it does; use sb.migration_plan(app, target)")
            else:
                answer = self.fetch_locks(*(["--old-code"] if old_code else []))
                self.add_sql(answer)
                self._locks = answer
        return self._locks

    def locks(self):
        """Return a DataFrame with a row per statement x table it locks, in plan order (plans/locks.py):
        migration, statement (as in sql()), table, lock (as pg_locks names it; SQLite: "database"), blocks
        ("reads and writes", "writes" or "nothing"), rewrites, scans, rows, bytes (the live table's).

        Worked out by the database when first asked (or with old_code()), then kept (starts Django once; the SQL
        comes with it): on PostgreSQL each statement is run in a scratch copy of the schema, its locks read from
        pg_locks by a second session while its transaction is open; on SQLite read from the SQL it runs. The
        sizes are read from the live database each time.
        """
        watched = self._watched()
        if not self.steps:
            return Frame([], columns=LOCK_COLUMNS)
        return locks_frame(self.sql(), watched["locks"], watched["facts"], self.database())

    def old_code(self):
        """Return a DataFrame with a row per model the plan changes x action, in plan order: migration (the first
        that changes it), model ("app.Model"), action ("create", "read", "update", "delete"), works, error (the
        database's first line where it fails).

        For code written for the models before the plan, run against the database after it (forward: the window
        between migrate and the deploy; backward: the code still running after a rollback): the ORM of the models
        as the migration state before the plan has them, run in the scratch copy of the schema once the plan ran
        there, in a transaction rolled back. Worked out when first asked, with locks() (starts Django once; on
        PostgreSQL locks() brings it too); works is None where the scratch copy could not follow the plan. Its HTML
        shows each error whole.
        """
        rows = self._watched(old_code=True)["old_code"]
        return WholeFrame(rows, columns=OLD_CODE_COLUMNS).astype({"works": "boolean"})
