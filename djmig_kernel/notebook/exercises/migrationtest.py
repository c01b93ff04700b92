"""Notebook 15's exercise: a test of a data migration that passes on it and fails on a broken one."""

import re

from ...exceptions import DjmigError
from .exercise import Exercise
from .verdict import Mistake, Unanswered

__all__ = ["TestTrim"]

TRIMMED, UNTRIMMED = '" ".join(author.name.split())', "author.name"


def _run(sb, label):
    """Return the stderr of ``manage.py test LABEL`` (the runner's report), passed or failed, and the kit's one line
    when it failed (None if it passed). Starts Django."""
    try:
        return sb.manage("test", label).stderr, None
    except DjmigError as error:  # a test failed, or the runner could not load it: it exits with 1
        if error.result is None:
            raise
        return error.result.stderr, str(error)


def _error(report):
    lines = [line for line in report.splitlines() if re.match(r"\w+(Error|Exception)\b", line)]
    return lines[-1] if lines else "see sb.manage(\"test\", \"app.test_trim\")"


class TestTrim(Exercise):
    number, title = "15", "test 0005_trim_names"
    __test__ = False  # not a test of pytest's
    task = ("write app/test_trim.py: at 0004 make an author whose name has extra spaces, migrate to 0005 and "
            "assert the name is tidy")
    reference = '''written = (sb.path / "app" / "test_trim.py").write_text("""\\
from django.test import TransactionTestCase
from django_test_migrations.migrator import Migrator


class TrimNamesTests(TransactionTestCase):
    def setUp(self):
        self.migrator = Migrator()

    def tearDown(self):
        self.migrator.reset()

    def test_trim_tidies_spaces(self):
        old = self.migrator.apply_initial_migration(("app", "0004_split_names"))
        old.apps.get_model("app", "Author").objects.create(name="  J.R.R.   Tolkien ")
        new = self.migrator.apply_tested_migration(("app", "0005_trim_names"))
        Author = new.apps.get_model("app", "Author")
        self.assertEqual(list(Author.objects.values_list("name", flat=True)), ["J.R.R. Tolkien"])
""")
'''

    def judge(self, answers, sb):
        test = sb.path / "app" / "test_trim.py"
        if not test.is_file():
            raise Unanswered(self.task)
        passes, failed = _run(sb, "app.test_trim")
        if failed and not re.search(r"^Ran \d", passes, re.M):
            raise Mistake(f"your test does not load: {failed}")
        if not re.search(r"^Ran [1-9]", passes, re.M):
            raise Mistake("no test ran: name a method of your test case test_... (and the class a TestCase)")
        if not re.search(r"^OK", passes, re.M):
            raise Mistake(f"your test fails on the right 0005_trim_names: {_error(passes)}")
        trim = sb.path / "app" / "migrations" / "0005_trim_names.py"
        kept = trim.read_text()
        try:
            trim.write_text(kept.replace(TRIMMED, UNTRIMMED))
            fails, _ = _run(sb, "app.test_trim")
        finally:
            trim.write_text(kept)
        if "FAILED" not in fails:
            raise Mistake("your test passes on a 0005 that trims nothing: give the name extra spaces at 0004, and "
                          "assert after 0005 that they are gone")
        return "your test passes on 0005_trim_names and fails when it trims nothing."
