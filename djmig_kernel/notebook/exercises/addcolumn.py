"""Notebook 14's exercise: the lock ADD COLUMN holds on PostgreSQL, and whether reads wait for it."""

from .files import AddsMigrations
from .verdict import Mistake, Unanswered

__all__ = ["AddColumnLock"]

# The lock other sessions see on app_book, read by a second session (as the notebook's locks(sb) does).
_LOCK = ("SELECT l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'app_book' "
         "AND c.relnamespace = current_schema()::regnamespace AND l.pid <> pg_backend_pid() ORDER BY l.mode")
# The strongest first: the one that decides who waits.
_STRENGTH = ("AccessExclusiveLock", "ExclusiveLock", "ShareRowExclusiveLock", "ShareLock",
             "ShareUpdateExclusiveLock", "RowExclusiveLock", "RowShareLock", "AccessShareLock")


def _held(sb, statements):
    """Run STATEMENTS in a transaction of their own; return (the lock a second session sees on app_book, whether
    a third one's read waits), then roll back. None if a transaction of the learner's still holds app_book."""
    import psycopg

    with sb.connect() as migration:
        migration.execute("BEGIN")
        migration.execute("SET LOCAL lock_timeout = '2s'")
        try:
            for statement in statements:
                migration.execute(statement)
        except psycopg.errors.LockNotAvailable:
            return None
        try:
            with sb.connect() as watcher:
                modes = [mode for (mode,) in watcher.execute(_LOCK).fetchall()]
            with sb.connect() as reader, reader.transaction(force_rollback=True):
                reader.execute("SET LOCAL lock_timeout = '200ms'")
                try:
                    reader.execute("SELECT count(*) FROM app_book")
                    waits = False
                except psycopg.errors.LockNotAvailable:
                    waits = True
        finally:
            migration.execute("ROLLBACK")
    return min(modes, key=_STRENGTH.index) if modes else None, waits


class AddColumnLock(AddsMigrations):
    number, title = "14", "the lock of ADD COLUMN"
    task = ("add pages to Book and make its migration (do not migrate), ask its plan's locks(), and store the "
            "lock on app_book in mode and whether a read waits in read_waits")
    reference = '''sb.write_models("app", sb.models("app").replace(
    "    class Meta:", "    pages = models.PositiveIntegerField(null=True)\\n\\n    class Meta:"))
sb.makemigrations("app", name="book_pages")
pages_locks = sb.migration_plan("app", "0008").locks().set_index("table")
mode = pages_locks.loc["app_book", "lock"]
read_waits = pages_locks.loc["app_book", "blocks"] == "reads and writes"
'''

    def begin(self, sb):
        self._truth = {}  # the text of a migration: its lock on app_book and whether a read waits, as measured
        return super().begin(sb)

    def judge(self, answers, sb):
        new = self.added(sb)
        mode, waits = answers.get("mode"), answers.get("read_waits")
        if not new and mode is None and waits is None:
            raise Unanswered(self.task)
        if not new:
            raise Mistake("make the migration first: add pages to Book and run sb.makemigrations(\"app\", "
                          "name=\"book_pages\")")
        with sb.connect() as watcher:  # a transaction left open would make every reading below wait for it
            if watcher.execute(_LOCK).fetchall():
                raise Mistake("a transaction of yours still holds app_book: run held.execute(\"ROLLBACK\") (or "
                              "close the connection)")
        if "pages" in set(sb.schema("app_book")["column"]):
            raise Mistake("the pages column was committed (migrated, or COMMIT): roll the transaction back "
                          "instead; ex.reset() puts the database back")
        name = next(iter(new))
        truth = self._truth.get(new[name])
        if truth is None:  # asked once for each text of the migration: the database does not change meanwhile
            printed = sb.manage("sqlmigrate", "app", name).stdout.splitlines()
            truth = _held(sb, [line for line in printed if line and not line.startswith("--")
                               and line not in ("BEGIN;", "COMMIT;")])
            self._truth[new[name]] = truth
        if truth is None:
            raise Mistake("a transaction of yours still holds app_book: run held.execute(\"ROLLBACK\")")
        right_mode, right_waits = truth
        if mode is None or waits is None:
            raise Unanswered("store the lock in mode and whether a read waits in read_waits")
        if not isinstance(mode, str):
            raise Mistake(f"mode should be the lock's name as pg_locks spells it (text), not {mode!r}")
        if mode != right_mode and mode.replace(" ", "").lower() in (right_mode.lower(), right_mode[:-4].lower()):
            raise Mistake(f"mode {mode!r}: write it as pg_locks spells it, one word ending in Lock")
        if mode == "ShareLock":
            raise Mistake("ShareLock is what CREATE INDEX holds; ADD COLUMN holds another: read the lock column "
                          "of the plan's locks() for app_book")
        if mode != right_mode:
            raise Mistake(f"app_book's lock is not {mode!r}: read the lock column of the plan's locks() for app_book")
        if not isinstance(waits, bool):
            raise Mistake(f"read_waits should be True or False (no quotes), not {waits!r}")
        if waits != right_waits:
            raise Mistake(f"read_waits should be {right_waits}: read the blocks column of the plan's locks() for "
                          "app_book")
        return (f"ADD COLUMN holds {mode} on app_book, so reads {'wait' if waits else 'go on'} until it "
                f"commits.")
