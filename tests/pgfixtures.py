"""PostgreSQL fixtures: one server the kit starts per test run, and copies of its database made by TEMPLATE.

The server's data must not live under pytest's own temp folder: every pytest start chmods that to 0700,
which the server's user (pgserver, when the tests run as root) then cannot traverse, and PostgreSQL stops.
"""

import contextlib
import fcntl
import hashlib
import itertools
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from djmig_kernel import Sandbox, replay
from djmig_kernel.database.postgresql import server
from djmig_kernel.sandbox import MARKER

_copies = itertools.count()
# What a copy's settings say instead of the kit's snippet: another database on the same server.
COPY_DATABASES = '''DATABASES = {{"default": {{
    "ENGINE": "django.db.backends.postgresql", "NAME": {name!r}, "USER": {user!r}, "PASSWORD": {password!r},
    "HOST": {host!r}, "PORT": {port!r},
}}}}
'''


def base_folder(config):
    """Return the folder of this run's server (shared by pytest-xdist workers), outside pytest's temp folder."""
    basetemp = config._tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        basetemp = basetemp.parent
    key = hashlib.sha256(str(basetemp).encode()).hexdigest()[:10]
    return Path(tempfile.gettempdir()) / f"djmig-pg-tests-{os.getuid()}-{key}"


def shared_walkthrough(config):
    """Return the walkthrough through notebook 04 replayed on a server the kit starts, built once per run."""
    base = base_folder(config)
    base.mkdir(mode=0o755, exist_ok=True)
    with open(base / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (base / "done").exists():
            replay(base, "04", database="postgresql")
            (base / "done").touch()
    return Sandbox.open(base / "djsandbox")


def stop_shared(config):
    """Stop this run's server and delete its folder (the controller calls this once every worker is done)."""
    base = base_folder(config)
    if base.is_dir():
        server.stop(base / "djsandbox")
        shutil.rmtree(base, ignore_errors=True)


def psql(settings, statement, db=None, user=None):
    """Run STATEMENT with the wheel's psql on SETTINGS' server; return its unaligned, tuples-only output."""
    result = subprocess.run(
        [str(server.bin_dir() / "psql"), "-X", "-At", "-v", "ON_ERROR_STOP=1", "-h", settings["HOST"],
         "-p", settings["PORT"], "-U", user or "postgres", "-d", db or settings["NAME"], "-c", statement],
        capture_output=True, text=True)
    if result.returncode:
        raise AssertionError(f"psql failed ({result.returncode}): {result.stderr}")
    return result.stdout


def clone(settings, template):
    """Return the name of a new database copied from TEMPLATE on SETTINGS' server."""
    name = f"copy_{os.getpid()}_{next(_copies)}"
    psql(settings, f'CREATE DATABASE "{name}" TEMPLATE "{template}"', db="postgres")
    return name


def drop(settings, name):
    for db in (name, f"{name[:40]}__djmig_before", f"{name[:40]}__djmig_failed"):
        psql(settings, f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)', db="postgres")


def copy_project(shared, folder, name, own=False, **connection):
    """Copy SHARED's project to FOLDER, its settings on database NAME of the same server; return a Sandbox.

    OWN=False: a learner's project on their own server (HOST/PORT in the settings, no kit marker).
    OWN=True: the kit's settings with another NAME and .pgdata a link to the server's: the kit's own server.
    CONNECTION: other settings (USER, PASSWORD, HOST, PORT) for the learner's kind.
    """
    shutil.copytree(shared.path, folder, symlinks=True, ignore=shutil.ignore_patterns(".pgdata", "__pycache__"))
    (folder / MARKER).unlink()
    path = folder / "djsandbox" / "settings.py"
    text = path.read_text()
    if own:
        (folder / server.DATA_DIR).symlink_to(server.pgdata(shared.path))
        path.write_text(text.replace('"NAME": "django"', f'"NAME": {name!r}'))
    else:
        start = text.index("# PostgreSQL server that djmig runs")
        end = text.index("\n}\n", text.index("DATABASES = {", start)) + 3
        settings = {**server.settings(shared.path), "NAME": name, "PASSWORD": "", **connection}
        path.write_text(text[:start] + databases_text(settings) + text[end:])
    return Sandbox.open(folder)


def databases_text(settings):
    """Return the settings text that points a project at SETTINGS' database, as a learner's own settings do."""
    return COPY_DATABASES.format(name=settings["NAME"], user=settings["USER"], password=settings["PASSWORD"],
                                 host=settings["HOST"], port=settings["PORT"])


@contextlib.contextmanager
def password_role(settings, password):
    """Yield a new role of SETTINGS' server whose logins must give PASSWORD (scram-sha-256) while the block runs.

    Its pg_hba.conf line goes before the trust lines and names this role only, so every other connection
    stays trusted; the file is put back, the server reloads it and the role is dropped afterwards.
    """
    role = f"pw_{os.getpid()}_{next(_copies)}"
    hba = Path(psql(settings, "SHOW hba_file", db="postgres").strip())
    original = hba.read_text()
    psql(settings, f"CREATE ROLE {role} LOGIN PASSWORD '{password}'", db="postgres")
    try:
        hba.write_text(f"local all {role} scram-sha-256\n{original}")
        _reloaded(settings, role, asks_password=True)
        yield role
    finally:
        hba.write_text(original)
        _reloaded(settings, role, asks_password=False)
        psql(settings, f"DROP ROLE {role}", db="postgres")


def _reloaded(settings, role, asks_password):
    """Reload the server's pg_hba.conf; return once a login of ROLE without a password fails (or works)."""
    psql(settings, "SELECT pg_reload_conf()", db="postgres")
    deadline = time.monotonic() + 10
    while True:
        login = subprocess.run([str(server.bin_dir() / "psql"), "-X", "-w", "-h", settings["HOST"], "-p",
                                settings["PORT"], "-U", role, "-d", "postgres", "-c", "SELECT 1"], capture_output=True)
        if (login.returncode != 0) == asks_password:
            return
        assert time.monotonic() < deadline, f"pg_hba.conf not reloaded: {login.stderr}"
        time.sleep(0.05)


def snapshot(settings, name):
    """Return what database NAME holds, read without the kit: pg_dump's schema and data."""
    out = subprocess.run([str(server.bin_dir() / "pg_dump"), "-h", settings["HOST"], "-p", settings["PORT"],
                          "-U", "postgres", name], capture_output=True, text=True, check=True).stdout
    # PostgreSQL 18's pg_dump writes a random \restrict key each time
    return [line for line in out.splitlines() if not re.match(r"\\(un)?restrict ", line)]


@pytest.fixture(scope="session")
def pg_walkthrough(request):
    """The walkthrough through notebook 04 on a PostgreSQL server the kit started: shared, only read."""
    return shared_walkthrough(request.config)


@pytest.fixture(scope="session")
def pg_settings(pg_walkthrough):
    """DATABASES['default'] of the shared server's project."""
    return server.settings(pg_walkthrough.path)


@pytest.fixture
def pg_copy(pg_walkthrough, pg_settings, tmp_path):
    """Return a function: (own=False, **connection) -> a Sandbox on this test's own copy of the database."""
    made = []

    def make(own=False, **connection):
        name = clone(pg_settings, pg_settings["NAME"])
        made.append(name)
        return copy_project(pg_walkthrough, tmp_path / f"copy{len(made)}", name, own, **connection)

    yield make
    for name in made:
        drop(pg_settings, name)
