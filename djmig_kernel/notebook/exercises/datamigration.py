"""Notebook 11's exercise: a data migration that adds a row, with a reverse that removes it."""

import re

import pandas as pd

from .files import AddsMigrations
from .verdict import Mistake, Unanswered

__all__ = ["AddTolkien"]

NAME = "J.R.R. Tolkien"


class AddTolkien(AddsMigrations):
    number, title = "11", "a data migration that adds a row"
    task = ("write 0006_add_tolkien (forward: create J.R.R. Tolkien; backward: delete him), migrate, roll back to "
            "0005 and store sb.table(\"app_author\") in after_rollback, then migrate forward again")
    reference = f'''empty = sb.manage("makemigrations", "app", "--empty", "--name", "add_tolkien")
source = """\\
from django.db import migrations


def add(apps, schema_editor):
    Author = apps.get_model("app", "Author")
    Author.objects.create(name="{NAME}", first_name="J.R.R.", last_name="Tolkien")


def remove(apps, schema_editor):
    Author = apps.get_model("app", "Author")
    Author.objects.filter(name="{NAME}").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("app", "0005_trim_names"),
    ]

    operations = [
        migrations.RunPython(add, remove),
    ]
"""
written = (migrations / "0006_add_tolkien.py").write_text(source)
forward = sb.migrate("app")
back = sb.migrate("app", "0005")
after_rollback = sb.table("app_author")
again = sb.migrate("app")
'''

    def judge(self, answers, sb):
        new = self.added(sb)
        after = answers.get("after_rollback")
        if not new and after is None:
            raise Unanswered(self.task)
        if not new:
            raise Mistake("app has no new migration: make it with makemigrations app --empty --name add_tolkien")
        name, text = next(iter(new.items()))
        if re.search(r"RunPython\(\s*\w+\s*\)", text):
            raise Mistake(f"{name}'s RunPython has no reverse, so the rollback cannot run: give it a second "
                          f"function that deletes him")
        authors = sb.table("app_author")
        tolkien = authors[authors["name"] == NAME]
        applied = name in set(sb.ledger().query("app == 'app'")["name"])
        if not applied:
            raise Mistake(f"{name} is not applied: migrate forward again (sb.migrate(\"app\"))")
        if not isinstance(after, pd.DataFrame):
            raise Mistake("after_rollback should be sb.table(\"app_author\") read right after the rollback to 0005")
        if NAME in set(after["name"]):
            raise Mistake(f"after_rollback still has {NAME}: the reverse should delete him (RunPython.noop leaves "
                          f"him), and after_rollback is read after the rollback")
        if tolkien.empty:
            raise Mistake(f"{name} is applied but app_author has no {NAME}: its forward function should create "
                          f"him (name={NAME!r})")
        if len(tolkien) > 1:
            raise Mistake(f"app_author has {len(tolkien)} {NAME}s: ex.reset(), and run the answer once")
        if tolkien["last_name"].item() != "Tolkien":
            raise Mistake("give him his last name too: last_name=\"Tolkien\" (and first_name=\"J.R.R.\")")
        return "forward adds him, backward removes him."
