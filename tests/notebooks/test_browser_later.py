"""Notebooks 07-11 in a real JupyterLab and Chromium: after Run All every output fits its column.

The same check as test_browser.py's, in a file of its own so that pytest-xdist (--dist loadfile) can run
it beside the others (tutorial.py).
"""

import pytest

from lab_page import fit_test
from tutorial import LATER

pytestmark = pytest.mark.browser

test_every_output_fits_its_column_after_run_all = fit_test(LATER)
