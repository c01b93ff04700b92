"""Reading PostgreSQL on a real server: a reading() block is one snapshot through one connection; keys as Django's."""

from djmig_kernel import FourPieces
from helpers import django_answer
from pgfixtures import psql

# Django's own introspection of every table: its primary key column and {column: "table.column"} of its foreign keys
INTROSPECTION = (
    "import json; from django.db import connection as c; cur = c.cursor(); i = c.introspection; "
    "print(json.dumps({t: [i.get_primary_key_column(cur, t), {k: f'{v[1]}.{v[0]}' for k, v in "
    "i.get_relations(cur, t).items()}] for t in i.table_names()}))"
)


def _sessions(settings, name):
    """Return how many of the kit's reading connections (application_name djmig) are open on database NAME."""
    return int(psql(settings, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'djmig' "
                              f"AND datname = '{name}'").strip())


def test_a_reading_block_sees_one_snapshot_through_one_connection(pg_copy, pg_settings):
    sb = pg_copy()
    name = sb._database().name
    with sb.reading():
        ledger = sb.ledger()
        psql(pg_settings, "CREATE TABLE shelf (id int); INSERT INTO app_author (name) VALUES ('Terry Pratchett'); "
                          "DELETE FROM django_migrations WHERE name = '0002_added_Book_model'", db=name)
        assert "shelf" not in sb.tables() and sb.row_counts(["app_author"]) == {"app_author": 1}
        assert sb.ledger().equals(ledger) and sb.table("app_author")["name"].tolist() == ["JK Rowling"]
        assert "shelf" not in set(sb.schema()["table"])
        assert _sessions(pg_settings, name) == 1  # kept open between the reads, in one transaction
    assert _sessions(pg_settings, name) == 0
    assert "shelf" in sb.tables() and sb.row_counts(["app_author"]) == {"app_author": 2}
    pieces = FourPieces.capture(sb, "app")
    assert pieces.applied == {"0001_initial"} and pieces.rows == {"app_author": 2, "app_book": 1}


def test_schemas_keys_are_djangos_introspection(pg_walkthrough):
    schema = pg_walkthrough.schema()
    found = {}
    for table, column, _type, _notnull, pk, references in schema.values.tolist():
        keys = found.setdefault(table, [None, {}])
        if pk:
            keys[0] = column
        if references:
            keys[1][column] = references
    assert found == django_answer(pg_walkthrough, INTROSPECTION)
    assert found["app_book"] == ["id", {"author_id": "app_author.id"}]
    assert found["auth_user_groups"][1] == {"user_id": "auth_user.id", "group_id": "auth_group.id"}
