"""exercise(): an exercise's start kept and put back byte for byte, its check in one line from the notebook's own
namespace, and its solution loaded by %load as a learner loads it."""

import re

import pytest
from IPython.core.interactiveshell import InteractiveShell

from djmig_kernel import exercise, replay
from djmig_kernel.exceptions import UnknownExerciseError
from djmig_kernel.notebook.exercises import EXERCISES, RIGHT, UNANSWERED, WRONG, Verdict


@pytest.fixture(scope="module")
def sb(tmp_path_factory):
    return replay(tmp_path_factory.mktemp("exercises") / "walk", through="02")


def test_every_notebook_has_its_exercise():
    assert sorted(EXERCISES) == [f"{n:02d}" for n in range(17)]


@pytest.mark.parametrize("call, message", [
    (lambda sb: exercise("17", sb), "no exercise '17': the notebooks' exercises are 00, 01,"),
    (lambda sb: exercise("05"), "exercise 05 works on 1 sandbox(es), not 0: start it with exercise('05', sb)"),
    (lambda sb: exercise("16", sb), "start it with exercise('16', sb, copy)"),
])
def test_a_wrong_start_is_one_line_with_the_call_to_make(sb, call, message):
    with pytest.raises(UnknownExerciseError, match=re.escape(message)):
        call(sb)


def test_a_verdict_is_one_line_that_says_what_it_is():
    for kind, opening in [(RIGHT, "All right: "), (WRONG, "Not yet: "), (UNANSWERED, "Not answered yet: ")]:
        verdict = Verdict(kind, "the words\nof it")
        assert repr(verdict) == verdict.line == f"{opening}the words of it"
        assert f">{opening}the words of it</div>" in verdict._repr_html_() and "role='status'" in verdict._repr_html_()


def test_reset_puts_back_files_and_database_and_leaves_an_unchanged_sandbox_byte_for_byte(sb):
    ex = exercise("05", sb)
    database, models = sb.db_path.read_bytes(), sb.models("app")
    ex.reset()
    assert sb.db_path.read_bytes() == database and not ex.changed()
    sb.write_models("app", models + "\n\nclass Shelf(models.Model):\n    pass\n")
    sb.makemigrations("app", name="shelf")
    sb.migrate("app")
    (sb.path / "notes").mkdir()
    (sb.path / "notes" / "todo.txt").write_text("a folder of its own, made during the exercise")
    assert ex.changed()
    ex.reset()
    assert sb.models("app") == models and sb.db_path.read_bytes() == database and not ex.changed()
    assert not (sb.path / "notes").exists() and not list((sb.path / "app" / "migrations").glob("0002_*"))
    assert "app_shelf" not in sb.tables() and sb.check().empty


@pytest.fixture
def kernel():
    """The IPython shell of this process, as get_ipython() finds it in a kernel."""
    shell = InteractiveShell.instance()
    yield shell
    InteractiveShell.clear_instance()


def test_the_check_reads_the_notebook_s_variables_and_load_brings_the_solution(kernel, sb):
    ip = kernel
    ip.user_ns["sb"] = sb
    ip.run_cell('from djmig_kernel import exercise\nex = exercise("01", sb)')
    ip.run_cell("auth_applied = ...")
    assert ip.run_cell("ex.check()").result.kind == UNANSWERED
    ip.run_cell("%load ex.solution")
    loaded = ip.rl_next_input  # what JupyterLab puts in the cell (set_next_input, replace=True)
    assert loaded == "# %load ex.solution\n" + ip.user_ns["ex"].reference
    ip.run_cell(loaded)
    assert ip.run_cell("ex.check()").result.kind == RIGHT
    ip.run_cell("auth_applied = 'twelve'")
    assert ip.run_cell("ex.check()").result.line == "Not yet: auth_applied is the text 'twelve'; store a number, " \
                                                    "without quotes"
