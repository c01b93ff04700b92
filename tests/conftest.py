"""Fixtures: real Django projects in temporary folders, and an IPython shell with the kit loaded.

Building a project runs Django several times (~0.4 s each), so each kind of
project is built once per test session and every test gets its own copy.
"""

import fcntl
import os
import shutil

import pytest
from IPython.core.interactiveshell import InteractiveShell

from djmig_kernel import Sandbox
from bigapp import build_boxoffice
from corpus import BUILDERS
from djmig_kernel.display.jupyter import GRAPHVIZ_HINT
from helpers import CHROMIUM, missing
from pgcorpus import builder
from pgfixtures import pg_copy, pg_settings, pg_walkthrough, stop_shared  # noqa: F401  (fixtures)
from projects import build_library, build_wagtail, build_zoo


def pytest_collection_modifyitems(items):
    """Skip tests marked graphviz where the dot binary is missing (CI installs it, so there they run)."""
    if shutil.which("dot"):
        return
    skip = pytest.mark.skip(reason=GRAPHVIZ_HINT)
    for item in items:
        if item.get_closest_marker("graphviz"):
            item.add_marker(skip)


def pytest_sessionfinish(session):
    """Stop the PostgreSQL server of this run once (in pytest-xdist's controller, after every worker)."""
    if not hasattr(session.config, "workerinput"):
        stop_shared(session.config)


def _built(tmp_path_factory, name, build):
    """Return the folder BUILD(root) made, built once for all pytest-xdist workers of this run."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the workers' temp folders share this parent
    root = shared / f"built-{name}"
    with open(shared / f"built-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "done").exists():
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir()
            build(root)
            (root / "done").touch()
    return root / name


def _build_shelf(root):
    sb = Sandbox.create(root, "shelf")
    sb.startapp("shelf")
    sb.write_models("shelf", "class Shelf(models.Model):\n    pass\n")
    sb.makemigrations("shelf")
    sb.db_path.unlink()  # makemigrations made an empty one


# Each project the tests share: its folder name and how it is built in ROOT.
_BUILDS = {
    "library": build_library,
    "fresh": lambda root: Sandbox.create(root, "fresh"),
    "shelf": _build_shelf,
    "cms_site": build_wagtail,
    "zoo_site": build_zoo,
}


@pytest.fixture(scope="session")
def chromium():
    """Return the path of Debian's Chromium; skip without it, but fail in CI."""
    if not CHROMIUM.is_file():
        missing(f"there is no Chromium at {CHROMIUM}: install it with 'sudo apt-get install chromium' (or 'make chromium')")
    return str(CHROMIUM)


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Return a function: NAME -> the folder of that shared project, built once for the whole run."""
    return lambda name: _built(tmp_path_factory, name, _BUILDS[name])


@pytest.fixture
def copy_of(built, tmp_path):
    """Return a function: NAME -> a Sandbox on this test's own copy of that shared project."""
    return lambda name: Sandbox.open(shutil.copytree(built(name), tmp_path / name, symlinks=True))


def _copy_fixture(fixture, project, doc):
    """Return the fixture FIXTURE: a copy of the shared PROJECT for each test (DOC says what it is)."""
    def copy(copy_of):
        return copy_of(project)

    copy.__doc__ = doc
    return pytest.fixture(name=fixture)(copy)


library = _copy_fixture("library", "library", "A copy of the library project: authors + books, fully migrated, with LIBRARY_ROWS.")
fresh = _copy_fixture("fresh", "fresh", "A copy of a project straight from startproject: no apps, no db.sqlite3.")
shelf = _copy_fixture("shelf", "shelf", "A project with one app, shelf, and its 0001_initial migration, but no db.sqlite3.")
wagtail_copy = _copy_fixture("wagtail_copy", "cms_site", "A copy of the migrated Wagtail project, for a test that changes it.")
zoo = _copy_fixture("zoo", "zoo_site", "The zoo project: custom user, proxy, unmanaged, RunSQL and FTS5 tables, a squash.")


@pytest.fixture(scope="module")
def wagtail(built):
    """Wagtail's 183 migrations in 14 apps, all applied: shared by a module's tests, which only read it."""
    return Sandbox.open(built("cms_site"))


@pytest.fixture
def sandbox(tmp_path):
    """A sandbox made by Sandbox.create in this test's own folder."""
    return Sandbox.create(tmp_path)


class TestingShell(InteractiveShell):
    """An IPython shell whose cell errors are raised, not printed (as jupysql's tests do)."""

    def run_cell(self, *args, **kwargs):
        result = super().run_cell(*args, **kwargs)
        result.raise_error()
        return result


@pytest.fixture
def ip():
    """A fresh IPython shell with ``%load_ext djmig_kernel`` run."""
    shell = TestingShell()
    shell.run_cell("%load_ext djmig_kernel")
    yield shell
    shell.reset()
    TestingShell.clear_instance()


@pytest.fixture(scope="session", params=sorted(BUILDERS))
def project(request, tmp_path_factory):
    """A project of the corpus of real packages (tests/corpus.py), fully migrated: tests only read it."""
    name = request.param
    return Sandbox.open(_built(tmp_path_factory, f"corpus-{name}", BUILDERS[name]).parent / name)


@pytest.fixture(scope="session")
def boxoffice(tmp_path_factory):
    """The box office (tests/bigapp.py): one app of 200 migrations and fifteen plugins, recorded as applied (migrate
    --fake: Django's own apps' tables only, so that it builds in seconds); tests only read it."""
    return Sandbox.open(_built(tmp_path_factory, "boxoffice", lambda root: build_boxoffice(root, fake=True)))


@pytest.fixture(scope="session")
def pg_corpus(tmp_path_factory, pg_settings):
    """Return a function: NAME -> that corpus project on this run's PostgreSQL server (tests/pgcorpus.py), built once
    per run: tests only read it."""
    def built(name):
        return Sandbox.open(_built(tmp_path_factory, f"pgcorpus-{name}", builder(pg_settings, name)).parent / name)
    return built


@pytest.fixture
def corpus_copy(tmp_path_factory, tmp_path):
    """Return a function: NAME -> a Sandbox on this test's own copy of that corpus project (built once per run)."""
    def copy(name):
        built = _built(tmp_path_factory, f"corpus-{name}", BUILDERS[name]).parent / name
        return Sandbox.open(shutil.copytree(built, tmp_path / name, symlinks=True))
    return copy


@pytest.fixture
def project_copy(project, tmp_path):
    """A copy of the corpus project, for a test that changes it."""
    return Sandbox.open(shutil.copytree(project.path, tmp_path / project.path.name, symlinks=True))
