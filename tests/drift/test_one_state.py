"""Each answer is true of one state the database was really in, while another process migrates it back and forth.

The other process flips ``migrate shop 0001`` / ``migrate shop 0002`` (0002 rewrites shop_book: a column's type
changes, one is added, and it makes shop_shelf). Django applies 0002 in one transaction (it has no deferred SQL)
but unapplies it in two, the schema and then the ledger row: the database is really in three states, at 0001, at
0002 and, for a moment, 0001's schema under 0002's ledger. An answer that joins a reading of the ledger with a
reading of the schema made at another moment matches none of them: 0002's tables under 0001's ledger (pending
and unexpected-column), a table counted after it was rewritten (0 rows of a table that always holds 7), a table
dropped between its name and its count ("relation does not exist").
"""

import contextlib
import signal
import sqlite3
import subprocess
import sys

import pytest

from djmig_kernel import DjmigError
from djmig_kernel import exceptions as exc

BOOK = """
class Book(models.Model):
    title = models.CharField(max_length=100)
    code = models.IntegerField(default=0)
"""
MORE = BOOK.replace("IntegerField", "BigIntegerField") + """    pages = models.IntegerField(default=0)


class Shelf(models.Model):
    name = models.CharField(max_length=50)
"""
# The other kernel: one Django, migrating back and forth with a pause between (as cells run one after another).
FLIP = """
import itertools, time
from django.core.management import call_command
for n in itertools.count():
    call_command("migrate", "shop", ("0001", "0002")[n % 2], verbosity=0)
    time.sleep(0.3)
"""


def _shop(sb):
    """Give SB the app shop, migrated to 0002, with 7 books."""
    sb.startapp("shop")
    sb.write_models("shop", BOOK)
    sb.makemigrations("shop")
    sb.write_models("shop", MORE)
    sb.makemigrations("shop", name="more")
    sb.manage("migrate", "shop")
    sb.shell("from shop.models import Book\nfor n in range(7): Book.objects.create(title=str(n))")
    return sb


def _answers(sb):
    return {"check": sb.check().values.tolist(), "data_loss": sb.data_loss("shop", "zero").values.tolist()}


def _real_states(sb):
    """Return {state: its answers} for the three states the other process's migrate puts the database in."""
    states = {"at 0002": _answers(sb)}
    sb.manage("migrate", "shop", "0001")
    states["at 0001"] = _answers(sb)
    sb.manage("migrate", "shop", "0002", "--fake")
    states["0001's schema, 0002 in the ledger"] = _answers(sb)
    sb.manage("migrate", "shop", "0001", "--fake")
    return states


@contextlib.contextmanager
def _flipping(sb):
    """Run the other process while the block runs; stop it (its whole session) afterwards."""
    other = subprocess.Popen([sys.executable, "manage.py", "shell", "-c", FLIP], cwd=sb.path, start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        yield other
    finally:
        other.send_signal(signal.SIGKILL)
        other.wait()
    assert other.returncode == -signal.SIGKILL, other.stderr.read()


def _wrong_answers(sb, count):
    """Ask check() and data_loss() COUNT times in all while the other process migrates; return the wrong ones."""
    real = _real_states(sb)
    wrong, seen = [], set()
    with _flipping(sb):
        for n in range(count):
            kind = ("check", "data_loss")[n % 2]
            try:
                answer = sb.check().values.tolist() if kind == "check" else sb.data_loss("shop", "zero").values.tolist()
            except DjmigError as error:
                wrong.append((kind, f"error: {error}"))
                continue
            states = {state for state, answers in real.items() if answers[kind] == answer}
            seen |= states
            if not states:
                wrong.append((kind, answer))
    assert {"at 0001", "at 0002"} <= seen, "the other process did not migrate while the answers were asked"
    return wrong


@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_sqlite_answers_are_each_of_one_state(sandbox, journal):
    """In WAL mode too, where a reader sees the commits made before its read began, each read its own."""
    sb = _shop(sandbox)
    with contextlib.closing(sqlite3.connect(sb.db_path)) as connection:
        assert connection.execute(f"PRAGMA journal_mode={journal}").fetchone() == (journal,)
    wrong = _wrong_answers(sb, 150 if journal == "delete" else 90)
    assert not wrong, f"{len(wrong)} answers match no state the database was in, e.g. {wrong[:3]}"


def test_postgresql_answers_are_each_of_one_state(pg_copy):
    sb = _shop(pg_copy())
    wrong = _wrong_answers(sb, 60)
    assert not wrong, f"{len(wrong)} answers match no state the database was in, e.g. {wrong[:3]}"


def test_a_database_that_never_stops_changing_gets_one_line_after_a_few_readings(library):
    """Another program commits a row every 5 ms: every reading of check() sees a commit, and none is kept."""
    writer = ("import sqlite3, sys, time\nc = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=5)\n"
              "c.execute('CREATE TABLE IF NOT EXISTS hits (n int)')\nprint(flush=True)\n"
              "while True: c.execute('INSERT INTO hits VALUES (1)'); time.sleep(0.005)\n")
    other = subprocess.Popen([sys.executable, "-c", writer, str(library.db_path)], stdout=subprocess.PIPE, text=True,
                             start_new_session=True)
    try:
        other.stdout.readline()
        with pytest.raises(exc.ChangingDatabaseError, match=r"^db.sqlite3 changed while it was read, 8 times in a row "
                           r"\(another process is migrating or writing it\); ask again once it has finished$"):
            library.check()
    finally:
        other.kill()
        other.wait()
    assert library.check()["subject"].tolist() == ["hits"]  # unexpected-table, now that nothing changes it
