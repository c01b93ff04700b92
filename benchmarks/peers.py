"""Where Squawk and django-migration-linter warn, and where the database says a step blocks or breaks old code.

    python benchmarks/peers.py [--projects accounts shop] [--steps steps.jsonl]

Both linters read the SQL the kit shows for the corpus's steps on PostgreSQL (Squawk, the squawk-cli wheel,
over each step's statements; django-migration-linter's own SQL analyser, the one its ``lintmigrations`` runs
over ``sqlmigrate``, over the same lines). The truth is the database's:

- blocks: a statement of the step holds a lock that makes reads or writes of a table with rows wait, as the
  kit watched it in pg_locks (locks(): blocks "reads and writes" or "writes", rows not 0). Every step of every
  app's rollback and forward plan (benchmarks/forecast_corpus.py, or its --out file given as --steps).
- breaks old code: old_code() of a plan of that one step, on the migrated project: each app's last migration
  undone (the code deployed at the leaf, left running on the database after the rollback), and done again
  from the migration before it (the code of the models before it, in the window between migrate and deploy).

A warning is sorted by what it claims: the step blocks (a lock rule), the step breaks running code (a
compatibility rule), or neither (hygiene: a timeout to set, a type to prefer, IF EXISTS), which is left out
of the comparison and counted apart; a second row per tool counts a warning of either claim, the benefit of
the doubt (Squawk's ban-drop-table says clients break, not that reads wait behind the drop's lock). For each tool and claim the table counts the steps it warns about where
the database agrees, its false alarms (the database says no: the table is new or empty, the lock lets reads
and writes go on, the old code works) and its misses (the database says yes, the tool is silent). Nothing
here is a test.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import forecast_corpus  # noqa: E402  (builds the corpus on PostgreSQL, forecasts every step)
from djmig_kernel import DjmigError, Sandbox  # noqa: E402
from djmig_kernel.database.postgresql import server  # noqa: E402

# Squawk's rules by what a warning of theirs claims (squawkhq.com/docs/rules); any other rule is hygiene.
SQUAWK_BLOCKS = {"require-concurrent-index-creation", "require-concurrent-index-deletion", "changing-column-type",
                 "adding-field-with-default", "adding-not-nullable-field", "adding-foreign-key-constraint",
                 "constraint-missing-not-valid", "disallowed-unique-constraint", "adding-serial-primary-key-field",
                 "ban-alter-domain-with-add-constraint", "ban-create-domain-with-constraint"}
SQUAWK_BREAKS = {"ban-drop-column", "ban-drop-table", "renaming-column", "renaming-table", "ban-drop-not-null",
                 "adding-required-field", "ban-drop-database", "ban-truncate-cascade"}
# django-migration-linter's SQL checks (sql_analyser/base.py and postgresql.py).
LINTER_BLOCKS = {"CREATE_INDEX", "CREATE_INDEX_EXCLUSIVE", "DROP_INDEX", "REINDEX"}
LINTER_BREAKS = {"NOT_NULL", "DROP_COLUMN", "DROP_TABLE", "RENAME_COLUMN", "RENAME_TABLE", "ALTER_COLUMN",
                 "ADD_UNIQUE"}
_NOT_SQL = ("--",)


def _statements(sql):
    return [line for line in sql if not line.lstrip().startswith(_NOT_SQL)]


def squawk(steps, folder):
    """Return {index: {rule, ...}} of Squawk's warnings for each of STEPS' SQL (a file each, in FOLDER)."""
    paths = []
    for index, step in enumerate(steps):
        path = folder / f"{index:05d}.sql"
        path.write_text("\n".join(_statements(step["sql"])) + "\n")
        paths.append(path)
    found = {index: set() for index in range(len(steps))}
    for start in range(0, len(paths), 200):
        run = subprocess.run([str(Path(sys.executable).parent / "squawk"), "--reporter", "json",
                              "--assume-in-transaction", "--pg-version", "18.0",
                              *map(str, paths[start:start + 200])], capture_output=True, text=True)
        for warning in json.loads(run.stdout or "[]"):
            found[int(Path(warning["file"]).stem)].add(warning["rule_name"])
    return found


def linter(steps):
    """Return {index: {code, ...}} of django-migration-linter's SQL analyser on each of STEPS' SQL (PostgreSQL)."""
    from django.conf import settings

    if not settings.configured:
        settings.configure()
    from django_migration_linter.sql_analyser import PostgresqlAnalyser, analyse_sql_statements

    found = {}
    for index, step in enumerate(steps):
        errors, _ignored, warnings = analyse_sql_statements(PostgresqlAnalyser, _statements(step["sql"]))
        found[index] = {issue.code for issue in errors + warnings}
    return found


def _blocks(step):
    return any(row["blocks"] in ("reads and writes", "writes") and row["rows"] != 0 for row in step["locks"])


def _breaks(step):
    return any(row["works"] is False for row in step["old_code"])


def one_step_plans(sb, name):
    """Return the steps of each app's last migration undone, and done again from the migration before it, on
    SB (a migrated corpus project on PostgreSQL, changed and put back): a plan of that one step each."""
    found, dag = [], sb.graph(timeout=900)
    for app in sorted(dag.apps):
        names = [n for a, n in dag.nodes if a == app]
        leaves = [n for _, n in dag.leaf_nodes(app)]
        if len(names) < 2 or len(leaves) != 1:
            continue
        parents = [p for p, c in dag.edges if c == (app, leaves[0]) and p[0] == app]
        if not parents:
            continue
        back = sb.migration_plan(app, parents[0][1], timeout=900)
        if len(back.steps) != 1:
            continue  # other apps' migrations depend on it: not one step
        try:
            found.append(_step(back, name, "rollback"))
            sb.migrate(app, parents[0][1], timeout=900)
        except DjmigError:
            continue  # irreversible: migrate stops there
        try:
            found.append(_step(sb.migration_plan(app, leaves[0], timeout=900), name, "forward"))
        finally:
            sb.migrate(app, leaves[0], timeout=900)
    return found


def _step(plan, name, direction):
    old_code, locks = plan.old_code(), plan.locks()
    (migration,) = plan.sql()
    return {"project": name, "database": "postgresql", "direction": direction, "migration": migration,
            "sql": plan.sql()[migration], "locks": forecast_corpus.records(locks),
            "old_code": forecast_corpus.records(old_code)}


def compare(title, steps, claims, truth):
    """Print a block of rows: for each of CLAIMS ({label: (tool, rules)}), the steps the tool warns about with one
    of those rules, against TRUTH (a step -> bool)."""
    print(f"\n{title} ({len(steps)} steps; the database says yes at {sum(map(truth, steps))})")
    print(f"{'tool (rules counted)':48} {'warns':>6} {'agree':>6} {'false alarms':>13} {'misses':>7} "
          f"{'other warnings only':>20}")
    with tempfile.TemporaryDirectory(prefix="djmig-peers-") as folder:
        found = {"Squawk": squawk(steps, Path(folder)), "django-migration-linter": linter(steps)}
    for label, (tool, rules) in claims.items():
        warned = [bool(found[tool][i] & rules) for i in range(len(steps))]
        other = sum(bool(found[tool][i]) and not warned[i] for i in range(len(steps)))
        yes = [truth(step) for step in steps]
        agree = sum(w and y for w, y in zip(warned, yes))
        print(f"{label:48} {sum(warned):6} {agree:6} {sum(w and not y for w, y in zip(warned, yes)):13} "
              f"{sum(y and not w for w, y in zip(warned, yes)):7} {other:20}")
    for tool in found:
        rules = {}
        for names in found[tool].values():
            for rule in names:
                rules[rule] = rules.get(rule, 0) + 1
        print(f"  {tool}'s steps by rule: " + ", ".join(f"{rule} {n}" for rule, n in sorted(rules.items())))


def _build(options):
    """Return (every step, the one-step plans' steps) of OPTIONS' projects, built on a PostgreSQL server started here."""
    every, one = [], []
    with tempfile.TemporaryDirectory(prefix="djmig-peers-") as folder:
        root = Path(folder)
        base = Sandbox.create(root, "pgbase", database="postgresql")
        settings, made = server.settings(base.path), []
        try:
            for name in options.projects:
                (root / name).mkdir()
                sb = forecast_corpus.builder(settings, name)(root / name)
                if not options.steps:
                    steps = {}
                    forecast_corpus.forecast(sb, forecast_corpus.empty_postgresql(settings, made), name,
                                             "postgresql", steps)
                    every += list(steps.values())
                one += one_step_plans(sb, name)
        finally:
            for name in made:
                forecast_corpus.drop(settings, name)
            base.stop_database()
    return every, one


def _read(path, projects):
    return [step for step in map(json.loads, path.read_text().splitlines())
            if step["database"] == "postgresql" and step["project"] in projects]


def _claims(squawk_rules, linter_rules, kind):
    """Return compare()'s CLAIMS: each tool's rules of KIND, then any of its rules that claim a hazard at all."""
    return {f"Squawk ({kind} rules)": ("Squawk", squawk_rules),
            "Squawk (lock or compatibility rules)": ("Squawk", SQUAWK_BLOCKS | SQUAWK_BREAKS),
            f"django-migration-linter ({kind} rules)": ("django-migration-linter", linter_rules),
            "django-migration-linter (lock or compat. rules)": ("django-migration-linter", LINTER_BLOCKS | LINTER_BREAKS)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", nargs="+", choices=forecast_corpus.PG_CORPUS, default=forecast_corpus.PG_CORPUS)
    parser.add_argument("--steps", type=Path, help="forecast_corpus.py's --out file (else it is made here)")
    parser.add_argument("--one-step", type=Path, help="the one-step plans' steps: read from this file if it is "
                                                      "there, else made and written to it")
    options = parser.parse_args()
    if options.one_step and options.one_step.exists() and options.steps:
        every, one = [], _read(options.one_step, options.projects)
    else:
        every, one = _build(options)
        if options.one_step:
            options.one_step.write_text("".join(json.dumps(step) + "\n" for step in one))
    if options.steps:
        every = _read(options.steps, options.projects)
    compare("Blocks: a lock that makes reads or writes of a table with rows wait, every step of every plan",
            every, _claims(SQUAWK_BLOCKS, LINTER_BLOCKS, "lock"), _blocks)
    compare("Breaks old code: old_code() of each app's last migration, undone and done again",
            one, _claims(SQUAWK_BREAKS, LINTER_BREAKS, "compatibility"), _breaks)


if __name__ == "__main__":
    main()
