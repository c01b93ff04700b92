"""Notebook 05's exercise: preview what migrate app zero drops, then roll the app all the way back."""

import pandas as pd

from .exercise import Exercise
from .verdict import Mistake

__all__ = ["AllTheWayBack"]


def _app_tables(sb):
    return sorted(table for table in sb.tables() if table.startswith("app_"))


class AllTheWayBack(Exercise):
    number, title = "05", "all the way back"
    task = "store in loss what sb.data_loss(\"app\", \"zero\") says, then migrate app to zero"
    reference = 'loss = sb.data_loss("app", "zero")\nrolled_back = sb.migrate("app", "zero")\n'

    def begin(self, sb):
        return _app_tables(sb)

    def judge(self, answers, sb):
        loss = answers["loss"]
        if not isinstance(loss, pd.DataFrame):
            raise Mistake(f"loss should be the table sb.data_loss(\"app\", \"zero\") returns, not "
                          f"{type(loss).__name__} {loss!r}"[:200])
        named, tables = set(loss.get("table", ())), self.start
        if not named:
            raise Mistake("loss is empty: data_loss was asked when app was at zero already, with nothing left to "
                          "lose; ask it before you migrate (ex.reset() starts over)")
        if not named <= set(tables):
            raise Mistake(f"loss names {sorted(named - set(tables))}, which app's rollback does not drop: ask "
                          f"data_loss of app with the target zero")
        if named != set(tables):
            missing = sorted(set(tables) - named)
            raise Mistake(f"loss does not name {', '.join(missing)}: that is what migrating to 0001_initial would "
                          f"lose; the target zero unapplies 0001_initial too")
        left, rows = _app_tables(sb), sb.ledger().query("app == 'app'")["name"].tolist()
        if left and not rows:
            raise Mistake(f"app has no ledger rows but still has {', '.join(left)}: --fake changed the ledger "
                          f"only; ex.reset() and migrate without --fake")
        if rows == ["0001_initial"]:
            raise Mistake("app is at 0001_initial, not zero: the target zero unapplies 0001_initial too")
        if rows:
            raise Mistake(f"app still has its tables and its ledger rows ({', '.join(rows)}): migrate it with "
                          f"sb.migrate(\"app\", \"zero\")")
        return (f"loss named {' and '.join(tables)}, and migrate app zero dropped them with their rows and "
                f"removed app's rows from the ledger.")
