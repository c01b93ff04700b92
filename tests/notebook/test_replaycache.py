"""replay()'s cache: a state built once is copied afterwards, whole and exactly, and only for the same kit and Django."""

import shutil
import sqlite3
from pathlib import Path

import pytest

from djmig_kernel.notebook import replaycache
from djmig_kernel.notebook.walkthrough import STEPS, replay

KIT = Path(replaycache.__file__).resolve().parents[1]


def _files(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _rows(db, sql):
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("DJMIG_CACHE", str(folder))
    return folder / "replay"


def test_the_second_replay_is_a_copy_of_the_first_build(cache, tmp_path, capsys):
    built = replay(tmp_path / "first", through="03")
    first = capsys.readouterr().out
    (kept,) = cache.iterdir()
    assert _files(kept) == _files(built.path)
    # Mark the kept state: the next replay must be a copy of it, not a build of its own.
    with sqlite3.connect(kept / "db.sqlite3") as connection:
        connection.execute("INSERT INTO app_author (name) VALUES ('from the cache')")
    copied = replay(tmp_path / "second", through="03")
    assert capsys.readouterr().out == first.replace("first", "second")
    assert _rows(copied.db_path, "SELECT name FROM app_author") == [("from the cache",)]
    assert _rows(copied.db_path, "SELECT id, app, name FROM django_migrations") == \
        _rows(built.db_path, "SELECT id, app, name FROM django_migrations")
    assert copied.models("app") == built.models("app")
    assert (copied.path / ".djmig-sandbox").is_file()
    assert copied.check().empty  # Django's own view of the copy: nothing pending, nothing changed
    assert copied.plan("app", "zero")["migration"].tolist() == ["app.0002_added_Book_model", "app.0001_initial"]


def test_each_state_and_database_is_its_own_and_postgresql_is_not_kept(monkeypatch):
    keys = {replaycache.key([s for s in STEPS if s.notebook <= n], "sqlite") for n in ("01", "02", "03", "04", "05")}
    assert len(keys) == 5
    steps = [s for s in STEPS if s.notebook <= "04"]
    assert replaycache.key(steps, "postgresql") != replaycache.key(steps, "sqlite")
    assert replaycache.find(steps, "postgresql") is None


def test_a_change_to_the_kits_source_is_another_state(tmp_path):
    copy = shutil.copytree(KIT, tmp_path / "djmig_kernel", ignore=shutil.ignore_patterns("__pycache__"))
    assert replaycache.source_digest(copy) == replaycache.source_digest(KIT)
    walkthrough = copy / "notebook" / "walkthrough.py"
    walkthrough.write_text(walkthrough.read_text().replace("JK Rowling", "J. K. Rowling"))
    assert replaycache.source_digest(copy) != replaycache.source_digest(KIT)


def test_an_empty_djmig_cache_turns_it_off(tmp_path, monkeypatch):
    monkeypatch.setenv("DJMIG_CACHE", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert replaycache.cache_folder() is None
    sb = replay(tmp_path / "walk", through="01")
    assert "django_session" in sb.tables()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["walk"]


def test_a_cache_that_cannot_be_written_is_not_used(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("DJMIG_CACHE", str(blocked))
    sb = replay(tmp_path / "walk", through="01")
    assert "django_session" in sb.tables()
    assert blocked.read_text() == "a file where the cache folder would be"


def test_only_the_newest_states_are_kept(cache, monkeypatch, tmp_path):
    monkeypatch.setattr(replaycache, "KEPT", 2)
    project = replay(tmp_path / "walk", through="01").path
    steps = [s for s in STEPS if s.notebook <= "01"]
    for extra in range(3):
        replaycache.keep([*steps, extra], "sqlite", project)
    assert len([p for p in cache.iterdir()]) == 2
    assert replaycache.find([*steps, 2], "sqlite") is not None
    assert replaycache.find(steps, "sqlite") is None
