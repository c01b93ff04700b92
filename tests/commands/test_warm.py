"""The warm probe: one Django process per project answers as a cold run does, and is never stale."""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

import pytest

from djmig_kernel import Sandbox
from djmig_kernel import exceptions as exc
from djmig_kernel.commands import warm
from djmig_kernel.commands.probe import query
from djmig_kernel.sandbox import MARKER
from helpers import AUTHOR, AUTHOR_BIO, rewrite_keeping_time, stopped_within

REQUESTS = [("graph",), ("plan", "authors", "zero", "--sql"), ("sql", "books", "zero"), ("state",),
            ("state", "books", "0001_initial"), ("check",), ("check", "books")]


def cold(monkeypatch, project, *argv):
    with monkeypatch.context() as patch:
        patch.setenv("DJMIG_WARM_PROBE", "0")
        return query(project, *argv)


def test_every_request_answers_as_a_cold_run_does(library, monkeypatch):
    for argv in REQUESTS:
        assert query(library.path, *argv) == cold(monkeypatch, library.path, *argv), argv
    assert warm.running(library.path)


def test_one_server_answers_request_after_request(library):
    library.graph()
    pid = warm.running(library.path)
    library.check()
    library.plan("books", "zero")
    assert warm.running(library.path) == pid


def test_the_ledger_is_read_afresh_for_every_answer(library):
    assert ("books", "0002_book_pages") in library.graph().applied
    library.manage("migrate", "books", "0001")
    assert ("books", "0002_book_pages") not in library.graph().applied


def test_a_change_to_models_py_within_the_same_tick_and_size_is_seen(library):
    """Two edits of the same size within one tick of a coarse file-system clock leave the same time and size
    (set here as such a clock leaves them): the file's contents tell them apart."""
    models = library.path / "authors" / "models.py"
    library.write_models("authors", AUTHOR + AUTHOR_BIO.replace("bio", "bi1"))
    first = library.check("authors")
    tick = models.stat().st_mtime_ns
    library.write_models("authors", AUTHOR + AUTHOR_BIO.replace("bio", "bi2"))
    os.utime(models, ns=(tick, tick))
    second = library.check("authors")
    assert "bi1" in first["detail"][0] and "bi2" in second["detail"][0]


def test_a_new_migration_file_restarts_the_server(library):
    library.graph()
    pid = warm.running(library.path)
    library.write_models("authors", AUTHOR + AUTHOR_BIO + "    born = models.IntegerField(null=True)\n")
    library.makemigrations("authors")
    (made,) = library.path.glob("authors/migrations/0003_*.py")
    assert ("authors", made.stem) in library.graph().nodes
    assert warm.running(library.path) != pid


def test_a_server_that_died_is_started_again(library):
    library.graph()
    os.kill(warm.running(library.path), signal.SIGKILL)
    time.sleep(0.1)
    assert ("books", "0002_book_pages") in library.graph().nodes


def test_a_server_killed_between_requests_is_started_again_and_the_request_answered(library):
    """Asked at once: the kernel is not told yet that it died (its fork server says so a moment later)."""
    for _ in range(3):
        library.graph()
        pid = warm.running(library.path)
        os.kill(pid, signal.SIGKILL)
        assert library.plan("books", "zero")["migration"].iloc[0] == "books.0003_merge"
        assert warm.running(library.path) not in (None, pid)


def test_a_server_killed_while_answering_twice_in_a_row_says_so_in_one_line(library):
    """migrate imports every app's management module first: here one kills the server whose child imports it."""
    starts = library.path / "starts.log"
    (library.path / "books" / "management").mkdir()
    (library.path / "books" / "management" / "__init__.py").write_text(
        f"import os, signal\nopen({str(starts)!r}, 'a').write('x')\nos.kill(os.getppid(), signal.SIGKILL)\n")
    library.graph()  # graph imports no management module: this server answers
    with pytest.raises(exc.CommandKilled, match=r"^`djmig probe plan books zero` failed: the warm probe's Django "
                       r"process and the one started anew were killed by SIGKILL while answering; ask again") as error:
        library.plan("books", "zero")
    assert "\n" not in str(error.value)
    assert starts.read_text() == "xx"  # asked twice, never more
    assert warm.running(library.path) is None


def test_a_models_py_copied_with_its_size_and_time_kept_is_seen(library):
    """A time an hour old: the contents of a file changed in the last seconds only are compared."""
    models = library.path / "authors" / "models.py"
    library.write_models("authors", AUTHOR + AUTHOR_BIO.replace("bio", "bi1"))
    hour_ago = time.time_ns() - 3600 * 10**9
    os.utime(models, ns=(hour_ago, hour_ago))
    first = library.check("authors")
    rewrite_keeping_time(models, models.read_text().replace("bi1", "bi2"))
    second = library.check("authors")
    assert "bi1" in first["detail"][0] and "bi2" in second["detail"][0]


def test_settings_that_read_the_environment_follow_it(library, monkeypatch):
    """DB_NAME changed in the kernel: the warm probe and the kernel's readers read the database it names now, as a
    cold ``python -m djmig_kernel check`` does."""
    (library.path / MARKER).unlink()  # a learner's own project: its settings are read by its Django
    settings = library.path / "library" / "settings.py"
    settings.write_text("import os\n" + settings.read_text().replace(
        "BASE_DIR / 'db.sqlite3'", "BASE_DIR / os.environ.get('DB_NAME', 'db.sqlite3')"))
    shutil.copy(library.db_path, library.path / "other.sqlite3")
    with sqlite3.connect(library.path / "other.sqlite3") as connection:
        connection.execute("DELETE FROM django_migrations WHERE app = 'books' AND name = '0003_merge'")
    monkeypatch.setenv("DB_NAME", "db.sqlite3")
    assert library.check().empty
    monkeypatch.setenv("DB_NAME", "other.sqlite3")
    warm_rows = library.check().to_dict("records")
    cold = subprocess.run([sys.executable, "-m", "djmig_kernel", "check", str(library.path), "--json"],
                          capture_output=True, text=True)
    assert warm_rows == json.loads(cold.stdout)
    assert [row["subject"] for row in warm_rows] == ["books.0003_merge"]
    assert library.db_path.name == "other.sqlite3"


def test_a_request_past_its_timeout_stops_the_server_and_says_so(library):
    """migrate imports every app's management module first: one that hangs holds the plan request."""
    (library.path / "books" / "management").mkdir()
    (library.path / "books" / "management" / "__init__.py").write_text("import time\ntime.sleep(60)\n")
    library.graph()
    pid = warm.running(library.path)
    with pytest.raises(exc.CommandTimeout, match=r"^`djmig probe plan books zero` ran past its 3 s timeout"):
        library.plan("books", "zero", timeout=3)
    assert warm.running(library.path) is None
    assert stopped_within(pid, 5)


def test_a_settings_error_is_the_error_a_cold_run_gives(library, monkeypatch):
    settings = library.path / "library" / "settings.py"
    settings.write_text(settings.read_text() + "\nINSTALLED_APPS += ['no_such_app']\n")
    with pytest.raises(exc.DjmigError) as warm_error:
        query(library.path, "graph")
    with pytest.raises(exc.DjmigError) as cold_error:
        cold(monkeypatch, library.path, "graph")
    assert type(warm_error.value) is type(cold_error.value)
    assert str(warm_error.value) == str(cold_error.value)
    assert "no_such_app" in str(warm_error.value)


def test_close_and_the_context_manager_stop_it(library):
    library.graph()
    library.close()
    assert warm.running(library.path) is None
    with library as sb:
        sb.graph()
        assert warm.running(sb.path)
    assert warm.running(library.path) is None


def test_a_few_servers_are_kept_the_one_asked_longest_ago_stops(built, tmp_path):
    projects = [Sandbox.open(shutil.copytree(built("shelf"), tmp_path / f"shelf{n}")) for n in range(warm.KEPT + 1)]
    for sb in projects:
        sb.graph()
    assert warm.running(projects[0].path) is None
    assert all(warm.running(sb.path) for sb in projects[1:])
    projects[0].graph()
    assert warm.running(projects[0].path) and warm.running(projects[1].path) is None


def test_the_server_stops_when_the_kernel_that_started_it_is_killed(library, tmp_path):
    """It leaves nothing in the temporary folder, while it runs or after: the killed kernel could remove nothing."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    code = ("from djmig_kernel import Sandbox; from djmig_kernel.commands import warm; import sys, time; "
            f"sb = Sandbox.open({str(library.path)!r}); sb.graph(); print(warm.running(sb.path), flush=True); "
            "time.sleep(60)")
    kernel = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "TMPDIR": str(temporary)})
    pid = int(kernel.stdout.readline())
    assert list(temporary.iterdir()) == []
    kernel.kill()
    kernel.wait()
    assert stopped_within(pid, 20)
    assert list(temporary.iterdir()) == []


def test_a_temporary_folder_emptied_meanwhile_takes_no_answer_away(library, tmp_path, monkeypatch):
    """Another program empties the temporary folder between two requests (a cleaner of leftovers, or another
    kernel's): answers and errors still come back. They went through files there, and a child that found them
    gone failed with no word of why ("`djmig probe graph` failed: no error message")."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    library.graph()
    for entry in temporary.iterdir():
        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    assert ("books", "0003_merge") in library.graph().nodes
    with pytest.raises(exc.CommandError, match=r"^`djmig probe nonsense` failed: unknown probe request \['nonsense'\]"):
        query(library.path, "nonsense")  # an error the child prints on its stderr


def _management(library, code):
    """Give the app books a management module running CODE: every request that stands for migrate imports it."""
    (library.path / "books" / "management").mkdir()
    (library.path / "books" / "management" / "__init__.py").write_text(code)


def test_a_child_killed_while_answering_says_so_in_one_line(library):
    """Here the child kills itself, as the system's out-of-memory killer or a kill would: the server lives on,
    and the error names the signal (it said "failed: no error message")."""
    _management(library, "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n")
    library.graph()
    pid = warm.running(library.path)
    with pytest.raises(exc.CommandKilled, match=r"^`djmig probe plan books zero` was killed by SIGKILL before it "
                                                r"finished$"):
        library.plan("books", "zero")
    assert warm.running(library.path) == pid


def test_a_child_that_exits_without_a_word_says_its_exit_code(library):
    _management(library, "import os\nos._exit(3)\n")
    with pytest.raises(exc.CommandError, match=r"^`djmig probe plan books zero` exited with code 3 and printed no "
                                               r"error$"):
        library.plan("books", "zero")


def test_a_migration_file_edited_in_place_is_seen(library):
    assert "Undo Add field pages to book" in library.plan("books", "0001")["operation"].tolist()
    migration = library.path / "books" / "migrations" / "0002_book_pages.py"
    migration.write_text(migration.read_text().replace('name="pages"', 'name="leaves"').replace("name='pages'", "name='leaves'"))
    assert "Undo Add field leaves to book" in library.plan("books", "0001")["operation"].tolist()


def test_a_deleted_migration_file_is_seen(library):
    library.graph()
    (library.path / "books" / "migrations" / "0003_merge.py").unlink()
    assert ("books", "0003_merge") not in library.graph().nodes


def test_a_ledger_row_deleted_by_hand_is_seen(library):
    assert ("books", "0003_merge") in library.graph().applied
    with sqlite3.connect(library.db_path) as connection:
        connection.execute("DELETE FROM django_migrations WHERE app = 'books' AND name = '0003_merge'")
    assert ("books", "0003_merge") not in library.graph().applied
    assert library.check("books")["kind"].tolist() == ["pending"]


def test_a_swapped_database_is_seen(library, built, tmp_path):
    """The database file replaced by another one (a copy migrated back to books.0001): answers follow it."""
    library.graph()
    other = Sandbox.open(shutil.copytree(built("library"), tmp_path / "other" / "library"))
    other.manage("migrate", "books", "0001")
    shutil.copy(other.db_path, library.db_path)
    assert ("books", "0002_book_pages") not in library.graph().applied


def test_two_kernels_on_one_project_each_have_their_own_probe(library):
    code = ("from djmig_kernel import Sandbox; from djmig_kernel.commands import warm; "
            f"sb = Sandbox.open({str(library.path)!r}); sb.graph(); print(warm.running(sb.path))")
    kernels = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) for _ in range(2)]
    pids = [int(kernel.communicate(timeout=120)[0]) for kernel in kernels]
    assert pids[0] != pids[1] and all(pids)


def _parent(pid):
    return int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1])


def test_the_server_is_forked_from_the_fork_server_and_answers_as_one_started_anew(library, monkeypatch):
    forked = library.graph()
    assert _parent(warm.running(library.path)) != os.getpid()
    library.close()
    monkeypatch.setenv("DJMIG_FORK_SERVER", "0")
    cold = library.graph()
    assert _parent(warm.running(library.path)) == os.getpid()
    assert forked.nodes == cold.nodes and forked.applied == cold.applied
