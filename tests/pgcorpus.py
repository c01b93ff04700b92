"""The corpus on PostgreSQL: tests/corpus.py's shop and accounts, each in a database of its own on this run's server.

On PostgreSQL accounts also has what many projects there have: django.contrib.postgres (whose connection_created
receiver looks every new connection up by its alias) and an app of its own whose constraints have names Django
did not write (tests/namesapp.py), added after the rest is migrated.

Each project is built once per run (for every pytest-xdist worker): its database created and migrated, its
settings a learner's own (HOST/PORT of the server, no kit marker). A test that changes one gets a copy of its
folder on a copy of its database (CREATE DATABASE ... TEMPLATE), dropped after the test.
"""

import re
import shutil

from corpus import BUILDERS, MIGRATE_TIMEOUT
from djmig_kernel import Sandbox
from djmig_kernel.project.settings import register_app
from namesapp import add_app
from pgfixtures import clone, databases_text, drop, psql

PG_CORPUS = ("accounts", "shop")
_NAME = re.compile(r'"NAME": \'([^\']+)\'')


def database(sb):
    """Return the name of the database SB's settings name."""
    return _NAME.findall(settings_path(sb.path).read_text())[-1]


def settings_path(folder):
    return folder / folder.name / "settings.py"


def builder(settings, name):
    """Return a function: ROOT -> the corpus project NAME built in ROOT on database corpus_NAME of SETTINGS' server."""
    def build(root):
        db = f"corpus_{name}"
        drop(settings, db)  # left by a run that died
        psql(settings, f'CREATE DATABASE "{db}"', db="postgres")
        sb = BUILDERS[name](root, databases=databases_text({**settings, "NAME": db, "PASSWORD": ""}))
        if name == "accounts":
            register_app(sb.path, "django.contrib.postgres")
            add_app(sb).migrate(timeout=MIGRATE_TIMEOUT)
        return sb
    return build


class Copies:
    """Copies of corpus projects on SETTINGS' server, each its folder and a TEMPLATE copy of its database."""

    def __init__(self, settings):
        self.settings, self.made = settings, []

    def __call__(self, project, folder):
        """Return a Sandbox on a copy of PROJECT in FOLDER, on a new database copied from PROJECT's."""
        name = clone(self.settings, database(project))
        self.made.append(name)
        shutil.copytree(project.path, folder, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
        path = settings_path(folder)
        path.write_text(path.read_text().replace(f'"NAME": {database(project)!r}', f'"NAME": {name!r}'))
        return Sandbox.open(folder)

    def drop(self):
        for name in self.made:
            drop(self.settings, name)
