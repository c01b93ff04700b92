"""Ask the sandbox's own Django about its migrations; print the answer as one JSON line.

This package runs inside the sandbox (``manage.py shell -c``), never in the kernel: it may
import only the standard library and Django. main() hands each request to the module that answers it:
graph, plan (``plan`` and ``sql``), locks, schema (``state``), drift (``check``) and files (``files``).
"""

import json
import pathlib
import sys

MARK = "DJMIG-PROBE:"


def _read_only(connection):
    """Make CONNECTION read-only: its SQLite file opened read-only (an empty in-memory one if there is none
    yet), a PostgreSQL session whose every transaction is READ ONLY.

    Asking about migrations must not create db.sqlite3 or change any database.
    """
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        connection.close()  # the next connection takes the options below; a write then fails, changing nothing
        options = settings.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c default_transaction_read_only=on".strip()
        return
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return
    path = pathlib.Path(settings["NAME"])
    settings["NAME"] = f"{path.resolve().as_uri()}?mode=ro" if path.exists() else ":memory:"
    settings["OPTIONS"] = {**settings.get("OPTIONS", {}), "timeout": 2}


def main(argv):
    """Answer the request ARGV (``graph``, ``plan APP NAME [--sql]``, ``sql APP NAME``,
    ``locks APP NAME [--old-code]``, ``state [APP [NAME]]``, ``check [APP]``, ``files APP``) with one JSON line. ``--shadow=JSON`` after ``plan``,
    ``sql`` or ``locks``: the connection settings of a PostgreSQL scratch database holding the live schema,
    where the SQL is rehearsed. ``--snapshot=ID`` anywhere: every read is made in the kernel's exported
    PostgreSQL snapshot ID."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from .context import command_context
    from .snapshot import in_snapshot, split

    argv, snapshot = split(argv)
    _read_only(connection)
    with in_snapshot(connection, snapshot), command_context(argv[0]):
        answer = _answer(MigrationExecutor(connection), argv)
    sys.stdout.write(MARK + json.dumps(answer) + "\n")


def _shadow(options):
    """Return the settings that a ``--shadow=JSON`` of OPTIONS names, or None."""
    return next((json.loads(option.partition("=")[2]) for option in options if option.startswith("--shadow=")), None)


def _answer(executor, argv):
    from . import drift, files, graph, locks, plan, schema

    if argv[0] == "graph":
        answer = graph.answer(executor.loader)
    elif argv[0] == "plan":
        answer = plan.answer(executor, argv[1], argv[2], with_sql="--sql" in argv[3:], shadow=_shadow(argv[3:]))
    elif argv[0] == "sql":
        answer = plan.sql_answer(executor, argv[1], argv[2], shadow=_shadow(argv[3:]))
    elif argv[0] == "locks":
        answer = locks.answer(executor, argv[1], argv[2], shadow=_shadow(argv[3:]), old_code="--old-code" in argv[3:])
    elif argv[0] == "state":
        answer = schema.answer(executor, *argv[1:])
    elif argv[0] == "check":
        answer = drift.answer(executor, *argv[1:])
    elif argv[0] == "files":
        answer = files.answer(executor.loader, argv[1])
    else:
        raise SystemExit(f"unknown probe request {argv!r}")
    return answer
