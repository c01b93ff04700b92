"""The tutorial in a real JupyterLab and Chromium: every notebook fits its column after Run All;
in notebook 06 the live picker picks a target, applies it and shows the result."""

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
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
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
    """Start a fresh JupyterLab on 127.0.0.1 with a random token on a copy of the notebooks; stop it after."""
    home = tmp_path_factory.mktemp("lab")
    notebooks = home / "notebooks"
    notebooks.mkdir()
    for notebook in NOTEBOOKS:
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
            # Stop this test's kernels: each notebook's kernel holds a Django project's worth of memory.
            page.evaluate("window.jupyterapp?.serviceManager.sessions.shutdownAll()")
        finally:
            browser.close()


def _ledger_text(picker):
    """Return the ledger part of the picker's four-pieces view, as the page shows it."""
    boxes = picker.locator(".djmig-pieces-view .djmig-pieces > div")
    return boxes.filter(has_text="django_migrations (the ledger)").inner_text()


def _open_and_run_all(page, lab, name):
    """Open notebook NAME in JupyterLab and Run All, as a learner does; return Run All's own result and
    [index, execution count] of every code cell (count null for a cell that did not run)."""
    # reset: a workspace with this notebook only, not the tabs of the notebooks opened before.
    page.goto(f"{lab['base']}/lab/tree/{name}?reset&token={lab['token']}")
    page.wait_for_function(
        "name => window.jupyterapp?.shell?.currentWidget?.context?.path === name"
        " && window.jupyterapp.shell.currentWidget.sessionContext?.session?.kernel?.status === 'idle'",
        arg=name,
    )
    # Run All alone. Its promise resolves true once every cell has run and replied ok; at the first error
    # reply (even from a cell tagged raises-exception) it resolves false at once and the cells still queued
    # lose their [*] while the kernel goes on running them, so it must resolve true. Then wait for the
    # kernel too: between two cells it is idle for a moment, which polling alone would mistake for the end.
    ran = page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(_SETTLED, polling=500)
    return ran, page.evaluate(_COUNTS)


# True when no cell of the notebook in front is queued or running, and its kernel is idle.
_SETTLED = """() => {
  const widget = window.jupyterapp.shell.currentWidget;
  const cells = widget.content.model.cells;
  for (let i = 0; i < cells.length; i++) {
    if (cells.get(i).type === 'code' && cells.get(i).executionState === 'running') return false;
  }
  return widget.sessionContext.session.kernel.status === 'idle';
}"""
# [index, execution count] of every code cell of the notebook in front.
_COUNTS = """() => {
  const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
  const counts = [];
  for (let i = 0; i < cells.length; i++) {
    if (cells.get(i).type === 'code') counts.push([i, cells.get(i).executionCount]);
  }
  return counts;
}"""


# For every output (and every picture in the prose): how far it reaches past its column, and how much
# the browser shrank a picture below its own size (a picture drawn too large is shrunk unreadable).
_MEASURE = """() => {
  const found = [];
  // The notebook in front only: JupyterLab keeps the notebooks opened before in hidden tabs.
  const cells = [...window.jupyterapp.shell.currentWidget.node.querySelectorAll('.jp-Notebook .jp-Cell')];
  cells.forEach((cell, index) => {
    const column = cell.getBoundingClientRect();
    const where = `cell ${index}`;
    for (const output of cell.querySelectorAll('.jp-OutputArea-output')) {
      const box = output.getBoundingClientRect();
      if (output.scrollWidth > output.clientWidth + 1)
        found.push(`${where}: an output ${output.scrollWidth} px wide in a ${output.clientWidth} px box`);
      if (box.right > column.right + 1)
        found.push(`${where}: an output reaches ${Math.round(box.right - column.right)} px past its cell`);
    }
    for (const img of cell.querySelectorAll('.jp-OutputArea-output img, .jp-RenderedMarkdown img')) {
      const box = img.getBoundingClientRect();
      if (box.right > column.right + 1)
        found.push(`${where}: a picture reaches ${Math.round(box.right - column.right)} px past its cell`);
      if (img.naturalWidth && box.width < 0.75 * img.naturalWidth && !img.closest('.djmig-dag'))
        found.push(`${where}: a picture shrunk to ${Math.round(100 * box.width / img.naturalWidth)}% ` +
                   `(${img.naturalWidth} px drawn for a ${Math.round(box.width)} px column)`);
    }
  });
  return found;
}"""


def _screens(page, stem):
    """Save the notebook one screen at a time, top to bottom, as test-artifacts/STEM-NN.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob(f"{stem}-[0-9][0-9].png"):
        old.unlink()
    scroller = "window.jupyterapp.shell.currentWidget.node.querySelector('.jp-WindowedPanel-outer')"
    height = page.evaluate(f"{scroller}.scrollHeight")
    step = page.evaluate(f"{scroller}.clientHeight") - 40
    for number, top in enumerate(range(0, max(height, 1), step)):
        page.evaluate(f"{scroller}.scrollTo(0, {top})")
        page.wait_for_timeout(100)
        page.screenshot(path=str(ARTIFACTS / f"{stem}-{number:02d}.png"))


def _run_all_and_check_the_fit(page, lab, name):
    """Run all of notebook NAME, save its screens, and check that every output fits its column."""
    ran, counts = _open_and_run_all(page, lab, name)
    unrun = [index for index, count in counts if count is None]
    assert ran is True and not unrun, f"Run All stopped in {name} (it returned {ran}): code cells {unrun} did not run"
    # In a fresh kernel, once each and in order: the counts go 1, 2, 3, ...
    assert [count for _, count in counts] == list(range(1, len(counts) + 1)), f"{name} ran out of order: {counts}"
    page.wait_for_timeout(1000)  # widgets and pictures render after the kernel has answered
    problems = page.evaluate(_MEASURE)
    _screens(page, Path(name).stem)
    assert not problems, f"{name}: " + "; ".join(problems)


# Notebook 06 is checked by the picker's test below, so that it runs once. Under --dist loadgroup each of
# these tests is a unit of work of its own (root conftest.py), so both workers run browser tests side by side,
# each with its own JupyterLab.
OTHERS = [p for p in NOTEBOOKS if p.name != NOTEBOOK]


@pytest.mark.parametrize("notebook", OTHERS, ids=[p.stem[:2] for p in OTHERS])
def test_every_output_fits_its_column_after_run_all(page, lab, notebook):
    """At 1400x1000 no output is wider than the notebook column, and no picture is shrunk unreadable."""
    _run_all_and_check_the_fit(page, lab, notebook.name)


def test_notebook_06_runs_and_the_picker_migrates_from_the_page(page, lab):
    _run_all_and_check_the_fit(page, lab, NOTEBOOK)

    # The self-check cell prints its line only when every cell before it ran.
    error = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
    page.wait_for_selector(f".jp-OutputArea-output:has-text('All right: app_book and reviews_review'), {error}")
    assert page.locator(error).count() == 0, page.locator(error).first.inner_text()

    # One live picker, at the end; the narrated steps above it are snapshots.
    picker = page.locator(".djmig-picker")
    picker.wait_for()
    assert picker.count() == 1 and page.locator(".djmig-snapshot").count() >= 5
    status = picker.locator(".djmig-status")
    page.wait_for_function(
        "el => el.innerText.includes('app is at 0003_book_year: nothing to do')",
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
    height = preview.bounding_box()["height"]  # the preview keeps its height from one state to the next
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
    assert abs(preview.bounding_box()["height"] - height) < 2, "the preview changed its height"
    dag = picker.locator(".djmig-dag img[src^='data:image/svg+xml'], .djmig-dag svg")
    dag.first.wait_for()
    assert dag.count() == 1
    picker.screenshot(path=str(ARTIFACTS / "06-explore-picker.png"))
    page.screenshot(path=str(ARTIFACTS / "06-explore.png"), full_page=True)
