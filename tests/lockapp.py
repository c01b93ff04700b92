"""The app "lk": a migration for each kind of operation Django emits, one after another, for the lock tests.

0001_initial makes Item, Tag and Box (applied, with rows: ROWS); every later migration does one thing to them:

    0002_item_note          AddField, nullable, no default
    0003_item_size          AddField with a default (ADD COLUMN ... DEFAULT, then DROP DEFAULT)
    0004_item_name_wider    AlterField that does not rewrite (varchar(20) -> varchar(50))
    0005_item_qty_bigint    AlterField that rewrites (integer -> bigint)
    0006_item_code_not_null AlterField null -> not null with a default (UPDATE ... WHERE IS NULL, SET NOT NULL)
    0007_item_name_idx      AddIndex
    0008_item_size_idx      AddIndexConcurrently (atomic = False)
    0009_item_tag           AddField ForeignKey (a new column, its constraint, its index)
    0010_item_size_check    AddConstraint CheckConstraint
    0011_remove_item_note   RemoveField
    0012_rename_code_sku    RenameField
    0013_fill_qty           RunSQL (an UPDATE; its reverse a no-op)
    0014_delete_box         DeleteModel
"""

import json

from djmig_kernel.project.settings import register_app

_ID = "models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')"
MIGRATIONS = {
    "0001_initial": f"""
        migrations.CreateModel('Tag', [('id', {_ID}), ('label', models.CharField(max_length=20))]),
        migrations.CreateModel('Item', [('id', {_ID}), ('name', models.CharField(max_length=20)),
            ('qty', models.IntegerField(null=True)), ('code', models.CharField(max_length=10, null=True))]),
        migrations.CreateModel('Box', [('id', {_ID}), ('label', models.CharField(max_length=20))]),""",
    "0002_item_note": "migrations.AddField('item', 'note', models.TextField(null=True)),",
    "0003_item_size": "migrations.AddField('item', 'size', models.IntegerField(default=1)),",
    "0004_item_name_wider": "migrations.AlterField('item', 'name', models.CharField(max_length=50)),",
    "0005_item_qty_bigint": "migrations.AlterField('item', 'qty', models.BigIntegerField(null=True)),",
    "0006_item_code_not_null": "migrations.AlterField('item', 'code', models.CharField(max_length=10, default='-')),",
    "0007_item_name_idx": "migrations.AddIndex('item', models.Index(fields=['name'], name='lk_item_name_idx')),",
    "0008_item_size_idx": "AddIndexConcurrently('item', models.Index(fields=['size'], name='lk_item_size_idx')),",
    "0009_item_tag": "migrations.AddField('item', 'tag', models.ForeignKey(null=True, "
                     "on_delete=models.SET_NULL, to='lk.tag')),",
    "0010_item_size_check": "migrations.AddConstraint('item', models.CheckConstraint("
                            "condition=models.Q(size__gte=0), name='lk_item_size_gte_0')),",
    "0011_remove_item_note": "migrations.RemoveField('item', 'note'),",
    "0012_rename_code_sku": "migrations.RenameField('item', 'code', 'sku'),",
    "0013_fill_qty": "migrations.RunSQL('UPDATE lk_item SET qty = 0 WHERE qty IS NULL', migrations.RunSQL.noop),",
    "0014_delete_box": "migrations.DeleteModel('Box'),",
}
LEAF = "0014_delete_box"
ROWS = [
    "INSERT INTO lk_tag (label) VALUES ('red'), ('blue')",
    "INSERT INTO lk_item (name, qty, code) VALUES ('bolt', 3, 'B1'), ('nut', NULL, NULL), ('gear', 7, NULL)",
    "INSERT INTO lk_box (label) VALUES ('small')",
]
MODELS = """
class Tag(models.Model):
    label = models.CharField(max_length=20)


class Item(models.Model):
    name = models.CharField(max_length=50)
    qty = models.BigIntegerField(null=True)
    sku = models.CharField(max_length=10, default='-')
    size = models.IntegerField(default=1)
    tag = models.ForeignKey(Tag, null=True, on_delete=models.SET_NULL)

    class Meta:
        indexes = [models.Index(fields=['name'], name='lk_item_name_idx'),
                   models.Index(fields=['size'], name='lk_item_size_idx')]
        constraints = [models.CheckConstraint(condition=models.Q(size__gte=0), name='lk_item_size_gte_0')]
"""


def _source(name, previous, operations):
    concurrently = "AddIndexConcurrently" in operations
    return (
        "from django.db import migrations, models\n"
        + ("from django.contrib.postgres.operations import AddIndexConcurrently\n" if concurrently else "")
        + "\n\nclass Migration(migrations.Migration):\n"
        + ("    atomic = False\n" if concurrently else "")
        + f"    dependencies = {[('lk', previous)] if previous else []!r}\n"
        + f"    operations = [\n        {operations.strip()}\n    ]\n"
    )


def add_app(sb, concurrently=True):
    """Write the app lk (models.py and its migrations, none applied) into SB and register it.

    CONCURRENTLY=False: 0008 adds its index with AddIndex (AddIndexConcurrently is PostgreSQL's only).
    """
    folder = sb.path / "lk" / "migrations"
    folder.mkdir(parents=True)
    for path in (sb.path / "lk" / "__init__.py", folder / "__init__.py"):
        path.write_text("")
    (sb.path / "lk" / "models.py").write_text("from django.db import models\n" + MODELS)
    previous = None
    for name, operations in MIGRATIONS.items():
        if not concurrently:
            operations = operations.replace("AddIndexConcurrently(", "migrations.AddIndex(")
        (folder / f"{name}.py").write_text(_source(name, previous, operations))
        previous = name
    register_app(sb.path, "lk")
    return sb


# lk/models.py as 0001_initial leaves the models: the code deployed before the plan forward.
OLD_MODELS = """
class Tag(models.Model):
    label = models.CharField(max_length=20)


class Item(models.Model):
    name = models.CharField(max_length=20)
    qty = models.IntegerField(null=True)
    code = models.CharField(max_length=10, null=True)


class Box(models.Model):
    label = models.CharField(max_length=20)
"""
# A new instance of each model, as the code of OLD_MODELS or MODELS makes one.
NEW = {"Item": {"name": "n", "qty": 1, "code": "c", "sku": "s", "size": 1}, "Box": {"label": "b"},
       "Tag": {"label": "t"}}
# What code does with each model of lk/models.py, on the project's own database, each in a transaction rolled back:
# save a new one, fetch every field, save a fetched one, delete one. Prints [[model, action, works]] as JSON.
_ORM = """
import json
from django.db import transaction
from lk import models
found = []
for name, values in {new!r}.items():
    model = getattr(models, name, None)
    if model is None:
        continue
    fields = {{f.name for f in model._meta.fields}}
    actions = {{
        "create": lambda: model.objects.create(**{{k: v for k, v in values.items() if k in fields}}),
        "read": lambda: list(model.objects.all()[:1]),
        "update": lambda: model.objects.first().save(),
        "delete": lambda: model.objects.filter(pk=model.objects.values_list("pk", flat=True).first()).delete(),
    }}
    for action, run in actions.items():
        try:
            with transaction.atomic():
                run()
                transaction.set_rollback(True)
            found.append([name, action, True])
        except Exception:
            found.append([name, action, False])
print(json.dumps(found))
"""


def orm_outcomes(sb, models_source):
    """Return {("lk.Model", action): works} of the code of MODELS_SOURCE (lk/models.py) run on SB's database."""
    path = sb.path / "lk" / "models.py"
    kept = path.read_text()
    path.write_text("from django.db import models\n" + models_source)
    try:
        printed = sb.shell(_ORM.format(new=NEW)).stdout.strip().splitlines()[-1]
    finally:
        path.write_text(kept)
    return {(f"lk.{model}", action): works for model, action, works in json.loads(printed)}


def kit_outcomes(frame):
    """Return {("lk.Model", action): works} of an old_code() FRAME."""
    return {(row.model, row.action): bool(row.works) for row in frame.itertuples()}
