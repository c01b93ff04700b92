"""Fixtures of the browser tests: a fresh JupyterLab on a copy of the notebooks, and a page in Chromium."""

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys

import pytest

from helpers import CHROMIUM_ARGS, free_port, wait_until_up
from lab_page import TIMEOUT_MS, close_notebooks, open_lab
from tutorial import ROOT


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """Start a fresh JupyterLab on 127.0.0.1 with a random token on a copy of the notebooks; stop it after."""
    home = tmp_path_factory.mktemp("lab")
    notebooks = home / "notebooks"
    notebooks.mkdir()
    for notebook in (ROOT / "notebooks").glob("*.ipynb"):  # the glossary too: the notebooks link to it
        shutil.copy(notebook, notebooks / notebook.name)
    shutil.copytree(ROOT / "notebooks" / "images", notebooks / "images")
    # Every cell in the DOM (no windowing), so the page can be read after Run All.
    settings = home / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    # No "get notified about Jupyter news?" toast over the page (and no request for the news).
    notification = home / "settings" / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True)
    (notification / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(home / "runtime"), JUPYTER_CONFIG_DIR=str(home / "config"),
               JUPYTER_DATA_DIR=str(home / "data"))
    # Trusted, as a notebook is once it has run in the lab: its stored outputs are shown as its own run's are.
    subprocess.run([sys.executable, "-m", "nbformat.sign", *map(str, sorted(notebooks.glob("*.ipynb")))],
                   env=env, check=True, capture_output=True)
    args = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={notebooks}",
        "--ServerApp.port_retries=0",  # a port taken meanwhile fails at once instead of moving
        f"--LabApp.user_settings_dir={home / 'settings'}", f"--LabApp.workspaces_dir={home / 'workspaces'}",
        "--LabApp.expose_app_in_browser=True",
    ]
    if os.geteuid() == 0:
        args.append("--allow-root")
    log = (home / "jupyter.log").open("w")
    server = subprocess.Popen(args, cwd=notebooks, env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/api/status?token={token}", server)
        yield {"base": base, "token": token, "notebooks": notebooks}
    finally:
        server.send_signal(signal.SIGTERM)  # the server shuts its kernels down on SIGTERM
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


@pytest.fixture(scope="module")
def browser(chromium):
    """One Chromium for a file's browser tests (each test gets a fresh context: its own storage and cookies)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


VIEWPORT = {"width": 1400, "height": 1000}


@pytest.fixture
def page(browser, lab):
    """A page of its own in a fresh context, JupyterLab not loaded yet."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        yield page
        # Stop this test's kernels: each notebook's kernel holds a Django project's worth of memory.
        page.evaluate("window.jupyterapp?.serviceManager.sessions.shutdownAll()")
    finally:
        context.close()


@pytest.fixture(scope="module")
def lab_tab(browser, lab):
    """One JupyterLab page for a file's notebooks, opened there one after another as a learner opens them
    (loading JupyterLab anew for each took 2.5 s of a busy browser)."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        open_lab(page, lab)
        yield page
    finally:
        context.close()


@pytest.fixture
def notebook_tab(lab_tab, lab):
    """The file's JupyterLab page; after the test every notebook is closed and its kernel shut down (a page
    that cannot do it is loaded anew)."""
    yield lab_tab
    try:
        close_notebooks(lab_tab)
    except Exception:  # noqa: BLE001  (a page left broken by a failed test)
        open_lab(lab_tab, lab)
        close_notebooks(lab_tab)  # the kernels the broken page left
