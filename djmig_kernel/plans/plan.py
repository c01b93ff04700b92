"""A migrate plan as the probe reports it: steps, operations, SQL and what it would drop."""

from dataclasses import dataclass, field

from . import exceptions as exc
from ._frame import Frame
from .disagreements import inconsistent_fix
from .schema import count_rows

__all__ = ["MigrationPlan", "PLAN_COLUMNS", "LOSS_COLUMNS"]

PLAN_COLUMNS = ["migration", "direction", "operation"]
LOSS_COLUMNS = ["table", "column", "rows"]


def raise_probe_error(error, result=None):
    """Raise the DjmigError for an error answer of the probe (RESULT: the command it explains)."""
    kind, app = error["error"], error["app"]
    if kind == "conflict":
        leaves = "; ".join(f"{', '.join(names)} in {label}" for label, names in sorted(error["conflicts"].items()))
        raise exc.CommandError(
            f"conflicting migrations: more than one leaf ({leaves}), so migrate would stop; "
            f"merge them with `python manage.py makemigrations --merge` and try again",
            result=result,
        )
    if kind == "inconsistent":
        migration, dependency = error["migration"], error["dependency"]
        raise exc.InconsistentHistoryError(
            f"migration {migration} is applied before its dependency {dependency} (inconsistent history), "
            f"so migrate would stop; repair the ledger: {inconsistent_fix(migration, dependency, error['made'], error['records'])}",
            result=result,
        )
    if kind == "app":
        raise exc.UnknownAppError(
            f"no installed app with label {app!r}; choose one of: {', '.join(error['apps'])}, "
            f"or create and register it with sb.startapp({app!r})",
            result=result,
        )
    if kind == "unmigrated":
        raise exc.UnknownAppError(
            f"app {app!r} has no migrations yet; run sb.makemigrations({app!r}) first", result=result
        )
    if kind == "ambiguous":
        raise exc.AmbiguousMigrationError.for_name(app, error["name"], error["matches"], result=result)
    raise exc.UnknownMigrationError.for_name(app, error["name"], error["candidates"], result=result)


@dataclass(frozen=True)
class MigrationPlan:
    """What ``migrate APP TARGET`` would do, worked out by the sandbox's Django.

    The SQL of its steps is worked out only when ``sql()`` is first asked: FETCH_SQL
    (a function that starts Django once) returns the probe's answer to ``sql APP TARGET``.
    """

    app: str
    target: str
    steps: list
    losses: list
    fetch_sql: object = field(default=None, compare=False, repr=False)
    _sql: dict = field(default_factory=dict, compare=False, repr=False)

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

    def data_loss(self, db_path):
        """Return a DataFrame (table, column, rows) of what the plan drops, rows counted live in DB_PATH.

        A column whose whole table is dropped in the same plan is left out: the
        table's row says it all. This is a read-only operation - it does not write to the database.
        """
        whole = {table for table, column, _ in self.losses if column is None}
        # dict.fromkeys: each (table, column) once, in plan order, in linear time
        dropped = list(dict.fromkeys(
            (table, column) for table, column, _migration in self.losses if column is None or table not in whole
        ))
        counts = count_rows(db_path, {table for table, _ in dropped})
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
        if "error" in answer:
            raise_probe_error(answer)
        self._sql.update((migration, statements) for migration, statements in answer["sql"])
