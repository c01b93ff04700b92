"""The fork server: a command forked from it prints, exits and sees what the same command started cold does."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from djmig_kernel import exceptions as exc
from djmig_kernel.commands import forkserver
from djmig_kernel.commands.runner import run
from helpers import stopped_within

# What a Python process knows of how it was started, printed as JSON.
SELF = """
import json, os, sys
print(json.dumps({"argv": sys.argv, "path0": sys.path[0], "cwd": os.getcwd(), "main": __name__,
                  "file": globals().get("__file__"), "env": os.environ.get("DJMIG_PROBE_VALUE"),
                  "parent": os.getppid(), "group": os.getpgid(0) == os.getpid(), "bytecode": sys.dont_write_bytecode,
                  "django": "django.db.models" in sys.modules}))
"""


def both(monkeypatch, args, cwd, **kwargs):
    """Return (forked, cold): the CommandResults of ARGS run by the fork server and started cold."""
    forked = run(args, cwd, 60, **kwargs)
    with monkeypatch.context() as patch:
        patch.setenv("DJMIG_FORK_SERVER", "0")
        cold = run(args, cwd, 60, **kwargs)
    return forked, cold


@pytest.fixture
def script(tmp_path):
    (tmp_path / "manage.py").write_text(SELF)
    return tmp_path


def test_a_script_sees_the_argv_path_folder_and_environment_of_a_cold_start(monkeypatch, script):
    forked, cold = both(monkeypatch, ["manage.py", "migrate", "--plan"], script, env={"DJMIG_PROBE_VALUE": "x"})
    seen, cold_seen = json.loads(forked.stdout), json.loads(cold.stdout)
    assert seen.pop("parent") != os.getpid() and cold_seen.pop("parent") == os.getpid()  # forked, and cold
    assert seen.pop("django") and not cold_seen.pop("django")  # what the server imported once
    assert seen == cold_seen
    assert seen["argv"] == ["manage.py", "migrate", "--plan"] and seen["env"] == "x" and seen["group"]
    # The transcript names files under the command's folder from there (runner.from_folder).
    assert seen["file"] == "manage.py" and seen["path0"] == str(script)


def test_code_and_a_module_see_what_they_see_cold(monkeypatch, tmp_path):
    for args in (["-c", SELF, "one", "two"], ["-m", "json.tool", "--help"]):
        forked, cold = both(monkeypatch, args, tmp_path)
        if args[0] == "-c":
            seen, cold_seen = json.loads(forked.stdout), json.loads(cold.stdout)
            for key in ("parent", "django"):
                seen.pop(key), cold_seen.pop(key)
            assert seen == cold_seen and seen["argv"] == ["-c", "one", "two"] and seen["path0"] == ""
        else:
            assert (forked.stdout, forked.stderr, forked.returncode) == (cold.stdout, cold.stderr, cold.returncode)


@pytest.mark.parametrize("body, code", [
    ("import sys; sys.exit(3)", 3),
    ("import sys; sys.exit('a message')", 1),
    ("raise ValueError('uncaught')", 1),
    ("import os, signal; os.kill(os.getpid(), signal.SIGTERM)", -15),
    ("import atexit; atexit.register(print, 'at exit'); print('body')", 0),
    ("import sys; print(input('typed? ')); print(repr(sys.stdin.read()))", 0),
])
def test_output_and_exit_codes_are_a_cold_starts(monkeypatch, tmp_path, body, code):
    (tmp_path / "manage.py").write_text(textwrap.dedent(body) + "\n")
    kwargs = {"input": "first line\nsecond\n"} if "stdin" in body else {}
    forked, cold = both(monkeypatch, ["manage.py"], tmp_path, **kwargs)
    assert forked.returncode == cold.returncode == code
    assert forked.stdout == cold.stdout
    assert forked.stderr.replace(str(tmp_path), "") == cold.stderr.replace(str(tmp_path), "")


def test_a_command_past_its_timeout_is_killed_with_what_it_started(tmp_path):
    (tmp_path / "manage.py").write_text(
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        "print(child.pid, flush=True)\ntime.sleep(60)\n")
    with pytest.raises(exc.CommandTimeout, match=r"ran past its 2 s timeout") as stopped:
        run(["manage.py"], tmp_path, 2)
    assert stopped_within(int(stopped.value.result.stdout.split()[0]), 10)


def test_other_interpreter_settings_get_a_server_started_with_them(script, tmp_path):
    """PYTHONPATH (and the other PYTHON* variables) are read when Python starts: a server started with them forks it."""
    extra = tmp_path.parent / f"{tmp_path.name}-extra"  # outside the folder (the transcript names it from there)
    seen = json.loads(run(["-c", SELF + "print(json.dumps(sys.path))"], script, 60,
                          env={"PYTHONPATH": str(extra)}).stdout.splitlines()[-1])
    assert str(extra) in seen
    assert len(forkserver._SERVERS) <= forkserver.KEPT


def test_a_command_forked_with_the_server_turned_off_starts_cold(monkeypatch, script):
    monkeypatch.setenv("DJMIG_FORK_SERVER", "0")
    assert json.loads(run(["manage.py"], script, 60).stdout)["parent"] == os.getpid()


def test_the_server_stops_when_the_kernel_that_started_it_is_killed(script):
    code = ("from djmig_kernel.commands.runner import run; from djmig_kernel.commands import forkserver; "
            f"import time; run(['manage.py'], {str(script)!r}, 60); "
            "print(*[p.pid for p, _ in forkserver._SERVERS.values()], flush=True); time.sleep(60)")
    kernel = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    pid = int(kernel.stdout.readline())
    kernel.kill()
    kernel.wait()
    assert stopped_within(pid, 20)


def test_a_server_that_died_is_started_again(script):
    run(["manage.py"], script, 60)
    for process, _ in forkserver._SERVERS.values():
        process.kill()
        process.wait()
    seen = json.loads(run(["manage.py"], script, 60).stdout)
    assert seen["parent"] != os.getpid()
