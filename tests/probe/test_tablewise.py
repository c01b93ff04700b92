"""The SQLite shadow run a group of tables at a time ends in the schema that running every statement in it leaves.

Each plan's own SQL (plan.sql()) runs on two in-memory copies of the live schema: in one as migrate runs it,
statement after statement, in the other through tablewise.run. SQLite's sqlite_master must then hold the same
tables and indexes with the same CREATE text in both: renames that SQLite carries into the REFERENCES of other
tables (a renamed model, a renamed column another table's foreign key names) included.
"""

import sqlite3

import pytest

from djmig_kernel import Sandbox
from djmig_kernel._probe import tablewise
from djmig_kernel.project.settings import register_app
from helpers import migration_file
from lockapp import LEAF, add_app

_SHADOW = "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite^_%' ESCAPE '^'"
# rn: a model renamed while another's foreign key points at it, then the column that foreign key names renamed.
_RN = {
    "0001_initial": [
        "migrations.CreateModel('Author', [('id', models.BigAutoField(primary_key=True)), "
        "('code', models.CharField(max_length=10, unique=True))])",
        "migrations.CreateModel('Book', [('id', models.BigAutoField(primary_key=True)), ('author', "
        "models.ForeignKey('rn.Author', models.CASCADE, to_field='code'))])",
    ],
    "0002_writer": ["migrations.RenameModel('Author', 'Writer')"],
    "0003_handle": ["migrations.RenameField('Writer', 'code', 'handle')"],
    "0004_book_title": ["migrations.AddField('Book', 'title', models.CharField(max_length=20, null=True))"],
}


def _copy(live):
    """Return an in-memory database with LIVE's schema (no rows), as the shadow makes it."""
    copy = sqlite3.connect(":memory:", isolation_level=None)
    with sqlite3.connect(live) as source:
        rows = source.execute(f"{_SHADOW} AND sql IS NOT NULL ORDER BY type != 'table', rowid").fetchall()
    for _kind, _name, _table, sql in rows:
        copy.execute(sql)
    return copy


def _steps(plan):
    return [[s for s in lines if not s.lstrip().startswith("--")] for lines in plan.sql().values()]


def _both(sb, plan):
    """Return (sqlite_master after every statement ran, after tablewise.run, whether it ran them tablewise)."""
    whole, grouped = _copy(sb.db_path), _copy(sb.db_path)
    for statements in _steps(plan):
        whole.execute("PRAGMA foreign_keys = OFF")
        whole.executescript("\n".join(statements))
    tablewise_ran = tablewise.run(grouped, _steps(plan))
    return sorted(whole.execute(_SHADOW)), sorted(grouped.execute(_SHADOW)), tablewise_ran


@pytest.fixture(scope="module")
def projects(tmp_path_factory):
    """Return a SQLite project with the apps lk and rn, each at 0001."""
    sb = add_app(Sandbox.create(tmp_path_factory.mktemp("tw"), "twsite"), concurrently=False)
    rn = sb.path / "rn" / "migrations"
    rn.mkdir(parents=True)
    for path in (sb.path / "rn" / "__init__.py", rn / "__init__.py"):
        path.write_text("")
    previous = []
    for name, operations in _RN.items():
        (rn / f"{name}.py").write_text(migration_file(previous, *operations))
        previous = [("rn", name)]
    register_app(sb.path, "rn")
    sb.migrate("lk", "0001_initial")
    sb.migrate("rn", "0001_initial")
    return sb


@pytest.mark.parametrize("app, start, target", [
    ("lk", "0001_initial", LEAF), ("lk", LEAF, "zero"), ("rn", "0001_initial", "0004_book_title"),
    ("rn", "0004_book_title", "zero"),
])
def test_tablewise_ends_in_the_schema_of_every_statement_run(projects, app, start, target):
    sb = projects
    sb.migrate(app, start)
    plan = sb.migration_plan(app, target)
    whole, grouped, ran = _both(sb, plan)
    assert ran, "the plan's statements were all known: they run a group of tables at a time"
    assert grouped == whole
    assert any(kind == "table" for kind, *_ in whole) or target == "zero"


def test_a_renamed_table_takes_the_tables_that_refer_to_it_along(projects):
    sb = projects
    sb.migrate("rn", "0001_initial")
    whole, grouped, ran = _both(sb, sb.migration_plan("rn", "0003_handle"))
    book = next(sql for kind, name, _table, sql in whole if name == "rn_book")
    assert 'REFERENCES "rn_writer" ("handle")' in book  # SQLite rewrote the foreign key of another table
    assert ran and grouped == whole


def test_a_statement_not_known_or_a_trigger_leaves_the_shadow_to_run_them(projects):
    sb = projects
    sb.migrate("lk", "0001_initial")
    copy = _copy(sb.db_path)
    before = sorted(copy.execute(_SHADOW))
    assert tablewise.run(copy, [["CREATE VIEW lk_names AS SELECT name FROM lk_item;"]]) is False
    copy.execute("CREATE TRIGGER lk_t AFTER INSERT ON lk_tag BEGIN SELECT 1; END")
    assert tablewise.run(copy, [['ALTER TABLE "lk_item" ADD COLUMN "x" integer NULL;']]) is False
    assert sorted(copy.execute(_SHADOW)) == before + [
        ("trigger", "lk_t", "lk_tag", "CREATE TRIGGER lk_t AFTER INSERT ON lk_tag BEGIN SELECT 1; END")]
