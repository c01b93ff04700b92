"""Turn a failed Django command's output into one line: Django's error and the fix."""

import re
import signal

from .. import exceptions as exc

# The line that ends a traceback ("TypeError: ..."), or Django's "CommandError: ...".
_ERROR_LINE = re.compile(r"^(?P<name>[A-Za-z_][\w.]*(Error|Exception|Exit)): (?P<text>.*)$")
_FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)')

# Django's words for a migrate target it cannot resolve: (name, app).
_NOT_FOUND = r"Cannot find a migration matching '(?P<name>[^']*)' from app '(?P<app>[^']*)'"
_AMBIGUOUS = r"More than one migration matches '(?P<name>[^']*)' in app '(?P<app>[^']*)'"

# (pattern in Django's error line, error class, fix); the fix may use the pattern's named groups
# (a trailing _ in a group name lets two alternatives fill the same field).
_FIXES = [
    (
        r"required positional argument: 'on_delete'",
        exc.CommandError,
        "give every ForeignKey an on_delete, e.g. models.ForeignKey(Author, on_delete=models.CASCADE)",
    ),
    (
        r"^(SyntaxError|IndentationError|TabError)",
        exc.CommandError,
        "fix that line and run the command again",
    ),
    (
        r"No installed app with label '(?P<app>[^']*)'|App '(?P<app_>[^']*)' could not be found",
        exc.UnknownAppError,
        "check the spelling, or create and register the app with sb.startapp({app!r})",
    ),
    (
        r"App '(?P<app>[^']*)' does not have migrations",
        exc.UnknownAppError,
        "run sb.makemigrations({app!r}) first",
    ),
    (
        r"database is locked",
        exc.CommandError,
        "close the other program or connection that holds db.sqlite3 open (e.g. a sqlite3 shell) and run again",
    ),
    (
        r"IrreversibleError",
        exc.CommandError,
        "nothing was unapplied; give that RunPython/RunSQL a reverse (e.g. migrations.RunPython.noop) "
        "or choose a target after it",
    ),
    (
        _NOT_FOUND,
        exc.UnknownMigrationError,
        "list the app's migrations with sb.showmigrations({app!r})",
    ),
    (
        _AMBIGUOUS,
        exc.AmbiguousMigrationError,
        "give more of the name; sb.showmigrations({app!r}) lists them",
    ),
    (
        r"No space left on device|database or disk is full",
        exc.DiskSpaceError,
        "its disk is full: free some space and run it again",
    ),
    (
        r"file is not a database|database disk image is malformed",
        exc.NotADatabaseError,
        "move db.sqlite3 aside (e.g. mv db.sqlite3 db.sqlite3.broken) and run migrate to make a new one",
    ),
    (
        r"InconsistentMigrationHistory",
        exc.InconsistentHistoryError,
        "repair the ledger first: sb.check() gives the command",
    ),
    (
        r'password authentication failed for user "(?P<user>[^"]*)"',
        exc.AuthenticationError,
        exc.AuthenticationError.WRONG_PASSWORD,
    ),
    (
        exc.AuthenticationError.NO_PASSWORD_WORDS,
        exc.AuthenticationError,
        exc.AuthenticationError.NO_PASSWORD,
    ),
    (
        r'FATAL: +role "(?P<user>[^"]*)" does not exist',
        exc.AuthenticationError,
        exc.AuthenticationError.NO_ROLE,
    ),
    (
        r"permission denied for (?P<kind>table|view|materialized view|sequence|schema|database) (?P<obj>\S+)",
        exc.PermissionDeniedError,
        "the role DATABASES['default']['USER'] names lacks a privilege on {kind} {obj}: run the command as a "
        "role that has it, or have an owner of {obj} grant it to that role",
    ),
    (
        r"must be owner of (?P<kind>table|view|materialized view|sequence|schema|database|index) (?P<obj>\S+)",
        exc.PermissionDeniedError,
        "only the owner of {obj} (or a superuser) may change it: run migrate as that role "
        "(DATABASES['default']['USER'])",
    ),
    (
        r"You appear not to have the '(?P<program>[^']*)' program installed",
        exc.CommandError,
        "dbshell runs the database's own shell: install {program} (apt-get install sqlite3 or postgresql-client, "
        "conda install sqlite or postgresql) and run it again",
    ),
    (
        r"Conflicting migrations detected",
        exc.CommandError,
        "",  # Django's own line already says to run makemigrations --merge
    ),
]


# A name SQLite quotes as it was written, quotes and all: no such column: ""email"".
_QUOTED_TWICE = re.compile(r'""([^"\s]+)""')


def error_line(stderr, project):
    """Return Django's own error line from STDERR, with the sandbox file and line it points at.

    A name is quoted once: SQLite's ``""email""`` (the quoted identifier it was given, quoted again) is ``"email"``.
    """
    lines = [_QUOTED_TWICE.sub(r'"\1"', line) for line in stderr.splitlines() if line.strip()]
    if not lines:
        return "no error message"
    start = None
    for i in range(len(lines) - 1, -1, -1):
        if _ERROR_LINE.match(lines[i]):
            start = i
            break
    if start is None:
        # "Unknown command: 'x'" is followed by "Type 'manage.py help' for usage.": keep both.
        tail = lines[-2:] if len(lines) > 1 and lines[-1].startswith("Type '") else lines[-1:]
        return " ".join(line.strip() for line in tail)
    # Django's CommandError may go on over more lines (the merge hint): keep them.
    text = " ".join(line.strip() for line in lines[start:])
    where = _where(lines[:start], project)
    return f"{text} ({where})" if where else text


def _where(frames, project):
    """Return 'app/models.py, line 8' for the last traceback frame inside PROJECT."""
    root = str(project.resolve())
    for line in reversed(frames):
        match = _FRAME.match(line)
        if match and match.group("file").startswith(root + "/"):
            relative = match.group("file")[len(root) + 1 :]
            if relative == "manage.py":  # where every command starts: it says nothing
                continue
            return f"{relative}, line {match.group('line')}"
    return ""


# The step migrate was running when it failed: "  Applying app.0002_book..." on stdout.
_STEP = re.compile(r"(?P<direction>Applying|Unapplying) (?P<app>\w+)\.(?P<name>\w+)\.\.\.(?! OK)")


def _schema_fix(command, line, stdout):
    """Return the one-line message for a migrate that met a table the ledger disagrees with, or None."""
    exists = re.search(r'table "?(?P<table>[^" ]+)"? already exists|duplicate column name: (?P<column>\S+)', line)
    missing = re.search(r'no such (?P<kind>table|column): "?(?P<name>[^" ]+)"?', line)
    steps = list(_STEP.finditer(stdout))
    if not (exists or missing) or not steps:
        return None
    step = steps[-1]
    app, name = step["app"], step["name"]
    where = f"`{command}` failed: {line.removesuffix('.')} ({step['direction'].lower()} {app}.{name})"
    if exists and exists["column"]:
        return (
            f"{where}; the column is there already: if another migration adds it too (two branches that add "
            f"the same field), keep one of the two migrations; if it was made by hand, record {app}.{name} "
            f"without running it with python manage.py migrate {app} {name} --fake"
        )
    if exists:
        # --fake-initial fakes only initial migrations whose tables are all there.
        initial = f" (or python manage.py migrate {app} --fake-initial)" if name.startswith("0001") else ""
        return (
            f"{where}; the table is there but the ledger does not record "
            f"{app}.{name}: record it without running it "
            f"with python manage.py migrate {app} {name} --fake{initial}, then migrate again"
        )
    if step["direction"] == "Unapplying":
        gone = f"{missing['kind']} {missing['name']}"
        return f"{where}; {gone} is gone already: record the rollback without running it with {command} --fake"
    return (
        f"{where}; the database lacks what the ledger says an applied migration made: "
        f"sb.check() names that migration and the --fake steps that run it again"
    )


def diagnose(command, stderr, project, stdout="", returncode=1):
    """Return (error class, one-line message) for a failed COMMAND ('python manage.py ...').

    STDOUT tells which migration migrate was running when the schema disagreed with the ledger. RETURNCODE, its
    exit code, is what a command that printed no error on STDERR is told by (a signal's, if negative).
    """
    if returncode < 0:  # a signal stopped it (the kit's own timeout raised CommandTimeout before this)
        return exc.CommandKilled, killed(command, returncode)
    if not stderr.strip():
        printed = "; what it printed: %last_error" if stdout.strip() else ""
        return exc.CommandError, f"`{command}` exited with code {returncode} and printed no error{printed}"
    line = error_line(stderr, project)
    quoted = line.removesuffix(".")  # a fix follows after "; "
    message = _schema_fix(command, line, stdout)
    if message:
        return exc.CommandError, message
    for pattern, cls, fix in _FIXES:
        match = re.search(pattern, line)
        if match:
            fields = {name.rstrip("_"): value for name, value in match.groupdict().items() if value is not None}
            if not fix:
                return cls, f"`{command}` failed: {line}"
            return cls, f"`{command}` failed: {quoted}; {fix.format(**fields)}"
    return exc.CommandError, f"`{command}` failed: {quoted}; {exc.FULL_OUTPUT}"


def signal_words(returncode):
    """Return "killed by SIGKILL" for the RETURNCODE (-9) of a process a signal stopped."""
    try:
        name = signal.Signals(-returncode).name
    except ValueError:
        name = f"signal {-returncode}"
    return f"killed by {name}"


def killed(command, returncode):
    """Return the one line of COMMAND stopped by a signal (RETURNCODE < 0): nothing it printed says why."""
    return f"`{command}` was {signal_words(returncode)} before it finished"


def migration_lookup(line):
    """Return (app, name) if LINE is Django's error for a migration name it cannot resolve."""
    match = re.search(_NOT_FOUND, line) or re.search(_AMBIGUOUS, line)
    return (match["app"], match["name"]) if match else None
