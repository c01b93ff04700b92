"""Fixes that converge on a corpus project: breaks of package apps, each row's fix run in the order shown."""

import sqlite3

import pytest
from fixes import converges

pytestmark = pytest.mark.corpus


def test_a_package_apps_lost_ledger_row_and_dropped_table_are_repaired_by_their_fixes(corpus_copy):
    """allauth's usersessions.0001_initial forgotten under its table (migrate would meet "table already
    exists"), and django-celery-beat's clockedschedule dropped (a later migration removed one of its fields)."""
    sb = corpus_copy("accounts")
    with sqlite3.connect(sb.db_path) as connection:
        connection.execute("DELETE FROM django_migrations WHERE app = 'usersessions' AND name = '0001_initial'")
        connection.execute("DROP TABLE django_celery_beat_clockedschedule")
    connection.close()
    found = sb.check(timeout=600)
    assert [tuple(r) for r in found[["kind", "subject"]].itertuples(index=False)] == [
        ("pending", "usersessions.0001_initial"),
        ("missing-table", "django_celery_beat_clockedschedule"),
        ("unexpected-table", "usersessions_usersession"),
    ]
    assert found["fix"][0] == found["fix"][2]  # one disagreement, one fix: record usersessions.0001 as applied
    converges(sb, found, timeout=600)
