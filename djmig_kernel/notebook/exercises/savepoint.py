"""Notebook 13's exercise: a data migration on PostgreSQL that survives its own error, with a savepoint."""

from .exercise import Exercise
from .verdict import Mistake, Unanswered

__all__ = ["Savepoint"]

NAME = "0005_book_pages"


class Savepoint(Exercise):
    number, title = "13", "a migration that survives its own error"
    uses = ("pg",)
    task = (f"rewrite fill_pages with its attempt on page_count inside transaction.atomic(), write it to pg's "
            f"{NAME}.py, and migrate pg's app")
    reference = f'''MIGRATION = """\\
from django.db import DatabaseError, migrations, models, transaction


def fill_pages(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        try:
            with transaction.atomic():  # a savepoint: an error takes back only what ran inside
                cursor.execute("UPDATE app_book SET pages = page_count")
        except DatabaseError:
            cursor.execute("UPDATE app_book SET pages = 0")


class Migration(migrations.Migration):

    dependencies = [
        ("app", "0004_title_index"),
    ]

    operations = [
        migrations.AddField("book", "pages", models.PositiveIntegerField(null=True)),
        migrations.RunPython(fill_pages, migrations.RunPython.noop),
    ]
"""
(pg.path / "app" / "migrations" / "{NAME}.py").write_text(MIGRATION)
migrated = pg.migrate("app")
'''

    def _file(self, pg):
        return pg.path / "app" / "migrations" / f"{NAME}.py"

    def begin(self, pg):
        return self._file(pg).read_text() if self._file(pg).is_file() else None

    def judge(self, answers, pg):
        text = self._file(pg).read_text() if self._file(pg).is_file() else ""
        applied = NAME in set(pg.ledger()["name"])
        if not applied and text == self.start:
            raise Unanswered(self.task)
        if not applied:
            if "atomic" not in text:
                raise Mistake(f"{NAME} is not applied, and fill_pages has no savepoint: put the attempt on "
                              f"page_count inside `with transaction.atomic():` and migrate again")
            raise Mistake(f"{NAME} is not applied: the savepoint must hold the failing UPDATE (the attempt on "
                          f"page_count) alone; then pg.migrate(\"app\")")
        pages = pg.table("app_book")["pages"].tolist()
        if pages != [0] * len(pages):
            raise Mistake(f"the books' pages are {pages}, not 0: the except branch should set pages = 0")
        rows = pg.check()
        if len(rows):
            row = rows.iloc[0]
            raise Mistake(f"the pieces disagree: {row['kind']} {row['subject']}; fix: {row['fix']}")
        return "the savepoint took back the failed UPDATE, and the migration went on."
