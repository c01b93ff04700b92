"""data_loss names the live tables: of a model moved to another app (its table renamed later), and not the
join table of a renamed model that a later migration dropped (the rollback re-creates it empty)."""

import sqlite3

from helpers import count

# notes.Note moves to app inbox, as django-oscar moved its communication models: the new app takes the
# model over in state only (keeping the old table), the old app forgets it in state only, then the new
# app gives the table its own default name.
NOTES_0001 = """from django.db import migrations, models

class Migration(migrations.Migration):
    initial = True
    operations = [migrations.CreateModel("Note", [("id", models.AutoField(primary_key=True)),
                                                  ("text", models.TextField())])]
"""
NOTES_0002 = """from django.db import migrations

class Migration(migrations.Migration):
    dependencies = [("notes", "0001_initial"), ("inbox", "0001_initial")]
    operations = [migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel("Note")])]
"""
INBOX_0001 = """from django.db import migrations, models

class Migration(migrations.Migration):
    initial = True
    dependencies = [("notes", "0001_initial")]
    operations = [migrations.SeparateDatabaseAndState(state_operations=[
        migrations.CreateModel("Note", [("id", models.AutoField(primary_key=True)), ("text", models.TextField())],
                               options={"db_table": "notes_note"})])]
"""
INBOX_0002 = """from django.db import migrations

class Migration(migrations.Migration):
    dependencies = [("inbox", "0001_initial"), ("notes", "0002_forget_note")]
    operations = [migrations.AlterModelTable("note", None)]
"""
INBOX_MODELS = "class Note(models.Model):\n    text = models.TextField()\n"

# pages.Title gets a many-to-many, is renamed PageContent (its join table renamed with it), and loses it.
PAGES_0001 = """from django.db import migrations, models

class Migration(migrations.Migration):
    initial = True
    operations = [migrations.CreateModel("Slot", [("id", models.AutoField(primary_key=True))]),
                  migrations.CreateModel("Title", [("id", models.AutoField(primary_key=True))])]
"""
PAGES_0002 = """from django.db import migrations, models

class Migration(migrations.Migration):
    dependencies = [("pages", "0001_initial")]
    operations = [migrations.AddField("title", "slots", models.ManyToManyField("pages.slot"))]
"""
PAGES_0003 = """from django.db import migrations

class Migration(migrations.Migration):
    dependencies = [("pages", "0002_title_slots")]
    operations = [migrations.RenameModel("Title", "PageContent"),
                  migrations.RemoveField("pagecontent", "slots")]
"""
PAGES_MODELS = "class Slot(models.Model):\n    pass\n\n\nclass PageContent(models.Model):\n    pass\n"


def _write(sandbox, app, models, migrations):
    sandbox.startapp(app)
    sandbox.write_models(app, models)
    for name, source in migrations.items():
        (sandbox.path / app / "migrations" / f"{name}.py").write_text(source)


def _tables(sb):
    with sqlite3.connect(sb.db_path) as connection:
        return {name for name, in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_a_model_moved_to_another_app_is_lost_under_its_live_table(sandbox):
    _write(sandbox, "notes", "", {"0001_initial": NOTES_0001, "0002_forget_note": NOTES_0002})
    _write(sandbox, "inbox", INBOX_MODELS, {"0001_initial": INBOX_0001, "0002_default_table": INBOX_0002})
    sandbox.migrate()
    sandbox.shell("from inbox.models import Note\nNote.objects.create(text='a'); Note.objects.create(text='b')")
    assert "inbox_note" in _tables(sandbox) and "notes_note" not in _tables(sandbox)
    loss = sandbox.data_loss("notes", "zero")  # undoes inbox too: notes.0001 drops the table inbox renamed
    assert [(t, r) for t, c, r in loss.itertuples(index=False)] == [("inbox_note", 2)]
    assert sandbox.data_loss("inbox", "zero").empty  # renames the table back, drops nothing
    before = _tables(sandbox)
    sandbox.migrate("notes", "zero")  # what migrate really drops: the live inbox_note (renamed back first)
    assert before - _tables(sandbox) == {"inbox_note"}
    assert "notes_note" not in _tables(sandbox)


def test_the_join_table_of_a_renamed_model_that_a_later_migration_dropped_is_no_loss(sandbox):
    _write(sandbox, "pages", PAGES_MODELS,
           {"0001_initial": PAGES_0001, "0002_title_slots": PAGES_0002, "0003_pagecontent": PAGES_0003})
    sandbox.migrate()
    sandbox.shell("from pages.models import Slot\nSlot.objects.create()")
    loss = sandbox.data_loss("pages", "zero")
    assert sorted((t, r) for t, c, r in loss.itertuples(index=False)) == [("pages_pagecontent", 0), ("pages_slot", 1)]
    for table, _, rows in loss.itertuples(index=False):
        assert rows == count(sandbox, table)
    before = _tables(sandbox)
    sandbox.migrate("pages", "zero")
    assert before - _tables(sandbox) == {"pages_pagecontent", "pages_slot"}
