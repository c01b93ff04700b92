"""The app "pages": constraints whose names Django did not write, looked up again when its migrations are undone.

Django drops a unique_together or a foreign key by the name it finds in the database (introspection), so the SQL
of a rollback depends on the names the database has at each step. PostgreSQL's SQL (RunSQL with a DO block):

    0001_squashed_0004_page  a squash: Layout with a unique (title, kind), a column site, the unique swapped for
                             (title, site) in the same migration; Page with a foreign key to Layout
    0005_unique_slug         a unique (slug, site) on Page, named for its table pages_page
    0006_webpage             the foreign key made again (null), then the table renamed to pages_webpage: both
                             keep names made for pages_page
    0007_older_names         RunSQL (no-op backwards): the foreign key renamed as an older Django named it
                             (layout_id_refs_id_<hash>), the unique dropped and made again by hand (page_slug_site_uniq)
    0008_kind_site           a second unique on Layout, (kind, site)
    0009_not_kind_site       ... removed again

Undone, 0009 makes (kind, site) again and 0008 drops it by the name 0009's undoing gave it; 0006 renames the table
back, then drops the foreign key by its older name, found on the table it now has; 0005 drops page_slug_site_uniq;
the squash makes (title, kind) again and drops it in the same migration.
"""

from djmig_kernel.project.settings import register_app

_ID = 'models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")'
_RENAMES = (
    "DO $$ DECLARE fk text; uniq text; BEGIN "
    "SELECT conname INTO fk FROM pg_constraint WHERE conrelid = 'pages_webpage'::regclass AND contype = 'f'; "
    "SELECT conname INTO uniq FROM pg_constraint WHERE conrelid = 'pages_webpage'::regclass AND contype = 'u'; "
    "EXECUTE format('ALTER TABLE pages_webpage RENAME CONSTRAINT %I TO layout_id_refs_id_7a1b2c3d', fk); "
    "EXECUTE format('ALTER TABLE pages_webpage DROP CONSTRAINT %I', uniq); "
    "ALTER TABLE pages_webpage ADD CONSTRAINT page_slug_site_uniq UNIQUE (slug, site); END $$"
)
MIGRATIONS = {
    "0001_squashed_0004_page": (None, [
        f'migrations.CreateModel("Layout", [("id", {_ID}), ("title", models.CharField(max_length=20)), '
        '("kind", models.IntegerField())])',
        'migrations.AlterUniqueTogether("layout", {("title", "kind")})',
        'migrations.AddField("layout", "site", models.IntegerField(default=1))',
        'migrations.AlterUniqueTogether("layout", {("title", "site")})',
        f'migrations.CreateModel("Page", [("id", {_ID}), ("slug", models.CharField(max_length=20)), '
        '("site", models.IntegerField()), '
        '("layout", models.ForeignKey(on_delete=models.CASCADE, to="pages.layout"))])',
    ]),
    "0005_unique_slug": ("0001_squashed_0004_page", ['migrations.AlterUniqueTogether("page", {("slug", "site")})']),
    "0006_webpage": ("0005_unique_slug", [
        'migrations.AlterField("page", "layout", '
        'models.ForeignKey(null=True, on_delete=models.SET_NULL, to="pages.layout"))',
        'migrations.AlterModelTable("page", "pages_webpage")',
    ]),
    "0007_older_names": ("0006_webpage", [f"migrations.RunSQL({_RENAMES!r}, migrations.RunSQL.noop)"]),
    "0008_kind_site": ("0007_older_names",
                       ['migrations.AlterUniqueTogether("layout", {("title", "site"), ("kind", "site")})']),
    "0009_not_kind_site": ("0008_kind_site", ['migrations.AlterUniqueTogether("layout", {("title", "site")})']),
}
REPLACES = [("pages", "0001_initial"), ("pages", "0002_title_kind"), ("pages", "0003_layout_site"),
            ("pages", "0004_page")]
MODELS = """from django.db import models


class Layout(models.Model):
    title = models.CharField(max_length=20)
    kind = models.IntegerField()
    site = models.IntegerField(default=1)

    class Meta:
        unique_together = [("title", "site")]


class Page(models.Model):
    slug = models.CharField(max_length=20)
    site = models.IntegerField()
    layout = models.ForeignKey(Layout, null=True, on_delete=models.SET_NULL)

    class Meta:
        db_table = "pages_webpage"
        unique_together = [("slug", "site")]
"""


def _source(previous, operations, replaces=None):
    lines = ["from django.db import migrations, models", "", "", "class Migration(migrations.Migration):"]
    if replaces:
        lines.append(f"    replaces = {replaces!r}")
    lines.append(f"    dependencies = {[('pages', previous)] if previous else []!r}")
    lines += ["    operations = [", *(f"        {operation}," for operation in operations), "    ]", ""]
    return "\n".join(lines)


def add_app(sb):
    """Write the app pages (models.py and its migrations, none applied) into SB and register it."""
    folder = sb.path / "pages" / "migrations"
    folder.mkdir(parents=True)
    for path in (sb.path / "pages" / "__init__.py", folder / "__init__.py"):
        path.write_text("")
    (sb.path / "pages" / "models.py").write_text(MODELS)
    for name, (previous, operations) in MIGRATIONS.items():
        replaces = REPLACES if name.startswith("0001_squashed") else None
        (folder / f"{name}.py").write_text(_source(previous, operations, replaces))
    register_app(sb.path, "pages")
    return sb
