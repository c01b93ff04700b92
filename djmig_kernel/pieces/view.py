"""PiecesView: a widget that shows the four pieces of one app, and what changed since the last reading."""

import ipywidgets as widgets

from ..display.html import box_title
from .capture import FourPieces

__all__ = ["PiecesView"]


class PiecesView(widgets.HTML):
    """The four pieces of one app (models.py, migrations/, ledger, tables) and what last changed.

    ``refresh()`` reads them again; the view then also lists what changed since
    the reading before. Reads files and the database; starts no Django unless
    CHECK, which marks every disagreement ``sandbox.check(app)`` names (one Django start per reading).
    """

    def __init__(self, sandbox, app, check=False, **kwargs):
        super().__init__(**kwargs)
        self._sandbox, self._app, self._check = sandbox, app, check
        self.add_class("djmig-pieces-view")
        self.reading = FourPieces.capture(sandbox, app, check)
        self.changes = None
        self._render()

    def __repr__(self):
        return f"<PiecesView of app {self._app!r}>"

    def refresh(self):
        """Read the four pieces again and return what changed since the last reading."""
        before, self.reading = self.reading, FourPieces.capture(self._sandbox, self._app, self._check)
        self.changes = self.reading.changes_since(before)
        self._render()
        return self.changes

    def _render(self):
        # What the last step changed comes first: it is what a learner looks for after a click.
        parts = [self.reading._repr_html_()]
        if self.changes is not None:
            parts.insert(0, box_title("What the last step changed") + self.changes._repr_html_())
        self.value = "".join(parts)
