"""Notebook 07's exercise: name the disagreement check() will report, then repair it with its fix."""

from .exercise import Exercise
from .verdict import Mistake

__all__ = ["PredictThenRepair"]

# What each kind of check() row means (its stable codes), for a learner who chose it where another one fits.
MEANINGS = {
    "model-changes": "models.py has a change no migration file describes",
    "pending": "a migration file is not applied yet",
    "no-file": "the ledger records a migration whose file is gone",
    "inconsistent": "an applied migration has a dependency that is not applied",
    "missing-table": "a whole table that the applied migrations make is gone",
    "missing-column": "a column that the applied migrations make is gone from its table",
    "unexpected-table": "the database has a table no applied migration made",
    "unexpected-column": "a table has a column no applied migration made",
}
KINDS = tuple(MEANINGS)


class PredictThenRepair(Exercise):
    number, title = "07", "predict, then repair"
    task = "store in kind and subject what sb.check() will report, then repair app with the fix it gives"
    reference = '''kind, subject = "missing-column", "app_author.email"
found = sb.check("app")
step_back = sb.manage("migrate", "app", "0003_book_year", "--fake")
step_forward = sb.manage("migrate", "app", "0004_author_email")
'''

    def begin(self, sb):
        rows = sb.check("app")
        return rows.iloc[0].to_dict() if len(rows) else None

    def judge(self, answers, sb):
        kind, subject = answers["kind"], answers["subject"]
        start = self.start or {"kind": None, "subject": None}
        if kind not in KINDS:
            raise Mistake(f"kind {kind!r} is not one of check()'s kinds: {', '.join(KINDS)}")
        if kind != start["kind"]:
            raise Mistake(f"kind {kind!r} means {MEANINGS[kind]}; is that what the ALTER TABLE did?")
        _subject(subject, start["subject"])
        rows = sb.check()
        if "email" not in set(sb.schema("app_author")["column"]):
            fix = f" ({rows.iloc[0]['fix']})" if len(rows) else ""
            raise Mistake(f"app_author has no email column yet: repair it with the fix sb.check() gives{fix}")
        if len(rows):
            row = rows.iloc[0]
            raise Mistake(f"the pieces still disagree: {row['kind']} {row['subject']}; fix: {row['fix']}")
        return (f"{kind} {subject}: the column is back (faked back to 0003, then 0004 applied for real), and the "
                f"four pieces agree.")


def _subject(subject, right):
    """Raise Mistake unless SUBJECT names the column RIGHT ("table.column") as check() does."""
    if subject == right:
        return
    table, _, column = right.partition(".")
    if not isinstance(subject, str):
        raise Mistake(f"subject should be text, 'table.column', not {subject!r}")
    if subject == column:
        raise Mistake(f"subject {subject!r} names the column without its table: check() writes 'table.column'")
    if subject == table:
        raise Mistake(f"subject {subject!r} names the table only: a column's subject is 'table.column'")
    if subject.lower().endswith(f".{column}"):
        raise Mistake(f"subject {subject!r}: name the table as the database calls it ({table}), not the model")
    if subject.count(".") == 1 and subject.split(".")[1][:4].isdigit():
        raise Mistake(f"subject {subject!r} names a migration; the subject of a column is 'table.column'")
    raise Mistake(f"subject {subject!r} is not what check() will name: which column did the ALTER TABLE drop?")
