"""Notebook 12's exercise: a new column that old code can live with, its default in the database."""

from .files import AddsMigrations
from .verdict import Mistake, Unanswered

__all__ = ["ColumnForOldCode"]

# Old code's insert, tried in a transaction that is rolled back: what the new column gets.
_TRY = """\
from django.db import connection, transaction
from old_code import save_book
with transaction.atomic():
    save_book()
    with connection.cursor() as cursor:
        cursor.execute("SELECT language FROM app_book ORDER BY id DESC LIMIT 1")
        print("language:", cursor.fetchone()[0])
    transaction.set_rollback(True)
"""


class ColumnForOldCode(AddsMigrations):
    number, title = "12", "a column old code can live with"
    task = ("add language = models.CharField(max_length=2, db_default=\"en\") to Book, make its migration, store "
            "its SQL (sqlmigrate's .stdout) in sql, and migrate")
    reference = '''changed = sb.write_models("app", sb.models("app").replace(
    "    class Meta:", '    language = models.CharField(max_length=2, db_default="en")\\n\\n    class Meta:'))
made = sb.makemigrations("app", name="book_language")
sql = sb.manage("sqlmigrate", "app", "0014").stdout
done = sb.migrate("app")
'''

    def judge(self, answers, sb):
        new = self.added(sb)
        sql = answers.get("sql")
        if not new and sql is None:
            raise Unanswered(self.task)
        if not new:
            raise Mistake("no new migration: add language to Book in models.py and run sb.makemigrations(\"app\")")
        if sql is None:
            raise Unanswered("store in sql what sqlmigrate prints for the new migration (its .stdout)")
        if hasattr(sql, "stdout"):  # a CommandResult
            raise Mistake("sql holds the whole CommandResult: store its .stdout, the SQL text")
        if not isinstance(sql, str) or "language" not in sql:
            raise Mistake(f"sql is not the SQL of {next(iter(new))}: store sb.manage(\"sqlmigrate\", \"app\", "
                          f"NUMBER).stdout for it")
        if "DEFAULT 'en'" not in sql:
            raise Mistake("the column has no default in the database (no DEFAULT 'en' in its SQL): use "
                          "db_default=\"en\", not default=\"en\"; ex.reset() and try again")
        if "language" not in set(sb.schema("app_book")["column"]):
            raise Mistake(f"{next(iter(new))} is not applied yet: run sb.migrate(\"app\")")
        said = sb.shell(_TRY).stdout
        if "language: en" not in said:
            raise Mistake(f"old code's insert gave language {said.split('language:')[-1].strip()!r}, not 'en'")
        return "old code can insert, and the new column fills itself with 'en'."
