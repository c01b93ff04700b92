"""djmig: see what Django's makemigrations and migrate do, in Jupyter."""

from .commands.runner import CommandResult
from .exceptions import DjmigError, last_error
from .display.render import render_dag
from .notebook.branches import bring_migrations, copy_project
from .notebook.exercises import exercise
from .notebook.walkthrough import replay
from .pieces.capture import FourPieces
from .plans.dag import MigrationDAG
from .plans.sqlsteps import sql_steps
from .sandbox import Sandbox

__all__ = [
    "Sandbox",
    "MigrationPicker",
    "PiecesView",
    "render_dag",
    "DjmigError",
    "last_error",
    "MigrationDAG",
    "FourPieces",
    "CommandResult",
    "load_ipython_extension",
    "replay",
    "copy_project",
    "bring_migrations",
    "sql_steps",
    "exercise",
]
__version__ = "0.1.0"


def __getattr__(name):
    # ipywidgets is imported only when a widget is used.
    if name == "MigrationPicker":
        from .picker.widget import MigrationPicker

        return MigrationPicker
    if name == "PiecesView":
        from .pieces.view import PiecesView

        return PiecesView
    raise AttributeError(f"module 'djmig_kernel' has no attribute {name!r}")


def load_ipython_extension(ipython):
    """Register %manage, %%models, %sandbox, %last_error and %%expect_error, and show DjmigErrors as one line."""
    from .notebook.magics import load

    load(ipython)
