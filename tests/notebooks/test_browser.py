"""The tutorial in a real JupyterLab and Chromium: every notebook fits its column after Run All;
in notebook 06 the live picker picks a target, applies it and shows the result."""

import pytest

from lab_page import ARTIFACTS, fit_test, run_all_and_check_the_fit
from tutorial import EARLY

pytestmark = pytest.mark.browser

NOTEBOOK = "06-explore.ipynb"


def _ledger_text(picker):
    """Return the ledger part of the picker's four-pieces view, as the page shows it."""
    boxes = picker.locator(".djmig-pieces-view .djmig-pieces > div")
    return boxes.filter(has_text="django_migrations (the ledger)").inner_text()


# Notebook 06 is checked by the picker's test below, so that it runs once; notebooks 07 on are checked by
# test_browser_later.py and test_browser_last.py (tutorial.py says why).
OTHERS = [p for p in EARLY if p.name != NOTEBOOK]


test_every_output_fits_its_column_after_run_all = fit_test(OTHERS)


def test_notebook_06_runs_and_the_picker_migrates_from_the_page(page, lab):
    run_all_and_check_the_fit(page, lab, NOTEBOOK)

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
