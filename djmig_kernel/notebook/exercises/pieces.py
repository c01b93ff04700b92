"""Notebook 00's exercise: which of the four pieces answers each question."""

from .exercise import Exercise
from .verdict import Mistake, Unanswered

__all__ = ["WhichPiece"]

PIECES = ("models.py", "migrations/", "django_migrations", "schema")
# Each question, the piece that answers it, and what to think of when another piece was given.
QUESTIONS = {
    "Which tables does db.sqlite3 have right now?": (
        "schema", "what a database really has is its schema; models.py and the migration files say what it "
                  "should have"),
    "Which migrations has migrate run on this database?": (
        "django_migrations", "the migrations/ directory holds every migration, run or not; migrate writes a row in "
                             "a table for each one it runs"),
    "What do I want my tables to look like?": (
        "models.py", "what you want is what you write yourself, before any command runs"),
    "Which steps lead from an empty database to my models?": (
        "migrations/", "the steps are files, one per migration, that makemigrations writes"),
    "Which piece does makemigrations write?": (
        "migrations/", "makemigrations writes a file and changes no table"),
}
# Words a learner may write for a piece, and the piece's own name.
_NEAR = {"migrations": "migrations/", "ledger": "django_migrations", "django_migrations table": "django_migrations",
         "models": "models.py", "database": "schema", "db.sqlite3": "schema", "the schema": "schema"}


class WhichPiece(Exercise):
    number, title = "00", "which piece?"
    task = "give each question in answers the piece that answers it"
    changes, uses = False, ()
    reference = "answers = {\n" + "".join(f"    {q!r}: {piece!r},\n" for q, (piece, _) in QUESTIONS.items()) + "}\n"

    def judge(self, answers):
        given = answers["answers"]
        if not isinstance(given, dict):
            raise Mistake(f"answers should be the dict of the cell above, each question with its piece, not a "
                          f"{type(given).__name__}; run that cell again with your pieces in place of ...")
        missing = [question for question in QUESTIONS if question not in given]
        if missing:
            raise Mistake(f"the question {missing[0]!r} is not in answers: keep the five questions as they are "
                          f"and give each its piece")
        open_ = [question for question in QUESTIONS if given[question] is Ellipsis]
        if len(open_) == len(QUESTIONS):
            raise Unanswered(self.task)
        if open_:
            raise Mistake(f"{len(open_)} question{'s' if len(open_) > 1 else ''} still "
                          f"{'have' if len(open_) > 1 else 'has'} ...: {open_[0]!r}; give each question a piece")
        for question in QUESTIONS:
            _valid(given[question])
        wrong = [question for question, (piece, _) in QUESTIONS.items() if given[question].strip() != piece]
        if wrong:
            question, (_, hint) = wrong[0], QUESTIONS[wrong[0]]
            others = f" ({len(wrong) - 1} more not right either)" if len(wrong) > 1 else ""
            raise Mistake(f"have another look at {question!r}: {hint}{others}")
        return "each question has the piece that answers it."


def _valid(piece):
    """Raise Mistake unless PIECE is the name of one of the four pieces."""
    if not isinstance(piece, str):
        raise Mistake(f"{piece!r} is not a piece's name: write one of {', '.join(map(repr, PIECES))}, in quotes")
    if piece.strip() in PIECES:
        return
    near = _NEAR.get(piece.strip().lower())
    if near:
        raise Mistake(f"{piece!r} is not how the pieces are named here: did you mean {near!r}?")
    raise Mistake(f"{piece!r} is not one of the four pieces: write {', '.join(map(repr, PIECES))}")
