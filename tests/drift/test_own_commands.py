"""check() agrees with the makemigrations the project itself runs: a project may override the command."""

import subprocess
import sys

import pytest

from djmig_kernel import Sandbox

PRODUCT = """
class Product(models.Model):
    name = models.CharField(max_length=50, help_text="{help}")
"""
# A project's own makemigrations, in the way large projects write theirs: changes to help_text and
# verbose_name need no migration there (they touch no column), so the command leaves them out.
OWN_MAKEMIGRATIONS = '''
from django.core.management.commands.makemigrations import Command as Parent
from django.db.models import Field

IGNORED = ("help_text", "verbose_name")


class Command(Parent):
    def handle(self, *args, **options):
        original = Field.deconstruct

        def deconstruct(field):
            name, path, positional, keywords = original(field)
            return name, path, positional, {k: v for k, v in keywords.items() if k not in IGNORED}

        Field.deconstruct = deconstruct
        try:
            return super().handle(*args, **options)
        finally:
            Field.deconstruct = original
'''


@pytest.fixture
def shop(tmp_path):
    sb = Sandbox.create(tmp_path, name="shopsite")
    sb.startapp("shop")
    sb.write_models("shop", PRODUCT.format(help="the name on the label"))
    sb.makemigrations("shop")
    sb.migrate()
    commands = sb.path / "shop" / "management" / "commands"
    commands.mkdir(parents=True)
    for folder in (commands.parent, commands):
        (folder / "__init__.py").write_text("")
    (commands / "makemigrations.py").write_text(OWN_MAKEMIGRATIONS)
    return sb


def _projects_own_check(sb):
    """Exit status of the project's own `manage.py makemigrations --check --dry-run`: 0 clean, 1 changes."""
    return subprocess.run([sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"], cwd=sb.path,
                          capture_output=True, timeout=120).returncode


def test_a_change_the_projects_own_makemigrations_leaves_out_is_no_model_change(shop):
    shop.write_models("shop", PRODUCT.format(help="the name printed on the label"))
    assert _projects_own_check(shop) == 0
    assert shop.check().empty


def test_a_change_the_projects_own_makemigrations_writes_is_one(shop):
    shop.write_models("shop", PRODUCT.format(help="changed too") + "    price = models.IntegerField(null=True)\n")
    assert _projects_own_check(shop) == 1
    rows = shop.check()
    assert list(rows["kind"]) == ["model-changes"] and list(rows["subject"]) == ["shop"]
    assert "Add field price to product" in rows["detail"][0] and "name" not in rows["detail"][0]
    assert list(shop.check("shop")["kind"]) == ["model-changes"]
