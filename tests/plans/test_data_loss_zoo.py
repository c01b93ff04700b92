"""data_loss on the zoo's shapes, each held against what ``migrate APP TARGET`` really drops on a copy.

A proxy and an unmanaged model have no table that migrate drops; a many-to-many through a model of the
project's own has no join table of its own; a dropped ForeignKey loses its column, ``author_id``.
The tables and columns are read with sqlite3 before and after migrate, never through the kit.
"""

import shutil
import sqlite3

import pandas as pd
from djmig_kernel import Sandbox
from helpers import count, migration_file

# What the RunSQL of zoo.0003 makes (the unmanaged Legacy's table, and an FTS5 index with its shadow tables):
# undoing it runs the project's own SQL, which drops them; data_loss counts what model operations drop.
RUNSQL_TABLES = {"zoo_legacy", "zoo_search"}


def _schema(sb):
    """Return {table: {columns}} of the database, read with sqlite3."""
    with sqlite3.connect(sb.db_path) as connection:
        names = [n for (n,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        schema = {n: {row[1] for row in connection.execute(f'PRAGMA table_info("{n}")')} for n in names}
    connection.close()
    return schema


def _dropped_by_migrate(sb, app, target, tmp_path):
    """Return {(table, None)} | {(table, column)}: what ``migrate APP TARGET`` drops, on a copy of SB."""
    copy = Sandbox.open(shutil.copytree(sb.path, tmp_path / "migrated" / sb.path.name, symlinks=True))
    before = _schema(copy)
    copy.migrate(app, target)
    after = _schema(copy)
    tables = {(t, None) for t in set(before) - set(after)}
    return tables | {(t, c) for t in set(before) & set(after) for c in before[t] - after[t]}


def _losses(sb, app, target):
    loss = sb.data_loss(app, target)
    for table, rows in zip(loss["table"], loss["rows"]):
        assert rows == count(sb, table), table
    return {(t, None if pd.isna(c) else c) for t, c in zip(loss["table"], loss["column"])}


def test_zoo_to_zero_loses_the_tables_migrate_drops_and_no_proxy_or_unmanaged_table(zoo, tmp_path):
    """The proxy PlaceProxy has no table; Legacy's is the RunSQL's; Article.places goes through Membership."""
    dropped = _dropped_by_migrate(zoo, "zoo", "zero", tmp_path)
    runsql = {(t, None) for t, _ in dropped if t == "zoo_legacy" or t.startswith("zoo_search")}
    assert {t for t, _ in runsql} >= RUNSQL_TABLES and ("zoo_placeproxy", None) not in dropped
    assert ("zoo_article_places", None) not in dropped and ("zoo_membership", None) in dropped
    assert _losses(zoo, "zoo", "zero") == dropped - runsql


# zoo.0004: a proxy, an unmanaged model on the live zoo_legacy, a second many-to-many through Membership,
# and a ForeignKey, tag.author.
ZOO_0004 = [
    'migrations.CreateModel("TagProxy", [], options={"proxy": True}, bases=("zoo.tag",))',
    ('migrations.CreateModel("Archive", [("id", models.AutoField(primary_key=True)), '
     '("code", models.CharField(max_length=10))], options={"managed": False, "db_table": "zoo_legacy"})'),
    ('migrations.AddField("article", "more_places", models.ManyToManyField("zoo.place", through="zoo.Membership", '
     'related_name="+"))'),
    'migrations.AddField("tag", "author", models.ForeignKey("zoo.user", null=True, on_delete=models.SET_NULL))',
]


def test_undoing_a_proxy_an_unmanaged_model_a_through_and_a_foreign_key_loses_only_author_id(zoo, tmp_path):
    (zoo.path / "zoo/migrations/0004_shapes.py").write_text(migration_file([("zoo", "0003_legacy_and_search")], *ZOO_0004))
    zoo.migrate("zoo")
    zoo.shell("from django.db import connection\nconnection.cursor().execute(\"INSERT INTO zoo_tag (name) VALUES ('a')\")")
    dropped = _dropped_by_migrate(zoo, "zoo", "0003", tmp_path)
    assert dropped == {("zoo_tag", "author_id")}
    assert _losses(zoo, "zoo", "0003") == dropped
