"""replay() rebuilds the walkthrough with real Django; the notebooks and STEPS tell the same story."""

import json
from pathlib import Path

import pytest

from djmig_kernel import DjmigError, Sandbox
from djmig_kernel.notebook.walkthrough import AUTHOR_MODELS, BOOK_MODELS, STEPS, replay

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def app_ledger(sb):
    ledger = sb.ledger()
    return [tuple(row) for row in ledger[ledger["app"] == "app"][["id", "name"]].itertuples(index=False)]


@pytest.fixture(scope="module", autouse=True)
def built_for_real(tmp_path_factory):
    """Every replay here runs the steps in Django: a cache of this module's own, empty at its start."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJMIG_CACHE", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(scope="module")
def through_04(tmp_path_factory, built_for_real):
    return replay(tmp_path_factory.mktemp("walk") / "sandboxes" / "04", through="04")


def test_replay_through_02_has_the_author_model_migrated(tmp_path, capsys):
    sb = replay(tmp_path, through="02")
    assert sb.path == (tmp_path / "djsandbox").resolve()
    assert sb.models("app") == AUTHOR_MODELS
    assert app_ledger(sb) == [(19, "0001_initial")]
    assert "app_author" in sb.tables() and "app_book" not in sb.tables()
    assert sorted(p.name for p in (sb.path / "app" / "migrations").glob("0*.py")) == ["0001_initial.py"]


def test_replay_through_04_has_the_seed_rows(through_04):
    assert through_04.models("app") == BOOK_MODELS
    assert app_ledger(through_04) == [(19, "0001_initial"), (20, "0002_added_Book_model")]
    assert through_04.table("app_author").to_dict("records") == [{"id": 1, "name": "JK Rowling"}]
    assert through_04.table("app_book").to_dict("records") == [
        {"id": 1, "title": "Harry Potter", "author_id": 1}
    ]


def test_replay_through_05_rolls_book_back(tmp_path):
    sb = replay(tmp_path, through=5)
    assert app_ledger(sb) == [(19, "0001_initial")]
    assert "app_book" not in sb.tables()
    assert len(sb.table("app_author")) == 1


def test_replay_prints_one_line_per_notebook_without_absolute_paths(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    replay("sandboxes/03", through="03")
    assert capsys.readouterr().out == (
        "Replayed notebooks 01–03 (10 steps) into sandboxes/03/djsandbox:\n"
        "  01 · Start a project: startproject djsandbox, makemigrations, migrate\n"
        "  02 · The Author model: startapp app + INSTALLED_APPS, app/models.py: Author, "
        "makemigrations app, migrate\n"
        "  03 · The Book model: app/models.py: Author, Book, "
        "makemigrations --name added_Book_model app, migrate\n"
    )


def test_replay_outside_the_working_folder_names_only_the_folder(through_04, capsys):
    replay(through_04.path.parent, through="01")
    out = capsys.readouterr().out
    assert out.startswith("Replayed notebooks 01 (3 steps) into djsandbox:\n")
    assert str(through_04.path.parent) not in out


def test_replay_again_starts_over(tmp_path):
    sb = replay(tmp_path, through="01")
    (sb.path / "notes.txt").write_text("mine")
    again = replay(tmp_path, through="01")
    assert again == sb
    assert not (sb.path / "notes.txt").exists()
    assert len(again.ledger()) == 18


def test_replay_never_deletes_a_folder_the_kit_did_not_make(tmp_path):
    (tmp_path / "djsandbox").mkdir()
    (tmp_path / "djsandbox" / "keep.txt").write_text("mine")
    with pytest.raises(DjmigError, match="was not made by djmig"):
        replay(tmp_path, through="02")
    assert (tmp_path / "djsandbox" / "keep.txt").read_text() == "mine"


@pytest.mark.parametrize("through", ["00", "06", "x"])
def test_replay_names_the_notebooks_it_knows(tmp_path, through):
    with pytest.raises(LookupError) as info:
        replay(tmp_path, through=through)
    assert str(info.value) == (
        f"no walkthrough notebook {through.zfill(2)!r}; choose one of: 01, 02, 03, 04, 05"
    )
    assert isinstance(info.value, DjmigError)
    assert not (tmp_path / "djsandbox").exists()


def test_a_startproject_step_cannot_run_inside_a_sandbox(through_04):
    with pytest.raises(DjmigError, match="use replay"):
        STEPS[0].run(Sandbox.open(through_04.path))


def _models_cells(notebook):
    cells = json.loads((NOTEBOOKS / notebook).read_text())["cells"]
    sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    return [s.split("\n", 1)[1] for s in sources if s.startswith("%%models app\n")]


@pytest.mark.parametrize(
    "notebook, models",
    [("02-the-author-model.ipynb", AUTHOR_MODELS), ("03-the-book-model.ipynb", BOOK_MODELS)],
)
def test_each_notebook_ends_with_the_models_replay_writes(tmp_path, notebook, models):
    """What replay() writes is what the notebook's last %%models cell writes."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    Sandbox(tmp_path).write_models("app", _models_cells(notebook)[-1])
    assert (tmp_path / "app" / "models.py").read_text() == models
