"""Notebook 02's exercise: predict what makemigrations prints when models.py has not changed."""

from .exercise import Exercise
from .verdict import Mistake

__all__ = ["PredictMakemigrations"]


def _loose(text):
    return " ".join(text.lower().replace('"', "'").split())


class PredictMakemigrations(Exercise):
    number, title = "02", "predict makemigrations"
    task = "write in prediction the line python manage.py makemigrations app will print now"
    changes = False
    reference = "prediction = \"No changes detected in app 'app'\"\n"

    def judge(self, answers, sb):
        prediction = answers["prediction"]
        if not isinstance(prediction, str):
            raise Mistake(f"prediction should be the line as text, in quotes, not {prediction!r}")
        if not prediction.strip():
            raise Mistake("prediction is empty: write the line you expect makemigrations app to print")
        # --dry-run: the check writes no migration, whatever models.py says
        printed = sb.manage("makemigrations", "app", "--dry-run").stdout.strip()
        if prediction.strip() == printed:
            return f"makemigrations app printed {printed!r}: models.py and the migration files agree."
        if not printed.startswith("No changes"):
            raise Mistake("models.py has changed since the last migration, so makemigrations app has something to "
                          "write: put models.py back (sb.write_models) and predict again")
        if _loose(prediction) == _loose(printed):
            raise Mistake("almost: Django writes that line with other quotes, capitals or spaces; copy its exact "
                          "characters")
        if _loose(prediction) == "no changes detected":
            raise Mistake("close: that is what a bare makemigrations prints; given an app label, Django names the "
                          "app at the end of the line")
        if any(word in prediction for word in ("Migrations for", "Create model", "0002", ".py")):
            raise Mistake("that is what makemigrations prints when models.py has a change no migration describes; "
                          "has models.py changed since 0001_initial was made?")
        raise Mistake("makemigrations app prints something else: it compares models.py with the migration files; "
                      "what does it find, and how does it say so?")
