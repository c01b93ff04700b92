"""A migrate plan as the probe reports it: steps, operations, SQL and what it would drop."""

from dataclasses import dataclass

from . import exceptions as exc
from ._frame import Frame
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
    """What ``migrate APP TARGET`` would do, worked out by the sandbox's Django."""

    app: str
    target: str
    steps: list
    losses: list

    @property
    def nodes(self):
        """Return the (app, name) of every migration the plan applies or unapplies, in order."""
        return [tuple(step["migration"].split(".", 1)) for step in self.steps]

    @property
    def irreversible(self):
        """Return the migrations that cannot be unapplied, as "app.name"."""
        return [s["migration"] for s in self.steps if s["irreversible"]]

    def operations(self):
        """Return a DataFrame with a row per operation, in the order ``migrate --plan`` prints them."""
        rows = [
            [step["migration"], step["direction"], operation]
            for step in self.steps
            for operation in step["operations"]
        ]
        return Frame(rows, columns=PLAN_COLUMNS)

    def data_loss(self, db_path):
        """Return a DataFrame (table, column, rows) of what the plan drops, rows counted live in DB_PATH.

        A column whose whole table is dropped in the same plan is left out: the
        table's row says it all. This is a read-only operation - it does not write to the database.
        """
        whole = {table for table, column, _ in self.losses if column is None}
        dropped = []
        for table, column, _migration in self.losses:
            if (table, column) not in dropped and (column is None or table not in whole):
                dropped.append((table, column))
        counts = count_rows(db_path, {table for table, _ in dropped})
        rows = [[table, column, counts[table]] for table, column in dropped]
        frame = Frame(rows, columns=LOSS_COLUMNS)
        return frame.astype({"rows": "int64"})

    def sql(self):
        """Return {"app.name": [SQL statements]} for each step, as sqlmigrate prints them."""
        return {step["migration"]: step["sql"] for step in self.steps}
