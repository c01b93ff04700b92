"""migrate's safety net on SQLite: a snapshot on disk, put back whole on failure, never over another program's write."""

import contextlib
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import tracemalloc
from pathlib import Path

import pytest
from helpers import files_digest, kill_kernel, migration_file, start_kernel, wait_for

from djmig_kernel import exceptions as exc
from djmig_kernel.database.sqlite import guard as sqliteguard, snapshot
from djmig_kernel.database.sqlite.guard import restored_on_error

# 0004 adds a column and is committed; 0005 fails: Django leaves the plan half done.
YEAR = 'migrations.AddField("book", "year", models.IntegerField(default=0))'
FAIL = 'migrations.RunSQL("SELECT no_such_function()")'
# Another program's write, made while migrate runs (0005 is not atomic, so the database is not locked then).
OTHER_WRITE = '''
import subprocess, sys


def other_program(apps, schema_editor):
    subprocess.run([sys.executable, "-c", "import sqlite3; c = sqlite3.connect('db.sqlite3'); "
                    "c.execute(\\"INSERT INTO books_genre (name) VALUES ('poetry')\\"); c.commit()"], check=True)
'''


def _plan(sb, *operations, preamble="", atomic=True):
    """Add books.0004_year (it succeeds) and books.0005_fail (OPERATIONS, then an error) to SB."""
    folder = sb.path / "books/migrations"
    (folder / "0004_year.py").write_text(migration_file([("books", "0003_merge")], YEAR))
    source = migration_file([("books", "0004_year")], *operations, FAIL, preamble=preamble)
    (folder / "0005_fail.py").write_text(source + ("" if atomic else "    atomic = False\n"))


@pytest.fixture
def own_temp(tmp_path, monkeypatch):
    """The kit's temp files (the ledger) go to a folder of this test's, to see that none is left."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


# 0005 sleeps (its RunPython holds no lock) or is killed by a signal; 0006 makes a table
SLEEP = "migrations.RunPython(lambda apps, schema_editor: time.sleep({}), migrations.RunPython.noop)"
KILL = "migrations.RunPython(lambda apps, schema_editor: os.kill(os.getpid(), signal.SIGKILL))"
NOTE = "migrations.RunSQL('CREATE TABLE djmig_note (x int)', 'DROP TABLE djmig_note')"


def _slow_plan(sb, operation):
    """Add books.0004_year, books.0005_slow (OPERATION) and books.0006_note to SB."""
    folder = sb.path / "books/migrations"
    (folder / "0004_year.py").write_text(migration_file([("books", "0003_merge")], YEAR))
    (folder / "0005_slow.py").write_text(migration_file([("books", "0004_year")], operation,
                                                        preamble="import os, signal, time"))
    (folder / "0006_note.py").write_text(migration_file([("books", "0005_slow")], NOTE))


def _applied(sb):
    with contextlib.closing(sqlite3.connect(sb.db_path)) as connection:
        return connection.execute(
            "SELECT id, name, applied FROM django_migrations WHERE app = 'books' ORDER BY id").fetchall()


def _migrating(sb, own_temp):
    """Start a kernel migrating SB (its temp folder OWN_TEMP); return it once books.0005_slow sleeps."""
    _slow_plan(sb, SLEEP.format(2))
    log = own_temp.parent / "kernel.log"
    kernel = start_kernel(sb, log, env={"TMPDIR": str(own_temp)})
    wait_for(lambda: "0004_year" in str(_applied(sb)) or kernel.poll() is not None, "migrate to reach 0005_slow")
    assert kernel.poll() is None, log.read_text()
    return kernel


def _open_anywhere(path):
    """Return True if a process has the file PATH open."""
    for fd in Path("/proc").glob("[0-9]*/fd/*"):
        try:
            if os.readlink(fd) == str(path):
                return True
        except OSError:
            pass
    return False


def _beside(sb):
    return sorted(p.name for p in sb.db_path.parent.iterdir() if p.name.startswith((".db", "db.")))


def test_a_failed_plan_puts_a_big_file_back_without_holding_it_in_memory(library, own_temp):
    """A 100 MB file: the kernel's Python allocations stay near the copy's 1 MiB chunk; the file is back byte
    for byte, with its mode, and nothing is left beside it or in the temp folder."""
    with sqlite3.connect(library.db_path) as connection:
        connection.execute("CREATE TABLE ballast (data BLOB)")
        connection.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) "
                           "INSERT INTO ballast SELECT zeroblob(1000000) FROM n")
    assert library.db_path.stat().st_size > 100_000_000
    library.db_path.chmod(0o640)
    _plan(library, "migrations.RunSQL('CREATE TABLE djmig_note (x int)')")
    before = files_digest(library.path)
    tracemalloc.start()
    try:
        with pytest.raises(exc.CommandError, match="no such function: no_such_function"):
            library.migrate("books")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10_000_000, f"the safety net held {peak / 1e6:.0f} MB"
    assert files_digest(library.path) == before
    assert stat.S_IMODE(library.db_path.stat().st_mode) == 0o640
    assert _beside(library) == ["db.sqlite3"]
    assert list(own_temp.iterdir()) == []


@pytest.mark.parametrize("later", [False, True], ids=["last-write", "django-writes-after"])
def test_a_failed_plan_is_not_put_back_over_another_programs_write(library, own_temp, later):
    """Another process adds a genre while migrate runs, then migrate fails: the kit refuses, in one line, to
    undo that write; the genre and 0004 stay. LATER: Django writes again after it (its data_version shows it)."""
    after = ["migrations.RunSQL('CREATE TABLE djmig_note (x int)')"] if later else []
    _plan(library, "migrations.RunPython(other_program)", *after, preamble=OTHER_WRITE, atomic=False)
    with pytest.raises(exc.DatabaseChangedError) as caught:
        library.migrate("books")
    assert str(caught.value) == (
        "`python manage.py migrate books` failed and db.sqlite3 was not put back: another program wrote to it "
        "while migrate ran, and putting it back would undo that; check db.sqlite3 by hand (sb.ledger() shows "
        "what is applied); migrate failed in books.0005_fail: it was rolled back and is not recorded in "
        "django_migrations; books.0004_year was applied and stays so (each migration is its own transaction); "
        "fix books.0005_fail and run migrate again, or migrate back to undo them")
    assert "poetry" in set(library.table("books_genre")["name"])
    assert ("books", "0004_year") in set(zip(library.ledger()["app"], library.ledger()["name"]))
    assert _beside(library) == ["db.sqlite3"]
    assert list(own_temp.iterdir()) == []


def test_without_room_for_the_snapshot_nothing_runs(library, monkeypatch):
    """A disk too full for the copy (as its free space reports it): one line before Django starts."""
    _plan(library)
    monkeypatch.setattr(sqliteguard, "free_bytes", lambda folder: 1000)
    before = files_digest(library.path)
    size = library.db_path.stat().st_size
    with pytest.raises(exc.DiskSpaceError) as caught:
        library.migrate("books")
    assert str(caught.value) == (
        f"`python manage.py migrate books` not run: the kit first copies db.sqlite3 ({size / 2**20:.1f} MB) to "
        f"put it back if migrate fails, and its disk has 0.0 MB free; free {(size - 1000) / 2**20:.1f} MB more "
        f"and run again")
    assert files_digest(library.path) == before


@pytest.mark.parametrize("unnamed", [True, False], ids=["unnamed-file", "hidden-file"])
def test_the_snapshot_is_removed_when_the_body_is_interrupted(library, own_temp, monkeypatch, unnamed):
    """KeyboardInterrupt inside the guard: the copy goes (a hidden one beside the database while it lasts)."""
    if not unnamed:
        monkeypatch.setattr(snapshot, "_UNNAMED", None)
    elif snapshot._UNNAMED is None:
        pytest.skip("no unnamed files on this system")
    before = files_digest(library.path)
    with pytest.raises(KeyboardInterrupt), restored_on_error(library.db_path, ["migrate"]) as launch:
        assert launch["env"]["DJMIG_DATABASE"] == os.path.realpath(library.db_path)
        hidden = [name for name in _beside(library) if name.startswith(".db.sqlite3.djmig-")]
        assert len(hidden) == (0 if unnamed else 1)
        raise KeyboardInterrupt
    assert files_digest(library.path) == before
    assert _beside(library) == ["db.sqlite3"]
    assert list(own_temp.iterdir()) == []


def test_a_database_in_wal_mode_is_not_copied_and_the_error_says_what_stays(library):
    """WAL mode: the file change counter does not count commits, so the kit keeps no copy and says what stays."""
    with sqlite3.connect(library.db_path) as connection:
        assert connection.execute("PRAGMA journal_mode=WAL").fetchone() == ("wal",)
    _plan(library)
    with pytest.raises(exc.CommandError) as caught:
        library.migrate("books")
    assert str(caught.value).startswith(
        "`python manage.py migrate books` failed: migrate failed in books.0005_fail (")
    assert "books.0004_year was applied and stays so" in str(caught.value)
    assert "year" in set(library.schema("books_book")["column"])


def test_the_transcript_of_a_failed_migrate_is_what_manage_py_prints(library):
    """manage.py runs under the kit's note-taker, yet its traceback is the one `python manage.py migrate` prints."""
    _plan(library)
    with pytest.raises(exc.CommandError) as caught:
        library.migrate("books")
    plain = subprocess.run([sys.executable, "manage.py", "migrate", "books"], cwd=library.path,
                           capture_output=True, text=True, check=False,
                           env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    assert "Traceback (most recent call last):" in plain.stderr
    assert caught.value.result.stderr == plain.stderr
    assert caught.value.result.stdout == plain.stdout


def test_what_a_killed_kernel_left_goes_and_nothing_of_a_live_ones(library, own_temp, tmp_path):
    """SIGKILL a kernel while its migrate runs; that migrate goes on and commits, and a row is written after it.
    The next migrate keeps them, runs only what is left, and removes the dead run's note-taking file in the temp
    folder, not the one another guard (of another database) is using now."""
    kernel = _migrating(library, own_temp)
    kill_kernel(kernel)
    wait_for(lambda: not _open_anywhere(library.db_path.resolve()), "the orphaned migrate to end")
    with contextlib.closing(sqlite3.connect(library.db_path)) as connection, connection:
        connection.execute("INSERT INTO books_genre (name) VALUES ('written after the kill')")
    committed = _applied(library)
    assert [name for _, name, _ in committed][-2:] in (["0004_year", "0005_slow"], ["0005_slow", "0006_note"])
    [left] = list(own_temp.glob("djmig-writes-*"))
    shutil.copy(library.db_path, tmp_path / "other.sqlite3")
    with restored_on_error(tmp_path / "other.sqlite3", ["migrate"]) as launch:
        library.migrate("books")
        assert list(own_temp.glob("djmig-writes-*")) == [Path(launch["env"]["DJMIG_WRITES"])] != [left]
    assert "written after the kill" in set(library.table("books_genre")["name"])
    assert _applied(library)[:len(committed)] == committed  # neither undone nor run again
    assert [name for _, name, _ in _applied(library)][-1] == "0006_note"
    assert list(own_temp.iterdir()) == []


def test_a_migrate_killed_by_a_signal_says_so_and_what_was_put_back(library, own_temp):
    _slow_plan(library, KILL)
    before = files_digest(library.path)
    with pytest.raises(exc.CommandKilled) as caught:
        library.migrate("books")
    assert str(caught.value) == ("`python manage.py migrate books` was killed by SIGKILL before it finished; "
                                 "db.sqlite3 was put back as it was before")
    assert files_digest(library.path) == before
    assert _beside(library) == ["db.sqlite3"] and list(own_temp.iterdir()) == []
