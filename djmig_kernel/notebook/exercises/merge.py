"""Notebook 09's exercise: two branches each add a field; bring the teammate's migration over and merge."""

from .files import AddsMigrations, new_migrations
from .verdict import Mistake, Unanswered

__all__ = ["MergeBranches"]

OURS, THEIRS = "born", "country"


def _adds(texts, field):
    return [name for name, text in texts.items() if f"name='{field}'" in text or f'name="{field}"' in text]


class MergeBranches(AddsMigrations):
    number, title = "09", "merge a third pair of branches"
    task = ("add born to Author in sb and country in a fresh teammate copy, each with its migration applied, "
            "then bring the teammate's file over, merge models.py and the migrations, and migrate")
    reference = '''teammate = copy_project(sb, "teammate")
teammate.migrate("app")
theirs = sb.models("app").replace(
    "max_length=512)\\n\\n", "max_length=512)\\n    country = models.CharField(max_length=2, blank=True)\\n\\n", 1)
teammate.write_models("app", theirs)
teammate.makemigrations("app")
teammate.migrate("app")

ours = sb.models("app").replace("max_length=512)\\n\\n", "max_length=512)\\n    born = models.IntegerField(null=True)\\n\\n", 1)
sb.write_models("app", ours)
sb.makemigrations("app")
sb.migrate("app")

brought = bring_migrations(teammate, sb, "app")
merged = ours.replace("null=True)\\n\\n", "null=True)\\n    country = models.CharField(max_length=2, blank=True)\\n\\n", 1)
sb.write_models("app", merged)
merge = sb.manage("makemigrations", "--merge", answers=["y"])
done = sb.migrate("app")
'''

    def judge(self, answers, sb):
        new = self.added(sb)
        if not new:
            raise Unanswered(self.task)
        if not _adds(new, OURS):
            raise Mistake(f"no new migration of sb adds {OURS}: add it to Author in sb's models.py and run "
                          f"sb.makemigrations(\"app\")")
        if not _adds(new, THEIRS):
            teammate = answers.get("teammate")
            theirs = new_migrations(teammate, self.start) if teammate is not None else {}
            if _adds(theirs, THEIRS):
                raise Mistake(f"sb lacks the teammate's {_adds(theirs, THEIRS)[0]}: bring it over with "
                              f"bring_migrations(teammate, sb, \"app\")")
            raise Mistake(f"no migration adds {THEIRS}: the teammate adds it in their copy "
                          f"(copy_project(sb, \"teammate\")), makes its migration, and you bring it over")
        dag = sb.graph()
        leaves = dag.leaf_nodes("app")
        if len(leaves) > 1:
            raise Mistake(f"app has {len(leaves)} leaves: {', '.join(n for _, n in leaves)}; make a merge "
                          f"migration (makemigrations --merge)")
        if leaves[0] not in dag.merges():
            raise Mistake(f"{leaves[0][1]} is not a merge migration: the two branches' migrations should both "
                          f"lead to one that merges them")
        if leaves[0] not in dag.applied:
            raise Mistake(f"{leaves[0][1]} is not applied yet: run sb.migrate(\"app\")")
        columns = set(sb.schema("app_author")["column"])
        lacking = [field for field in (OURS, THEIRS) if field not in columns]
        if lacking:
            raise Mistake(f"app_author lacks {' and '.join(lacking)}: migrate app (sb.migrate(\"app\"))")
        dry = sb.manage("makemigrations", "app", "--dry-run").stdout
        if "No changes detected" not in dry:
            raise Mistake(f"models.py and the migration files disagree ({dry.strip().splitlines()[-1].strip()}): "
                          f"models.py should have both {OURS} and {THEIRS}")
        return f"one leaf, {leaves[0][1]}, merging both branches, and app_author has both {OURS} and {THEIRS}."
