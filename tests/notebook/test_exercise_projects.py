"""The exercises of notebooks 15 and 16: a test of a data migration run by manage.py test, and a rollback rehearsed on
a copy of a real project (Wagtail). The kit's solution is right, the blank answer is not answered, and each plausible
wrong answer is told its own mistake."""

import shutil

import pytest

from answering import RIGHT, UNANSWERED, answer, answer_cell, notebook_cell, told
from djmig_kernel import copy_project, exercise, replay


def _trim_cell(sb, migrations):
    """Write notebook 15's 0005_trim_names into MIGRATIONS, running the notebook's own cell."""
    source = notebook_cell("15", 'trim = migrations / "0005_trim_names.py"')
    exec(source, {"migrations": migrations, "sb": sb})  # noqa: S102


def test_15_runs_the_learner_s_test_on_the_right_and_a_broken_migration(tmp_path):
    sb = replay(tmp_path / "walk", through="04")
    sb.write_models("app", sb.models("app").replace("max_length=512)\n", "max_length=512)\n"
                    "    first_name = models.CharField(max_length=100, blank=True)\n"
                    "    last_name = models.CharField(max_length=100, blank=True)\n", 1))
    sb.makemigrations("app", name="author_first_last")
    sb.manage("makemigrations", "app", "--empty", "--name", "split_names")
    _trim_cell(sb, sb.path / "app" / "migrations")
    sb.migrate("app")
    ex = exercise("15", sb)
    assert answer(ex, answer_cell("15"), sb=sb)[0].kind == UNANSWERED
    test = "(sb.path / 'app' / 'test_trim.py').write_text({!r})"
    for code, hint in [
        (ex.solution.replace("def test_trim_tidies_spaces", "def trim_tidies_spaces"), "no test ran: name a method"),
        (ex.solution.replace('["J.R.R. Tolkien"]', '["J.R.R.  Tolkien"]'),
         "your test fails on the right 0005_trim_names"),
        (ex.solution.replace('name="  J.R.R.   Tolkien "', 'name="J.R.R. Tolkien"'),
         "your test passes on a 0005 that trims nothing"),
        (test.format("from django.test import TestCase\n\nclass T(TestCase)\n    pass\n"),
         "your test does not load: `python manage.py test app.test_trim` failed: SyntaxError: expected ':' "
         "(app/test_trim.py, line 3)"),
    ]:
        verdict, _ = answer(ex, code, sb=sb)
        assert told(verdict, hint), (code, verdict.line)
    right, _ = answer(ex, ex.solution, sb=sb)
    assert right.kind == RIGHT, right.line
    assert "trim" in (sb.path / "app" / "migrations" / "0005_trim_names.py").read_text().split("def trim")[1]


def test_16_wants_the_rollback_on_the_copy_only(wagtail_copy):
    sb = wagtail_copy
    copy = copy_project(sb, "cms_site_copy")
    shutil.copy2(sb.db_path, copy.db_path)
    ex = exercise("16", sb, copy)
    assert answer(ex, answer_cell("16"), sb=sb, copy=copy)[0].kind == UNANSWERED
    for code, hint in [
        ("dropped = sb.data_loss('wagtailforms', 'zero')", "dropped holds data_loss's whole table"),
        ("dropped = 'wagtailforms_formsubmission'", "dropped should be a sorted list of table names"),
        ("dropped = ['wagtailforms_formsubmission', 'wagtailcore_page']", "wagtailcore_page is not dropped by"),
        ("dropped = ['wagtailforms_formsubmission']",
         "the copy still has wagtailforms_formsubmission: run copy.migrate"),
        ("dropped = ['wagtailforms_formsubmission']\nsb.migrate('wagtailforms', 'zero')", "the original changed"),
    ]:
        verdict, _ = answer(ex, code, sb=sb, copy=copy)
        assert told(verdict, hint), (code, verdict.line)
    right, _ = answer(ex, ex.solution, sb=sb, copy=copy)
    assert right.kind == RIGHT and "the original untouched" in right.line, right.line
    assert not ex.changed(0)
