"""sb.data_loss() under a custom user model: a swapped model (auth.User) makes no table, and migrate drops none."""

import shutil
import sqlite3
import subprocess
import sys

import pytest

from djmig_kernel import Sandbox
from djmig_kernel.project.settings import settings_path

ACCOUNTS = """
from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    nickname = models.CharField(max_length=50, blank=True)
"""
SHELF = """
from django.conf import settings


class Shelf(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    readers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="shelves_read")
"""


@pytest.fixture(scope="module")
def custom_user(tmp_path_factory):
    """A project made as Django's docs advise: AUTH_USER_MODEL set before the first migrate, a second app using it."""
    sb = Sandbox.create(tmp_path_factory.mktemp("swapped"), name="bookclub")
    sb.startapp("accounts")
    sb.write_models("accounts", "from django.db import models\n" + ACCOUNTS)
    settings = settings_path(sb.path)
    settings.write_text(settings.read_text() + '\nAUTH_USER_MODEL = "accounts.User"\n')
    sb.startapp("shelf")
    sb.write_models("shelf", "from django.db import models\n" + SHELF)
    sb.makemigrations()
    sb.migrate()
    sb.shell("from accounts.models import User; from shelf.models import Shelf; "
             "u = User.objects.create(username='ada'); Shelf.objects.create(owner=u).readers.add(u)")
    return sb


def _tables(path):
    with sqlite3.connect(path) as connection:
        return {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _dropped_by_django(sb, tmp_path, app, target):
    """The tables Django's own migrate APP TARGET drops, on a copy of the project."""
    copy = shutil.copytree(sb.path, tmp_path / "copy")
    before = _tables(copy / "db.sqlite3")
    subprocess.run([sys.executable, "manage.py", "migrate", app, target], cwd=copy, check=True,
                   capture_output=True, timeout=120)
    return before - _tables(copy / "db.sqlite3")


@pytest.mark.parametrize("app", ["auth", "accounts"])
def test_a_swapped_model_loses_no_table_and_the_tables_named_are_those_migrate_drops(custom_user, tmp_path, app):
    loss = custom_user.data_loss(app, "zero")
    tables = set(loss.loc[loss["column"].isna(), "table"])
    assert tables <= set(custom_user.tables()), f"tables the database does not have: {tables - set(custom_user.tables())}"
    assert not {"auth_user", "auth_user_groups", "auth_user_user_permissions"} & tables
    assert tables == _dropped_by_django(custom_user, tmp_path, app, "zero")
    # The custom user's own tables and the second app's are lost, with their live rows.
    rows = dict(zip(loss["table"], loss["rows"]))
    assert rows["accounts_user"] == 1 and rows["shelf_shelf_readers"] == 1
