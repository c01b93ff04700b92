"""Projects, oracles and snapshots that the tests share (fixtures are in conftest.py)."""

import hashlib
import json
import re
import socket
import sqlite3
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

from djmig_kernel import Sandbox

AUTHOR = """
class Author(models.Model):
    name = models.CharField(max_length=100)
"""
AUTHOR_BIO = '    bio = models.TextField(default="")\n'

BOOKS = """
from authors.models import Author


class Genre(models.Model):
    name = models.CharField(max_length=50)


class Book(models.Model):
    title = models.CharField(max_length=200)
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
    genres = models.ManyToManyField(Genre)
"""
BOOK_PAGES = "    pages = models.IntegerField(default=0)\n"
BOOK_ISBN = '    isbn = models.CharField(max_length=13, default="")\n'

ROWS = """
from authors.models import Author
from books.models import Book, Genre

le_guin = Author.objects.create(name="Ursula K. Le Guin", bio="Earthsea")
pratchett = Author.objects.create(name="Terry Pratchett")
fantasy = Genre.objects.create(name="fantasy")
satire = Genre.objects.create(name="satire")
Book.objects.create(title="A Wizard of Earthsea", author=le_guin, pages=183).genres.add(fantasy)
Book.objects.create(title="Mort", author=pratchett, pages=243).genres.add(fantasy, satire)
Book.objects.create(title="Small Gods", author=pratchett, pages=284, isbn="0575052236").genres.add(satire)
"""

# Live rows of the library project, as ROWS makes them.
LIBRARY_ROWS = {"authors_author": 2, "books_genre": 2, "books_book": 3, "books_book_genres": 4}

# The migration graph of the library's own apps, as Django's loader builds it:
#
#   authors.0001_squashed_0002_author_bio   (replaces 0001_initial, 0002_author_bio)
#                   |
#           books.0001_initial
#              /          \
#   books.0002_book_isbn  books.0002_book_pages
#              \          /
#            books.0003_merge
SQUASHED = ("authors", "0001_squashed_0002_author_bio")


def migration_file(dependencies, *operations, preamble=""):
    """Return the source of a hand-written migration: DEPENDENCIES, then OPERATIONS (source text)."""
    body = "".join(f"        {op},\n" for op in operations)
    return (
        "from django.db import migrations, models\n"
        f"{textwrap.dedent(preamble)}\n\n"
        "class Migration(migrations.Migration):\n"
        f"    dependencies = {[tuple(d) for d in dependencies]!r}\n"
        f"    operations = [\n{body}    ]\n"
    )


def files_digest(folder):
    """Return {relative path: sha256} of every file below FOLDER (db.sqlite3 included)."""
    folder = Path(folder)
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def count(sb, table):
    """Return the rows of TABLE, counted with sqlite3 itself (not through the kit)."""
    with sqlite3.connect(sb.db_path) as connection:
        return connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]


def django_answer(sb, code):
    """Run CODE in the sandbox's Django; return the JSON it prints on its last line."""
    return json.loads(sb.shell(code).stdout.strip().splitlines()[-1])


# Django's MigrationExecutor, to the letter: _migrate_all_backwards renders the state once and
# moves it on with mutate_state(preserve=True); _migrate_all_forwards applies on a rendered
# state. Each step's SQL is collected by Migration.apply/unapply(collect_sql=True).
_EXECUTOR_SQL = """
import json
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.exceptions import IrreversibleError

executor = MigrationExecutor(connection)
graph = executor.loader.graph
plan = executor.migration_plan([({app!r}, None if {name!r} == 'zero' else {name!r})])

def collect(migration, state, backwards):
    try:
        with connection.schema_editor(collect_sql=True, atomic=migration.atomic) as editor:
            (migration.unapply if backwards else migration.apply)(state, editor, collect_sql=True)
    except IrreversibleError as error:
        return ["-- IRREVERSIBLE: %s" % error]
    except Exception as error:
        return ["-- SQL not available: %s" % error]
    return editor.collected_sql

found = {{}}
if plan and plan[0][1]:
    applied = {{graph.nodes[k] for k in executor.loader.applied_migrations if k in graph.nodes}}
    to_undo = {{m for m, _ in plan}}
    states = {{}}
    state = executor._create_project_state()
    for migration, _ in executor.migration_plan(graph.leaf_nodes(), clean_start=True):
        if not to_undo:
            break
        if migration in to_undo:
            if "apps" not in state.__dict__:
                state.apps
            states[migration] = state
            state = migration.mutate_state(state, preserve=True)
            to_undo.discard(migration)
        elif migration in applied:
            migration.mutate_state(state, preserve=False)
    for migration, _ in plan:
        found[str(migration)] = collect(migration, states[migration], True)
else:
    state = executor._create_project_state(with_applied_migrations=True)
    state.apps
    for migration, _ in plan:
        found[str(migration)] = collect(migration, state.clone(), False)
        state = migration.mutate_state(state, preserve=True)
print(json.dumps(found))
"""


# What differs from run to run in collected SQL: a default of timezone.now or of uuid4.
_VARYING = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[.\d]*|'[0-9a-f]{32}'")


def _masked(sql):
    return {migration: [_VARYING.sub("<varies>", line) for line in lines] for migration, lines in sql.items()}


def executor_sql(sb, app, name):
    """Return {"app.migration": SQL lines} of ``migrate APP NAME``, as Django's executor collects them.

    Timestamps and uuids (defaults of timezone.now, uuid4) read <varies>.
    """
    return _masked(django_answer(sb, _EXECUTOR_SQL.format(app=app, name=name)))


def masked_sql(plan):
    """Return PLAN's SQL as executor_sql gives it."""
    return _masked(plan.sql())


def assert_same_sql(plan, django):
    """Each step's SQL is Django's, line for line; where a step renames a model, Django rebuilds the
    tables pointing at it in hash order (it differs from run to run), so there the lines are compared
    as a whole."""
    ours = masked_sql(plan)
    assert list(ours) == list(django)
    renames = {step["migration"] for step in plan.steps
               if any("Rename model" in op for op in step["operations"])}  # "Undo Rename model …" backwards
    for migration, lines in ours.items():
        if migration in renames:
            assert sorted(lines) == sorted(django[migration]), migration
        else:
            assert lines == django[migration], migration


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


def free_port():
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url, process, seconds=90):
    """Wait until URL answers 200, failing early if PROCESS (the server) exits."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with code {process.returncode} before it answered")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.2)  # nothing to wait on but the port: poll it
    raise RuntimeError(f"jupyter lab did not answer within {seconds} s")


# Wagtail (from PyPI) as a learner would set it up: its apps and their dependencies, as in
# Wagtail's "integrating into an existing Django project" guide.
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


def build_wagtail(root, name="cms"):
    """Make ROOT/NAME: a startproject with Wagtail's apps installed and fully migrated; return it."""
    sb = Sandbox.create(root, name)
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
