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
from djmig_kernel.render import GRAPHVIZ_HINT
from helpers import build_library, build_wagtail, build_zoo


def pytest_collection_modifyitems(items):
    """Skip tests marked graphviz where the dot binary is missing (CI installs it, so there they run)."""
    if shutil.which("dot"):
        return
    skip = pytest.mark.skip(reason=GRAPHVIZ_HINT)
    for item in items:
        if item.get_closest_marker("graphviz"):
            item.add_marker(skip)


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


@pytest.fixture(scope="session")
def _library_build(tmp_path_factory):
    return _built(tmp_path_factory, "library", build_library)


@pytest.fixture(scope="session")
def _fresh_build(tmp_path_factory):
    return _built(tmp_path_factory, "fresh", lambda root: Sandbox.create(root, "fresh"))


def _build_shelf(root):
    sb = Sandbox.create(root, "shelf")
    sb.startapp("shelf")
    sb.write_models("shelf", "class Shelf(models.Model):\n    pass\n")
    sb.makemigrations("shelf")
    sb.db_path.unlink()  # makemigrations made an empty one


@pytest.fixture(scope="session")
def _shelf_build(tmp_path_factory):
    return _built(tmp_path_factory, "shelf", _build_shelf)


@pytest.fixture(scope="session")
def _wagtail_build(tmp_path_factory):
    return _built(tmp_path_factory, "cms", build_wagtail)


@pytest.fixture(scope="session")
def _zoo_build(tmp_path_factory):
    return _built(tmp_path_factory, "zoo_site", build_zoo)


def _copy(source, tmp_path):
    return Sandbox.open(shutil.copytree(source, tmp_path / source.name, symlinks=True))


@pytest.fixture
def library(_library_build, tmp_path):
    """A copy of the library project: authors + books, fully migrated, with LIBRARY_ROWS."""
    return _copy(_library_build, tmp_path)


@pytest.fixture
def fresh(_fresh_build, tmp_path):
    """A copy of a project straight from startproject: no apps, no db.sqlite3."""
    return _copy(_fresh_build, tmp_path)


@pytest.fixture
def shelf(_shelf_build, tmp_path):
    """A copy of a project with one app, shelf, and its 0001_initial migration, but no db.sqlite3."""
    return _copy(_shelf_build, tmp_path)


@pytest.fixture(scope="module")
def wagtail(_wagtail_build):
    """Wagtail's 183 migrations in 14 apps, all applied: shared by a module's tests, which only read it."""
    return Sandbox.open(_wagtail_build)


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


@pytest.fixture
def wagtail_copy(_wagtail_build, tmp_path):
    """A copy of the migrated Wagtail project, for a test that changes it."""
    return _copy(_wagtail_build, tmp_path)


@pytest.fixture
def zoo(_zoo_build, tmp_path):
    """A copy of the zoo project: custom user, proxy, unmanaged, RunSQL and FTS5 tables, a squash."""
    return _copy(_zoo_build, tmp_path)
