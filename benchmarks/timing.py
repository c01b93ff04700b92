"""Time a call of the kit and the Django command it stands for, taking turns, and print the figures as rows."""

import contextlib
import os
import time

from djmig_kernel.commands.runner import run


def timed(action, before=None):
    """Return the seconds ACTION takes (BEFORE runs first, untimed)."""
    if before:
        before()
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def side_by_side(kit, theirs, runs, kit_before=None, their_before=None):
    """Return the best times of KIT and THEIRS over RUNS rounds, the two taking turns in each round.

    Taking turns keeps the machine's other load from favouring either side. The BEFORE
    functions run, untimed, ahead of each timed call.
    """
    kit_times, their_times = [], []
    for _ in range(runs):
        kit_times.append(timed(kit, kit_before))
        their_times.append(timed(theirs, their_before))
    return min(kit_times), min(their_times)


@contextlib.contextmanager
def _cold():
    """Start Python anew for the commands run meanwhile, as a terminal does (no fork server)."""
    was = os.environ.get("DJMIG_FORK_SERVER")
    os.environ["DJMIG_FORK_SERVER"] = "0"
    try:
        yield
    finally:
        if was is None:
            del os.environ["DJMIG_FORK_SERVER"]
        else:
            os.environ["DJMIG_FORK_SERVER"] = was


def django(sb, *args, check=True):
    """Return a function that runs ``python manage.py ARGS...`` in SB, as a learner would in a terminal (CHECK: it
    must succeed)."""
    def command():
        with _cold():
            result = run(["manage.py", *args], sb.path, 600)
        assert result.returncode == 0 or not check, result.stderr
    return command


class Table:
    """Rows of figures, printed as they come."""

    def __init__(self):
        print(f"{'figure':58} {'kit s':>7} {'Django s':>9} {'ratio':>6} {'bound':>6}")

    def row(self, figure, kit, theirs, bound):
        ratio = kit / theirs
        verdict = "" if bound is None else ("ok" if ratio <= bound else "OVER")
        print(f"{figure:58} {kit:7.3f} {theirs:9.3f} {ratio:6.2f} {bound or '':>6} {verdict}", flush=True)
        return ratio
