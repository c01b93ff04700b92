"""Sandbox: making and opening project folders, and running Django in them."""

import pytest

from djmig_kernel import CommandResult, DjmigError, Sandbox
from djmig_kernel.project.settings import settings_path
from djmig_kernel.sandbox import MARKER
from helpers import AUTHOR


def test_create_runs_startproject_and_marks_the_folder(tmp_path):
    sb = Sandbox.create(tmp_path)
    assert sb.path == (tmp_path / "djsandbox").resolve()
    assert (sb.path / "manage.py").is_file()
    assert (sb.path / "djsandbox/settings.py").is_file()
    assert (sb.path / MARKER).is_file()
    assert not sb.db_path.exists()
    assert repr(sb) == "<Sandbox djsandbox>"


def test_create_makes_missing_parent_folders(tmp_path):
    sb = Sandbox.create(tmp_path / "a" / "b", "mysite")
    assert (tmp_path / "a/b/mysite/manage.py").is_file()
    assert repr(sb) == "<Sandbox mysite>"


def test_create_replace_rebuilds_the_kits_own_folder(sandbox, tmp_path):
    sandbox.startapp("shelf")
    again = Sandbox.create(tmp_path, replace=True)
    assert again == sandbox
    assert not (again.path / "shelf").exists()
    assert (again.path / MARKER).is_file()


def test_open_an_existing_project(library):
    sb = Sandbox.open(library.path)
    assert sb == library and hash(sb) == hash(library)
    assert sb.path.is_absolute()
    assert sb.db_path == sb.path / "db.sqlite3"


def test_manage_returns_a_terminal_transcript(library):
    result = library.manage("showmigrations", "books")
    assert isinstance(result, CommandResult)
    assert result.args == ("manage.py", "showmigrations", "books")
    assert result.returncode == 0
    assert result.stdout == (
        "books\n [X] 0001_initial\n [X] 0002_book_pages\n [X] 0002_book_isbn\n [X] 0003_merge\n"
    )
    assert repr(result) == (
        "$ python manage.py showmigrations books\n"
        "books\n [X] 0001_initial\n [X] 0002_book_pages\n [X] 0002_book_isbn\n [X] 0003_merge"
    )


def test_manage_quotes_arguments_as_a_shell_would_read_them(library):
    result = library.shell("print('two words')")
    lines = repr(result).splitlines()
    assert lines[0] == '$ python manage.py shell -c "print(\'two words\')"'
    assert lines[-1] == "two words"


def test_manage_failure_keeps_the_result(library):
    with pytest.raises(DjmigError) as caught:
        library.manage("no_such_command")
    assert caught.value.result.returncode == 1
    assert "Unknown command: 'no_such_command'" in caught.value.result.stderr
    assert str(caught.value) == (
        "`python manage.py no_such_command` failed: Unknown command: 'no_such_command' Type 'manage.py help' "
        "for usage; Django's full output: %last_error"
    )


def test_startapp_registers_the_app_once(sandbox):
    result = sandbox.startapp("shelf")
    assert result.args == ("manage.py", "startapp", "shelf")
    assert (sandbox.path / "shelf/models.py").is_file()
    settings = settings_path(sandbox.path).read_text()
    assert settings.count("'shelf'") == 1
    assert sandbox.startapp("shelf") is None
    assert settings_path(sandbox.path).read_text() == settings
    assert "shelf" in sandbox.shell("from django.apps import apps; print(apps.get_app_config('shelf').label)").stdout


def test_write_models_dedents_adds_the_import_and_shows_the_diff(sandbox):
    sandbox.startapp("authors")
    change = sandbox.write_models("authors", """
        class Author(models.Model):
            name = models.CharField(max_length=100)
    """)
    expected = "from django.db import models\n\n\nclass Author(models.Model):\n    name = models.CharField(max_length=100)\n"
    assert sandbox.models("authors") == expected
    assert (sandbox.path / "authors/models.py").read_text() == expected
    assert repr(change).splitlines()[:2] == ["--- a/authors/models.py", "+++ b/authors/models.py"]
    assert "+class Author(models.Model):" in repr(change).splitlines()
    assert repr(sandbox.write_models("authors", AUTHOR)) == "authors/models.py: unchanged"


def test_makemigrations_migrate_showmigrations(sandbox):
    sandbox.startapp("authors")
    sandbox.write_models("authors", AUTHOR)
    made = sandbox.makemigrations("authors", name="added_author")
    assert made.stdout.splitlines()[:2] == ["Migrations for 'authors':", "  authors/migrations/0001_added_author.py"]
    assert sandbox.showmigrations("authors").stdout == "authors\n [ ] 0001_added_author\n"
    applied = sandbox.migrate("authors")
    assert "Applying authors.0001_added_author... OK" in applied.stdout
    assert sandbox.showmigrations("authors").stdout == "authors\n [X] 0001_added_author\n"
    sandbox.migrate("authors", "zero")
    assert "authors_author" not in sandbox.tables()


def test_shell_runs_dedented_code_in_the_project(library):
    result = library.shell("""
        from books.models import Book
        print(Book.objects.count())
    """)
    assert result.stdout.splitlines()[-1] == "3"


def test_a_failed_migrate_changes_nothing_even_when_django_half_did_it(library):
    """Django commits each migration alone; the kit puts the whole db file back."""
    # 0004 succeeds and Django commits it; 0005 then fails.
    (library.path / "books/migrations/0004_year.py").write_text(
        "from django.db import migrations, models\n\n\n"
        "class Migration(migrations.Migration):\n"
        "    dependencies = [('books', '0003_merge')]\n"
        "    operations = [migrations.AddField('book', 'year', models.IntegerField(default=0))]\n"
    )
    (library.path / "books/migrations/0005_fail.py").write_text(
        "from django.db import migrations, models\n\n\n"
        "class Migration(migrations.Migration):\n"
        "    dependencies = [('books', '0004_year')]\n"
        "    operations = [migrations.RunSQL('SELECT no_such_function()')]\n"
    )
    before = library.db_path.read_bytes()
    with pytest.raises(DjmigError, match="no such function: no_such_function"):
        library.migrate("books")
    assert library.db_path.read_bytes() == before


@pytest.mark.parametrize("name, error, fix", [
    ("0009", "Cannot find a migration matching '0009' from app 'books'. Is it in INSTALLED_APPS?",
     "list the app's migrations with sb.showmigrations('books')"),
    ("0002", "More than one migration matches '0002' in app 'books'. Please be more specific",
     "give more of the name; sb.showmigrations('books') lists them"),
])
def test_a_bad_name_for_another_command_than_migrate_gets_no_migrate_advice(library, name, error, fix):
    """sqlmigrate takes no 'zero': its lookup errors keep Django's line and point at showmigrations."""
    with pytest.raises(DjmigError) as caught:
        library.manage("sqlmigrate", "books", name)
    assert str(caught.value) == f"`python manage.py sqlmigrate books {name}` failed: CommandError: {error}; {fix}"


def test_a_command_shows_as_a_terminal_transcript(fresh):
    result = fresh.manage("check")
    assert repr(result) == "$ python manage.py check\nSystem check identified no issues (0 silenced)."
    assert result._repr_html_() == (
        "<pre class='djmig-terminal' style='background:#1e1e1e;color:#e6e6e6;padding:6px 10px;"
        "border-radius:4px;margin:0;font-family:var(--jp-code-font-family,monospace);font-size:12px;"
        "white-space:pre-wrap;word-break:normal;overflow-wrap:normal;overflow-x:auto'>"
        "<span style='color:#7ee787'>$ python manage.py check</span>\n"
        "System check identified no issues (0 silenced).</pre>"
    )


def test_a_transcript_marks_what_went_to_stderr_and_escapes_html(fresh):
    result = fresh.shell("import sys; print('<b>out</b>'); print('err & more', file=sys.stderr)")
    shown = result._repr_html_()
    assert "&lt;b&gt;out&lt;/b&gt;" in shown
    assert "<span style='color:#ffa657'>err &amp; more</span></pre>" in shown


def test_write_models_shows_a_coloured_diff(shelf):
    change = shelf.write_models("shelf", "class Shelf(models.Model):\n    size = models.IntegerField()\n")
    assert change.lines()[:3] == ["--- a/shelf/models.py", "+++ b/shelf/models.py", "@@ -2,4 +2,4 @@"]
    shown = change._repr_html_()
    assert "<span style='color:#6e7781'>--- a/shelf/models.py</span>" in shown
    assert "<span style='color:#cf222e'>-    pass</span>" in shown
    assert "<span style='color:#1a7f37'>+    size = models.IntegerField()</span>" in shown
    again = shelf.write_models("shelf", "class Shelf(models.Model):\n    size = models.IntegerField()\n")
    assert repr(again) == "shelf/models.py: unchanged" and "unchanged" in again._repr_html_()


@pytest.mark.parametrize("arg", [
    "r.record_applied('app', '0001_initial')", "a b", "it's $HOME", 'say "hi", it\'s', "plain", "",
])
def test_transcripts_quote_arguments_so_a_shell_gives_them_back(arg):
    import shlex

    from djmig_kernel.display.terminal import command_line

    line = command_line(["manage.py", "shell", "-c", arg])
    assert shlex.split(line) == ["python", "manage.py", "shell", "-c", arg]
    if arg.startswith("r.record"):
        assert line.endswith(f'"{arg}"')  # Python code with 'strings' reads as the learner would type it
