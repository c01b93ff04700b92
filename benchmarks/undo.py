"""Measure migrate's safety net on a big SQLite file: peak memory (RSS) and time of a migrate that fails.

    python benchmarks/undo.py [MEGABYTES]

Builds a one-app project whose db.sqlite3 holds about MEGABYTES (200) of rows, adds a migration that
succeeds and one after it that fails, then runs ``sb.migrate()`` in a fresh Python: the kit puts the file
back. Prints the kernel process's peak RSS, the time of the failing migrate, and whether the file is
back byte for byte. Run it with PYTHONPATH pointing at the tree to measure.
"""

import hashlib
import json
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from djmig_kernel import Sandbox

CHILD = """
import json, resource, sys, time
from djmig_kernel import DjmigError, Sandbox
sb = Sandbox.open(sys.argv[1])
start = time.perf_counter()
try:
    sb.migrate("big", timeout=600)
except DjmigError as error:
    failed = str(error)
print(json.dumps({"seconds": time.perf_counter() - start, "failed": failed,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
MIGRATION = (
    "from django.db import migrations, models\n\n\n"
    "class Migration(migrations.Migration):\n"
    "    dependencies = [('big', '{parent}')]\n"
    "    operations = [{operation}]\n"
)


def _digest(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def build(root, megabytes):
    """Return a migrated project in ROOT whose database holds MEGABYTES of rows, and a plan that fails."""
    sb = Sandbox.create(root, "bigsite")
    sb.startapp("big")
    sb.write_models("big", "class Blob(models.Model):\n    data = models.TextField()\n")
    sb.makemigrations("big")
    sb.migrate()
    with sqlite3.connect(sb.path / "db.sqlite3") as connection:
        connection.executemany("INSERT INTO big_blob (data) VALUES (?)",
                               ((f"{i:08d}" * 128,) for i in range(megabytes * 1024)))
    migrations = sb.path / "big/migrations"
    (migrations / "0002_year.py").write_text(MIGRATION.format(
        parent="0001_initial", operation="migrations.AddField('blob', 'year', models.IntegerField(default=0))"))
    (migrations / "0003_fail.py").write_text(MIGRATION.format(
        parent="0002_year", operation="migrations.RunSQL('SELECT no_such_function()')"))
    return sb


def main(megabytes=200):
    with tempfile.TemporaryDirectory() as root:
        sb = build(Path(root), megabytes)
        db = sb.path / "db.sqlite3"
        before = _digest(db)
        child = subprocess.run([sys.executable, "-c", CHILD, str(sb.path)], capture_output=True, text=True,
                               check=True)
        measured = json.loads(child.stdout.splitlines()[-1])
        print(f"db.sqlite3: {db.stat().st_size / 2**20:.0f} MB")
        print(f"failing migrate: {measured['seconds']:.2f} s, kernel peak RSS {measured['peak_rss_mb']:.0f} MB")
        print(f"file back byte for byte: {_digest(db) == before}; error: {measured['failed'][:120]}")


if __name__ == "__main__":
    main(*map(int, sys.argv[1:]))
