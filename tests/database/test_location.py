"""sb.db_path: the SQLite file a project's settings name, also in a settings package; engines the kit cannot read refused."""

import pytest

from djmig_kernel import Sandbox
from djmig_kernel.exceptions import UnsupportedDatabaseError
from djmig_kernel.sandbox import MARKER
from helpers import files_digest

DEV = """\
from .base import *  # noqa: F403

DATABASES = {{"default": {{"ENGINE": "{engine}", "NAME": {name}}}}}
"""


def settings_package(sb, engine="django.db.backends.sqlite3", name='BASE_DIR / "var" / "dev.sqlite3"'):
    """Turn SB's mysite/settings.py into mysite/settings/{__init__,base,dev}.py, as teams often do.

    manage.py then points at mysite.settings.dev, which names the database; the kit's
    marker goes, so the project is the learner's own.
    """
    package = sb.path / "mysite" / "settings"
    base = (sb.path / "mysite" / "settings.py").read_text()
    (sb.path / "mysite" / "settings.py").unlink()
    package.mkdir()
    (package / "__init__.py").write_text("")
    # One folder deeper: BASE_DIR must still be the folder that holds manage.py.
    (package / "base.py").write_text(base.replace(".resolve().parent.parent", ".resolve().parent.parent.parent"))
    (package / "dev.py").write_text(DEV.format(engine=engine, name=name))
    manage = sb.path / "manage.py"
    manage.write_text(manage.read_text().replace("'mysite.settings'", "'mysite.settings.dev'"))
    (sb.path / MARKER).unlink()
    (sb.path / "var").mkdir()
    return Sandbox.open(sb.path)


@pytest.fixture
def mysite(tmp_path):
    return Sandbox.create(tmp_path, "mysite")


def test_the_kits_own_sandbox_keeps_db_sqlite3_beside_manage_py(mysite):
    assert mysite.db_path == mysite.path / "db.sqlite3"


def test_a_settings_package_names_the_database_and_the_readers_read_it(mysite):
    sb = settings_package(mysite)
    assert sb.db_path == sb.path / "var" / "dev.sqlite3"
    sb.migrate("contenttypes")
    assert not (sb.path / "db.sqlite3").exists()
    assert list(sb.ledger()["name"]) == ["0001_initial", "0002_remove_content_type_name"]
    assert "django_content_type" in sb.tables()
    assert list(sb.graph().applied) and sb.plan("contenttypes", "zero")["migration"].iloc[0] == (
        "contenttypes.0002_remove_content_type_name"
    )


def test_a_changed_settings_file_is_read_again(mysite):
    sb = settings_package(mysite)
    assert sb.db_path.name == "dev.sqlite3"
    dev = sb.path / "mysite" / "settings" / "dev.py"
    dev.write_text(DEV.format(engine="django.db.backends.sqlite3", name='"other.sqlite3"'))
    assert sb.db_path == sb.path / "other.sqlite3"  # a relative NAME is relative to manage.py's folder


def test_a_database_that_is_neither_sqlite_nor_postgresql_gets_one_line_from_the_readers(mysite):
    sb = settings_package(mysite, engine="django.db.backends.mysql", name='"shop"')
    before = files_digest(sb.path)
    with pytest.raises(UnsupportedDatabaseError) as raised:
        sb.ledger()
    assert str(raised.value) == (
        "the project's database is django.db.backends.mysql (DATABASES['default']['ENGINE']) and djmig "
        "reads SQLite files and PostgreSQL only: point DATABASES['default'] at a file with "
        "django.db.backends.sqlite3, or at a server with django.db.backends.postgresql"
    )
    with pytest.raises(UnsupportedDatabaseError):
        sb.tables()
    assert files_digest(sb.path) == before
