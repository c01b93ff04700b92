"""migrate's guard on the kit's PostgreSQL server: it puts back only the copy it made, whatever a killed kernel left."""

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from fixes import command_of, in_terminal
from helpers import kill_kernel, migration_file, start_kernel, wait_for
from pgfixtures import psql

from djmig_kernel import Sandbox
from djmig_kernel.database.postgresql import server
from djmig_kernel.database.postgresql.guard import cloned
from djmig_kernel.exceptions import CommandKilled, DatabaseBusyError, DiskSpaceError

# 0003 makes a table of its own (RunSQL: check() does not look at it), 0004 sleeps, 0005 writes a row
NOTE = 'migrations.RunSQL("CREATE TABLE app_note (id serial PRIMARY KEY, body text)", "DROP TABLE app_note")'
SLEEP = 'migrations.RunSQL("SELECT pg_sleep({})", migrations.RunSQL.noop)'
ROW = 'migrations.RunSQL("INSERT INTO app_note (body) VALUES (\'0005\')", migrations.RunSQL.noop)'
KILL = 'migrations.RunPython(lambda apps, schema_editor: os.kill(os.getpid(), signal.SIGKILL))'


def add_plan(sb, *last, sleep=2):
    """Add app.0003_note, app.0004_sleep (SLEEP seconds) and app.0005_last (LAST: its operations) to SB."""
    folder = sb.path / "app" / "migrations"
    (folder / "0003_note.py").write_text(migration_file([("app", "0002_added_Book_model")], NOTE))
    (folder / "0004_sleep.py").write_text(migration_file([("app", "0003_note")], SLEEP.format(sleep)))
    (folder / "0005_last.py").write_text(migration_file([("app", "0004_sleep")], *(last or [ROW]),
                                                         preamble="import os, signal"))


def names(settings):
    return set(psql(settings, "SELECT datname FROM pg_database", db="postgres").split())


def sessions(settings, name, where="true"):
    return int(psql(settings, f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{name}' AND {where}",
                    db="postgres"))


def migrating(sb, settings, tmp_path):
    """Start a kernel migrating SB; return it once its migrate sleeps in app.0004_sleep, the guard's copy made."""
    kernel = start_kernel(sb, tmp_path / "kernel.log")
    name = sb._database().name
    wait_for(lambda: sessions(settings, name, "query LIKE 'SELECT pg_sleep%' AND state = 'active'") or
             kernel.poll() is not None, "the kernel's migrate to reach app.0004_sleep")
    assert kernel.poll() is None, (tmp_path / "kernel.log").read_text()
    return kernel, name, f"{name}__djmig_before"


def app_ledger(sb):
    ledger = sb.ledger()
    return ledger[ledger["app"] == "app"].astype(str).values.tolist()


def test_a_copy_a_killed_kernel_left_is_named_and_removed_never_put_back(pg_copy, pg_settings, tmp_path, capsys):
    """SIGKILL the kernel while its migrate runs: that migrate goes on and commits; a row is written after. The
    next migrate does not put the dead guard's copy back over them: check() and the ledger name it, migrate
    says in one line that it removed it, and runs only what is left."""
    sb = pg_copy(own=True)
    add_plan(sb)
    kernel, name, copy = migrating(sb, pg_settings, tmp_path)
    kill_kernel(kernel)
    wait_for(lambda: not sessions(pg_settings, name), "the orphaned migrate to end")
    psql(pg_settings, "INSERT INTO app_note (body) VALUES ('written after the kill')", db=name)
    committed = app_ledger(sb)
    assert [row[2] for row in committed][-2:] in (["0003_note", "0004_sleep"], ["0004_sleep", "0005_last"])
    assert copy in names(pg_settings)

    found = sb.check()
    assert found[["kind", "app", "subject"]].values.tolist()[0] == ["leftover-copy", None, copy]
    assert set(found["kind"][1:]) <= {"pending"}  # 0005, unless the orphaned migrate got to it
    assert found["fix"][0] == f"python manage.py dbshell -- -c 'DROP DATABASE \"{copy}\"'"
    assert copy in sb.ledger().note
    capsys.readouterr()
    sb.migrate()
    assert capsys.readouterr().out == (
        f"{copy}, the copy of {name!r} left by a migrate that was stopped (its kernel died), was removed, not put "
        f"back: {name!r} keeps every change made since\n")
    assert "written after the kill" in set(sb.table("app_note")["body"])
    assert app_ledger(sb)[:len(committed)] == committed  # the orphaned migrate's work is neither undone nor run again
    assert [row[2] for row in app_ledger(sb)][-1] == "0005_last"
    assert copy not in names(pg_settings)
    assert sb.check().empty and sb.ledger().note is None


def test_a_live_guards_copy_is_neither_put_back_nor_removed(pg_copy, pg_settings):
    """While another guard's migrate runs, its copy is its own: a second migrate is refused in one line, check()
    does not call the copy left over, and the DROP that check() gives for a copy left over fails."""
    sb = pg_copy(own=True)
    database = sb._database()
    copy = f"{database.name}__djmig_before"
    with cloned(database, ["migrate"]):  # another kernel's guard, its migrate running
        # PostgreSQL's DROP waits 5 s for the sessions on the copy to leave, then refuses
        drop = subprocess.Popen([str(server.bin_dir() / "psql"), "-X", "-h", pg_settings["HOST"], "-p",
                                 pg_settings["PORT"], "-U", "postgres", "-d", database.name, "-c",
                                 f'DROP DATABASE "{copy}"'], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        with pytest.raises(DatabaseBusyError) as caught:
            sb.migrate()
        assert str(caught.value) == (
            f"`python manage.py migrate` not run: another sb.migrate() (in another kernel) is running on database "
            f"{database.name!r}, and the kit keeps one copy of it at a time; wait for it to finish and run again")
        assert "leftover-copy" not in set(sb.check()["kind"]) and sb.ledger().note is None
        assert drop.wait(30) and "is being accessed by other users" in drop.stderr.read()
        assert copy in names(pg_settings)
    assert copy not in names(pg_settings)


def test_the_fix_check_gives_removes_a_copy_left_over(pg_copy, pg_settings):
    """A copy nobody owns (what a guard that died leaves): the fix line, run in a terminal, removes it."""
    sb = pg_copy(own=True)
    name = sb._database().name
    psql(pg_settings, f'CREATE DATABASE "{name}__djmig_before" TEMPLATE "{name}"', db="postgres")
    [fix] = sb.check()["fix"]
    in_terminal(sb)(command_of(fix))
    assert sb.check().empty and f"{name}__djmig_before" not in names(pg_settings)


def test_a_migrate_killed_by_a_signal_says_so_and_what_was_put_back(pg_copy):
    sb = pg_copy(own=True)
    add_plan(sb, KILL, sleep=0)
    before = sb.ledger().values.tolist()
    with pytest.raises(CommandKilled) as caught:
        sb.migrate()
    assert re.fullmatch(r"`python manage.py migrate` was killed by SIGKILL before it finished; database "
                        r"'copy_\d+_\d+' was put back as it was before", str(caught.value))
    assert sb.ledger().values.tolist() == before and "app_note" not in sb.tables()


def test_on_a_learners_server_a_migrate_killed_by_a_signal_says_what_stays(pg_copy):
    sb = pg_copy()
    add_plan(sb, KILL, sleep=0)
    with pytest.raises(CommandKilled) as caught:
        sb.migrate()
    assert str(caught.value) == (
        "`python manage.py migrate` failed: migrate failed in app.0005_last (killed by SIGKILL): it was rolled back "
        "and is not recorded in django_migrations; app.0003_note, app.0004_sleep were applied and stay so (each "
        "migration is its own transaction); run migrate again, or migrate back to undo them")


FILL = ("migrations.RunSQL(\"CREATE TABLE shop_fill AS SELECT repeat('y', 1000) AS data "
        "FROM generate_series(1, 100000)\", 'DROP TABLE shop_fill')")  # about 100 MB, and as much again of log


@pytest.fixture
def small_disk():
    """Return a folder on a 200 MB disk of its own (a tmpfs, mounted as root), removed with any server on it."""
    if os.geteuid() != 0:
        pytest.skip("a real full disk needs a small one of its own: mounting a tmpfs needs root")
    folder = Path(tempfile.mkdtemp(prefix="djmig-small-disk-"))  # outside pytest's folders: the server's user reads it
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200m,mode=755", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode:
        folder.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        for project in folder.iterdir():
            with contextlib.suppress(Exception):  # a server the full disk stopped already
                server.stop(project)
        subprocess.run(["umount", "--lazy", str(folder)], check=True)
        folder.rmdir()


def leave_free(folder, free):
    """Fill the disk of FOLDER with a file of its own (FOLDER/ballast) until FREE bytes are left."""
    ballast = folder / "ballast"
    ballast.unlink(missing_ok=True)
    with open(ballast, "wb") as file:
        os.posix_fallocate(file.fileno(), 0, shutil.disk_usage(folder).free - free)


def test_a_full_disk_stops_migrate_in_one_line_and_leaves_nothing_behind(small_disk):
    """The kit's server on a disk too full for the guard's copy: one line, before anything is copied. A disk with
    room for the copy but not for what migrate writes: one line, and once room is made the database is as it was
    and the next migrate removes any copy left."""
    sb = Sandbox.create(small_disk, "full", database="postgresql")
    sb.startapp("shop")
    (sb.path / "shop" / "migrations" / "0001_fill.py").write_text(migration_file([], FILL))
    settings = server.settings(sb.path)
    base = server.pgdata(sb.path) / "base"
    before = names(settings), sorted(os.listdir(base))

    leave_free(small_disk, 8 * 2**20)
    with pytest.raises(DiskSpaceError) as caught:
        sb.migrate()
    assert re.fullmatch(r"`python manage.py migrate` not run: the kit first copies database 'django' \(\d+\.\d MB; "
                        r"\d+\.\d MB of disk with its log\) to put it back if migrate fails, and its disk has \d\.\d "
                        r"MB free; free \d+\.\d MB more and run again", str(caught.value))
    assert (names(settings), sorted(os.listdir(base))) == before  # no copy, not even half of one
    assert server.running(sb.path) and sb.ledger().empty

    size = int(psql(settings, "SELECT pg_database_size('django')"))
    leave_free(small_disk, 2 * size + 24 * 2**20)  # room for the copy, not for shop.0001_fill
    with pytest.raises(DiskSpaceError) as caught:
        sb.migrate()
    # as the disk filled, the server either failed the statement (the copy is put back) or stopped
    assert re.fullmatch(r"`python manage.py migrate` failed.*(; database 'django' was put back as it was before|and "
                        r"database 'django' was not put back: its server's disk is full .*)", str(caught.value))
    (small_disk / "ballast").unlink()
    (sb.path / "shop" / "migrations" / "0001_fill.py").write_text(migration_file([]))
    sb = Sandbox.open(sb.path)  # the server again, if it stopped
    assert "shop_fill" not in sb.tables() and "shop" not in set(sb.ledger()["app"])
    sb.migrate()
    assert names(settings) == before[0] and "shop" in set(sb.ledger()["app"])
