"""Sandbox: a Django project folder, and the one place where the kit starts Django (a facade)."""

import functools
from pathlib import Path

from . import exceptions as exc
from .commands.django_commands import DjangoCommands, check_app
from .commands.probe import query
from .commands.warm import stop as stop_warm_probe
from .database.location import new_project, start_own_server
from .database.readers import DatabaseReaders
from .database.schema import schema_frame
from .drift.rows import check_frame
from .plans.dag import MigrationDAG
from .plans.plan import MigrationPlan, sql_timeout
from .project.appfiles import app_files
from .project.files import migration_files_fingerprint
from .project.folders import MARKER, SourceChange, app_folder, project_folder, write_models
from .project.names import check_identifier
from .project.places import existing_root

__all__ = ["Sandbox", "SourceChange", "MARKER"]


class Sandbox(DatabaseReaders, DjangoCommands):
    """A Django project folder (the one holding manage.py) that the kit drives.

    Its commands (DjangoCommands) and database readers (DatabaseReaders) are parts of their own;
    here are making and opening a project, its files, and the questions the probe answers.
    """

    def __init__(self, path):
        self.path = Path(path).resolve()

    def __repr__(self):
        return f"<Sandbox {self.path.name}>"

    def __eq__(self, other):
        return isinstance(other, Sandbox) and other.path == self.path

    def __hash__(self):
        return hash(self.path)

    # -- making and opening ------------------------------------------------

    @classmethod
    def create(cls, root, name="djsandbox", replace=False, timeout=60, database="sqlite", copy_of=None):
        """Run ``django-admin startproject NAME`` inside ROOT and return the new Sandbox.

        If ROOT/NAME exists, REPLACE=False refuses; REPLACE=True deletes it, but
        only if the kit made it (it holds the kit's marker file). Starts Django.
        DATABASE="postgresql": the settings point at a PostgreSQL server the kit starts, data in .pgdata.
        COPY_OF: a SQLite project folder the kit made, copied instead (replay's cache); starts no Django.
        """
        return cls(new_project(root, name, replace, timeout, database, copy_of))

    @classmethod
    def open(cls, path):
        """Return the Sandbox of the existing project folder PATH (it must hold manage.py).

        Starts the kit's PostgreSQL server for it if its settings name that server and it is not running.
        """
        return cls(start_own_server(project_folder(existing_root(path)).resolve()))

    def close(self):
        """Stop this project's warm probe (started again by the next question); the kit's PostgreSQL server
        keeps running (stop_database() stops it)."""
        stop_warm_probe(self.path)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    # -- running Django ----------------------------------------------------

    def write_models(self, label, source):
        """Write SOURCE (dedented) to LABEL/models.py and return the change as a diff.

        ``from django.db import models`` is added at the top if SOURCE lacks it.
        """
        return write_models(self.path, label, source)

    def models(self, label):
        """Return the source of LABEL/models.py."""
        return (app_folder(self.path, label) / "models.py").read_text()

    # -- asking Django (probe) ---------------------------------------------

    def _probe(self, *argv, timeout=60, shadow=False):
        """Ask the probe ARGV; SHADOW: its answer holds SQL, rehearsed in a scratch copy of the schema (PostgreSQL).

        Inside in_one_state() on PostgreSQL the probe reads in the block's snapshot.
        """
        database = self._database()
        database.check()
        snapshot = [f"--snapshot={database.snapshot}"] if database.snapshot else []
        with database.shadow_argv(shadow) as option:
            return query(self.path, *argv, *option, *snapshot, timeout=timeout)

    def app_files(self, app, timeout=60):
        """Return APP's AppFiles (folder, models, migrations, replaces) where Django finds them, also outside the
        project folder (a reusable app in site-packages: asked of Django)."""
        return app_files(self.path, app, functools.partial(self._probe, "files", app, timeout=timeout))

    def files_fingerprint(self):
        """Return a fingerprint of the migration files and settings: while it is equal, graph() changes
        only in which migrations are applied. Reads file metadata only."""
        return migration_files_fingerprint(self.path)

    def graph(self, timeout=60):
        """Return the MigrationDAG that Django's MigrationLoader builds. Starts Django."""
        return MigrationDAG.from_probe(self._probe("graph", timeout=timeout))

    def migration_plan(self, app, target, timeout=60, sql=False):
        """Return the MigrationPlan of ``migrate APP TARGET``. Starts Django; changes nothing.

        Its SQL is computed when plan.sql() first asks (Django starts once more), or at once, with SQL=True.
        Its timeout grows with the plan (plans/plan.py sql_timeout): the SQL of a long plan may take as long as
        migrate takes to run it. On PostgreSQL the SQL is rehearsed in a scratch copy of the schema, made for a
        plan with steps and removed after, on a server the kit keeps for this process (database/postgresql/
        shadow.py, shadowserver.py). plan.locks() asks the probe once more (the SQL comes with it): there each
        statement is watched.
        """
        check_identifier(app, "app")
        if not sql:  # the probe reads the ledger alone: one reading, one state
            return self._migration_plan(app, target, timeout)
        # the plan and its SQL (the schema it is rehearsed on) read from one state of the database
        return self.in_one_state(lambda: self._with_sql(self._migration_plan(app, target, timeout)))

    @staticmethod
    def _with_sql(plan):
        plan.sql()
        return plan

    def _migration_plan(self, app, target, timeout):
        answer = self._probe("plan", app, str(target), timeout=timeout)
        slow = sql_timeout(timeout, answer["steps"])
        fetch = functools.partial(self._probe, "sql", app, answer["target"], timeout=slow, shadow=True)
        locks = functools.partial(self._probe, "locks", app, answer["target"], timeout=slow, shadow=True)
        return MigrationPlan(app, answer["target"], answer["steps"], answer["losses"], fetch, locks, self._database)

    def plan(self, app, target, timeout=60):
        """Return migration, direction, operation for each operation ``migrate APP TARGET`` runs."""
        return self.migration_plan(app, target, timeout).operations()

    def data_loss(self, app, target, timeout=60):
        """Return table, column (None for a table), rows: what ``migrate APP TARGET`` would drop.

        The plan and the row counts are read from one state of the database (in_one_state()).
        """
        return self.in_one_state(lambda: self.migration_plan(app, target, timeout).data_loss(self.row_counts))

    # -- where the pieces disagree --------------------------------------------

    def check(self, app=None, timeout=60):
        """Return kind, app, subject, detail, fix: a row per place where the four pieces disagree.

        Empty when they agree. Starts Django once; changes nothing. The ledger and the schema are read from one
        state of the database (in_one_state()).
        """
        check_app(app)
        return self.in_one_state(lambda: self._check(app, timeout))

    def _check(self, app, timeout):
        """Return check()'s frame: the probe's facts and the live columns, read in the caller's one state."""
        facts, database = self._probe("check", *([app] if app else []), timeout=timeout), self._database()
        with database.session():  # on PostgreSQL one connection: the columns, and what a dead guard left
            live, left_over = database.column_names(), database.left_over()
        return check_frame(facts, live, database.sql_command, app, left_over)

    def schema_at(self, app=None, target=None, timeout=60):
        """Return the schema() columns that the migration state describes: now, or after ``migrate APP TARGET``.

        Reads no table; starts Django once.
        """
        check_app(app)
        if target is not None and app is None:
            raise exc.UnknownAppError(f"target {target!r} needs an app; call sb.schema_at(APP, {target!r})")
        answer = self._probe("state", *([app] if app else []), *([str(target)] if target is not None else []),
                             timeout=timeout)
        return schema_frame(self._database(), answer["tables"])
