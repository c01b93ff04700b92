"""Small pieces of HTML and wording that several displays share: wrapped <pre> text, diff lines, counts."""

import html

__all__ = ["PRE_STYLE", "box_title", "diff_line_html", "count_phrase"]

# JupyterLab breaks output <pre> lines inside words (word-break:break-all): wrap at spaces only.
PRE_STYLE = "margin:0;white-space:pre-wrap;word-break:normal;overflow-wrap:normal"
# Inline colours, so that a diff keeps them where a notebook is not trusted and <style> is dropped.
_DIFF_COLOURS = (("+++", "#6e7781"), ("---", "#6e7781"), ("@@", "#6e7781"), ("+", "#1a7f37"), ("-", "#cf222e"))


def diff_line_html(text):
    """Return one line of a diff as HTML: additions green, removals red, headers grey."""
    for prefix, colour in _DIFF_COLOURS:
        if text.startswith(prefix):
            return f"<span style='color:{colour}'>{html.escape(text)}</span>"
    return html.escape(text)


def count_phrase(count, noun):
    """Return "1 row", "2 rows": COUNT and NOUN, plural where it needs to be."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def box_title(text, colour=None):
    """Return the bold title of a box of an output, as HTML.

    Not a heading: the boxes of an output are no sections of the notebook, and any heading level an output
    chose would skip levels of the notebook's own headings around it (or fill its table of contents).
    """
    style = "font-weight:bold;margin:2px 0 6px" + (f";color:{colour}" if colour else "")
    return f"<div class='djmig-title' style='{style}'>{html.escape(text)}</div>"
