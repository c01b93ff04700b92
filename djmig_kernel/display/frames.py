"""The kit's tables: pandas DataFrames shown without their index (Frame), and check()'s table (CheckFrame)."""

import html

import pandas as pd

__all__ = ["Frame", "CheckFrame", "WholeFrame"]

_NO_ROWS = "(no rows)"


def _limits():
    return {
        "max_rows": pd.get_option("display.max_rows"),
        "max_cols": pd.get_option("display.max_columns"),
        "show_dimensions": pd.get_option("display.show_dimensions"),
    }


class Frame(pd.DataFrame):
    """A DataFrame whose display leaves out the index: the kit's tables carry their own ``id``.

    Everything else is pandas: operations that return a DataFrame (``query``, slicing,
    ``sort_values``) return a Frame again, so their result is shown the same way.
    """

    _metadata = ["note"]  # kept by what pandas returns from a Frame (tail, a slice)
    note = None  # a line shown under the table, about where its rows come from

    @property
    def _constructor(self):
        return Frame

    def __repr__(self):
        if self.empty:
            text = "  ".join(map(str, self.columns)) + "\n" + _NO_ROWS
        else:
            text = self.to_string(index=False, min_rows=pd.get_option("display.min_rows"), **_limits())
        return f"{text}\n{self.note}" if self.note else text

    def _repr_html_(self):
        if self.empty:
            header = "".join(f"<th>{html.escape(str(c))}</th>" for c in self.columns)
            table = (
                f"<table class='dataframe'><thead><tr>{header}</tr></thead><tbody><tr>"
                f"<td colspan='{max(len(self.columns), 1)}' style='text-align:left;font-style:italic'>"
                f"{_NO_ROWS}</td></tr></tbody></table>"
            )
        else:
            table = self.to_html(index=False, border=0, notebook=True, **_limits())
        return f"{table}<p>{html.escape(self.note)}</p>" if self.note else table


class WholeFrame(Frame):
    """A Frame whose HTML cuts no cell short: for a table whose text is the point (the database's error line)."""

    @property
    def _constructor(self):
        return WholeFrame

    def _repr_html_(self):
        with pd.option_context("display.max_colwidth", None):
            return super()._repr_html_()


_AGREE = "The four pieces agree: sb.check() finds nothing to fix."
_CELL = "text-align:left;vertical-align:top;white-space:normal;overflow-wrap:normal;word-break:normal"
_CODE = "font-family:var(--jp-code-font-family,monospace);font-size:12px"
_CODE_COLUMNS = ("subject", "fix")


class CheckFrame(Frame):
    """check()'s table (kind, app, subject, detail, fix), shown whole: no index, no cut lines.

    Empty, it says that the pieces agree instead of showing a bare header.
    """

    @property
    def _constructor(self):
        return CheckFrame

    def __repr__(self):
        if self.empty:
            return _AGREE
        return "\n\n".join(
            f"{r.kind}  {r.app}  {r.subject}\n  {r.detail}\n  fix: {r.fix}" for r in self.itertuples(index=False)
        )

    def _repr_pretty_(self, printer, cycle):
        printer.text(repr(self))

    def _repr_html_(self):
        if self.empty:
            return f"<p>{html.escape(_AGREE)}</p>"
        columns = list(self.columns)
        head = "".join(f"<th style='{_CELL}'>{name}</th>" for name in columns)
        body = "".join(
            "<tr>" + "".join(
                f"<td style='{_CELL};{_CODE if name in _CODE_COLUMNS else ''}'>{html.escape(str(value))}</td>"
                for name, value in zip(columns, row)
            ) + "</tr>"
            for row in self.itertuples(index=False)
        )
        return f"<table class='dataframe djmig-check'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
