"""Time the kit against Django's own commands, side by side in one run, and print the ratios.

    python benchmarks/run.py [--apps 25 --per-app 40] [--runs 3] [--only postgresql ...]

Generates the projects it needs in a temporary folder (the 1,000-migration project
takes a minute or two to migrate; Wagtail on a PostgreSQL server the kit starts, another; the box office of
large_app.py a minute on each database, and sqlmigrate of each of its 216 steps several), then prints one
row per figure: the kit's time, the time of the Django command it stands for (for FourPieces on PostgreSQL:
the same on SQLite), their ratio and the bound the ratio must stay within. Each time is the best of RUNS,
kit and Django taking turns. Nothing here is a test: the suite has no timed assertions.
"""

import argparse
import contextlib
import io
import sys
import tempfile
from pathlib import Path

from djmig_kernel import FourPieces, MigrationPicker
from djmig_kernel.commands import warm
from djmig_kernel import replay
from large_app import measure_bigapp
from project import generate
from timing import Table, django, side_by_side

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from projects import build_wagtail  # noqa: E402  (the test suite's own real project)


def measure_project(table, root, apps, per_app, runs):
    """Print graph, plan, data_loss and SQL figures for a generated project; return the kit's times."""
    count = apps * per_app
    sb = generate(root, f"p{count}", apps, per_app)
    sb.migrate(timeout=3600)
    plan_cmd = django(sb, "migrate", "app00", "zero", "--plan")
    kit = {}
    cold, theirs = side_by_side(sb.graph, django(sb, "showmigrations", "--plan"), runs, kit_before=sb.close)
    table.row(f"graph() cold (warm probe stopped), {count} migrations  vs showmigrations --plan", cold, theirs, 1.2)
    kit["graph"], theirs = side_by_side(sb.graph, django(sb, "showmigrations", "--plan"), runs)
    table.row(f"graph(), {count} migrations in {apps} apps  vs showmigrations --plan", kit["graph"], theirs, 0.3)
    steps = len(sb.migration_plan("app00", "zero").steps)
    kit["plan"], theirs = side_by_side(lambda: sb.plan("app00", "zero"), plan_cmd, runs)
    table.row(f"plan('app00', 'zero'), {steps} steps  vs migrate app00 zero --plan", kit["plan"], theirs, 0.3)
    kit["data_loss"], theirs = side_by_side(lambda: sb.data_loss("app00", "zero"), plan_cmd, runs)
    table.row("data_loss('app00', 'zero')  vs migrate app00 zero --plan", kit["data_loss"], theirs, 0.3)
    kit["check"], theirs = side_by_side(sb.check, django(sb, "makemigrations", "--check", "--dry-run"), runs)
    table.row("check()  vs makemigrations --check --dry-run", kit["check"], theirs, 0.5)
    plans = []
    kit["sql"], theirs = side_by_side(lambda: plans[-1].sql(), plan_cmd, runs,
                                      kit_before=lambda: plans.append(sb.migration_plan("app00", "zero")))
    table.row(f"MigrationPlan.sql() of those {steps} steps  vs migrate app00 zero --plan", kit["sql"], theirs, 4)
    return kit


def measure_picker(table, root, runs):
    """Print the picker's apply + refresh on the tutorial project against a bare migrate of the same move, and
    a command forked by the fork server against the same command in a Python started anew."""
    with contextlib.redirect_stdout(io.StringIO()):  # replay says what it replayed
        sb = replay(root, "04")
    back = django(sb, "migrate", "app")
    picker = MigrationPicker(sb, "app")

    def arm():
        back()
        picker.refresh()
        picker.target.value = "0001_initial"
        picker.apply.click()  # the book table goes: this click arms, the timed one runs
        assert picker.armed

    kit, theirs = side_by_side(picker.apply.click, django(sb, "migrate", "app", "0001_initial"), runs,
                               kit_before=arm, their_before=back)
    assert picker.status.startswith("Done"), picker.status
    table.row("picker apply + refresh, tutorial project  vs bare migrate", kit, theirs, 1.2)
    for args in (("migrate", "app", "--plan"), ("showmigrations", "app")):
        def forked(args=args):
            assert sb.manage(*args).returncode == 0
        kit, theirs = side_by_side(forked, django(sb, *args), runs)
        table.row(f"sb.manage: {' '.join(args)}, forked  vs started anew", kit, theirs, 0.7)


def measure_preview(table, root, runs):
    """Print a picker preview on a 200-migration project against migrate --plan of the same target."""
    sb = generate(root, "p200", 10, 20)
    sb.migrate(timeout=3600)
    picker = MigrationPicker(sb, "app09")
    for target in ("0001_initial", "zero"):
        def choose(target=target):
            picker.target.value = target

        def away():
            picker.target.value = picker.target.options[-1][1]

        steps = len(sb.migration_plan("app09", target).steps)
        kit, theirs = side_by_side(choose, django(sb, "migrate", "app09", target, "--plan"), runs, kit_before=away)
        table.row(f"picker preview app09 {target} ({steps} steps), 200 migrations  vs --plan", kit, theirs, 0.5)
    print(f"memory of the 200-migration project's warm probe: {_resident(warm.running(sb.path))}")


def measure_locks(table, root, runs):
    """Print plan.locks(), and plan.old_code() with the locks it brings (as the plan command asks them), against
    plan.sql() of the same plan, each asked of a plan made anew, on a 200-migration project on SQLite and on the
    kit's PostgreSQL server (there each statement is rehearsed and watched, and the old models' ORM then runs
    in the shadow; on SQLite old_code() first runs every step in the shadow): app00's rollback to zero, then,
    once it ran, app09's forward plan back to its leaf (the steps of every app it depends on)."""
    for database in ("sqlite", "postgresql"):
        sb = generate(root / f"locks-{database}", "p200", 10, 20, database=database)
        try:
            sb.migrate(timeout=3600)
            for app, target in (("app00", "zero"), ("app09", "0020_step")):
                if app == "app09":
                    sb.migrate("app00", "zero", timeout=3600)
                plans = []

                def fresh(app=app, target=target):
                    plans.append(sb.migration_plan(app, target))

                for figure, kit in (("locks()", lambda: plans[-1].locks()),
                                    ("old_code() + locks()", lambda: (plans[-1].old_code(), plans[-1].locks()))):
                    kit, theirs = side_by_side(kit, lambda: plans[-1].sql(), runs, kit_before=fresh,
                                               their_before=fresh)
                    rows, old = len(plans[-1].locks()), len(plans[-1].old_code())
                    table.row(f"{figure} {app} {target} ({len(plans[-1].steps)} steps, {rows}+{old} rows), "
                              f"{database}  vs sql()", kit, theirs, 2)
        finally:
            sb.stop_database()


def _resident(pid):
    """Return the resident memory of process PID, as /proc says it (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return " ".join(line.split()[1:])
    return "unknown"


def wagtail_rows(table, sb, label, bound, runs):
    """Print graph, plan, data_loss and check() on SB, a Wagtail project, against Django's commands."""
    plan_cmd = django(sb, "migrate", "wagtailcore", "zero", "--plan")
    for figure, kit, theirs in [
        ("graph()", sb.graph, django(sb, "showmigrations", "--plan")),
        ("plan('wagtailcore', 'zero')", lambda: sb.plan("wagtailcore", "zero"), plan_cmd),
        ("data_loss('wagtailcore', 'zero')", lambda: sb.data_loss("wagtailcore", "zero"), plan_cmd),
        ("check()", sb.check, django(sb, "makemigrations", "--check", "--dry-run")),
    ]:
        table.row(f"{label}: {figure}", *side_by_side(kit, theirs, runs), bound(figure))


def measure_real(table, root, runs):
    """Print Wagtail's figures on SQLite (the warm probe's bounds); return the project."""
    sb = build_wagtail(root)
    wagtail_rows(table, sb, "Wagtail (183 migrations)", lambda figure: 0.5 if figure == "check()" else 0.3,
                 runs)
    return sb


def measure_postgresql(table, root, on_sqlite, runs):
    """Print Wagtail's figures on the kit's PostgreSQL server, and FourPieces.capture there against ON_SQLITE.

    The kit starts the server for the project (its data in the project's .pgdata) and stops it at the end.
    """
    sb = build_wagtail(root, "cms_pg", database="postgresql")
    try:
        wagtail_rows(table, sb, "Wagtail on PostgreSQL", lambda figure: 1.5, runs)
        kit, theirs = side_by_side(lambda: FourPieces.capture(sb, "wagtailcore"),
                                   lambda: FourPieces.capture(on_sqlite, "wagtailcore"), runs)
        table.row("Wagtail on PostgreSQL: FourPieces.capture  vs on SQLite", kit, theirs, 2)
    finally:
        sb.stop_database()


PARTS = ("projects", "picker", "preview", "real", "postgresql", "locks", "bigapp")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", type=int, default=25)
    parser.add_argument("--per-app", type=int, default=40)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", nargs="+", choices=PARTS, default=PARTS,
                        help="measure these parts only (postgresql needs real: its SQLite side)")
    options = parser.parse_args()
    parts, runs = set(options.only), options.runs
    with tempfile.TemporaryDirectory(prefix="djmig-bench-") as folder:
        root = Path(folder)
        table = Table()
        if "projects" in parts:
            small = measure_project(table, root, options.apps, max(1, options.per_app // 10), runs)
            large = measure_project(table, root, options.apps, options.per_app, runs)
        if "picker" in parts:
            measure_picker(table, root / "tutorial", runs)
        if "preview" in parts:
            measure_preview(table, root, runs)
        if parts & {"real", "postgresql"}:
            on_sqlite = measure_real(table, root / "real", runs)
        if "postgresql" in parts:
            measure_postgresql(table, root / "real", on_sqlite, runs)
        if "locks" in parts:
            measure_locks(table, root, runs)
        if "bigapp" in parts:
            measure_bigapp(table, root, runs)
        if "projects" in parts:
            print("\ngrowth of the kit's time from the small project to the large one "
                  f"({options.per_app // max(1, options.per_app // 10)}x the migrations):")
            for name in small:
                print(f"  {name:10} {small[name]:6.2f} s -> {large[name]:6.2f} s  x{large[name] / small[name]:.1f}")


if __name__ == "__main__":
    main()
