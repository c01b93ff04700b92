"""Drive a notebook in JupyterLab from Chromium: open it, Run All, measure what is wider than its column, screenshots."""

import os
from pathlib import Path

import pytest

from accessibility import axe_violations, impacts, severe
from tutorial import ROOT

ARTIFACTS = ROOT / "test-artifacts"
TIMEOUT_MS = 120_000


def open_lab(page, lab):
    """Load JupyterLab in PAGE with a workspace of its own (no tabs of an earlier visit) and wait until it is up."""
    page.goto(f"{lab['base']}/lab?reset&token={lab['token']}")
    page.wait_for_function("() => window.jupyterapp?.shell?.widgets")
    page.evaluate("() => window.jupyterapp.restored")


def close_notebooks(page):
    """Close every tab of the lab in PAGE without asking to save, and shut every kernel down."""
    page.evaluate(_CLOSE_ALL)


def _open(page, lab, name, ready):
    """Open notebook NAME in PAGE and wait until it is in front and READY (a JavaScript condition) holds. A page with
    JupyterLab loaded already (open_lab) opens it there, as a learner opens the next notebook; any other page loads
    JupyterLab on it."""
    if page.evaluate("() => Boolean(window.jupyterapp)"):
        page.evaluate("name => window.jupyterapp.commands.execute('docmanager:open', {path: name})", name)
    else:  # reset: a workspace with this notebook only, not the tabs of the notebooks opened before.
        page.goto(f"{lab['base']}/lab/tree/{name}?reset&token={lab['token']}")
    page.wait_for_function(f"name => window.jupyterapp?.shell?.currentWidget?.context?.path === name && {ready}",
                           arg=name)


def open_and_run_all(page, lab, name):
    """Open notebook NAME in JupyterLab and Run All, as a learner does; return Run All's own result and
    [index, execution count] of every code cell (count null for a cell that did not run).

    Opened as _open opens it, in a fresh kernel."""
    _open(page, lab, name, "window.jupyterapp.shell.currentWidget.sessionContext?.session?.kernel?.status === 'idle'")
    # Run All alone. Its promise resolves true once every cell has run and replied ok; at the first error
    # reply (even from a cell tagged raises-exception) it resolves false at once and the cells still queued
    # lose their [*] while the kernel goes on running them, so it must resolve true. Then wait for the
    # kernel too: between two cells it is idle for a moment, which polling alone would mistake for the end.
    ran = page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(_SETTLED, polling=200)
    return ran, page.evaluate(_COUNTS)


# Every tab of the main area closed, unsaved notebooks unasked, and every kernel shut down.
_CLOSE_ALL = """async () => {
  const app = window.jupyterapp;
  for (const widget of Array.from(app.shell.widgets('main'))) {
    if (widget.context) {
      widget.context.model.dirty = false;
      await widget.sessionContext?.shutdown();
    }
    widget.dispose();
  }
  await app.serviceManager.sessions.shutdownAll();
}"""
# True when no cell of the notebook in front is queued or running, and its kernel is idle.
_SETTLED = """() => {
  const widget = window.jupyterapp.shell.currentWidget;
  const cells = widget.content.model.cells;
  for (let i = 0; i < cells.length; i++) {
    if (cells.get(i).type === 'code' && cells.get(i).executionState === 'running') return false;
  }
  return widget.sessionContext.session.kernel.status === 'idle';
}"""
# True once every output of the notebook in front is on the page and every picture in it has loaded.
_RENDERED = """() => {
  const notebook = window.jupyterapp.shell.currentWidget.content;
  let outputs = 0;
  for (const cell of notebook.widgets) if (cell.model.type === 'code') outputs += cell.model.outputs.length;
  const node = notebook.node;
  return node.querySelectorAll('.jp-OutputArea-output').length >= outputs
    && [...node.querySelectorAll('img')].every(img => img.complete);
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
      if (img.naturalWidth && box.width < 0.75 * img.naturalWidth)
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


def notebook_violations(page, within=".jp-OutputArea-output, .jp-MarkdownOutput"):
    """Return axe-core's violations in the notebook in front: in what the tutorial shows (its outputs and its
    prose; WITHIN, CSS selectors inside the notebook, says which), not in JupyterLab around it."""
    notebook = page.evaluate("() => window.jupyterapp.shell.currentWidget.id")
    return axe_violations(page, [f"[id='{notebook}'] {part.strip()}" for part in within.split(",")])


def check_accessibility(page, name, within=".jp-OutputArea-output, .jp-MarkdownOutput"):
    """Fail if axe-core finds a critical or serious violation in what notebook NAME shows (notebook_violations)."""
    violations = notebook_violations(page, within)
    assert not severe(violations), f"{name}: axe-core finds {impacts(violations)}: " + "; ".join(severe(violations))


def open_as_stored(page, lab, name):
    """Open notebook NAME in JupyterLab without running it, as a learner opens it; return how many of its code cells
    show outputs that the lab holds untrusted (and so shows otherwise than after a run: none, as the lab fixture
    trusts the notebooks)."""
    _open(page, lab, name, "window.jupyterapp.shell.currentWidget.context.isReady")
    return page.evaluate(_UNTRUSTED)


# The code cells with outputs of the notebook in front that the lab does not trust.
_UNTRUSTED = """() => {
  const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
  let untrusted = 0;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type === 'code' && cell.outputs.length && !cell.trusted) untrusted++;
  }
  return untrusted;
}"""


def _check_what_it_shows(page, name, stopped=None):
    """Check that every output of notebook NAME, in front in PAGE, fits its column and that axe-core finds no
    critical or serious violation in its outputs and prose; save its screens when it fails or when
    DJMIG_SCREENSHOTS=1 asks (a look at every notebook: about 2 s of a busy browser each). STOPPED: why the run
    that made its outputs went wrong, if it did (then the screens are saved and the check fails with it)."""
    page.wait_for_function(_RENDERED, polling=100)  # outputs and pictures render after the kernel has answered
    problems = page.evaluate(_MEASURE)
    if os.environ.get("DJMIG_SCREENSHOTS") or problems or stopped:
        _screens(page, Path(name).stem)
    assert not stopped, stopped
    assert not problems, f"{name}: " + "; ".join(problems)
    check_accessibility(page, name)


def run_all_and_check_the_fit(page, lab, name):
    """Run all of notebook NAME in a fresh kernel, in order and to its end, and check what it shows
    (_check_what_it_shows): for a notebook whose live widgets only a run makes."""
    ran, counts = open_and_run_all(page, lab, name)
    unrun = [index for index, count in counts if count is None]
    # In a fresh kernel, once each and in order: the counts go 1, 2, 3, ...
    in_order = [count for _, count in counts] == list(range(1, len(counts) + 1))
    stopped = None
    if ran is not True or unrun:
        stopped = f"Run All stopped in {name} (it returned {ran}): code cells {unrun} did not run"
    elif not in_order:
        stopped = f"{name} ran out of order: {counts}"
    _check_what_it_shows(page, name, stopped)


def open_and_check_the_fit(page, lab, name):
    """Open notebook NAME with its stored outputs and check what it shows (_check_what_it_shows). Its outputs are
    those of a fresh run: nbval runs every notebook and compares each output with the stored one (pictures as
    their DOT text), and its re-run check fails on a cell whose reply is an error, where Run All would stop."""
    untrusted = open_as_stored(page, lab, name)
    assert not untrusted, f"{name}: JupyterLab holds {untrusted} cells' outputs untrusted"
    _check_what_it_shows(page, name)


def fit_test(notebooks):
    """Return the browser test of NOTEBOOKS, one per notebook: opened with its stored outputs, every output fits its
    column and axe-core finds nothing critical or serious."""
    @pytest.mark.parametrize("notebook", notebooks, ids=[p.stem[:2] for p in notebooks])
    def test_every_output_fits_its_column(notebook_tab, lab, notebook):
        """At 1400x1000 no output is wider than the notebook column, no picture is shrunk unreadable, and axe-core
        finds no critical or serious violation."""
        open_and_check_the_fit(notebook_tab, lab, notebook.name)
    return test_every_output_fits_its_column
