"""The exercises of notebooks 13 and 14 on a real PostgreSQL server: the kit's solution is right, the notebook's blank
answer is not answered, each plausible wrong answer is told its own mistake, and ex.reset() puts the database back."""

import re

from answering import RIGHT, UNANSWERED, answer, answer_cell, empty_migrations, notebook_cell, told
from djmig_kernel import exercise


def _failing():
    """Return notebook 13's migration that fails on PostgreSQL (its except branch runs in an aborted transaction)."""
    source = notebook_cell("13", "an older database has the page counts")
    namespace = {}
    exec(source.split("for sb in")[0], namespace)  # noqa: S102  (the cell's MIGRATION = ..., not its writes)
    return namespace["MIGRATION"]


def test_13_wants_the_savepoint_around_the_failing_update(pg_copy):
    pg = pg_copy(own=True)
    empty_migrations(pg, 3, 4)
    folder = pg.path / "app" / "migrations"
    (folder / "0004_step.py").rename(folder / "0004_title_index.py")
    pg.migrate("app")
    pg.write_models("app", pg.models("app") + "    pages = models.PositiveIntegerField(null=True)\n")
    failing = _failing()
    (folder / "0005_book_pages.py").write_text(failing)
    ex = exercise("13", pg)
    assert answer(ex, answer_cell("13"), pg=pg)[0].kind == UNANSWERED
    write = f"(pg.path / 'app' / 'migrations' / '0005_book_pages.py').write_text({{!r}})\npg.migrate('app')"
    for code, hint in [
        (write.format(failing.replace("pages = 0", "pages = 1")), "is not applied, and fill_pages has no savepoint"),
        (write.format(failing.replace("import DatabaseError, migrations, models", "import DatabaseError, migrations, "
                                      "models, transaction").replace('            cursor.execute("UPDATE app_book '
                                      'SET pages = 0")', '            with transaction.atomic():\n                '
                                      'cursor.execute("UPDATE app_book SET pages = 0")')),
         "the savepoint must hold the failing UPDATE"),
        (ex.solution.replace("SET pages = 0", "SET pages = 7"), "the books' pages are [7], not 0"),
    ]:
        verdict, _ = answer(ex, code, pg=pg)
        assert told(verdict, hint), (code, verdict.line)
    right, _ = answer(ex, ex.solution, pg=pg)
    assert right.kind == RIGHT, right.line
    ex.reset()  # the database as the exercise found it: 0005 not applied, no pages column
    assert "0005_book_pages" not in set(pg.ledger()["name"]) and "pages" not in set(pg.schema("app_book")["column"])
    assert (folder / "0005_book_pages.py").read_text() == failing


def _helpers():
    """Return notebook 14's own helpers (locks, attempt, READ, ...), run from its cells as the notebook runs them."""
    namespace = {}
    exec("import pandas as pd\nimport psycopg\n", namespace)  # noqa: S102
    for needle in ("def locks(", "def attempt("):
        source = notebook_cell("14", needle).rstrip()
        shown = source.splitlines()[-1]  # the cell's last line shows a result for the notebook's sb
        exec(source[: -len(shown)] if re.fullmatch(r"\w+\(sb\)", shown) else source, namespace)  # noqa: S102
    return {name: namespace[name] for name in ("locks", "attempt", "READ", "LOCKS")}


def test_14_reads_the_lock_of_add_column(pg_copy):
    sb = pg_copy(own=True)
    sb.write_models("app", sb.models("app") + "\n    class Meta:\n        ordering = ['id']\n")
    sb.makemigrations("app", name="book_ordering")
    empty_migrations(sb, 4, 7)
    sb.migrate("app")
    helpers = _helpers()
    ex = exercise("14", sb)
    assert answer(ex, answer_cell("14"), sb=sb, **helpers)[0].kind == UNANSWERED
    right, _ = answer(ex, ex.solution, sb=sb, **helpers)
    assert right.kind == RIGHT and "AccessExclusiveLock on app_book, so reads wait" in right.line, right.line
    made = ex.reference.split("pages_locks")[0]
    verdict, ns = answer(ex, made + "mode, read_waits = 'ACCESS EXCLUSIVE', True", sb=sb, **helpers)
    assert told(verdict, "write it as pg_locks spells it"), verdict.line
    for code, hint in [  # the migration made, the prediction changed: measured once for the text of the migration
        ("mode, read_waits = 'ShareLock', True", "ShareLock is what CREATE INDEX holds"),
        ("mode, read_waits = 'AccessExclusiveLock', False", "read_waits should be True"),
        ("sb.migrate('app')", "the pages column was committed"),
    ]:
        verdict, _ = answer(ex, code, reset=False, namespace=ns)
        assert told(verdict, hint), (code, verdict.line)
    verdict, _ = answer(ex, "mode, read_waits = 'AccessExclusiveLock', True", sb=sb, **helpers)
    assert told(verdict, "make the migration first"), verdict.line
    held = made + "held = sb.connect()\nheld.execute('BEGIN')\nheld.execute('LOCK TABLE app_book')\n" \
                  "mode, read_waits = 'AccessExclusiveLock', True"
    verdict, ns = answer(ex, held, sb=sb, **helpers)
    assert told(verdict, "a transaction of yours still holds app_book"), verdict.line
    ns["held"].close()
    ex.reset()
    assert "pages" not in set(sb.schema("app_book")["column"])
    assert not list((sb.path / "app" / "migrations").glob("0008_*"))
