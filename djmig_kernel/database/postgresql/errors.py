"""Turn psycopg's errors into the kit's one-line errors, which name the setting and the fix and never the password."""

import re
import sys

from ... import exceptions as exc

__all__ = ["psycopg_module", "error_for"]

_UNAVAILABLE = re.compile(
    r"No such file or directory|Connection refused|could not connect|timeout expired|Is the server running|"
    r"could not translate host name|server closed the connection|the database system is (starting up|shutting down)")
_AUTHENTICATION = re.compile(
    r"password authentication failed|role \"[^\"]*\" does not exist|no pg_hba.conf entry|authentication failed|"
    + exc.AuthenticationError.NO_PASSWORD_WORDS)
_NO_PASSWORD = re.compile(exc.AuthenticationError.NO_PASSWORD_WORDS)
_DENIED = re.compile(
    r"permission denied for (table|view|materialized view|sequence|schema|database|relation) (\S+)")


def psycopg_module():
    """Import psycopg 3, or raise MissingDependencyError with the pip command."""
    try:
        import psycopg
    except ImportError:
        raise exc.MissingDependencyError(
            f"reading a PostgreSQL database needs psycopg 3, which is not installed in {sys.executable}; "
            f"install it: {sys.executable} -m pip install 'psycopg[binary]>=3.2,<4'"
        ) from None
    return psycopg


def error_for(error, database):
    """Return the kit's error for psycopg ERROR met while reading DATABASE (a PostgreSQL backend).

    psycopg gives no sqlstate for connection failures, so those are told apart by libpq's words;
    privileges by sqlstate 42501, lock timeouts by 55P03. The password is scrubbed from any text used.
    """
    text = str(error)
    password = database.params.get("password")
    if password:
        text = text.replace(password, "***")
    first = text.strip().splitlines()[0] if text.strip() else type(error).__name__
    state = getattr(error, "sqlstate", None)
    where, user, name = database.where, database.user, database.name
    if re.search(r'database "[^"]*" does not exist', text):
        host, port = database.params.get("host", "localhost"), database.params.get("port", "5432")
        return exc.DatabaseMissingError(
            f"database {name!r} (DATABASES['default']['NAME']) does not exist on the server at {where}; "
            f"create it: createdb -h {host} -p {port} -U {user} {name}")
    if _AUTHENTICATION.search(text):
        return _refused(text, first, where, user)
    if state == "42501" or "permission denied" in text:
        return _denied(text, user, name)
    if state == "55P03":
        return exc.DatabaseBusyError(
            f"cannot read {database.label}: another session holds a lock on what this read needs "
            f"(a migrate in progress?); wait for it to finish and read again")
    if _UNAVAILABLE.search(text):
        return exc.DatabaseUnavailableError(
            f"no PostgreSQL server answers at {where} for database {name!r}: {database.start_hint}")
    return exc.PostgresError(f"cannot read {database.label}: {first}")


def _refused(text, first, where, user):
    """Return the AuthenticationError for a login the server refused: a wrong password, none, or another cause."""
    error = exc.AuthenticationError
    if _NO_PASSWORD.search(text):
        return error(f"the server at {where} asks USER {user!r} for a password and the settings give none "
                     f"(no password supplied); {error.NO_PASSWORD}")
    reason = re.sub(r"^.*?FATAL:\s*", "", re.sub(r"^connection (is bad|failed): ", "", first))
    if "password authentication failed" in text:
        return error(f"the server at {where} refused the password of USER {user!r} (DATABASES['default']"
                     f"['PASSWORD']): {reason}; {error.WRONG_PASSWORD}")
    return error(f"the server at {where} refused USER {user!r} (DATABASES['default']['USER'] and PASSWORD): "
                 f"{reason}; fix USER/PASSWORD or create the role (createuser {user})")


def _denied(text, user, name):
    found = _DENIED.search(text)
    kind, obj = (found.group(1), found.group(2).strip('"')) if found else ("object", "?")
    privilege, grant = {
        "schema": ("USAGE", f"GRANT USAGE ON SCHEMA {obj} TO {user};"),
        "database": ("CONNECT", f"GRANT CONNECT ON DATABASE {obj} TO {user};"),
    }.get(kind, ("SELECT", f"GRANT SELECT ON {obj} TO {user};"))
    what = f"to database {obj!r}" if kind == "database" else f"{kind} {obj!r} in database {name!r}"
    return exc.PermissionDeniedError(
        f"USER {user!r} may not {privilege} {what} (permission denied); an owner of it can grant it: {grant}")
