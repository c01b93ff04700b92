"""The tutorial in a real JupyterLab and Chromium: every notebook's outputs fit its column and pass axe-core;
notebook 05's exercise is done there with the solution it loads; notebook 06 runs all its cells, and its live
picker picks a target, applies it and shows the result, by keyboard alone."""

import pytest

from accessibility import axe_violations, impacts, severe
import lab_page
from lab_page import ARTIFACTS, fit_test, run_all_and_check_the_fit
from tutorial import NOTEBOOKS, ROOT

pytestmark = pytest.mark.browser

NOTEBOOK = "06-explore.ipynb"
EXERCISE = "05-roll-back.ipynb"


def _ledger_text(picker):
    """Return the ledger part of the picker's four-pieces view, as the page shows it."""
    boxes = picker.locator(".djmig-pieces-view .djmig-pieces > div")
    return boxes.filter(has_text="django_migrations (the ledger)").inner_text()


# Every notebook as stored (the outputs nbval checks a fresh run makes); notebooks 05 and 06, whose exercise and
# live picker only a run makes, after Run All, by the exercise's and the picker's tests below.
test_every_output_fits_its_column = fit_test(
    [p for p in NOTEBOOKS if p.name not in (NOTEBOOK, EXERCISE)] + [ROOT / "notebooks" / "glossary.ipynb"])


# Where the keyboard is: the notebook's selected cell (and the live picker's), and the element that has the focus.
_FOCUS = """() => {
  const notebook = window.jupyterapp.shell.currentWidget.content;
  const element = document.activeElement;
  const live = notebook.widgets.findIndex(cell => cell.node.querySelector('.djmig-picker'));
  return {cell: notebook.activeCellIndex, pickers: live, picker: Boolean(element?.closest('.djmig-picker')),
          tag: element?.tagName.toLowerCase(), button: element?.tagName === 'BUTTON' ? element.innerText.trim() : null};
}"""
# What Tab and Enter could do to the notebook: its number of cells and the execution count of each.
_CELLS = """path => {
  const widget = window.jupyterapp.shell.widgets('main').find(w => w.context?.path === path);
  const cells = widget.content.model.cells;
  return Array.from({length: cells.length}, (_, i) => [cells.get(i).type, cells.get(i).executionCount ?? null]);
}"""


def test_notebook_06_runs_and_the_picker_migrates_by_keyboard(page, lab):
    """The live picker, by keyboard alone: the dropdown keeps its keys (arrows, Home, typing) from JupyterLab's
    shortcuts, Tab reaches apply, Enter arms it and Enter runs it, the focus stays in the picker, and a Tab and
    an Enter after it neither add nor run a cell. axe-core finds nothing critical or serious in it, armed."""
    run_all_and_check_the_fit(page, lab, NOTEBOOK)

    # The exercise's check says its line only when every cell before it ran: under Run All, not answered yet.
    error = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
    page.wait_for_selector(f".jp-OutputArea-output:has-text('Not answered yet: predict dropped'), {error}")
    assert page.locator(error).count() == 0, page.locator(error).first.inner_text()

    # One live picker, at the end; the narrated steps above it are snapshots.
    picker = page.locator(".djmig-picker")
    picker.wait_for()
    assert picker.count() == 1 and page.locator(".djmig-snapshot").count() >= 5
    status = picker.locator(".djmig-status")

    def wait_for_status(start):
        page.wait_for_function("([el, start]) => el.innerText.startsWith(start)", arg=[status.element_handle(), start])

    page.wait_for_function(
        "el => el.innerText.includes('app is at 0003_book_year: nothing to do')",
        arg=status.element_handle(),
    )
    assert "| app | 0003_book_year" in _ledger_text(picker)
    dag = picker.locator(".djmig-dag img[src^='data:image/svg+xml']")
    assert dag.count() == 1
    assert dag.get_attribute("alt").startswith("Migration graph of app and reviews. app: applied 0001_initial, ")

    # The dropdown by keyboard: Home, the arrows and a typed letter choose; the notebook's selection stays.
    select = picker.locator(".widget-dropdown select")
    select.focus()
    where = page.evaluate(_FOCUS)
    assert where["tag"] == "select" and where["picker"] and where["cell"] == where["pickers"]
    for key, start in [("Home", "migrate app zero would unapply 4 migrations"),
                       ("ArrowDown", "migrate app 0001_initial would unapply 3 migrations"),
                       ("ArrowUp", "migrate app zero would"), ("End", "app is at 0003_book_year: nothing to do"),
                       ("z", "migrate app zero would")]:
        page.keyboard.press(key)
        wait_for_status(start)
        assert page.evaluate(_FOCUS) == where, f"{key} took the focus or moved the notebook's selected cell"

    # For zero the preview lists its steps and their SQL (which comes after the plan and the data lost): what is
    # lost comes first, in sight without scrolling.
    sql_shown = "el => el.innerText.includes('DROP TABLE') && !el.innerText.includes('working out its SQL')"
    page.wait_for_function(sql_shown, arg=picker.locator(".djmig-preview").element_handle())
    region = picker.locator(".djmig-preview .djmig-scroll[role=region][tabindex='0']")
    assert region.get_attribute("aria-label") == "Preview of python manage.py migrate app zero"
    lost = region.locator(".djmig-lost li", has_text="table app_author (1 row)")
    assert lost.count() == 1
    box, item = region.bounding_box(), lost.bounding_box()
    assert box["y"] <= item["y"] and item["y"] + item["height"] <= box["y"] + box["height"], "the data lost is hidden"

    # Back to 0001_initial: it drops app_book (and reviews_review), so apply needs two presses of Enter.
    page.keyboard.press("ArrowDown")
    wait_for_status("migrate app 0001_initial would unapply 3 migrations")
    preview = picker.locator(".djmig-preview")
    page.wait_for_function(sql_shown, arg=preview.element_handle())
    height = preview.bounding_box()["height"]  # the preview keeps its height from one state to the next
    page.keyboard.press("Tab")
    assert page.evaluate(_FOCUS) == {**where, "tag": "button", "button": "Apply"}
    # Forecast, after Apply, adds what each step would do to a live database, by keyboard too.
    page.keyboard.press("Tab")
    assert page.evaluate(_FOCUS) == {**where, "tag": "button", "button": "Forecast"}
    page.keyboard.press("Enter")
    page.wait_for_function("el => el.innerText.includes('On a live database: 2 steps make others wait and old code "
                           "breaks at 2 steps.')", arg=status.element_handle())
    assert "old code can't create, read, update or delete reviews.Review: no such table: reviews_review" in \
        preview.inner_text()
    assert "old code can't create, read, update or delete app.Book: no such table: app_book" in preview.inner_text()
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(_FOCUS) == {**where, "tag": "button", "button": "Apply"}
    page.keyboard.press("Enter")
    wait_for_status("Armed: ")
    assert "| app | 0003_book_year" in _ledger_text(picker), "the first Enter must not migrate"
    assert page.evaluate(_FOCUS) == {**where, "tag": "button", "button": "Apply: drop the data"}
    ARTIFACTS.mkdir(exist_ok=True)
    picker.scroll_into_view_if_needed()  # axe-core judges the contrast of what is on the screen
    picker.screenshot(path=str(ARTIFACTS / "06-explore-armed.png"))
    violations = axe_violations(page, [".djmig-picker"])
    assert not severe(violations), f"the armed picker: axe-core finds {impacts(violations)}: {severe(violations)}"
    page.keyboard.press("Enter")
    wait_for_status("Done: unapplied 3 migrations; app is now at 0001_initial.")

    # Nothing is left to apply, so the focus is back on the dropdown, not on the page (the kernel's message that
    # gives it back comes after the one that says Done).
    page.wait_for_function("() => document.activeElement?.closest('.djmig-picker') !== null", timeout=10_000)
    assert page.evaluate(_FOCUS) == where
    ledger = _ledger_text(picker)
    assert "| app | 0001_initial" in ledger and "| app | 0003_book_year" not in ledger
    assert "- table app_book" in picker.locator(".djmig-pieces-view").inner_text()
    assert abs(preview.bounding_box()["height"] - height) < 2, "the preview changed its height"
    dag.first.wait_for()
    assert dag.count() == 1
    picker.screenshot(path=str(ARTIFACTS / "06-explore-picker.png"))
    page.screenshot(path=str(ARTIFACTS / "06-explore.png"), full_page=True)

    # Tab and Enter from there neither add a cell nor run one.
    cells = page.evaluate(_CELLS, NOTEBOOK)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_timeout(1000)  # what a command would have done by now
    assert page.evaluate(_CELLS, NOTEBOOK) == cells


# The cell of the notebook in front whose id is ID: its index, its text, what it shows, and whether it is done.
_CELL = """id => {
  const notebook = window.jupyterapp.shell.currentWidget.content;
  const index = notebook.widgets.findIndex(cell => cell.model.id === id);
  const cell = notebook.widgets[index];
  return {index, source: cell.model.sharedModel.getSource(), shown: cell.node.querySelector('.jp-OutputArea')?.innerText
          ?? '', running: cell.model.executionState === 'running' || cell.model.executionCount === null};
}"""
_RUN = """([index, source]) => {
  const notebook = window.jupyterapp.shell.currentWidget.content;
  notebook.activeCellIndex = index;
  if (source !== null) notebook.activeCell.model.sharedModel.setSource(source);
  notebook.activeCell.model.executionCount = null;
  return window.jupyterapp.commands.execute('notebook:run-cell');
}"""


def test_notebook_05_s_exercise_is_done_in_the_notebook_with_the_solution_it_loads(page, lab):
    """Run All leaves the answer blank and the check says so; %load ex.solution, typed into the answer cell, puts one
    solution there and runs nothing; run, it is right, and run again it is still right (its ex.reset() first)."""
    run_all_and_check_the_fit(page, lab, EXERCISE)
    answer = page.evaluate(_CELL, "c05-ex-answer")["index"]
    check = answer + 1

    def run(index, source=None):
        page.evaluate(_RUN, [index, source])
        page.wait_for_function(f"() => {{ const c = window.jupyterapp.shell.currentWidget.content.model.cells.get({index});"
                               f" return c.executionCount !== null && c.executionState !== 'running'; }}")
        page.wait_for_function(lab_page._SETTLED)

    def said():
        run(check)
        return page.locator(".jp-Cell").nth(check).locator(".jp-OutputArea-output").inner_text()

    assert said().startswith("Not answered yet: store in loss")
    run(answer, "%load ex.solution")
    loaded = page.evaluate(_CELL, "c05-ex-answer")["source"]
    assert loaded.startswith('# %load ex.solution\nex.reset()  # back to where the exercise starts') \
        and 'loss = sb.data_loss("app", "zero")\n' in loaded, loaded
    assert said().startswith("Not answered yet: store in loss"), "loading the solution ran it"
    for _ in range(2):
        run(answer)
        assert said().startswith("All right: loss named app_author and app_book"), said()
