"""How the kit's errors show in a notebook: one line, whatever raised them, marked when the cell expects it."""

import contextlib

from ..exceptions import DjmigError

__all__ = ["expected", "shown_line", "show_djmig_error"]

# The colour IPython gives an exception's name; the rest of the line is plain.
_RED, _PLAIN = "\x1b[31m", "\x1b[39m"
# How many %%expect_error cells are running now (one inside another counts too).
_expecting = [0]


@contextlib.contextmanager
def expected():
    """Mark the kit's errors raised in the body as expected: a cell that shows one on purpose."""
    _expecting[0] += 1
    try:
        yield
    finally:
        _expecting[0] -= 1


def shown_line(error):
    """Return the one line ERROR shows as: ``CommandError: …``, ``CommandError (expected): …`` in %%expect_error."""
    mark = " (expected)" if _expecting[0] else ""
    return f"{_RED}{type(error).__name__}{_PLAIN}{mark}: {error}"


def show_djmig_error(shell, etype, value, tb, tb_offset=None):
    """Show VALUE, a DjmigError, as its one line (IPython's custom exception handler, set_custom_exc).

    IPython's showtraceback shows what an exception's ``_render_traceback_`` returns: the line is lent to the
    error for that call only, so that ``%tb`` still shows the whole Python traceback afterwards.
    """
    value._render_traceback_ = lambda: [shown_line(value)]
    try:
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
    finally:
        del value._render_traceback_


def load(ipython):
    """Show every DjmigError raised in IPYTHON's cells as its one line."""
    ipython.set_custom_exc((DjmigError,), show_djmig_error)
