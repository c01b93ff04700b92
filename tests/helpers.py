"""Models, rows, migration files and small tools that the tests share (fixtures are in conftest.py)."""

import hashlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest


AUTHOR = """
class Author(models.Model):
    name = models.CharField(max_length=100)
"""
AUTHOR_BIO = '    bio = models.TextField(default="")\n'

BOOKS = """
from authors.models import Author


class Genre(models.Model):
    name = models.CharField(max_length=50)


class Book(models.Model):
    title = models.CharField(max_length=200)
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
    genres = models.ManyToManyField(Genre)
"""
BOOK_PAGES = "    pages = models.IntegerField(default=0)\n"
BOOK_ISBN = '    isbn = models.CharField(max_length=13, default="")\n'

ROWS = """
from authors.models import Author
from books.models import Book, Genre

le_guin = Author.objects.create(name="Ursula K. Le Guin", bio="Earthsea")
pratchett = Author.objects.create(name="Terry Pratchett")
fantasy = Genre.objects.create(name="fantasy")
satire = Genre.objects.create(name="satire")
Book.objects.create(title="A Wizard of Earthsea", author=le_guin, pages=183).genres.add(fantasy)
Book.objects.create(title="Mort", author=pratchett, pages=243).genres.add(fantasy, satire)
Book.objects.create(title="Small Gods", author=pratchett, pages=284, isbn="0575052236").genres.add(satire)
"""

# Live rows of the library project, as ROWS makes them.
LIBRARY_ROWS = {"authors_author": 2, "books_genre": 2, "books_book": 3, "books_book_genres": 4}

# The migration graph of the library's own apps, as Django's loader builds it:
#
#   authors.0001_squashed_0002_author_bio   (replaces 0001_initial, 0002_author_bio)
#                   |
#           books.0001_initial
#              /          \
#   books.0002_book_isbn  books.0002_book_pages
#              \          /
#            books.0003_merge
SQUASHED = ("authors", "0001_squashed_0002_author_bio")


def migration_file(dependencies, *operations, preamble=""):
    """Return the source of a hand-written migration: DEPENDENCIES, then OPERATIONS (source text)."""
    body = "".join(f"        {op},\n" for op in operations)
    return (
        "from django.db import migrations, models\n"
        f"{textwrap.dedent(preamble)}\n\n"
        "class Migration(migrations.Migration):\n"
        f"    dependencies = {[tuple(d) for d in dependencies]!r}\n"
        f"    operations = [\n{body}    ]\n"
    )


def files_digest(folder):
    """Return {relative path: sha256} of every file below FOLDER (db.sqlite3 included)."""
    folder = Path(folder)
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def count(sb, table):
    """Return the rows of TABLE, counted with sqlite3 itself (not through the kit)."""
    with sqlite3.connect(sb.db_path) as connection:
        return connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]


def django_answer(sb, code, timeout=600):
    """Run CODE in the sandbox's Django; return the JSON it prints on its last line.

    Django's own executor renders every state of a long plan: on a busy machine that takes minutes.
    """
    return json.loads(sb.shell(code, timeout=timeout).stdout.strip().splitlines()[-1])


def rewrite_keeping_time(path, text):
    """Write TEXT (as long as what PATH holds) to PATH and give it back its time, as cp -p, rsync -t and tar do."""
    info = path.stat()
    assert len(text.encode()) == info.st_size
    path.write_text(text)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (info.st_size, info.st_mtime_ns)


# Django's MigrationExecutor, to the letter: _migrate_all_backwards renders the state once and
# moves it on with mutate_state(preserve=True); _migrate_all_forwards applies on a rendered
# state. Each step's SQL is collected by Migration.apply/unapply(collect_sql=True).
# A learner whom permissions bind: where the tests run as root, root without the capabilities that let it read
# and write past a folder's permissions (the interpreter lives in root's home, so another user id could not run it).
_NO_OVERRIDE = "-dac_override,-dac_read_search"
AS_LEARNER = ["setpriv", f"--bounding-set={_NO_OVERRIDE}", f"--inh-caps={_NO_OVERRIDE}"] if os.geteuid() == 0 else []


def free_port():
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url, process, seconds=90):
    """Wait until URL answers 200, failing early if PROCESS (the server) exits."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with code {process.returncode} before it answered")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.2)  # nothing to wait on but the port: poll it
    raise RuntimeError(f"jupyter lab did not answer within {seconds} s")


# Wagtail (from PyPI) as a learner would set it up: its apps and their dependencies, as in
# Wagtail's "integrating into an existing Django project" guide.


# Debian's Chromium, as the browser tests start it (Playwright never downloads a browser of its own here).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def missing(message):
    """Skip the test because MESSAGE (what is missing, and how to install it); fail in CI, which installs it all."""
    if os.environ.get("CI"):
        pytest.fail(f"CI is set, so this test must run, but {message}")
    pytest.skip(message)


def process_running(pid):
    """Return True if process PID runs: it exists and is no zombie (one that stopped, its parent's wait missing)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def stopped_within(pid, seconds):
    """Return True once process PID no longer runs, False if it still runs after SECONDS."""
    deadline = time.monotonic() + seconds
    while process_running(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


# What a notebook's kernel runs: the kit, in a Python of its own, calling migrate on a project
_KERNEL = "import sys; from djmig_kernel import Sandbox; Sandbox.open(sys.argv[1]).migrate()"


def start_kernel(sb, log, env=None):
    """Start a Python that opens SB and calls sb.migrate(), as a kernel does; its output goes to the file LOG."""
    with open(log, "w") as out:
        return subprocess.Popen([sys.executable, "-c", _KERNEL, str(sb.path)], stdout=out, stderr=subprocess.STDOUT,
                                env=None if env is None else {**os.environ, **env})


def kill_kernel(kernel):
    """Kill KERNEL with SIGKILL, as a notebook's kernel dies when it is killed or runs out of memory."""
    kernel.send_signal(signal.SIGKILL)
    assert kernel.wait(10) == -signal.SIGKILL


def wait_for(condition, what, seconds=30):
    """Return once CONDITION() is true; fail naming WHAT after SECONDS."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.05)
