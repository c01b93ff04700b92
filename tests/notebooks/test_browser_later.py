"""Notebooks 07 on in a real JupyterLab and Chromium: after Run All every output fits its column.

The same check as test_browser.py's, in a file of its own so that pytest-xdist (--dist loadfile) runs
it beside the first half instead of after it.
"""

import pytest

from lab_page import run_all_and_check_the_fit
from tutorial import LATER

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("notebook", LATER, ids=[p.stem[:2] for p in LATER])
def test_every_later_output_fits_its_column_after_run_all(page, lab, notebook):
    """At 1400x1000 no output is wider than the notebook column, and no picture is shrunk unreadable."""
    run_all_and_check_the_fit(page, lab, notebook.name)
