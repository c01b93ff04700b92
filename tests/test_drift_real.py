"""No false alarms: check() is empty and schema_at() is the live schema on freshly migrated real projects.

Two projects: Wagtail (a CMS from PyPI: 13 apps, squashed migrations, an FTS5 virtual table made
by a SeparateDatabaseAndState, multi-table inheritance, tagging through models), and a project built
here with every shape a real project brings that Wagtail lacks (a custom user model, proxy and
unmanaged models, a RunSQL table and an FTS5 table, a many-to-many with ``through``, a squash
whose replaced files are gone, a database cache table).
"""

import sqlite3

import pytest

from djmig_kernel import Sandbox
from helpers import files_digest

WAGTAIL_APPS = [
    "wagtail.contrib.forms", "wagtail.contrib.redirects", "wagtail.embeds", "wagtail.sites", "wagtail.users",
    "wagtail.snippets", "wagtail.documents", "wagtail.images", "wagtail.search", "wagtail.admin", "wagtail",
    "modelcluster", "taggit",
]

ZOO = """
from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    pass


class Place(models.Model):
    name = models.CharField(max_length=50)


class Restaurant(Place):
    serves_pizza = models.BooleanField(default=False)


class PlaceProxy(Place):
    class Meta:
        proxy = True


class Legacy(models.Model):
    code = models.CharField(max_length=10)

    class Meta:
        managed = False
        db_table = "zoo_legacy"


class Tag(models.Model):
    name = models.CharField(max_length=20)


class Article(models.Model):
    tags = models.ManyToManyField(Tag)
    places = models.ManyToManyField(Place, through="Membership")
    owner = models.ForeignKey(User, null=True, on_delete=models.SET_NULL)


class Membership(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE)
    place = models.ForeignKey(Place, on_delete=models.CASCADE)
"""

RUNSQL = """from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("zoo", "0002_place_city")]
    operations = [
        migrations.RunSQL(
            "CREATE TABLE zoo_legacy (id integer PRIMARY KEY, code varchar(10));"
            "CREATE VIRTUAL TABLE zoo_search USING fts5(body);",
            "DROP TABLE zoo_search; DROP TABLE zoo_legacy;",
        ),
    ]
"""


def _settings(sb, text):
    path = sb.path / sb.path.name / "settings.py"
    path.write_text(path.read_text() + text)


def build_wagtail(root):
    sb = Sandbox.create(root, "cms")
    path = sb.path / "cms" / "settings.py"
    apps = "".join(f"    {app!r},\n" for app in WAGTAIL_APPS)
    path.write_text(path.read_text().replace("INSTALLED_APPS = [\n", f"INSTALLED_APPS = [\n{apps}"))
    _settings(sb, "\nWAGTAIL_SITE_NAME = 'cms'\nWAGTAILADMIN_BASE_URL = 'http://localhost'\n")
    sb.migrate(timeout=600)


def build_zoo(root):
    sb = Sandbox.create(root, "zoo_site")
    sb.startapp("zoo")
    _settings(sb, "\nAUTH_USER_MODEL = 'zoo.User'\nCACHES = {'default': {'BACKEND': "
                  "'django.core.cache.backends.db.DatabaseCache', 'LOCATION': 'zoo_cache'}}\n")
    sb.write_models("zoo", ZOO)
    sb.makemigrations("zoo")
    sb.write_models("zoo", ZOO.replace("    name = models.CharField(max_length=50)\n",
                                       "    name = models.CharField(max_length=50)\n"
                                       "    city = models.CharField(max_length=50, default='')\n", 1))
    sb.makemigrations("zoo", name="place_city")
    (sb.path / "zoo/migrations/0003_legacy_and_search.py").write_text(RUNSQL)
    sb.manage("squashmigrations", "zoo", "0002", "--noinput")
    sb.migrate()
    sb.manage("createcachetable")
    # The squash is applied everywhere, so the files it replaces may go; the ledger keeps their rows.
    for name in ("0001_initial", "0002_place_city"):
        (sb.path / f"zoo/migrations/{name}.py").unlink()
    text = (sb.path / "zoo/migrations/0003_legacy_and_search.py").read_text()
    (sb.path / "zoo/migrations/0003_legacy_and_search.py").write_text(
        text.replace('("zoo", "0002_place_city")', '("zoo", "0001_squashed_0002_place_city")'))


@pytest.fixture(scope="session")
def _wagtail_build(tmp_path_factory):
    from conftest import _built

    return _built(tmp_path_factory, "wagtail", build_wagtail).parent / "cms"


@pytest.fixture(scope="session")
def _zoo_build(tmp_path_factory):
    from conftest import _built

    return _built(tmp_path_factory, "zoo", build_zoo).parent / "zoo_site"


@pytest.fixture
def wagtail(_wagtail_build, tmp_path):
    from conftest import _copy

    return _copy(_wagtail_build, tmp_path)


@pytest.fixture
def zoo(_zoo_build, tmp_path):
    from conftest import _copy

    return _copy(_zoo_build, tmp_path)


def _virtual_tables(sb):
    with sqlite3.connect(sb.db_path) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")
        names = {name for (name,) in rows}
    connection.close()
    return names


def _same_schema(sb):
    """Return the state's and the database's columns of the tables migrations make.

    A virtual table's columns are its module's (FTS5's are untyped), not the model's that the
    state keeps for it: those tables are left out of the comparison.
    """
    key = ["table", "column"]
    state = sb.schema_at()
    state = state[~state["table"].isin(_virtual_tables(sb))].sort_values(key).reset_index(drop=True)
    live = sb.schema(*sorted(set(state["table"]))).sort_values(key).reset_index(drop=True)
    return state, live


@pytest.mark.parametrize("project", ["wagtail", "zoo"])
def test_a_freshly_migrated_real_project_agrees(project, request):
    sb = request.getfixturevalue(project)
    before = files_digest(sb.path)
    found = sb.check()
    assert found.empty, found.to_string()
    state, live = _same_schema(sb)
    assert state.equals(live)
    assert files_digest(sb.path) == before


def test_wagtail_has_the_shapes_the_no_false_alarm_test_needs(wagtail):
    tables = wagtail.tables()
    assert len(tables) > 50
    assert "wagtailsearch_indexentry_fts" in tables  # the FTS5 virtual table
    assert any(name.endswith("_fts_data") for name in tables)  # and SQLite's shadow tables
    replaced = wagtail.graph().replaces
    assert replaced, "Wagtail ships squashed migrations"


def test_zoo_has_the_shapes_the_no_false_alarm_test_needs(zoo):
    tables = set(zoo.tables())
    assert {"zoo_legacy", "zoo_search", "zoo_search_data", "zoo_cache", "zoo_user",
            "zoo_restaurant", "zoo_article_tags", "zoo_membership"} <= tables
    assert "zoo_placeproxy" not in tables and "auth_user" not in tables
    assert not (zoo.path / "zoo/migrations/0001_initial.py").exists()


def test_a_real_project_still_reports_what_is_broken(wagtail):
    with sqlite3.connect(wagtail.db_path) as connection:
        connection.execute("DROP TABLE taggit_tag")
    connection.close()
    found = wagtail.check()
    assert list(found[["kind", "subject"]].itertuples(index=False, name=None)) == [("missing-table", "taggit_tag")]
