"""The questions makemigrations asks, answered with real Django: renames, defaults, and what is left open."""

import pytest

from djmig_kernel import CommandResult, DjmigError
from djmig_kernel import exceptions as exc
from helpers import AUTHOR, AUTHOR_BIO, BOOKS, BOOK_PAGES, count, files_digest

RENAMED = AUTHOR.replace("    name =", "    full_name =") + AUTHOR_BIO
TWO_RENAMES = AUTHOR.replace("    name =", "    full_name =") + AUTHOR_BIO.replace("bio", "about")
BORN = AUTHOR + AUTHOR_BIO + "    born = models.IntegerField()\n"
RENAME_QUESTION = "Was author.name renamed to author.full_name (a CharField)? [y/N]"
BORN_QUESTION = ("It is impossible to add a non-nullable field 'born' to author without specifying a default. "
                 "… Select an option:")
COMMAND = "`python manage.py makemigrations authors`"
RENAME_MEANING = "('y' renames and keeps the data; 'n' drops and re-creates, losing it)"
DEFAULT_MEANING = ("(1 then a Python value: a one-off default for the existing rows; or give the field a default "
                   "in models.py)")


def names(sb):
    """Return the authors' names as sqlite3 reads them, in id order."""
    table = sb.table("authors_author")
    return list(table[[c for c in ("name", "full_name") if c in table][0]])


def new_migration(sb):
    """Return the source of the one migration file makemigrations just wrote in authors."""
    (path,) = sb.path.glob("authors/migrations/0003_*.py")
    return path.read_text()


def test_rename_answered_y_renames_the_column_and_keeps_the_rows(library):
    before = names(library)
    library.write_models("authors", RENAMED)
    result = library.makemigrations("authors", answers=["y"])
    assert isinstance(result, CommandResult)
    assert result.stdout.startswith(f"{RENAME_QUESTION} y\nMigrations for 'authors':\n")
    assert "migrations.RenameField(" in new_migration(library)
    sql = library.manage("sqlmigrate", "authors", "0003").stdout
    assert 'ALTER TABLE "authors_author" RENAME COLUMN "name" TO "full_name";' in sql
    library.migrate("authors")
    assert list(library.table("authors_author")["full_name"]) == before == ["Ursula K. Le Guin", "Terry Pratchett"]


def test_rename_answered_n_drops_the_column_and_its_values(library):
    """'n' makes RemoveField + AddField; the new non-null column then needs a one-off default too."""
    library.write_models("authors", RENAMED)
    result = library.makemigrations("authors", answers=["n", "1", "'?'"])
    assert result.stdout.startswith(f"{RENAME_QUESTION} n\nIt is impossible to add a non-nullable field "
                                    "'full_name' to author")
    assert "Select an option: 1\n" in result.stdout and "\n>>> '?'\nMigrations for 'authors':\n" in result.stdout
    assert [result.stdout[start:end] for start, end in result.typed] == ["n", "1", "'?'"]
    assert "[y/N] <span style='color:#79c0ff;font-weight:bold'>n</span>\n" in result._repr_html_()
    source = new_migration(library)
    assert "migrations.RemoveField(" in source and "migrations.AddField(" in source
    loss = library.data_loss("authors", "0003")
    assert loss.to_dict("records") == [{"table": "authors_author", "column": "name", "rows": 2}]
    library.migrate("authors")
    assert list(library.table("authors_author")["full_name"]) == ["?", "?"]
    assert count(library, "authors_author") == 2


def test_one_off_default_fills_the_existing_rows_only(library):
    library.write_models("authors", BORN)
    result = library.makemigrations("authors", name="author_born", answers=["1", "1990"])
    assert "Select an option: 1\nPlease enter the default value as valid Python.\n" in result.stdout
    assert "\n>>> 1990\nMigrations for 'authors':\n" in result.stdout
    source = new_migration(library)
    assert "field=models.IntegerField(default=1990)" in source and "preserve_default=False" in source
    library.migrate("authors")
    assert list(library.table("authors_author")["born"]) == [1990, 1990]
    assert "born = models.IntegerField()\n" in library.models("authors")  # models.py keeps no default


def _refused(sb, source, *args, answers=None, manage=False, **kwargs):
    """Write SOURCE to authors/models.py, run makemigrations, and return its QuestionError's line."""
    sb.write_models("authors", source)
    before = files_digest(sb.path)
    with pytest.raises(exc.QuestionError) as caught:
        if manage:
            sb.manage("makemigrations", *args, answers=answers)
        else:
            sb.makemigrations(*args, answers=answers, **kwargs)
    assert files_digest(sb.path) == before
    assert not list(sb.path.glob("authors/migrations/0003_*"))
    return str(caught.value)


@pytest.mark.parametrize("manage", [False, True], ids=["makemigrations", "manage"])
def test_unanswered_question_quotes_it_and_the_call_that_answers_it(library, manage):
    message = _refused(library, RENAMED, "authors", manage=manage)
    assert message == (f'{COMMAND} asked "{RENAME_QUESTION}" and had no answer; nothing was written; answer it, '
                       f"e.g. sb.makemigrations('authors', answers=['y']) {RENAME_MEANING}")


def test_too_few_answers_names_the_next_question(library):
    """Django asks in the order of the new fields' names: about (was bio?), then full_name (was name?)."""
    message = _refused(library, TWO_RENAMES, "authors", answers=["y"])
    assert message == (f'{COMMAND} asked "{RENAME_QUESTION}" with no '
                       "answer left (1 given: 'y'); nothing was written; answer it too, e.g. "
                       f"sb.makemigrations('authors', answers=['y', 'y']) {RENAME_MEANING}")


def test_unanswered_menu_and_one_off_default(library):
    assert _refused(library, BORN, "authors") == (
        f'{COMMAND} asked "{BORN_QUESTION}" and had no answer; nothing was written; answer it, e.g. '
        f"sb.makemigrations('authors', answers=['1', '0']) {DEFAULT_MEANING}")
    assert _refused(library, BORN, "authors", answers=["1"]).startswith(
        f'{COMMAND} asked "Please enter the default value as valid Python. … >>> (the one-off default for '
        "'born' on author)\" with no answer left (1 given: '1'); nothing was written; answer it too, e.g. "
        "sb.makemigrations('authors', answers=['1', '0'])")


@pytest.mark.parametrize("source, answers, message", [
    (RENAMED, ["maybe", "y"],
     f"did not take 'maybe' as the answer to \"{RENAME_QUESTION}\" (Django asked again: \"Please answer yes or "
     "no:\"); nothing was written; answer 'y' or 'n', e.g. sb.makemigrations('authors', answers=['y'])"),
    (BORN, ["3"],
     f"did not take '3' as the answer to \"{BORN_QUESTION}\" (Django asked again: \"Please select a valid "
     "option:\"); nothing was written; answer a number from 1 to 2, e.g. sb.makemigrations('authors', "
     "answers=['1'])"),
    (BORN, ["1", "nineteen", "1990"],
     "did not take 'nineteen' as the answer to \"Please enter the default value as valid Python. … >>> (the "
     "one-off default for 'born' on author)\" (NameError: name 'nineteen' is not defined); nothing was written; "
     "give a valid Python value (text needs quotes), e.g. sb.makemigrations('authors', answers=['1', "
     "\"'nineteen'\"])"),
], ids=["yes-no", "menu", "default"])
def test_an_answer_django_refuses_stops_at_once_and_writes_nothing(library, source, answers, message):
    """Django asks again after a bad answer; the kit stops there, even when a later answer would be taken."""
    assert _refused(library, source, "authors", answers=answers) == f"{COMMAND} {message}"


def test_answers_left_over_undo_what_makemigrations_wrote(library):
    message = _refused(library, RENAMED, "authors", answers=["y", "y"])
    assert message == (f"{COMMAND} asked 1 question but got 2 answers ('y' not used); nothing was written; give "
                       "one answer per question, e.g. sb.makemigrations('authors', answers=['y'])")


def test_quit_from_the_menu_and_noinput(library):
    assert _refused(library, BORN, "authors", answers=["2"]) == (
        f"{COMMAND} stopped: the answer '2' chose \"Quit and manually define a default value in models.py.\"; "
        "nothing was written; give the field a default (default= or db_default=) or null=True in models.py, or "
        "answer with a one-off default, e.g. sb.makemigrations('authors', answers=['1', '0'])")
    assert _refused(library, BORN, "authors", "--noinput", manage=True) == (
        "`python manage.py makemigrations authors --noinput` stopped: Field 'born' on model 'author' not "
        "migrated: it is impossible to add a non-nullable field without specifying a default; nothing was "
        "written; give the field a default in models.py, or answer Django's question without --noinput, e.g. "
        "sb.makemigrations('authors', answers=['1', '0'])")


def test_noinput_answers_no_to_a_rename(library):
    """--noinput takes the default, N: a renamed field with a default becomes RemoveField + AddField."""
    library.write_models("authors", AUTHOR + AUTHOR_BIO.replace("bio", "about"))
    result = library.manage("makemigrations", "authors", "--noinput")
    assert "renamed" not in result.stdout
    assert "    - Remove field bio from author\n    + Add field about to author\n" in result.stdout


@pytest.mark.parametrize("answers, message", [
    ("y", "answers must be a list of strings, one per question, e.g. answers=['y']; got 'y'"),
    (["y\nn"], "answer 'y\\nn' cannot be typed at a prompt; give each answer as one line of text, e.g. "
               "answers=['y']"),
])
def test_answers_that_cannot_be_typed_are_refused_before_django_starts(library, answers, message):
    with pytest.raises(exc.QuestionError) as caught:
        library.makemigrations("authors", answers=answers)
    assert str(caught.value) == message and caught.value.result is None


def test_answers_with_noinput_are_refused(library):
    with pytest.raises(exc.QuestionError) as caught:
        library.manage("makemigrations", "authors", "--noinput", answers=["y"])
    message = ("answers=['y'] and --noinput do not go together: with --noinput Django asks nothing and takes its "
               "defaults; leave one of them out")
    assert str(caught.value) == message and caught.value.result is None


def test_other_commands_take_no_answers_and_say_what_they_asked(library):
    with pytest.raises(exc.QuestionError) as caught:
        library.manage("migrate", answers=["y"])
    assert str(caught.value) == "answers=['y'] are for the questions makemigrations asks; " \
                                "`python manage.py migrate` takes none"
    with pytest.raises(exc.QuestionError) as caught:
        library.manage("squashmigrations", "books", "0002_book_pages")
    assert str(caught.value) == (
        '`python manage.py squashmigrations books 0002_book_pages` asked "Do you wish to proceed? [y/N]" and had '
        "no answer; Django stopped there; add --noinput to let Django answer for you, e.g. "
        "sb.manage('squashmigrations', 'books', '0002_book_pages', '--noinput')")


def test_magic_answers_after_three_angle_brackets(ip, library):
    ip.user_ns["sb"] = library
    library.write_models("books", BOOKS + BOOK_PAGES + "    year = models.IntegerField()\n")
    result = ip.run_line_magic("manage", "makemigrations books --name book_year <<< 1 \"'?'\"")
    assert "Select an option: 1\n" in result.stdout and "\n>>> '?'\nMigrations for 'books':\n" in result.stdout
    assert (library.path / "books/migrations/0004_book_year.py").is_file()


def test_magic_without_answers_fails_with_the_same_line(ip, library):
    ip.user_ns["sb"] = library
    library.write_models("authors", RENAMED)
    before = files_digest(library.path)
    with pytest.raises(DjmigError) as caught:
        ip.run_line_magic("manage", "makemigrations authors")
    assert str(caught.value) == (f'{COMMAND} asked "{RENAME_QUESTION}" and had no answer; nothing was written; '
                                 f"answer it, e.g. sb.makemigrations('authors', answers=['y']) {RENAME_MEANING}")
    with pytest.raises(DjmigError) as caught:
        ip.run_line_magic("manage", "makemigrations authors <<<")
    assert str(caught.value) == "<<< needs the answers after it, once, e.g. %manage makemigrations app <<< y"
    assert files_digest(library.path) == before
