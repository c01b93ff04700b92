"""What a migrate that failed left applied, in one line, read from what it printed: the same for every database."""

import contextlib
import re
from typing import NamedTuple

from .. import exceptions as exc
from ..commands.diagnose import signal_words
from ..display.terminal import manage_line

__all__ = ["told", "put_back_said", "SAY_PUT_BACK", "MigrateOutcome", "explain_partial_migrate"]

# migrate writes "  Applying app.0002_x..." then " OK" (plus " (0.012s)" at -v 2) on the same line
_STEP = re.compile(r"^\s*(Applying|Unapplying) (\S+?)\.\.\.( OK\b.*)?\s*$")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_ANY_STEP = re.compile(r"^\s*(Applying|Unapplying) \S+\.\.\.", re.M)
# PostgreSQL adds CONTEXT: lines after the exception's own line, so the error is not the last line
_ERROR = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception): .*$")
# A command's errors whose words cannot tell that the guard put the database back: a signal, a full disk
SAY_PUT_BACK = (exc.CommandKilled, exc.DiskSpaceError)



def put_back_said(error, what):
    """Return ERROR (one of SAY_PUT_BACK) saying that the guard put WHAT ("db.sqlite3") back as it was before."""
    return type(error)(f"{error}; {what} was put back as it was before", result=error.result)


@contextlib.contextmanager
def told(args):
    """Let a migrate on a learner's own server fail as it does, its error saying what stays applied."""
    try:
        yield
    except exc.CommandError as error:
        result = error.result
        if result is None or isinstance(error, exc.CommandTimeout) or not _ANY_STEP.search(
                _ANSI.sub("", result.stdout)):
            raise
        killed = isinstance(error, exc.CommandKilled)  # its connection went: PostgreSQL rolled back its migration
        line = signal_words(result.returncode) if killed else next(
            (x for x in reversed(result.stderr.splitlines()) if _ERROR.match(x)), "")
        outcome = explain_partial_migrate(result.stdout, line, killed=killed)
        raise type(error)(f"`{manage_line(*args)}` failed: {outcome.message}", result=result) from None


class MigrateOutcome(NamedTuple):
    done: list  # "app.name" in the order they were applied (or unapplied), each committed
    failed: str | None  # the one that raised: rolled back unless it is non-atomic
    direction: str  # "Applying" or "Unapplying"
    message: str  # one line, for a learner's own server, where the kit keeps no copy


def explain_partial_migrate(stdout, error="", non_atomic=(), killed=False):
    """Return the MigrateOutcome of a migrate that failed, from what it printed (STDOUT) and its ERROR line.

    NON_ATOMIC: "app.name" of migrations with atomic = False, whose changes up to the failure stay.
    KILLED: a signal stopped it (ERROR says which), so the migration it was in needs no fix.
    """
    done, failed, direction = [], None, "Applying"
    for line in _ANSI.sub("", stdout).splitlines():
        step = _STEP.match(line)
        if step:
            direction = step[1]
            if step[3]:
                done.append(step[2])
            else:
                failed = step[2]
    verb = "applied" if direction == "Applying" else "unapplied"
    one = len(done) == 1
    kept = (f"{', '.join(done)} {'was' if one else 'were'} {verb} and stay{'s' if one else ''} so "
            f"(each migration is its own transaction)") if done else f"nothing was {verb} before it"
    cause = f" ({exc.one_line(error)})" if error else ""
    again = "run migrate again" if killed else f"fix {failed} and run migrate again"
    if failed is None:
        message = f"migrate failed before {direction.lower()} any migration{cause}; {kept}"
    elif failed in non_atomic:
        message = (f"migrate failed in {failed}{cause}, which is non-atomic (atomic = False): the changes it "
                   f"made before the error stay and it is not recorded in django_migrations; {kept}; "
                   f"check the database by hand, {again}")
    else:
        message = (f"migrate failed in {failed}{cause}: it was rolled back and is not recorded in "
                   f"django_migrations; {kept}; {again}, or migrate back to undo them")
    return MigrateOutcome(done, failed, direction, exc.one_line(message))
