"""%manage, %%models, %sandbox and %last_error in a real IPython shell; errors as the kit's one line."""

import re

import pytest

from djmig_kernel import CommandResult, DjmigError, Sandbox
from djmig_kernel import exceptions as exc


def test_manage_runs_in_the_only_sandbox(ip, library):
    ip.user_ns["sb"] = library
    result = ip.run_line_magic("manage", "showmigrations books")
    assert isinstance(result, CommandResult)
    assert result.args == ("manage.py", "showmigrations", "books")
    assert result.stdout.startswith("books\n [X] 0001_initial\n")


def test_manage_in_a_cell_reads_like_the_shell_command(ip, library):
    ip.user_ns["sb"] = library
    ip.run_cell("%manage migrate books 0001_initial")
    assert list(library.ledger().query("app == 'books'")["name"]) == ["0001_initial"]


def test_manage_splits_quoted_arguments(ip, library):
    ip.user_ns["sb"] = library
    result = ip.run_line_magic("manage", "shell -c 'print(6 * 7)'")
    assert result.stdout.splitlines()[-1] == "42"


def test_models_cell_writes_models_py(ip, library):
    ip.user_ns["sb"] = library
    ip.run_cell("%%models authors\nclass Author(models.Model):\n    name = models.CharField(max_length=50)\n")
    assert library.models("authors") == (
        "from django.db import models\n\n\nclass Author(models.Model):\n    name = models.CharField(max_length=50)\n"
    )


def test_sandbox_chooses_between_two(ip, library, tmp_path):
    other = Sandbox.create(tmp_path / "other")
    ip.user_ns.update(sb=library, other=other)
    with pytest.raises(exc.MagicUsageError) as caught:
        ip.run_line_magic("manage", "showmigrations")
    assert str(caught.value) == "2 sandboxes (other, sb); choose one with %sandbox NAME"
    ip.run_line_magic("sandbox", "other")
    assert ip.run_line_magic("manage", "check").stdout == "System check identified no issues (0 silenced).\n"


@pytest.mark.parametrize(
    "line, error, message",
    [
        ("manage", exc.MagicUsageError, "%manage needs a command, e.g. %manage migrate"),
        ("manage migrate books 'unclosed", exc.MagicUsageError, "cannot split \"migrate books 'unclosed\" into "
                                                                "arguments: No closing quotation; check the quotes"),
        ("manage migrate books 0009", exc.UnknownMigrationError, "no migration matches '0009' in app 'books'; "
                                      "choose one of: zero, 0001_initial, 0002_book_isbn, 0002_book_pages, 0003_merge"),
        ("manage migrate nope", exc.UnknownAppError, "`python manage.py migrate nope` failed: CommandError: No "
                                "installed app with label 'nope'; check the spelling, or create and register the "
                                "app with sb.startapp('nope')"),
        ("manage sqlite3 db.sqlite3 'DROP TABLE x'", exc.MagicUsageError, "%manage runs python manage.py commands, "
                                                    "not \"sqlite3 db.sqlite3 'DROP TABLE x'\"; run that in a terminal"),
        ("manage migrate books && ", exc.MagicUsageError, "%manage needs a command, e.g. %manage migrate"),
        ("sandbox nothing", exc.MagicUsageError, "'nothing' is not a variable holding a Sandbox; give the name of one"),
        ("last_error now", exc.MagicUsageError, "%last_error takes no arguments, not 'now'"),
    ],
    ids=["no-command", "bad-quotes", "unknown-migration", "unknown-app", "not-manage-py", "nothing-after-and",
         "not-a-sandbox", "last-error-arguments"],
)
def test_line_magic_errors_are_the_kits_one_line(ip, library, line, error, message):
    """The magics' own errors and the errors of what they run are the kit's, as the API's are: one line."""
    ip.user_ns["sb"] = library
    with pytest.raises(DjmigError) as caught:
        ip.run_cell(f"%{line}")
    assert (type(caught.value), str(caught.value)) == (error, message)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "cell, message",
    [
        ("%%models\nx = 1\n", "%%models needs an app label, e.g. %%models app"),
        ("%%models nope\nx = 1\n", "no app 'nope' in sandbox 'library'; create it with sb.startapp('nope')"),
        ("%%models a/b\nx = 1\n", "'a/b' is not a valid app name; use a Python identifier such as 'app' or "
                                  "'library' (letters, digits and _, not starting with a digit, not a keyword)"),
    ],
    ids=["no-label", "unknown-app", "invalid-label"],
)
def test_cell_magic_errors_are_one_line(ip, library, cell, message):
    ip.user_ns["sb"] = library
    with pytest.raises(DjmigError) as caught:
        ip.run_cell(cell)
    assert str(caught.value) == message


def test_no_sandbox_in_the_namespace(ip):
    with pytest.raises(exc.MagicUsageError) as caught:
        ip.run_line_magic("manage", "migrate")
    assert str(caught.value) == "no Sandbox in this notebook; make one with sb = Sandbox.create(ROOT)"


def _shown(capsys):
    """Return the lines IPython printed, without colours."""
    return re.sub(r"\x1b\[[0-9;]*m", "", capsys.readouterr().out).strip().splitlines()


def test_a_djmig_error_in_a_cell_shows_as_one_line(ip, library, capsys):
    """Outside the magics the kit's errors show as their one line: no traceback, no pointer to %tb."""
    ip.user_ns["sb"] = library
    with pytest.raises(Exception) as caught:
        ip.run_cell("sb.plan('books', '0002')")
    assert _shown(capsys) == [f"AmbiguousMigrationError: {caught.value}"]
    ip.run_line_magic("tb", "")  # the Python traceback is still there for whoever asks
    assert "Traceback (most recent call last)" in "\n".join(_shown(capsys))


def test_an_error_shows_the_same_from_manage_and_from_the_api(ip, library, capsys):
    ip.user_ns["sb"] = library
    shown = []
    for cell in ["%manage migrate books 0009", "sb.migrate('books', '0009')", "sb.manage('migrate', 'books', '0009')"]:
        with pytest.raises(exc.UnknownMigrationError):
            ip.run_cell(cell)
        shown.append(_shown(capsys))
    assert shown == [["UnknownMigrationError: no migration matches '0009' in app 'books'; choose one of: zero, "
                      "0001_initial, 0002_book_isbn, 0002_book_pages, 0003_merge"]] * 3


def test_manage_runs_a_command_line_as_the_kit_shows_it(ip, library, capsys):
    """A fix of check() or a transcript's line, pasted after %manage: python manage.py and && as a shell reads them."""
    ip.user_ns["sb"] = library
    result = ip.run_line_magic("manage", "python manage.py migrate books 0001_initial && python manage.py "
                                         "showmigrations books")
    assert capsys.readouterr().out.startswith("$ python manage.py migrate books 0001_initial\n")  # shown as it ran
    assert result.args == ("manage.py", "showmigrations", "books")
    assert result.stdout.startswith("books\n [X] 0001_initial\n [ ] 0002_book_pages\n")
    assert list(library.ledger().query("app == 'books'")["name"]) == ["0001_initial"]


def test_a_command_that_fails_stops_the_commands_after_it(ip, library):
    ip.user_ns["sb"] = library
    before = library.ledger()
    with pytest.raises(exc.UnknownMigrationError):
        ip.run_line_magic("manage", "migrate books 0009 && migrate books zero")
    assert library.ledger().equals(before)


def test_last_error_shows_djangos_full_output(ip, library):
    """A line that cannot say all Django said names %last_error, and %last_error shows all of it."""
    ip.user_ns["sb"] = library
    with pytest.raises(exc.CommandError) as caught:
        ip.run_line_magic("manage", "shell -c 'import no_such_module_here'")
    assert str(caught.value).endswith("ModuleNotFoundError: No module named 'no_such_module_here'; Django's full "
                                      "output: %last_error")
    shown = ip.run_line_magic("last_error", "")
    assert shown is caught.value.result
    assert repr(shown).startswith("$ python manage.py shell -c 'import no_such_module_here'\n")
    assert "Traceback (most recent call last):" in shown.stderr and 'File "<string>", line 1' in shown.stderr
