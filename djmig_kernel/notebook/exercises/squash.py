"""Notebook 10's exercise: finish a squash: delete the replaced files and the replaces list."""

from .exercise import Exercise
from .files import migration_names
from .verdict import Mistake, Unanswered

__all__ = ["FinishSquash"]

SQUASH = "0001_initial_squashed_0004_book_pages"


class FinishSquash(Exercise):
    number, title = "10", "finish the squash"
    task = "delete the migration files the squash replaces and remove its replaces list"
    reference = f'''import re

migrations = sb.path / "app" / "migrations"
squash = migrations / "{SQUASH}.py"
without_replaces = re.sub(r"\\n    replaces = \\[.*?\\]\\n", "\\n", squash.read_text(), flags=re.S)
squash.write_text(without_replaces)
for name in ["0001_initial", "0002_added_Book_model", "0003_book_isbn", "0004_book_pages"]:
    (migrations / f"{{name}}.py").unlink()
'''

    def begin(self, sb):
        return {"files": migration_names(sb), "text": (sb.path / "app" / "migrations" / f"{SQUASH}.py").read_text()}

    def judge(self, answers, sb):
        names, path = migration_names(sb), sb.path / "app" / "migrations" / f"{SQUASH}.py"
        if SQUASH not in names:
            raise Mistake(f"the squash {SQUASH}.py is gone, and it is the one to keep: ex.reset(), then delete "
                          f"the files it replaces")
        if names == self.start["files"] and path.read_text() == self.start["text"]:
            raise Unanswered(self.task)
        old = [name for name in names if name != SQUASH]
        if old:
            raise Mistake(f"app/migrations/ still holds {', '.join(old)}: delete the files the squash replaces")
        if "replaces" in path.read_text():
            raise Mistake("the squash still has replaces: remove that list from its file")
        dag = sb.graph()
        if (("app", SQUASH) not in dag.applied) or dag.leaf_nodes("app") != [("app", SQUASH)]:
            raise Mistake(f"Django does not see {SQUASH} applied: the ledger should still record it; ex.reset() "
                          f"and change only the files")
        dry = sb.manage("makemigrations", "app", "--dry-run").stdout
        if "No changes detected" not in dry:
            raise Mistake("makemigrations finds changes: the squash's operations were changed; ex.reset() and "
                          "remove the replaces list only")
        return "one ordinary migration, applied, and nothing left to do."
