"""The environment: environment.yml (conda, for learners and Binder) and pyproject.toml (pip, for CI) pin the same
things, and the installed packages are compiled."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# PyPI name -> conda-forge name, where they differ.
CONDA_NAMES = {"graphviz": "python-graphviz"}


def _split(requirement):
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*$", requirement)
    return match.group(1).lower(), match.group(2).replace(" ", "")


def _pip_requirements():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["test"]
    return dict(_split(r) for r in requirements)


def _conda_requirements():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda, pip = {}, {}
    for entry in environment["dependencies"]:
        if isinstance(entry, dict):
            pip.update(_split(r) for r in entry["pip"] if not r.startswith("-"))
        else:
            name, spec = _split(entry)
            conda[name] = spec
    return environment, conda, pip


def test_every_pip_requirement_is_in_environment_yml_with_the_same_pin():
    _, conda, pip = _conda_requirements()
    for name, spec in _pip_requirements().items():
        conda_name = CONDA_NAMES.get(name, name)
        found = conda.get(conda_name, pip.get(name))
        assert found is not None, f"{name} is in pyproject.toml but not in environment.yml"
        assert found == spec, f"{name}: pyproject.toml says {spec!r}, environment.yml says {found!r}"


def test_environment_yml_has_nothing_that_pyproject_lacks():
    _, conda, pip = _conda_requirements()
    pip_names = set(_pip_requirements())
    conda_only = {"python", "pip", "graphviz"}  # the interpreter, the installer, the dot binary
    wanted = {CONDA_NAMES.get(n, n) for n in pip_names} | conda_only
    assert set(conda) - wanted == set()
    assert set(pip) - pip_names == set()


def test_environment_yml_uses_conda_forge_and_installs_the_kit():
    environment, conda, _ = _conda_requirements()
    assert environment["channels"][0] == "conda-forge"
    assert "graphviz" in conda, "the dot binary must come with the environment"
    pip_section = next(e for e in environment["dependencies"] if isinstance(e, dict))["pip"]
    assert "-e ." in pip_section


def test_the_installed_packages_are_compiled_as_django_processes_do_not_write_bytecode():
    """The kit starts Django with PYTHONDONTWRITEBYTECODE (a sandbox gets no __pycache__): Django's own modules
    must be compiled at install time (make setup's uv --compile-bytecode, or pip), else each start compiles them."""
    import importlib.util

    import django

    # Modules only Django's processes import (which never write bytecode), not this test's own process.
    folder = Path(django.__file__).parent
    sources = [folder / "core/management/commands/migrate.py", folder / "core/management/commands/makemigrations.py",
               folder / "contrib/admin/migrations/0001_initial.py"]
    missing = [s.name for s in sources if not Path(importlib.util.cache_from_source(str(s))).is_file()]
    assert not missing, f"not compiled: {missing}; reinstall with `uv pip install --compile-bytecode`"
