"""Notebook 06's exercise: predict what a move back and forth drops and drags along, then make the moves."""

from .exercise import Exercise
from .verdict import Mistake

__all__ = ["ThereAndBack"]

BACK, FORWARD = "0001_initial", "0003_book_year"


class ThereAndBack(Exercise):
    number, title = "06", "there and back again"
    task = ("predict dropped and reviews_again, then move app to 0001_initial and forward to 0003_book_year "
            "(with the picker or sb.migrate)")
    reference = f'''dropped = {{"app_book", "reviews_review"}}
reviews_again = False
back = sb.migrate("app", "{BACK}")
forward = sb.migrate("app", "{FORWARD}")
'''

    def begin(self, sb):
        loss = sb.data_loss("app", BACK)
        return set(loss.loc[loss["column"].isna(), "table"])

    def judge(self, answers, sb):
        dropped, again = answers["dropped"], answers["reviews_again"]
        if isinstance(dropped, str) or not isinstance(dropped, (set, list, tuple, frozenset)):
            raise Mistake(f"dropped should be a set of table names, like {{'app_x', 'app_y'}}, not {dropped!r}")
        if not isinstance(again, bool):
            raise Mistake(f"reviews_again should be True or False (no quotes), not {again!r}")
        dropped, gone = set(dropped), self.start
        if "app_author" in dropped:
            raise Mistake("app_author stays: 0001_initial makes it, and 0001_initial is the target, so it stays "
                          "applied")
        if "reviews_review" in gone - dropped:
            raise Mistake("reviews_review goes too: reviews.0001_initial depends on app's later migrations, so "
                          "going back unapplies it first, and drops its table")
        if gone - dropped:
            raise Mistake(f"{sorted(gone - dropped)[0]} goes too: the migration that makes it comes after "
                          f"0001_initial, so it is unapplied")
        if dropped - gone:
            raise Mistake(f"{sorted(dropped - gone)[0]} does not go on the way back: no migration that is "
                          f"unapplied made it")
        rows = sb.ledger()
        app = rows.loc[rows["app"] == "app", "name"].tolist()
        if app and app[-1] == BACK:
            raise Mistake(f"app is at {BACK}: now move it forward to {FORWARD}")
        if app[-1:] != [FORWARD] or not sb.table("app_book").empty:
            raise Mistake(f"app_book still has its rows: make the moves, app to {BACK}, then to {FORWARD}")
        applied = "0001_initial" in rows.loc[rows["app"] == "reviews", "name"].tolist()
        if again and not applied:
            raise Mistake("reviews.0001_initial is not applied again: migrate app 0003_book_year applies what app's "
                          "target needs, and nothing needs reviews; it waits for its own migrate")
        if applied and not again:
            raise Mistake("reviews.0001_initial is applied again: you migrated reviews too; ex.reset(), and move "
                          "app only")
        if applied:
            raise Mistake("reviews.0001_initial should not be applied again by app's moves: you migrated reviews "
                          "too; ex.reset(), and move app only")
        return ("app_book and reviews_review went on the way back; forwards, only app's own migrations came back "
                "(reviews waits for its own migrate), and app_book is back without its rows.")
