"""Binder: the Dockerfile repo2docker makes of this repository installs environment.yml, Graphviz's dot with it."""

import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
LEARNER = "1000"  # the user id Binder runs the notebooks as


def _dockerfile():
    """The Dockerfile repo2docker would build for Binder (--no-build: no Docker needed), and its log."""
    command = [sys.executable, "-m", "repo2docker", "--no-build", "--debug", "--user-id", LEARNER,
               "--user-name", "jovyan", str(ROOT)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, f"repo2docker failed:\n{done.stderr}"
    return done.stdout, done.stderr


def test_binder_builds_the_conda_environment_of_environment_yml_with_graphviz():
    dockerfile, log = _dockerfile()
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [entry for entry in environment["dependencies"] if isinstance(entry, str)]
    python = next(re.sub(r"[\s=]", "", entry.removeprefix("python")) for entry in conda if entry.startswith("python "))
    assert f"Building conda environment for python={python}" in log
    # Graphviz's dot comes with the conda environment (conda-forge's graphviz), so no apt.txt is needed.
    assert "graphviz" in conda
    install = re.search(r'env update -p \$\{NB_PYTHON_PREFIX\} --file "environment.yml"', dockerfile)
    assert install, "the image does not install environment.yml into the notebook environment"
    # After the repository is copied in, owned by the learner: environment.yml's "-e ." installs the kit from it,
    # and the notebooks can write their sandboxes next to them.
    copied = dockerfile.index(f"COPY --chown={LEARNER}:{LEARNER} src/ ${{REPO_DIR}}/")
    assert copied < install.start()
    # The environment's programs (dot, jupyter) come first on PATH.
    assert "ENV PATH=${NB_PYTHON_PREFIX}/bin:" in dockerfile
