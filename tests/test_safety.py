"""Safety: the kit writes only in its sandbox, runs no shell strings, and its readers never write."""

import ast
import sqlite3
from pathlib import Path

import pytest

import djmig_kernel
from djmig_kernel import DjmigError, Sandbox, render_dag
from djmig_kernel.database.sqlite.read import read_only
from helpers import files_digest
from projects import build_library

PACKAGE = Path(djmig_kernel.__file__).parent
SUBPROCESS_CALLS = {"run", "call", "check_call", "check_output", "Popen", "getoutput", "getstatusoutput"}
SHELL_CALLS = {("os", "system"), ("os", "popen"), ("os", "execl"), ("os", "execlp"), ("os", "spawnl"),
               ("asyncio", "create_subprocess_shell")}


def _calls(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            yield (owner.id if isinstance(owner, ast.Name) else None), node.func.attr, node


@pytest.mark.parametrize("module", sorted(str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")))
def test_every_subprocess_call_passes_a_list_and_no_shell(module):
    tree = ast.parse((PACKAGE / module).read_text())
    for owner, name, call in _calls(tree):
        assert (owner, name) not in SHELL_CALLS, f"{module}:{call.lineno} runs a shell command"
        if owner == "subprocess" and name in SUBPROCESS_CALLS:
            assert name not in {"getoutput", "getstatusoutput"}, f"{module}:{call.lineno} runs a shell string"
            assert call.args and isinstance(call.args[0], ast.List), f"{module}:{call.lineno} passes no list"
            for keyword in call.keywords:
                assert not (keyword.arg == "shell" and not (
                    isinstance(keyword.value, ast.Constant) and keyword.value.value is False
                )), f"{module}:{call.lineno} passes shell="


def test_the_kit_starts_processes_in_one_place_only():
    starters = [
        f"{path.relative_to(PACKAGE)}:{call.lineno}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for owner, name, call in _calls(ast.parse(path.read_text()))
        if owner == "subprocess"
    ]
    assert starters == [starters[0]] and starters[0].startswith("commands/runner.py:")


@pytest.mark.parametrize(
    "act",
    [
        lambda sb: sb.startapp("x; touch pwned"),
        lambda sb: sb.migrate("books; touch pwned"),
        lambda sb: sb.migrate("books", "0001; touch pwned"),
        lambda sb: sb.plan("books", "$(touch pwned)"),
        lambda sb: sb.data_loss("books", "`touch pwned`"),
        lambda sb: sb.makemigrations("books", name="x; touch pwned"),
        lambda sb: sb.manage("showmigrations", "books && touch pwned"),
        lambda sb: sb.table('books_book"; DROP TABLE books_book; --'),
    ],
    ids=["startapp", "migrate-app", "migrate-target", "plan-target", "data-loss-target", "migration-name",
         "manage-args", "table-name-sql"],
)
def test_shell_syntax_in_names_is_refused_or_harmless(library, tmp_path, monkeypatch, act):
    monkeypatch.chdir(tmp_path)
    before = files_digest(tmp_path)
    with pytest.raises(DjmigError):
        act(library)
    assert not list(tmp_path.rglob("pwned"))
    assert not Path.cwd().joinpath("pwned").exists()
    assert files_digest(tmp_path) == before


def test_a_walkthrough_writes_only_inside_its_sandbox(tmp_path, monkeypatch):
    """Snapshot the parent folder (also the working directory): only the sandbox folder changes."""
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "root"
    root.mkdir()
    (root / "neighbour.txt").write_text("not the kit's\n")
    (tmp_path / "beside.txt").write_text("not the kit's either\n")
    outside = files_digest(tmp_path)

    sb = build_library(root, "djsandbox")
    sb.ledger(), sb.tables(), sb.table("books_book"), sb.schema()
    render_dag(sb.graph())
    sb.plan("books", "zero"), sb.data_loss("books", "zero")
    sb.migrate("books", "zero")
    sb.shell("print('hello')")
    Sandbox.create(root, replace=True)

    after = files_digest(tmp_path)
    changed = {path for path in set(outside) | set(after) if outside.get(path) != after.get(path)}
    assert changed and all(path.startswith("root/djsandbox/") for path in changed)
    assert sorted(p.name for p in root.iterdir()) == ["djsandbox", "neighbour.txt"]


READS = {
    "ledger": lambda sb: sb.ledger(),
    "tables": lambda sb: sb.tables(),
    "table": lambda sb: sb.table("books_book"),
    "schema": lambda sb: sb.schema(),
    "graph": lambda sb: sb.graph(),
    "plan": lambda sb: sb.plan("authors", "zero"),
    "data_loss": lambda sb: sb.data_loss("authors", "zero"),
    "showmigrations": lambda sb: sb.showmigrations(),
    "migrate --plan": lambda sb: sb.manage("migrate", "books", "zero", "--plan"),
}


def test_opening_a_project_and_reading_it_changes_nothing(library):
    before = files_digest(library.path)
    sb = Sandbox.open(library.path)
    for read in READS.values():
        read(sb)
    assert files_digest(library.path) == before


@pytest.mark.parametrize("name", ["ledger", "tables", "graph", "plan", "data_loss"])
def test_reading_a_project_without_a_database_creates_none(shelf, name):
    before = files_digest(shelf.path)
    read = {"plan": lambda sb: sb.plan("shelf", "0001"), "data_loss": lambda sb: sb.data_loss("shelf", "0001")}
    read.get(name, READS[name])(Sandbox.open(shelf.path))
    assert not shelf.db_path.exists()
    assert files_digest(shelf.path) == before


def test_reader_connection_cannot_write(library):
    with read_only(library.db_path) as connection:
        with pytest.raises(sqlite3.OperationalError, match="attempt to write a readonly database"):
            connection.execute("DELETE FROM books_book")
    assert len(library.table("books_book")) == 3


def test_readers_read_while_another_connection_is_writing(library):
    """A read-only reader needs no write lock: it reads while another connection holds one."""
    writer = sqlite3.connect(library.db_path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM books_genre")  # not committed: readers still see both genres
        assert len(library.table("books_genre")) == 2
        assert len(library.ledger()) > 0
        assert library.graph().current("books") == ("books", "0003_merge")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
