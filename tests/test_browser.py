"""Notebook 06 in a real JupyterLab and Chromium: run all, pick a target, apply, read the page."""

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import free_port, wait_until_up

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = "06-explore.ipynb"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"
TIMEOUT_MS = 120_000


@pytest.fixture(scope="session")
def chromium():
    """Return the path of Debian's Chromium; skip without it, but fail in CI."""
    if not CHROMIUM.is_file():
        message = f"no Chromium at {CHROMIUM}: install it with 'sudo apt-get install chromium' (or 'make chromium')"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set, so the browser test must run, but there is {message}")
        pytest.skip(message)
    return str(CHROMIUM)


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """Start a fresh JupyterLab on 127.0.0.1 with a random token on a copy of notebook 06; stop it after."""
    home = tmp_path_factory.mktemp("lab")
    notebooks = home / "notebooks"
    notebooks.mkdir()
    shutil.copy(ROOT / "notebooks" / NOTEBOOK, notebooks / NOTEBOOK)
    # Every cell in the DOM (no windowing), so the page can be read after Run All.
    settings = home / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    # No "get notified about Jupyter news?" toast over the page (and no request for the news).
    notification = home / "settings" / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True)
    (notification / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(home / "runtime"), JUPYTER_CONFIG_DIR=str(home / "config"))
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


@pytest.fixture
def page(chromium, lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(TIMEOUT_MS)
            yield page
        finally:
            browser.close()


def _ledger_text(picker):
    """Return the ledger part of the picker's four-pieces view, as the page shows it."""
    snapshot = picker.locator(".djmig-pieces-view .djmig-pieces").first
    return snapshot.locator("div").filter(has_text="django_migrations (the ledger)").inner_text()


def test_notebook_06_runs_and_the_picker_migrates_from_the_page(page, lab):
    page.goto(f"{lab['base']}/lab/tree/{NOTEBOOK}?token={lab['token']}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell")
    page.wait_for_function(
        "() => window.jupyterapp?.shell?.currentWidget?.sessionContext?.session?.kernel?.status === 'idle'"
    )
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")

    # The self-check cell shows its line only when every cell before it ran; an error stops Run All.
    error = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
    page.wait_for_selector(f".jp-OutputArea-output:has-text('All good: the schema came back'), {error}")
    assert page.locator(error).count() == 0, page.locator(error).first.inner_text()

    picker = page.locator(".djmig-picker")
    picker.wait_for()
    status = picker.locator(".djmig-status")
    page.wait_for_function(
        "el => el.innerText.includes('Done: applied 2 migrations; app is now at 0003_book_year.')",
        arg=status.element_handle(),
    )
    assert "| app | 0003_book_year" in _ledger_text(picker)
    assert picker.locator(".djmig-dag img[src^='data:image/svg+xml'], .djmig-dag svg").count() == 1

    # Back to 0001_initial: it drops app_book, so apply needs two clicks.
    select = picker.locator(".widget-dropdown select")
    options = select.locator("option").all_inner_texts()
    select.select_option(index=[o.replace("\xa0", " ") for o in options].index("[X] 0001_initial"))
    page.wait_for_function(
        "el => el.innerText.startsWith('migrate app 0001_initial would unapply 2 migrations')",
        arg=status.element_handle(),
    )
    preview = picker.locator(".djmig-preview")
    assert "DROP TABLE" in preview.inner_text()
    button = picker.locator(".widget-button")
    button.click()
    page.wait_for_function("el => el.innerText.startsWith('Armed: ')", arg=status.element_handle())
    assert "| app | 0003_book_year" in _ledger_text(picker), "the first click must not migrate"
    ARTIFACTS.mkdir(exist_ok=True)
    picker.screenshot(path=str(ARTIFACTS / "06-explore-armed.png"))
    button.click()
    page.wait_for_function(
        "el => el.innerText.includes('Done: unapplied 2 migrations; app is now at 0001_initial.')",
        arg=status.element_handle(),
    )

    ledger = _ledger_text(picker)
    assert "| app | 0001_initial" in ledger and "| app | 0003_book_year" not in ledger
    assert "- table app_book" in picker.locator(".djmig-pieces-view").inner_text()
    dag = picker.locator(".djmig-dag img[src^='data:image/svg+xml'], .djmig-dag svg")
    dag.first.wait_for()
    assert dag.count() == 1
    picker.screenshot(path=str(ARTIFACTS / "06-explore-picker.png"))
    page.screenshot(path=str(ARTIFACTS / "06-explore.png"), full_page=True)
