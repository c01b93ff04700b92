"""The package's layout: a handful of capability folders, small modules that say their job, imports one way."""

import ast
import graphlib
from pathlib import Path

import pytest

import djmig_kernel

PACKAGE = Path(djmig_kernel.__file__).parent
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)
FOLDERS = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").is_file())
# Widgets and magics call the public API only: these parts of the kit, and nothing below them.
PUBLIC_FACE = {"__init__", "sandbox", "exceptions", "display", "pieces"}


def _part(path):
    """Return the top-level part of the package PATH belongs to: a folder, or a module's stem."""
    first = path.relative_to(PACKAGE).parts[0]
    return first.removesuffix(".py")


def _imported_parts(path):
    """Return the top-level parts of the kit that the module PATH imports (relative or absolute imports)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = path.parent
            for _ in range(node.level - 1):
                base = base.parent
            target = base.joinpath(*node.module.split(".")) if node.module else base
            parts = target.relative_to(PACKAGE).parts if target != PACKAGE else ()
            if parts:
                found.add(parts[0])
            else:
                found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("djmig_kernel"):
            rest = node.module.split(".")[1:]
            found |= {rest[0]} if rest else {alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("djmig_kernel.")}
    return found


def _graph():
    graph = {}
    for path in MODULES:
        part = _part(path)
        graph.setdefault(part, set()).update(p for p in _imported_parts(path) if p != part)
    return graph


def test_the_package_is_a_handful_of_capability_folders():
    entries = sorted(p.name for p in PACKAGE.iterdir() if p.name != "__pycache__")
    assert len(entries) <= 14, entries
    assert len([f for f in FOLDERS if not f.startswith("_")]) >= 5, FOLDERS


@pytest.mark.parametrize("folder", FOLDERS)
def test_each_folder_says_its_job_in_one_line(folder):
    doc = ast.get_docstring(ast.parse((PACKAGE / folder / "__init__.py").read_text()))
    assert doc and doc.split("\n")[0].endswith("."), f"{folder}/__init__.py has no one-line docstring"


@pytest.mark.parametrize("module", MODULES, ids=[str(p.relative_to(PACKAGE)) for p in MODULES])
def test_each_module_is_small_and_opens_with_its_job(module):
    text = module.read_text()
    assert len(text.splitlines()) <= 300, f"{module.name} has {len(text.splitlines())} lines"
    assert ast.get_docstring(ast.parse(text)), f"{module.relative_to(PACKAGE)} does not open with a docstring"


def test_imports_between_the_parts_run_one_way():
    graph = _graph()
    try:
        order = list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as error:
        pytest.fail(f"import cycle between parts of the kit: {' -> '.join(error.args[1])}")
    assert "sandbox" in order


def test_the_probe_imports_nothing_of_the_rest_of_the_kit():
    for path in (PACKAGE / "_probe").rglob("*.py"):
        assert _imported_parts(path) <= {"_probe"} | {p.stem for p in (PACKAGE / "_probe").glob("*.py")}, path.name
        assert "djmig_kernel" not in path.read_text(), f"_probe/{path.name} names the kit's package"


@pytest.mark.parametrize("part", ["picker", "notebook"])
def test_widgets_and_magics_call_the_public_api_only(part):
    allowed = PUBLIC_FACE | {part}
    if part == "notebook":
        allowed |= {"project"}  # a teammate's copy of a project makes room for its folder as create() does
    for path in (PACKAGE / part).rglob("*.py"):
        below = _imported_parts(path) - allowed
        assert not below, f"{path.relative_to(PACKAGE)} reaches past the public API into {sorted(below)}"


def test_the_files_run_first_are_there():
    """conftest.py's LONGEST_FIRST names test files by path: a file moved or renamed would silently run last."""
    tree = ast.parse((PACKAGE.parent / "conftest.py").read_text())
    [listed] = [node.value for node in tree.body if isinstance(node, ast.Assign)
                and [getattr(target, "id", None) for target in node.targets] == ["LONGEST_FIRST"]]
    missing = [path for path in ast.literal_eval(listed) if not (PACKAGE.parent / path).is_file()]
    assert not missing, f"conftest.py's LONGEST_FIRST names files that are not there: {missing}"
