"""Forecast every step of the corpus: each app's rollback and forward plan, on SQLite and on PostgreSQL.

    python benchmarks/forecast_corpus.py [--projects mysite shop ...] [--databases sqlite postgresql]
                                         [--out steps.jsonl]

Builds the corpus of real projects (tests/corpus.py; on PostgreSQL tests/pgcorpus.py, on a server the kit
starts here), fully migrated. For every app: its rollback plan (``migrate APP zero``) on the project, then, on
a copy with an empty database, its forward plan (``migrate APP`` to its leaf); of each, locks() and old_code().
A step has a forecast when every statement of its SQL has its locks (as watched or read; none where the
statement locks nothing); a line Django cannot write as SQL (RunPython: "not SQL"), or a step it cannot run
("not available": irreversible, SQL not available) says why instead. A statement with SQL and no locks, or
old code the shadow could not follow (works None), is a step without a forecast: the figure that must be 0.

Prints a row per project x database x direction; with --out, writes each distinct step (its SQL, locks and
old code) as a JSON line, which benchmarks/peers.py compares with the linters. Nothing here is a test.
"""

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from djmig_kernel import Sandbox
from djmig_kernel.database.postgresql import server

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "real"))
import sqlite_side  # noqa: E402  (the test suite's own corpus and copies)
from corpus import BUILDERS  # noqa: E402
from pgcorpus import PG_CORPUS, builder, database, settings_path  # noqa: E402
from pgfixtures import drop, psql  # noqa: E402

_NOT_SQL = ("-- THIS OPERATION CANNOT BE WRITTEN AS SQL",)
_NOT_AVAILABLE = ("-- SQL not available", "-- IRREVERSIBLE")


def records(frame):
    return json.loads(frame.to_json(orient="records"))


def _kinds(plan, locks, old_code):
    """Return {migration: kind} of each step: "forecast", "not SQL", "not available" or "none" (no forecast)."""
    sql, found = plan.sql(), {}
    blind = {(r.migration, r.statement) for r in locks.itertuples(index=False)
             if r.statement is not None and pd.isna(r.blocks)}
    unknown = set(old_code.loc[old_code["works"].isna(), "migration"])
    for migration, lines in sql.items():
        if any(line.startswith(_NOT_AVAILABLE) for line in lines):
            found[migration] = "not available"
        elif any((migration, line) in blind for line in lines if not line.startswith(_NOT_SQL)) \
                or migration in unknown:
            found[migration] = "none"
        elif any(line.startswith(_NOT_SQL) for line in lines):
            found[migration] = "not SQL"
        else:
            found[migration] = "forecast"
    return found


class Tally:
    """The figures of one project x database x direction, and the distinct steps seen (for --out)."""

    def __init__(self, project, database, direction, steps):
        self.key, self.steps = (project, database, direction), steps
        self.plans = self.lock_rows = self.old_rows = self.statements = 0
        self.kinds, self.seconds, self.missing = {}, 0.0, []

    def add(self, plan):
        start = time.perf_counter()
        old_code = plan.old_code()
        locks = plan.locks()
        self.seconds += time.perf_counter() - start
        self.plans += 1
        kinds = _kinds(plan, locks, old_code)
        for migration, kind in kinds.items():
            key = (*self.key, migration)
            if key in self.steps:
                continue
            self.kinds[kind] = self.kinds.get(kind, 0) + 1
            if kind == "none":
                self.missing.append(migration)
            rows = locks[locks["migration"] == migration]
            self.lock_rows += len(rows)
            self.statements += rows["statement"].dropna().nunique()
            old = old_code[old_code["migration"] == migration]
            self.old_rows += len(old)
            self.steps[key] = {"project": self.key[0], "database": self.key[1], "direction": self.key[2],
                               "migration": migration, "sql": plan.sql()[migration], "locks": records(rows),
                               "old_code": records(old), "kind": kind}

    def row(self):
        steps = sum(self.kinds.values())
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(self.kinds.items()))
        return (f"{' '.join(self.key):34} {self.plans:5} {steps:6} {self.statements:6} {self.lock_rows:6} "
                f"{self.old_rows:6} {self.kinds.get('none', 0):5} {self.seconds:8.1f}  {kinds}")


def _apps(sb):
    return sorted(sb.graph(timeout=900).apps)


def _empty_sqlite(sb, folder):
    """Return a copy of SB in FOLDER without its database: nothing applied, nothing made."""
    copy = sqlite_side.copy(sb, folder)
    copy.db_path.unlink()
    return copy


def empty_postgresql(settings, made):
    """Return a function (SB, FOLDER) -> a copy of SB in FOLDER on a new, empty database of SETTINGS' server."""
    def empty(sb, folder):
        name = f"{database(sb)}_empty"
        psql(settings, f'CREATE DATABASE "{name}"', db="postgres")
        made.append(name)
        shutil.copytree(sb.path, folder, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
        path = settings_path(folder)
        path.write_text(path.read_text().replace(f'"NAME": {database(sb)!r}', f'"NAME": {name!r}'))
        return Sandbox.open(folder)
    return empty


def forecast(sb, empty, name, database, steps):
    """Print the rows of SB (a migrated corpus project) on DATABASE; EMPTY: (SB, FOLDER) -> a copy of SB in
    FOLDER on an empty database, where each app's forward plan starts from nothing."""
    apps = _apps(sb)
    back = Tally(name, database, "rollback", steps)
    for app in apps:
        back.add(sb.migration_plan(app, "zero", timeout=900))
    print(back.row(), flush=True)
    fresh = empty(sb, sb.path.parent / "empty" / sb.path.name)  # the folder named as the project's package
    forward = Tally(name, database, "forward", steps)
    for app in apps:
        leaf = max(node[1] for node in fresh.graph(timeout=900).leaf_nodes(app))
        forward.add(fresh.migration_plan(app, leaf, timeout=900))
    print(forward.row(), flush=True)
    return back.missing + forward.missing


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", nargs="+", choices=sorted(BUILDERS), default=sorted(BUILDERS))
    parser.add_argument("--databases", nargs="+", choices=("sqlite", "postgresql"), default=("sqlite", "postgresql"))
    parser.add_argument("--out", type=Path, help="write each distinct step as a JSON line here")
    options = parser.parse_args()
    steps, missing = {}, []
    print(f"{'project database direction':34} {'plans':>5} {'steps':>6} {'stmts':>6} {'locks':>6} "
          f"{'old':>6} {'none':>5} {'seconds':>8}  kinds of step")
    with tempfile.TemporaryDirectory(prefix="djmig-forecast-") as folder:
        root = Path(folder)
        if "sqlite" in options.databases:
            for name in options.projects:
                (root / "sqlite" / name).mkdir(parents=True)
                sb = BUILDERS[name](root / "sqlite" / name)
                missing += forecast(sb, _empty_sqlite, name, "sqlite", steps)
        pg_names = [name for name in options.projects if name in PG_CORPUS]
        if "postgresql" in options.databases and pg_names:
            base = Sandbox.create(root, "pgbase", database="postgresql")
            settings = server.settings(base.path)
            made = []
            try:
                for name in pg_names:
                    (root / "postgresql" / name).mkdir(parents=True)
                    sb = builder(settings, name)(root / "postgresql" / name)
                    missing += forecast(sb, empty_postgresql(settings, made), name, "postgresql", steps)
            finally:
                for made_name in made:
                    drop(settings, made_name)
                base.stop_database()
    if options.out:
        with open(options.out, "w") as out:
            for step in steps.values():
                out.write(json.dumps(step) + "\n")
    print(f"steps without a forecast: {len(missing)}" + (f": {missing}" if missing else ""))


if __name__ == "__main__":
    main()
