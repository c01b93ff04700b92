"""Logging in on a real server: a role whose password pg_hba.conf asks for, and settings that give a wrong one or none."""

import json
import subprocess
import sys

import pytest

from djmig_kernel import FourPieces, Sandbox
from djmig_kernel.exceptions import AuthenticationError
from helpers import files_digest
from pgfixtures import password_role, snapshot

PASSWORD = "s3cret-right-pw"
WRONG = "wrong-pw-7731"
REFUSED = ("refused the password of USER '{role}' (DATABASES['default']['PASSWORD']): password authentication "
           "failed for user \"{role}\"; " + AuthenticationError.WRONG_PASSWORD)
NONE_GIVEN = ("asks USER '{role}' for a password and the settings give none (no password supplied); "
              + AuthenticationError.NO_PASSWORD)
DJANGO = {WRONG: f'FATAL: password authentication failed for user "{{role}}"; {AuthenticationError.WRONG_PASSWORD}',
          "": f"fe_sendauth: no password supplied; {AuthenticationError.NO_PASSWORD}"}


def _reads(sb):
    """Every way the kit reaches the database: its readers, the probe, the pieces, the CLI's check."""
    return [sb.ledger, sb.tables, sb.schema, lambda: sb.table("app_book"), sb.graph, sb.check,
            lambda: sb.plan("app", "zero"), lambda: FourPieces.capture(sb, "app"), Sandbox.open(sb.path).ledger]


@pytest.mark.parametrize("given, words", [(WRONG, REFUSED), ("", NONE_GIVEN)], ids=["wrong", "none"])
def test_a_wrong_password_gets_one_line_naming_the_setting_and_changes_nothing(pg_copy, pg_settings, given, words):
    with password_role(pg_settings, PASSWORD) as role:
        sb = pg_copy(USER=role, PASSWORD=given)
        database = sb._database()
        host, port = database.params["host"], database.params["port"]
        where = f"the server at the Unix socket in {host} (HOST), port {port} (PORT) "
        before = snapshot(pg_settings, database.name), files_digest(sb.path)
        for read in _reads(sb):
            with pytest.raises(AuthenticationError) as raised:
                read()
            assert str(raised.value) == where + words.format(role=role)
        cli = subprocess.run([sys.executable, "-m", "djmig_kernel", "check", str(sb.path)], capture_output=True,
                             text=True)
        assert (cli.returncode, cli.stderr.strip().splitlines()) == (2, ["djmig: " + where + words.format(role=role)])
        for command in (sb.migrate, sb.showmigrations):
            with pytest.raises(AuthenticationError) as raised:
                command()
            message = str(raised.value)
            assert "\n" not in message and message.startswith("`python manage.py ")
            assert message.endswith(f'failed: django.db.utils.OperationalError: connection failed: connection to '
                                    f'server on socket "{host}/.s.PGSQL.{port}" failed: '
                                    + DJANGO[given].format(role=role))
            assert PASSWORD not in message and WRONG not in message and PASSWORD not in raised.value.result.stdout
        assert (snapshot(pg_settings, database.name), files_digest(sb.path)) == before
        settings = sb.path / "djsandbox" / "settings.py"
        settings.write_text(settings.read_text() + f"\nDATABASES['default']['PASSWORD'] = {json.dumps(PASSWORD)}\n")
        # the right password: the catalog's reads work (the role has no SELECT on the tables)
        assert "app_book" in sb.tables() and sb.schema("app_book")["column"].tolist() == ["id", "title", "author_id"]


def test_a_django_command_as_no_such_role_names_user_and_createuser(pg_copy):
    sb = pg_copy(USER="nobody_here")
    with pytest.raises(AuthenticationError) as raised:
        sb.migrate()
    assert str(raised.value).endswith('FATAL: role "nobody_here" does not exist; fix DATABASES[\'default\'][\'USER\'] '
                                      "or create the role (createuser nobody_here)")
