"""What a check says, in one line: right, not answered yet, or the first mistake it found and what to do."""

import html

__all__ = ["Verdict", "Mistake", "Unanswered", "RIGHT", "WRONG", "UNANSWERED"]

RIGHT, WRONG, UNANSWERED = "right", "wrong", "unanswered"
# Each verdict's first words, and the colour of the bar beside it (the words say it without the colour).
_OPENING = {RIGHT: "All right: ", WRONG: "Not yet: ", UNANSWERED: "Not answered yet: "}
_BAR = {RIGHT: "#1a7f37", WRONG: "#cf222e", UNANSWERED: "#6e7781"}


class Mistake(Exception):
    """A wrong answer, said in one line: what is wrong and what to do about it."""


class Unanswered(Mistake):
    """An answer that is still the placeholder ``...`` (or not there at all)."""


class Verdict:
    """A check's answer: ``kind`` (RIGHT, WRONG or UNANSWERED) and its one ``line``; shows as that line."""

    def __init__(self, kind, text):
        self.kind, self.line = kind, _OPENING[kind] + " ".join(str(text).split())

    @property
    def right(self):
        """Return True for a right answer."""
        return self.kind == RIGHT

    def __repr__(self):
        return self.line

    def _repr_pretty_(self, printer, cycle):
        printer.text(self.line)

    def _repr_html_(self):
        style = f"border-left:4px solid {_BAR[self.kind]};padding:2px 8px;white-space:normal"
        return f"<div class='djmig-verdict' role='status' style='{style}'>{html.escape(self.line)}</div>"
