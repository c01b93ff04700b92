"""A course folder the learner cannot write: sandboxes go to a place of the learner's, said in one line.

Run as a learner whom permissions bind: where the tests run as root (who may write anywhere), without root's
powers to override them (the interpreter lives in root's home, so it stays root's user id); from course folders
made read-only.
"""

import os
import subprocess
import sys

import pytest

from helpers import AS_LEARNER



@pytest.fixture
def learner(tmp_path):
    """Return run(code, cwd, env={}) -> CompletedProcess: CODE in Python as a learner with a home of their own."""
    top = tmp_path
    home = top / "home"
    home.mkdir()
    course = top / "course"
    course.mkdir()
    (course / "README").write_text("the instructor's notebooks\n")
    course.chmod(0o555)

    def run(code, cwd=course, env=()):
        environment = {"PATH": os.environ["PATH"], "HOME": str(home), **dict(env)}
        return subprocess.run(_as_learner(code), cwd=cwd, env=environment,
                              capture_output=True, text=True, timeout=120)

    run.home, run.course, run.top = home, course, top
    yield run
    for folder in (course, home):
        folder.chmod(0o755)  # so that pytest can delete them


def _listing(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


REPLAY = """
from djmig_kernel import replay, Sandbox
sb = replay("sandboxes/00", through="03")
print(sb.path)
print(Sandbox.open("sandboxes/00/djsandbox").path)
print(list(sb.ledger()["name"]))
"""


def test_from_a_read_only_course_folder_the_sandbox_goes_home_and_the_setup_cell_says_where(learner):
    before = _listing(learner.course)
    result = learner(REPLAY)
    assert result.returncode == 0, result.stderr
    place = learner.home / "djmig-sandboxes" / "sandboxes" / "00"
    said, *replayed, path, opened, ledger = result.stdout.splitlines()
    assert said == (f"{str(learner.course)!r} cannot be written, so 'sandboxes/00' is in {str(place)!r} "
                    f"(set DJMIG_SANDBOXES to move it)")
    assert replayed[0] == "Replayed notebooks 01–03 (10 steps) into sandboxes/00/djsandbox:"  # as the notebook names it
    assert path == opened == str(place / "djsandbox")
    assert "0002_added_Book_model" in ledger
    assert _listing(learner.course) == before


def test_the_instructor_chooses_the_place_with_djmig_sandboxes(learner):
    chosen = learner.home / "scratch"
    result = learner(REPLAY, env={"DJMIG_SANDBOXES": str(chosen)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-3] == str(chosen / "sandboxes" / "00" / "djsandbox")
    assert not (learner.home / "djmig-sandboxes").exists()


def test_where_nothing_can_be_written_one_line_names_both_folders_and_the_fix(learner):
    learner.home.chmod(0o555)
    result = learner("from djmig_kernel import Sandbox\nSandbox.create('sandboxes/01')")
    assert result.returncode == 1
    *_, last = result.stderr.splitlines()
    assert last == (f"djmig_kernel.exceptions.ReadOnlyFolderError: cannot write 'sandboxes/01' here "
                    f"({str(learner.course)!r} is read-only) nor in "
                    f"{str(learner.home / 'djmig-sandboxes' / 'sandboxes' / '01')!r}; "
                    f"set DJMIG_SANDBOXES to a folder you can write")


def test_an_absolute_root_that_cannot_be_written_is_refused_in_one_line(learner):
    result = learner(f"from djmig_kernel import Sandbox\nSandbox.create({str(learner.course / 'mine')!r})")
    assert result.stderr.splitlines()[-1] == (
        f"djmig_kernel.exceptions.ReadOnlyFolderError: cannot write in {str(learner.course)!r}; "
        f"choose a root folder you can write")
    assert not (learner.home / "djmig-sandboxes").exists()


def test_a_writable_folder_keeps_its_sandboxes_beside_the_notebooks(learner):
    learner.course.chmod(0o777)
    result = learner("from djmig_kernel import Sandbox\nprint(Sandbox.create('sandboxes/01').path)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [str(learner.course / "sandboxes" / "01" / "djsandbox")]
    assert not (learner.home / "djmig-sandboxes").exists()


def test_two_learners_never_share_a_sandbox(learner):
    """Two homes, the same course folder, at the same time: each learner's sandbox is in their own home."""
    other = learner.top / "other-home"
    other.mkdir()
    code = "from djmig_kernel import replay\nprint(replay('sandboxes/00', through='02').path)"
    env = {"PATH": os.environ["PATH"]}
    first = subprocess.Popen(_as_learner(code), cwd=learner.course, env={**env, "HOME": str(learner.home)},
                             stdout=subprocess.PIPE, text=True)
    second = subprocess.Popen(_as_learner(code), cwd=learner.course, env={**env, "HOME": str(other)},
                              stdout=subprocess.PIPE, text=True)
    paths = [process.communicate(timeout=120)[0].splitlines()[-1] for process in (first, second)]
    assert paths == [str(home / "djmig-sandboxes" / "sandboxes" / "00" / "djsandbox") for home in (learner.home, other)]
    assert _listing(learner.course) == ["README"]


def _as_learner(code):
    return [*AS_LEARNER, sys.executable, "-c", code]
