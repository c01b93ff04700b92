"""A role short of a privilege: every answer and every Django command says which grant is missing, and changes nothing."""

import contextlib

import pytest

from djmig_kernel import Sandbox
from djmig_kernel.exceptions import PermissionDeniedError
from pgfixtures import psql, snapshot


@contextlib.contextmanager
def _reader(pg_copy, pg_settings, *revoked):
    """Yield (a Sandbox whose settings log in as a role that may only SELECT, less REVOKED, its role, database)."""
    owner = pg_copy()
    name = owner._database().name
    role = f"reader_{name}"
    psql(pg_settings, f"CREATE ROLE {role} LOGIN; GRANT CONNECT ON DATABASE {name} TO {role}; "
                      f"GRANT USAGE ON SCHEMA public TO {role}; GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}; "
                      + "".join(f"REVOKE SELECT ON {table} FROM {role}; " for table in revoked), db=name)
    try:
        reader = Sandbox.open(owner.path)
        settings = reader.path / "djsandbox" / "settings.py"
        settings.write_text(settings.read_text().replace('"USER": \'postgres\'', f'"USER": {role!r}'))
        assert reader._database().user == role
        yield reader, role, name
    finally:
        psql(pg_settings, f"DROP OWNED BY {role}; DROP ROLE {role}", db=name)


ASKING_DJANGO = {
    "graph": lambda sb: sb.graph(),
    "plan": lambda sb: sb.plan("app", "zero"),
    "sql": lambda sb: sb.migration_plan("app", "zero").sql(),
    "check": lambda sb: sb.check(),
    "schema_at": lambda sb: sb.schema_at(),
}


@pytest.mark.parametrize("ask", ASKING_DJANGO.values(), ids=ASKING_DJANGO.keys())
def test_a_role_that_may_not_read_the_ledger_gets_the_grant_not_djangos_traceback(pg_copy, pg_settings, ask):
    with _reader(pg_copy, pg_settings, "django_migrations") as (reader, role, name):
        before = snapshot(pg_settings, name)
        with pytest.raises(PermissionDeniedError) as denied:
            ask(reader)
        assert str(denied.value) == (
            f"USER {role!r} may not SELECT table 'django_migrations' in database {name!r} (permission denied); "
            f"an owner of it can grant it: GRANT SELECT ON django_migrations TO {role};")
        assert snapshot(pg_settings, name) == before


def test_migrate_as_a_role_that_may_only_read_names_the_owner_and_changes_nothing(pg_copy, pg_settings):
    with _reader(pg_copy, pg_settings) as (reader, role, name):
        before, ledger = snapshot(pg_settings, name), reader.ledger()
        with pytest.raises(PermissionDeniedError) as denied:
            reader.manage("migrate", "app", "zero")
        assert str(denied.value) == (
            "`python manage.py migrate app zero` failed: django.db.utils.ProgrammingError: must be owner of table "
            "app_book; only the owner of app_book (or a superuser) may change it: run migrate as that role "
            "(DATABASES['default']['USER'])")
        with pytest.raises(PermissionDeniedError) as denied:
            reader.manage("migrate", "app", "zero", "--fake")
        assert str(denied.value).endswith(
            "permission denied for table django_migrations; the role DATABASES['default']['USER'] names lacks a "
            "privilege on table django_migrations: run the command as a role that has it, or have an owner of "
            "django_migrations grant it to that role")
        assert snapshot(pg_settings, name) == before and reader.ledger().equals(ledger)
