"""The projects the tests build: the library (authors and books), a Wagtail site, and the zoo of model kinds."""

from djmig_kernel import Sandbox
from helpers import AUTHOR, AUTHOR_BIO, BOOKS, BOOK_ISBN, BOOK_PAGES, ROWS, migration_file


def build_library(root, name="library"):
    """Make ROOT/NAME: two apps with a cross-app FK, a branch and its merge, a squash, rows; return it."""
    sb = Sandbox.create(root, name)
    sb.startapp("authors")
    sb.startapp("books")
    sb.write_models("authors", AUTHOR)
    sb.write_models("books", BOOKS)
    sb.makemigrations()
    sb.write_models("authors", AUTHOR + AUTHOR_BIO)
    sb.makemigrations("authors", name="author_bio")
    sb.write_models("books", BOOKS + BOOK_PAGES)
    sb.makemigrations("books", name="book_pages")
    # The other branch arrives by hand, as a teammate's migration would.
    (sb.path / "books/migrations/0002_book_isbn.py").write_text(migration_file(
        [("books", "0001_initial")],
        'migrations.AddField("book", "isbn", models.CharField(default="", max_length=13))',
    ))
    sb.write_models("books", BOOKS + BOOK_PAGES + BOOK_ISBN)
    sb.manage("makemigrations", "books", "--merge", "--noinput", "--name", "merge")
    sb.manage("squashmigrations", "authors", "0002", "--noinput")
    sb.migrate()
    sb.shell(ROWS)
    return sb


WAGTAIL_APPS = [
    "wagtail.contrib.forms", "wagtail.contrib.redirects", "wagtail.embeds", "wagtail.sites",
    "wagtail.users", "wagtail.snippets", "wagtail.documents", "wagtail.images", "wagtail.search",
    "wagtail.admin", "wagtail", "modelcluster", "taggit",
]
WAGTAIL_SETTINGS = """
INSTALLED_APPS += {apps!r}
MIDDLEWARE += ["wagtail.contrib.redirects.middleware.RedirectMiddleware"]
WAGTAIL_SITE_NAME = "cms"
WAGTAILADMIN_BASE_URL = "http://localhost:8000"
"""


def build_wagtail(root, name="cms_site", database="sqlite"):
    """Make ROOT/NAME: a startproject with Wagtail's apps installed and fully migrated, on DATABASE; return it."""
    sb = Sandbox.create(root, name, database=database)
    settings = sb.path / name / "settings.py"
    settings.write_text(settings.read_text() + WAGTAIL_SETTINGS.format(apps=WAGTAIL_APPS))
    sb.migrate(timeout=600)
    return sb


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


def build_zoo(root):
    """Make ROOT/zoo_site: every shape of model and table a real project brings that Wagtail lacks."""
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


def add_then_drop_unique_together(sb):
    """books.0004 adds a unique (title, pages); 0005 drops it again; both applied."""
    for name, parent, together in [("0004_unique", "0003_merge", "{('title', 'pages')}"),
                                   ("0005_not_unique", "0004_unique", "set()")]:
        (sb.path / f"books/migrations/{name}.py").write_text(migration_file(
            [("books", parent)], f'migrations.AlterUniqueTogether("book", {together})'
        ))
    sb.migrate("books")


# A package's own operation whose undoing cannot be written as SQL: it needs the rows themselves.
_OPAQUE = """
class Reshelve(migrations.operations.base.Operation):
    reversible = True

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        pass

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        raise ValueError("Reshelve is undone row by row, in Python")

    def describe(self):
        return "Reshelve the books"
"""


def add_an_opaque_step_then_a_unique(sb):
    """books.0004 is a package's own operation whose undoing has no SQL; 0005 adds a unique (title, pages)."""
    (sb.path / "books/migrations/0004_reshelve.py").write_text(
        migration_file([("books", "0003_merge")], "Reshelve()", preamble=_OPAQUE))
    (sb.path / "books/migrations/0005_unique.py").write_text(migration_file(
        [("books", "0004_reshelve")], 'migrations.AlterUniqueTogether("book", {("title", "pages")})'))
    sb.migrate("books")
