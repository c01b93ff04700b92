"""djmig: see what Django's makemigrations and migrate do, in Jupyter."""

from ._runner import CommandResult
from .exceptions import DjmigError
from .graph import MigrationDAG
from .pieces import FourPieces
from .render import render_dag
from .sandbox import Sandbox
from .walkthrough import replay

__all__ = [
    "Sandbox",
    "MigrationPicker",
    "PiecesView",
    "render_dag",
    "DjmigError",
    "MigrationDAG",
    "FourPieces",
    "CommandResult",
    "load_ipython_extension",
    "replay",
]
__version__ = "0.1.0"


def __getattr__(name):
    # ipywidgets is imported only when the picker is used.
    if name in ("MigrationPicker", "PiecesView"):
        from . import widgets

        return getattr(widgets, name)
    raise AttributeError(f"module 'djmig_kernel' has no attribute {name!r}")


def load_ipython_extension(ipython):
    """Register %manage, %%models, %sandbox and %%expect_error, and show DjmigErrors as one line."""
    from .magics import load

    load(ipython)
