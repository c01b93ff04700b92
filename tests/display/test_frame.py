"""Frame: the kit's tables are pandas DataFrames shown without the index, and "(no rows)" when empty."""

import pandas as pd

from djmig_kernel.display.frames import Frame, WholeFrame


def test_the_ledger_is_a_dataframe_shown_without_its_index(library):
    ledger = library.ledger()
    assert isinstance(ledger, pd.DataFrame) and list(ledger.columns) == ["id", "app", "name", "applied"]
    rows = ledger.query("app == 'books'")  # pandas operations keep the display
    assert isinstance(rows, Frame)
    lines = repr(rows).splitlines()
    assert lines[0].split() == ["id", "app", "name", "applied"]
    assert [line.split()[:3] for line in lines[1:]] == [
        [str(i), "books", name] for i, name in zip(rows["id"], rows["name"])
    ]
    html = rows._repr_html_()
    assert "<th>id</th>" in html and "<th></th>" not in html  # no index column


def test_an_empty_table_says_so():
    empty = Frame({"id": pd.Series(dtype="int64"), "title": pd.Series(dtype="object")})
    assert repr(empty) == "id  title\n(no rows)"
    html = empty._repr_html_()
    assert "<th>id</th><th>title</th>" in html and ">(no rows)</td>" in html


def test_a_whole_frame_cuts_no_cell_short_where_a_frame_does():
    """old_code()'s errors are the database's own lines: its HTML shows them whole, where pandas cuts at 50."""
    line = 'null value in column "name" of relation "app_author" violates not-null constraint'
    assert "violates" not in Frame({"error": [line]})._repr_html_()
    whole = WholeFrame({"action": ["create"], "error": [line]})
    assert line in whole[["error"]]._repr_html_()
