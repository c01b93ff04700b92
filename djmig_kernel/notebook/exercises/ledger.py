"""Notebook 01's exercise: how many of auth's migrations the ledger records as applied."""

import pandas as pd

from .exercise import Exercise
from .verdict import Mistake

__all__ = ["CountAuth"]


class CountAuth(Exercise):
    number, title = "01", "count auth's migrations"
    task = "store in auth_applied how many of the auth app's migrations the ledger (sb.ledger()) records"
    changes = False
    reference = "auth_applied = len(sb.ledger().query(\"app == 'auth'\"))\n"

    def judge(self, answers, sb):
        count = answers["auth_applied"]
        ledger = sb.ledger()
        per_app = ledger["app"].value_counts()
        if isinstance(count, pd.DataFrame):
            raise Mistake("auth_applied holds a table; store how many rows it has, a number (len(...))")
        if isinstance(count, str):
            raise Mistake(f"auth_applied is the text {count!r}; store a number, without quotes")
        if isinstance(count, bool) or not isinstance(count, int):
            raise Mistake(f"auth_applied should be a whole number, not {count!r}")
        right = int(per_app.get("auth", 0))
        if count == right:
            return f"auth has {right} migrations applied: one ledger row each, the [X] marks of showmigrations auth."
        if count == len(ledger):
            raise Mistake(f"{count} is every app's rows in the ledger; count only those whose app is 'auth'")
        other = sorted(app for app, rows in per_app.items() if rows == count and app != "auth")
        if other:
            raise Mistake(f"{count} is how many migrations {other[0]!r} has applied; count the rows of 'auth'")
        raise Mistake(f"{count} is not it: count the ledger's rows whose app is 'auth' "
                      f"(sb.ledger().query(\"app == 'auth'\"))")
