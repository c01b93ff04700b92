"""Notebook 03's exercise: the parents of a migration in the graph."""

from .exercise import Exercise
from .verdict import Mistake

__all__ = ["Parents"]

NODE = ("app", "0002_added_Book_model")


def _pair(item):
    return isinstance(item, (tuple, list)) and len(item) == 2 and all(isinstance(part, str) for part in item)


class Parents(Exercise):
    number, title = "03", "what does 0002 depend on?"
    task = "store in parents the parents of ('app', '0002_added_Book_model'), from sb.graph()"
    changes = False
    reference = "parents = sb.graph().parents((\"app\", \"0002_added_Book_model\"))\n"

    def judge(self, answers, sb):
        parents = answers["parents"]
        if _pair(parents) and isinstance(parents, tuple):
            raise Mistake(f"parents holds one migration, {parents!r}: a migration may have several parents, so "
                          f"store a list of them, even of one")
        if not isinstance(parents, (list, tuple, set)):
            raise Mistake(f"parents should be a list of (app, name) pairs, not {type(parents).__name__} {parents!r}")
        if any(isinstance(item, str) for item in parents):
            raise Mistake("name each migration by its (app, name) pair, like ('auth', '0001_initial'), not by "
                          "its name alone: two apps may have migrations of the same name")
        if not all(map(_pair, parents)):
            raise Mistake(f"parents should hold (app, name) pairs, not {list(parents)!r}")
        given = sorted(tuple(item) for item in parents)
        right = sorted(sb.graph().parents(NODE))
        if given == right:
            return f"0002_added_Book_model depends on {', '.join(name for _, name in right)}: its dependencies."
        if NODE in given:
            raise Mistake(f"{NODE!r} is the migration itself; its parents are the migrations it depends on")
        if not given:
            raise Mistake("[] says 0002_added_Book_model depends on nothing; every migration after an app's first "
                          "depends on one: read its dependencies (sb.graph() knows them)")
        extra = [node for node in given if node not in right]
        if extra:
            raise Mistake(f"{extra[0]!r} is not a parent of 0002_added_Book_model: it is not in its dependencies")
        raise Mistake(f"parents misses {[node for node in right if node not in given][0]!r}, a dependency of "
                      f"0002_added_Book_model")
