"""The box office's figures (tests/bigapp.py: an app of 200 migrations, dozens of models in each state): a picker's
preview and then its SQL, on SQLite and on the kit's PostgreSQL server, against Django's own commands."""

import sys
from pathlib import Path

from timing import django, side_by_side, timed

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from bigapp import APP, build_boxoffice  # noqa: E402  (the test suite's own box office)

TARGETS = ("0199_auto", "0190_auto", "zero")  # 1, 10 and 216 steps back


def _sqlmigrate_summed(sb, steps):
    """Return the seconds of ``sqlmigrate APP NAME [--backwards]`` for each of STEPS, one after the other (one
    that fails counts too: a step that removes a unique_together looks its constraint up in the live database,
    where a rollback's earlier steps have not run, and sqlmigrate stops there)."""
    return sum(timed(django(sb, "sqlmigrate", *step["migration"].split("."),
                            *(["--backwards"] if step["direction"] == "unapply" else []), check=False))
               for step in steps)


def measure_bigapp(table, root, runs):
    """Print, for each target of TARGETS: the picker's preview before its SQL (the plan and the rows it drops, read
    by the warm probe) against ``migrate --plan``, and the plan's SQL against sqlmigrate summed over the plan's
    migrations (once: it is already a sum of hundreds), on SQLite and PostgreSQL. The box office is migrated
    for real first (a minute on each)."""
    for database in ("sqlite", "postgresql"):
        sb = build_boxoffice(root / f"boxoffice-{database}", database=database)
        try:
            for target in TARGETS:
                steps = sb.migration_plan(APP, target).steps
                kit, theirs = side_by_side(lambda: sb.data_loss(APP, target),
                                           django(sb, "migrate", APP, target, "--plan"), runs)
                table.row(f"preview {APP} {target} ({len(steps)} steps), {database}  vs --plan", kit, theirs, 1)
                plans = []
                kit = min(timed(lambda: plans[-1].sql(), lambda: plans.append(sb.migration_plan(APP, target)))
                          for _ in range(min(runs, 2)))
                table.row(f"sql() {APP} {target}, {database}  vs sqlmigrate of each", kit,
                          _sqlmigrate_summed(sb, steps), 2)
        finally:
            sb.stop_database()
