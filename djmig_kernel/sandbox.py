"""Sandbox: a Django project folder, and the one place where the kit starts Django (a facade)."""

import functools
import textwrap
from pathlib import Path

from . import exceptions as exc
from .commands.manage import manage
from .commands.probe import query
from .database.ledger import read_ledger
from .database.location import new_project, open_database, start_own_server, stop_own_server
from .database.schema import read_schema, read_table, schema_frame
from .drift.rows import check_frame
from .plans.dag import MigrationDAG
from .plans.plan import MigrationPlan
from .project.files import migration_files_fingerprint
from .project.folders import MARKER, SourceChange, app_folder, owned, project_folder, write_models
from .project.names import check_identifier, check_new_module
from .project.settings import register_app

__all__ = ["Sandbox", "SourceChange", "MARKER"]


def _check_app(app):
    """Refuse an app label that is no identifier before Django sees it (None means every app)."""
    if app is not None:
        check_identifier(app, "app")


class Sandbox:
    """A Django project folder (the one holding manage.py) that the kit drives."""

    def __init__(self, path):
        self.path = Path(path).resolve()

    def __repr__(self):
        return f"<Sandbox {self.path.name}>"

    def __eq__(self, other):
        return isinstance(other, Sandbox) and other.path == self.path

    def __hash__(self):
        return hash(self.path)

    def _database(self):
        """Return the backend that reads the database the project's settings name (read by its Django, once)."""
        return open_database(self.path, owned(self.path))

    @property
    def db_path(self):
        """Return the path of the SQLite file the project's settings name (it may not exist yet); None for PostgreSQL.

        A project the kit made keeps it beside manage.py; any other project's settings are
        read by its Django, once. Another engine raises UnsupportedDatabaseError.
        """
        return self._database().path

    @property
    def database(self):
        """Return "sqlite" or "postgresql": the database the project's settings name."""
        return self._database().vendor

    def stop_database(self):
        """Stop the PostgreSQL server the kit runs for this project; a no-op otherwise. Returns True if it stopped."""
        return stop_own_server(self.path)

    # -- making and opening ------------------------------------------------

    @classmethod
    def create(cls, root, name="djsandbox", replace=False, timeout=60, database="sqlite"):
        """Run ``django-admin startproject NAME`` inside ROOT and return the new Sandbox.

        If ROOT/NAME exists, REPLACE=False refuses; REPLACE=True deletes it, but
        only if the kit made it (it holds the kit's marker file). Starts Django.
        DATABASE="postgresql": the settings point at a PostgreSQL server the kit starts, data in .pgdata.
        """
        return cls(new_project(root, name, replace, timeout, database))

    @classmethod
    def open(cls, path):
        """Return the Sandbox of the existing project folder PATH (it must hold manage.py).

        Starts the kit's PostgreSQL server for it if its settings name that server and it is not running.
        """
        return cls(start_own_server(project_folder(path).resolve()))

    # -- running Django ----------------------------------------------------

    def manage(self, *args, timeout=60, answers=None):
        """Run ``python manage.py ARGS...`` in the sandbox and return its CommandResult.

        Starts Django in a subprocess. A non-zero exit raises a DjmigError that
        quotes Django's own error line; past TIMEOUT seconds the command is killed.
        A ``migrate`` that fails leaves the database as it was before it started.
        ANSWERS go, in order, to the questions ``makemigrations`` asks on a terminal;
        a question they leave open raises QuestionError, and nothing is written.
        """
        return manage(self.path, args, timeout, answers, guard=self._database().guard)

    def startapp(self, label, timeout=60):
        """Run ``manage.py startapp LABEL`` (unless the app exists) and add it to INSTALLED_APPS.

        Idempotent. Starts Django. Returns the CommandResult, or None if the app was there.
        """
        check_new_module(label, "app", self.path)
        result = None
        if not (self.path / label).is_dir():
            result = self.manage("startapp", label, timeout=timeout)
        register_app(self.path, label)
        return result

    def write_models(self, label, source):
        """Write SOURCE (dedented) to LABEL/models.py and return the change as a diff.

        ``from django.db import models`` is added at the top if SOURCE lacks it.
        """
        return write_models(self.path, label, source)

    def models(self, label):
        """Return the source of LABEL/models.py."""
        return (app_folder(self.path, label) / "models.py").read_text()

    def makemigrations(self, app=None, name=None, answers=None, timeout=60):
        """Run ``manage.py makemigrations [APP] [--name NAME]``, answering its questions with ANSWERS.

        Starts Django. The transcript shows each question followed by its answer;
        a question left without an answer raises QuestionError and writes nothing.
        """
        _check_app(app)
        args = ["makemigrations", *([app] if app else []), *(["--name", name] if name else [])]
        return self.manage(*args, timeout=timeout, answers=answers)

    def migrate(self, app=None, target=None, timeout=60):
        """Run ``manage.py migrate [APP [TARGET]]``. Starts Django; a failure changes nothing."""
        _check_app(app)
        if target is not None and app is None:
            raise exc.UnknownAppError(f"target {target!r} needs an app; call sb.migrate(APP, {target!r})")
        args = ["migrate", *([app] if app else []), *([target] if target else [])]
        return self.manage(*args, timeout=timeout)

    def showmigrations(self, app=None, timeout=60):
        """Run ``manage.py showmigrations [APP]``. Starts Django."""
        _check_app(app)
        return self.manage("showmigrations", *([app] if app else []), timeout=timeout)

    def shell(self, code, timeout=60):
        """Run CODE (dedented) with ``manage.py shell -c``. Starts Django."""
        return self.manage("shell", "-c", textwrap.dedent(code).strip("\n"), timeout=timeout)

    # -- reading the database (read-only) -----------------------------------

    def ledger(self):
        """Return the django_migrations table: id, app, name, applied. Read-only."""
        return read_ledger(self._database())

    def tables(self):
        """Return the sorted table names, as sqlite3's .tables shows them. Read-only."""
        return self._database().table_names()

    def table(self, name):
        """Return the rows of table NAME as a DataFrame. Read-only."""
        return read_table(self._database(), name)

    def schema(self, *tables):
        """Return table, column, type, notnull, pk, references for TABLES (default: all). Read-only."""
        return read_schema(self._database(), tables or None)

    def row_counts(self, tables):
        """Return {table: rows} for TABLES, 0 for a table the database lacks. Read-only."""
        return self._database().count_rows(tables)

    # -- asking Django (probe) ---------------------------------------------

    def _probe(self, *argv, timeout=60):
        self._database().check()
        return query(self.path, *argv, timeout=timeout)

    def files_fingerprint(self):
        """Return a fingerprint of the migration files and settings: while it is equal, graph() changes
        only in which migrations are applied. Reads file metadata only."""
        return migration_files_fingerprint(self.path)

    def graph(self, timeout=60):
        """Return the MigrationDAG that Django's MigrationLoader builds. Starts Django."""
        return MigrationDAG.from_probe(self._probe("graph", timeout=timeout))

    def migration_plan(self, app, target, timeout=60, sql=False):
        """Return the MigrationPlan of ``migrate APP TARGET``. Starts Django; changes nothing.

        Its SQL is computed when plan.sql() first asks (Django starts once more), or at
        once, in the same start, with SQL=True.
        """
        check_identifier(app, "app")
        answer = self._probe("plan", app, str(target), *(["--sql"] if sql else []), timeout=timeout)
        fetch = functools.partial(self._probe, "sql", app, answer["target"], timeout=timeout)
        plan = MigrationPlan(app, answer["target"], answer["steps"], answer["losses"], fetch)
        if sql:
            plan.add_sql(answer)
        return plan

    def plan(self, app, target, timeout=60):
        """Return migration, direction, operation for each operation ``migrate APP TARGET`` runs."""
        return self.migration_plan(app, target, timeout).operations()

    def data_loss(self, app, target, timeout=60):
        """Return table, column (None for a table), rows: what ``migrate APP TARGET`` would drop."""
        return self.migration_plan(app, target, timeout).data_loss(self.row_counts)

    # -- where the pieces disagree --------------------------------------------

    def check(self, app=None, timeout=60):
        """Return kind, app, subject, detail, fix: a row per place where the four pieces disagree.

        Empty when they agree. Starts Django once; changes nothing.
        """
        _check_app(app)
        facts, database = self._probe("check", *([app] if app else []), timeout=timeout), self._database()
        return check_frame(facts, database.column_names(), database.sql_command, app)

    def schema_at(self, app=None, target=None, timeout=60):
        """Return the schema() columns that the migration state describes: now, or after ``migrate APP TARGET``.

        Reads no table; starts Django once.
        """
        _check_app(app)
        if target is not None and app is None:
            raise exc.UnknownAppError(f"target {target!r} needs an app; call sb.schema_at(APP, {target!r})")
        answer = self._probe("state", *([app] if app else []), *([str(target)] if target is not None else []),
                             timeout=timeout)
        return schema_frame(self._database(), answer["tables"])
