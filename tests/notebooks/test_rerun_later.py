"""Notebooks 07 on recover from a half run and repeat themselves when Run All runs twice.

The same check as test_rerun.py's, in a file of its own so that pytest-xdist (--dist loadfile) runs
it beside the first half instead of after it.
"""

import pytest

from rerun import check_rerun
from tutorial import LATER


@pytest.mark.notebook
@pytest.mark.parametrize("path", LATER, ids=[p.stem for p in LATER])
def test_later_notebook_recovers_from_a_half_run_and_repeats_itself(path, tmp_path):
    """Run half the cells, then Run All, then Run All again, all in one kernel."""
    check_rerun(path, tmp_path)
