"""The README's promises: its two commands, the files it points at, and `make lab` opening the tutorial."""

import os
import re
import secrets
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

from helpers import free_port, wait_until_up

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
FIRST = "00-the-four-moving-pieces.ipynb"


def _commands():
    section = README.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]


def test_the_readme_gives_exactly_two_commands():
    assert _commands() == ["make lab", "make test"]


def test_ci_runs_the_readmes_test_command_verbatim():
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert lines[-1] == _commands()[1]


def test_every_notebook_and_picture_the_readme_names_exists():
    named = set(re.findall(r"`(\d\d-[a-z-]+)`", README))
    stored = {p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")}
    assert named == stored
    for picture in re.findall(r"!\[[^]]*\]\(([^)]+)\)", README):
        assert (ROOT / picture).is_file(), picture


def test_make_lab_serves_the_first_notebook():
    """Run the README's first command (setup is already done) and fetch the tutorial from the server."""
    port, token = free_port(), secrets.token_hex(16)
    # port_retries=0: a port taken meanwhile fails at once instead of moving elsewhere.
    args = f"--no-browser --ip=127.0.0.1 --port={port} --ServerApp.port_retries=0 --IdentityProvider.token={token}"
    lab = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"LAB_ARGS={args}"], cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(f"{base}/api/status?token={token}", lab)
        with urllib.request.urlopen(f"{base}/api/contents/{FIRST}?token={token}&content=0") as response:
            assert response.status == 200
        with urllib.request.urlopen(f"{base}/lab/tree/{FIRST}?token={token}") as response:
            assert response.status == 200
    finally:
        os.killpg(lab.pid, signal.SIGTERM)
        lab.wait(timeout=30)


def test_the_tests_made_by_a_notebook_in_its_sandbox_are_not_the_kits(tmp_path):
    """Notebook 15 writes test_migrations.py in its sandbox under notebooks/sandboxes: the next make test in
    the same checkout must not collect it (its Django settings would be imported into the test run)."""
    sandbox = ROOT / "notebooks" / "sandboxes" / f"collect-{secrets.token_hex(4)}"
    (sandbox / "app").mkdir(parents=True)
    try:
        (sandbox / "app" / "test_migrations.py").write_text("def test_of_the_learner():\n    pass\n")
        listed = subprocess.run(
            [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
             f"--basetemp={tmp_path / 'basetemp'}", "notebooks"],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )
    finally:
        (sandbox / "app" / "test_migrations.py").unlink()
        (sandbox / "app").rmdir()
        sandbox.rmdir()
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert "test_of_the_learner" not in listed.stdout
    assert "notebooks/00-the-four-moving-pieces.ipynb" in listed.stdout
