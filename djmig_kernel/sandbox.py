"""Sandbox: a Django project folder, and the one place where the kit starts Django."""

import difflib
import html
import json
import shutil
import sqlite3
import textwrap
from pathlib import Path

from . import _db, _diagnose, _probe, exceptions as exc
from ._names import check_identifier, check_new_module
from ._runner import command_line, run
from ._settings import register_app
from .graph import MigrationDAG
from .ledger import read_ledger
from .pieces import PRE_STYLE, diff_line_html
from .plan import MigrationPlan, raise_probe_error
from .schema import read_schema, read_table, read_tables

__all__ = ["Sandbox", "SourceChange", "MARKER"]

MARKER = ".djmig-sandbox"
_MODELS_HEADER = "from django.db import models\n"


class SourceChange:
    """A file the kit wrote: shown as a unified diff against what was there before."""

    def __init__(self, name, old, new):
        self.name, self.old, self.new = name, old, new

    def lines(self):
        """Return the unified diff from the old text to the new, as lines."""
        return list(difflib.unified_diff(
            self.old.splitlines(), self.new.splitlines(),
            f"a/{self.name}", f"b/{self.name}", lineterm="",
        ))

    def __repr__(self):
        return "\n".join(self.lines()) or f"{self.name}: unchanged"

    def _repr_pretty_(self, printer, cycle):
        printer.text(repr(self))

    def _repr_html_(self):
        lines = self.lines()
        body = "\n".join(map(diff_line_html, lines)) if lines else html.escape(repr(self))
        return f"<pre style='{PRE_STYLE};font-family:var(--jp-code-font-family,monospace)'>{body}</pre>"


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

    @property
    def db_path(self):
        """Return the path of the project's SQLite file (it may not exist yet)."""
        return self.path / "db.sqlite3"

    # -- making and opening ------------------------------------------------

    @classmethod
    def create(cls, root, name="djsandbox", replace=False, timeout=60):
        """Run ``django-admin startproject NAME`` inside ROOT and return the new Sandbox.

        If ROOT/NAME exists, REPLACE=False refuses; REPLACE=True deletes it, but
        only if the kit made it (it holds the kit's marker file). Starts Django.
        """
        root = Path(root)
        check_new_module(name, "project", root)
        target = root / name
        if target.exists() or target.is_symlink():
            if not replace:
                raise exc.SandboxExistsError(
                    f"folder {name!r} already exists; pass replace=True to rebuild it "
                    f"or choose another name"
                )
            if target.is_symlink() or not (target / MARKER).is_file():
                raise exc.NotOwnedError(
                    f"folder {name!r} was not made by djmig (no {MARKER} file), so it is left untouched; "
                    f"choose another name or root"
                )
            shutil.rmtree(target)
        root.mkdir(parents=True, exist_ok=True)
        result = run(["-m", "django", "startproject", name], root, timeout)
        if result.returncode:
            shutil.rmtree(target, ignore_errors=True)
            _, message = _diagnose.diagnose(result.command, result.stderr, root)
            raise exc.CommandError(message, result=result)
        (target / MARKER).write_text("This folder was made by djmig; Sandbox.create(replace=True) may delete it.\n")
        return cls(target)

    @classmethod
    def open(cls, path):
        """Return the Sandbox of the existing project folder PATH (it must hold manage.py)."""
        path = Path(path)
        if not (path / "manage.py").is_file():
            raise exc.NoProjectError(
                f"no manage.py in {path.name or str(path)!r}; open the folder that holds manage.py, "
                f"or make one with Sandbox.create(root)"
            )
        return cls(path)

    # -- running Django ----------------------------------------------------

    def manage(self, *args, timeout=60):
        """Run ``python manage.py ARGS...`` in the sandbox and return its CommandResult.

        Starts Django in a subprocess. A non-zero exit raises a DjmigError that
        quotes Django's own error line; past TIMEOUT seconds the command is killed.
        A ``migrate`` that fails leaves the database as it was before it started.
        """
        args = [str(a) for a in args]
        if args and args[0] == "migrate" and "--plan" not in args:
            return self._guarded(args, timeout)
        return self._manage(args, timeout)

    def _manage(self, args, timeout):
        result = run(["manage.py", *args], self.path, timeout)
        if result.returncode:
            self._raise(result)
        return result

    def _guarded(self, args, timeout):
        try:
            _db.check_unlocked(self.db_path)
        except sqlite3.OperationalError as error:
            raise exc.DatabaseLockedError(
                f"`{command_line(['manage.py', *args])}` not run: db.sqlite3 is busy ({error}); "
                f"close the other program or connection that holds it open (e.g. a sqlite3 shell) and run again"
            ) from None
        with _db.restored_on_error(self.db_path):
            return self._manage(args, timeout)

    def _raise(self, result):
        lookup = result.args[1:2] == ("migrate",) and _diagnose.migration_lookup(
            _diagnose.error_line(result.stderr, self.path)
        )
        if lookup:
            # A migrate target: ask Django for the names it takes (zero, squashed-away files too).
            answer = self._probe("plan", *lookup)
            if "error" in answer:
                raise_probe_error(answer, result=result)
        cls, message = _diagnose.diagnose(result.command, result.stderr, self.path)
        raise cls(message, result=result)

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

    def _app_dir(self, label):
        check_identifier(label, "app")
        folder = self.path / label
        if not (folder / "__init__.py").is_file():
            raise exc.UnknownAppError(
                f"no app {label!r} in sandbox {self.path.name!r}; create it with sb.startapp({label!r})"
            )
        return folder

    def write_models(self, label, source):
        """Write SOURCE (dedented) to LABEL/models.py and return the change as a diff.

        ``from django.db import models`` is added at the top if SOURCE lacks it.
        """
        path = self._app_dir(label) / "models.py"
        text = textwrap.dedent(source).strip("\n") + "\n"
        if "from django.db import models" not in text:
            text = f"{_MODELS_HEADER}\n\n{text}"
        old = path.read_text() if path.exists() else ""
        path.write_text(text)
        return SourceChange(f"{label}/models.py", old, text)

    def models(self, label):
        """Return the source of LABEL/models.py."""
        return (self._app_dir(label) / "models.py").read_text()

    def makemigrations(self, app=None, name=None, timeout=60):
        """Run ``manage.py makemigrations [APP] [--name NAME]``. Starts Django."""
        _check_app(app)
        args = ["makemigrations", *([app] if app else []), *(["--name", name] if name else [])]
        return self.manage(*args, timeout=timeout)

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
        return read_ledger(self.db_path)

    def tables(self):
        """Return the sorted table names, as sqlite3's .tables shows them. Read-only."""
        return read_tables(self.db_path)

    def table(self, name):
        """Return the rows of table NAME as a DataFrame. Read-only."""
        return read_table(self.db_path, name)

    def schema(self, *tables):
        """Return table, column, type, notnull, pk, references for TABLES (default: all). Read-only."""
        return read_schema(self.db_path, tables or None)

    # -- asking Django (probe) ---------------------------------------------

    def _probe(self, *argv, timeout=60):
        # The probe package is loaded from its folder under a name of its own: importing
        # djmig_kernel inside the sandbox would pull in pandas and the kernel's imports.
        init = str(Path(_probe.__file__))
        code = (
            "import importlib.util as u, sys; "
            f"s = u.spec_from_file_location('djmig_probe', {init!r}, submodule_search_locations=[{str(Path(init).parent)!r}]); "
            "m = sys.modules['djmig_probe'] = u.module_from_spec(s); s.loader.exec_module(m); "
            f"m.main({list(argv)!r})"
        )
        # The probe's own command line is the kit's business: messages name what was asked instead.
        label = f"djmig probe {' '.join(argv)}"
        result = run(["manage.py", "shell", "--no-imports", "-c", code], self.path, timeout, label)
        if result.returncode:
            cls, message = _diagnose.diagnose(label, result.stderr, self.path)
            raise cls(message, result=result)
        for line in result.stdout.splitlines():
            if line.startswith(_probe.MARK):
                return json.loads(line[len(_probe.MARK):])
        raise exc.DjmigError(f"the probe printed no answer to {' '.join(argv)!r}; see .result", result=result)

    def graph(self, timeout=60):
        """Return the MigrationDAG that Django's MigrationLoader builds. Starts Django."""
        return MigrationDAG.from_probe(self._probe("graph", timeout=timeout))

    def migration_plan(self, app, target, timeout=60):
        """Return the MigrationPlan of ``migrate APP TARGET``. Starts Django; changes nothing."""
        check_identifier(app, "app")
        answer = self._probe("plan", app, str(target), timeout=timeout)
        if "error" in answer:
            raise_probe_error(answer)
        return MigrationPlan(app, answer["target"], answer["steps"], answer["losses"])

    def plan(self, app, target, timeout=60):
        """Return migration, direction, operation for each operation ``migrate APP TARGET`` runs."""
        return self.migration_plan(app, target, timeout).operations()

    def data_loss(self, app, target, timeout=60):
        """Return table, column (None for a table), rows: what ``migrate APP TARGET`` would drop."""
        return self.migration_plan(app, target, timeout).data_loss(self.db_path)
