"""Frame: a pandas DataFrame shown without its index, and with "(no rows)" when it is empty."""

import html

import pandas as pd

__all__ = ["Frame"]

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

    @property
    def _constructor(self):
        return Frame

    def __repr__(self):
        if self.empty:
            return "  ".join(map(str, self.columns)) + "\n" + _NO_ROWS
        return self.to_string(index=False, min_rows=pd.get_option("display.min_rows"), **_limits())

    def _repr_html_(self):
        if self.empty:
            header = "".join(f"<th>{html.escape(str(c))}</th>" for c in self.columns)
            return (
                f"<table class='dataframe'><thead><tr>{header}</tr></thead><tbody><tr>"
                f"<td colspan='{max(len(self.columns), 1)}' style='text-align:left;font-style:italic'>"
                f"{_NO_ROWS}</td></tr></tbody></table>"
            )
        return self.to_html(index=False, border=0, notebook=True, **_limits())
