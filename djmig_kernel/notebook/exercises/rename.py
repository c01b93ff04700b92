"""Notebook 08's exercise: rename a field so that its values survive (RenameField, not remove and add)."""

from .exercise import Exercise
from .files import migration_names, new_migrations
from .verdict import Mistake, Unanswered

__all__ = ["RenameTitle"]


class RenameTitle(Exercise):
    number, title = "08", "rename a book's title, and keep it"
    task = "rename Book.title to heading in models.py, make its migration so that the titles survive, and migrate"
    reference = '''change = sb.write_models("app", sb.models("app").replace("    title =", "    heading ="))
made = sb.makemigrations("app", name="book_heading", answers=["y"])
applied = sb.migrate("app")
'''

    def begin(self, sb):
        return {"files": migration_names(sb), "titles": sb.table("app_book")["title"].tolist()}

    def judge(self, answers, sb):
        models, new = sb.models("app"), new_migrations(sb, self.start["files"])
        book = models[models.index("class Book"):] if "class Book" in models else ""
        if "    heading =" not in book:
            if new or "    title =" not in book:
                raise Mistake("Book in models.py has no heading field: rename its title field to heading "
                              "(ex.reset() puts models.py back)")
            raise Unanswered(self.task)
        if "    title =" in book:
            raise Mistake("Book in models.py has both title and heading: rename title to heading, do not add a "
                          "field")
        if not new:
            raise Mistake("models.py says heading, but no migration describes it yet: run "
                          "sb.makemigrations(\"app\", answers=[...]) and answer Django's question")
        if len(new) > 1:
            raise Mistake(f"app has {len(new)} new migrations ({', '.join(new)}); ex.reset() and make one")
        (name, text), = new.items()
        if "RenameField" not in text:
            raise Mistake(f"{name} removes title and adds heading, so the titles go with the column: Django asked "
                          f"whether title was renamed; ex.reset() and answer y (answers=['y'])")
        columns = set(sb.schema("app_book")["column"])
        if "heading" not in columns:
            raise Mistake(f"{name} is not applied yet: run sb.migrate(\"app\")")
        if sb.table("app_book")["heading"].tolist() != self.start["titles"]:
            raise Mistake("the books' headings are not the titles they had: ex.reset(), and rename without "
                          "changing the rows")
        return f"{name} renames the column (RenameField), so {', '.join(self.start['titles'])} kept its title."
