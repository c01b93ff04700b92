"""copy_project and bring_migrations: two lines of work on one real project, merged as git would bring them."""

import shutil
import tempfile
from pathlib import Path

import pytest

from djmig_kernel import Sandbox
from djmig_kernel import exceptions as exc
from djmig_kernel.commands import warm
from djmig_kernel.database.postgresql import server
from djmig_kernel.exceptions import BranchConflictError
from djmig_kernel.notebook.branches import bring_migrations, copy_project
from djmig_kernel.sandbox import MARKER
from helpers import files_digest, process_running, stopped_within

SHELF = "class Shelf(models.Model):\n    pass\n"


def test_copy_project_copies_the_code_but_not_the_database(library):
    teammate = copy_project(library, "teammate")
    assert teammate.path == library.path.parent / "teammate"
    assert not teammate.db_path.exists()
    assert teammate.models("books") == library.models("books")
    copied = {k for k in files_digest(teammate.path) if "__pycache__" not in k}
    original = {k for k in files_digest(library.path) if "__pycache__" not in k and k != "db.sqlite3"}
    assert copied == original
    # The copy is a project of its own: its Django sees the same graph, nothing applied.
    teammate_graph = teammate.graph()
    assert teammate_graph.nodes == library.graph().nodes
    assert not teammate_graph.applied


def test_copy_project_rebuilds_its_own_copy_and_refuses_a_foreign_folder(shelf):
    first = copy_project(shelf, "teammate")
    (first.path / "stray.txt").write_text("left over")
    again = copy_project(shelf, "teammate")
    assert not (again.path / "stray.txt").exists()
    with pytest.raises(exc.SandboxExistsError):
        copy_project(shelf, "teammate", replace=False)
    foreign = shelf.path.parent / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    with pytest.raises(exc.NotOwnedError) as caught:
        copy_project(shelf, "mine")
    assert str(caught.value) == (
        "folder 'mine' was not made by djmig (no .djmig-sandbox file), so it is left untouched; "
        "choose another name or root"
    )
    assert (foreign / "notes.txt").read_text() == "keep me"


def test_copy_project_of_a_project_the_kit_did_not_make_can_be_made_again(shelf, tmp_path):
    """A learner's own project has no marker; the copy the kit makes of it is the kit's, so run again it is rebuilt."""
    own = Sandbox.open(shutil.copytree(shelf.path, tmp_path / "own" / "site", ignore=shutil.ignore_patterns(MARKER)))
    first = copy_project(own, "site_copy")
    (first.path / "stray.txt").write_text("left over")
    again = copy_project(own, "site_copy")
    assert again.path == first.path and not (again.path / "stray.txt").exists()
    assert not (own.path / MARKER).exists() and not (again.path / MARKER).exists()


def test_a_copy_of_a_project_the_kit_did_not_make_reads_its_own_settings(shelf, tmp_path):
    """The copy's database is the one its settings name, as Django says, not the kit's db.sqlite3."""
    own = Sandbox.open(shutil.copytree(shelf.path, tmp_path / "own" / "site", ignore=shutil.ignore_patterns(MARKER)))
    settings = own.path / shelf.path.name / "settings.py"
    settings.write_text(settings.read_text().replace("'db.sqlite3'", "'other.sqlite3'"))
    assert Sandbox.open(own.path).db_path.name == "other.sqlite3"
    assert copy_project(own, "site_copy").db_path == own.path.parent / "site_copy" / "other.sqlite3"


@pytest.mark.parametrize("name", ["shelf", "../out", "class"])
def test_copy_project_refuses_a_bad_name(shelf, name):
    before = files_digest(shelf.path.parent)
    with pytest.raises(exc.InvalidNameError) as caught:
        copy_project(shelf, name)
    assert repr(name) in str(caught.value)
    assert files_digest(shelf.path.parent) == before


def test_two_branches_block_migrate_until_a_merge_joins_them(shelf):
    """Each line of work makes its own 0002; bringing the teammate's over gives two leaves:

        0001_initial
         /         \\
    0002_shelf_size  0002_shelf_colour      migrate refuses, makemigrations --merge joins them
         \\         /
        0003_merge_…
    """
    shelf.migrate()
    teammate = copy_project(shelf, "teammate")
    shelf.write_models("shelf", SHELF.replace("pass", "size = models.IntegerField(null=True)"))
    shelf.makemigrations("shelf", name="shelf_size")
    shelf.migrate()
    teammate.write_models("shelf", SHELF.replace("pass", "colour = models.CharField(max_length=20, blank=True)"))
    teammate.makemigrations("shelf", name="shelf_colour")
    teammate.migrate()

    assert bring_migrations(teammate, shelf, "shelf") == ["0002_shelf_colour.py"]
    assert bring_migrations(teammate, shelf, "shelf") == []  # already there: nothing to bring
    dag = shelf.graph()
    assert dag.leaf_nodes("shelf") == [("shelf", "0002_shelf_colour"), ("shelf", "0002_shelf_size")]
    with pytest.raises(exc.CommandError) as caught:
        shelf.migrate()
    assert "Conflicting migrations detected; multiple leaf nodes in the migration graph: " \
           "(0002_shelf_colour, 0002_shelf_size in shelf)" in str(caught.value)

    merged = shelf.manage("makemigrations", "--merge", answers=["y"])
    assert "Should these migration branches be merged? [y/N] y\n" in merged.stdout
    # Django names the file it wrote by its absolute path; the transcript names it from the project.
    assert "Created new merge migration shelf/migrations/0003_merge_0002_shelf_colour_0002_shelf_size.py" \
        in merged.stdout
    assert str(shelf.path) not in merged.stdout
    shelf.migrate()
    dag = shelf.graph()
    merge = ("shelf", "0003_merge_0002_shelf_colour_0002_shelf_size")
    assert dag.merges() == [merge]
    assert dag.leaf_nodes("shelf") == [merge]
    assert dag.current("shelf") == merge
    assert set(shelf.schema("shelf_shelf")["column"]) == {"id", "size", "colour"}


def test_bring_migrations_refuses_a_file_both_sides_changed(shelf):
    teammate = copy_project(shelf, "teammate")
    path = teammate.path / "shelf/migrations/0001_initial.py"
    path.write_text(path.read_text() + "# edited\n")
    (teammate.path / "shelf/migrations/0002_other.py").write_text("# would be brought\n")
    before = files_digest(shelf.path)
    with pytest.raises(BranchConflictError) as caught:
        bring_migrations(teammate, shelf, "shelf")
    assert str(caught.value) == (
        "shelf/migrations/0001_initial.py differs between 'teammate' and 'shelf'; "
        "give one of them another name (or delete it) before bringing the files over"
    )
    assert files_digest(shelf.path) == before


def test_bring_migrations_names_a_missing_app_and_the_same_project(shelf):
    teammate = copy_project(shelf, "teammate")
    with pytest.raises(exc.UnknownAppError) as caught:
        bring_migrations(teammate, shelf, "books")
    assert str(caught.value) == (
        "app 'books' has no migrations folder in sandbox 'teammate'; run makemigrations books there first"
    )
    with pytest.raises(exc.InvalidNameError) as caught:
        bring_migrations(shelf, shelf, "shelf")
    assert str(caught.value) == (
        "source and target are both 'shelf'; bring migrations from another copy of the project"
    )


def test_two_branches_that_add_the_same_field_merge_but_migrate_fails_and_changes_nothing(shelf):
    shelf.migrate()
    teammate = copy_project(shelf, "teammate")
    teammate.write_models("shelf", SHELF.replace("pass", "size = models.PositiveIntegerField(null=True)"))
    teammate.makemigrations("shelf", name="shelf_width")
    shelf.write_models("shelf", SHELF.replace("pass", "size = models.IntegerField(null=True)"))
    shelf.makemigrations("shelf", name="shelf_size")
    shelf.migrate()
    bring_migrations(teammate, shelf, "shelf")
    shelf.manage("makemigrations", "--merge", "--noinput")  # Django does not compare the branches
    before = files_digest(shelf.path)
    with pytest.raises(exc.CommandError) as caught:
        shelf.migrate()
    assert str(caught.value).startswith(
        "`python manage.py migrate` failed: django.db.utils.OperationalError: duplicate column name: size "
        "(applying shelf.0002_shelf_width); the column is there already: if another migration adds it too "
        "(two branches that add the same field), keep one of the two migrations"
    )
    assert files_digest(shelf.path) == before


def test_copying_over_a_postgresql_copy_stops_its_server_and_probe_first():
    """Else the old copy's postmaster goes on running on deleted data, its warm probe in a deleted folder."""
    root = Path(tempfile.mkdtemp(prefix="djmig-pg-branches-"))  # not pytest's: its 0700 folders stop the server
    try:
        sb, lite = Sandbox.create(root, "site_pg", database="postgresql"), Sandbox.create(root, "site_lite")
        first = copy_project(sb, "teammate")
        assert first.database == "postgresql" and server.running(first.path) and first.tables() == []
        first.graph()
        postmaster = int((server.pgdata(first.path) / "postmaster.pid").read_text().split()[0])
        probe = warm.running(first.path)
        again = copy_project(lite, "teammate")  # another project's copy where the PostgreSQL one was
        assert again.database == "sqlite"
        assert not process_running(postmaster)  # stopped (pg_ctl stop -w) before its data was deleted
        assert probe is not None and stopped_within(probe, 10)
        back = copy_project(sb, "teammate")
        assert server.running(back.path) and back.tables() == [] and server.running(sb.path)
    finally:
        for project in (root / "teammate", root / "site_pg"):
            server.stop(project)
        shutil.rmtree(root, ignore_errors=True)
