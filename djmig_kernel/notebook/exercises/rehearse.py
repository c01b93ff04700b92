"""Notebook 16's exercise: preview what a rollback of a real project drops, then rehearse it on a copy."""

import pandas as pd

from .exercise import Exercise
from .verdict import Mistake

__all__ = ["Rehearse"]

APP = "wagtailforms"


class Rehearse(Exercise):
    number, title = "16", "rehearse a rollback on the copy"
    uses = ("sb", "copy")
    task = f"store in dropped the sorted names of the tables sb.data_loss(\"{APP}\", \"zero\") names, then roll " \
           f"the copy back: copy.migrate(\"{APP}\", \"zero\")"
    reference = f'''dropped = sorted(sb.data_loss("{APP}", "zero")["table"])
done = copy.migrate("{APP}", "zero")
'''

    def begin(self, sb, copy):
        return sorted(set(sb.data_loss(APP, "zero")["table"]))

    def judge(self, answers, sb, copy):
        dropped, right = answers["dropped"], self.start
        if isinstance(dropped, pd.DataFrame):
            raise Mistake("dropped holds data_loss's whole table: store the sorted names in its table column")
        if isinstance(dropped, str) or not isinstance(dropped, (list, tuple)):
            raise Mistake(f"dropped should be a sorted list of table names, not {dropped!r}")
        if sorted(dropped) == right and list(dropped) != right:
            raise Mistake("dropped has the right tables, but not sorted: sorted(...) them")
        if list(dropped) != right:
            extra = sorted(set(dropped) - set(right))
            if extra:
                raise Mistake(f"{extra[0]} is not dropped by {APP}'s rollback: ask sb.data_loss(\"{APP}\", \"zero\")")
            raise Mistake(f"dropped misses {sorted(set(right) - set(dropped))[0]}: ask sb.data_loss(\"{APP}\", "
                          f"\"zero\")")
        if not set(right) <= set(sb.tables()) or self.changed(0):
            raise Mistake("the original changed: the rollback ran on sb, not on the copy; ex.reset() puts it back")
        left = sorted(set(right) & set(copy.tables()))
        if left:
            raise Mistake(f"the copy still has {', '.join(left)}: run copy.migrate(\"{APP}\", \"zero\")")
        return f"the rollback drops {', '.join(right)}; rehearsed on the copy, the original untouched."
