"""FourPieces: one app's models.py, migrations/ files, ledger rows and tables, and what changed."""

import difflib
import html
from dataclasses import dataclass, field

import pandas as pd

from ..database.schema import SCHEMA_COLUMNS
from ..display.frames import CheckFrame, Frame
from ..display.html import PRE_STYLE, box_title, count_phrase, diff_line_html
from ..drift.words import CHECK_COLUMNS, KINDS, no_file_row

__all__ = ["FourPieces", "PiecesChange"]

_STYLE = (
    "<style>.djmig-pieces{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:8px}"
    ".djmig-pieces>div{border:1px solid #d0d0d0;border-radius:4px;padding:4px 8px;overflow:auto;min-width:0}"
    ".djmig-pieces pre{margin:0;font-size:12px;"
    "font-family:var(--jp-code-font-family,monospace)}</style>"
)
_RED = "#cf222e"


def _marked_html(line):
    """Return LINE as HTML, red where check() marks it."""
    if "  ✗ " in line or line.startswith(tuple(k + " " for k in KINDS)):
        return f"<span style='color:{_RED}'>{html.escape(line)}</span>"
    return html.escape(line)


def _mark(kind):
    """Return the mark after a line that check() names, in check()'s word for it."""
    return f"  ✗ {kind}" if kind else ""


def _no_file_rows(app, files, ledger):
    """Return check()'s rows for the app's ledger rows whose migration file is gone (and no squash replaces)."""
    known = set(files.migrations).union(*files.replaces.values())
    rows = [no_file_row(app, name) for name in ledger["name"] if name not in known]
    return CheckFrame(rows, columns=CHECK_COLUMNS)


@dataclass(frozen=True)
class FourPieces:
    """A reading of the four moving pieces of one app, which does not change afterwards.

    ``models`` is the source of APP/models.py ('' if there is none);
    ``migrations`` the migration modules in APP/migrations/, sorted;
    ``ledger`` the app's rows of django_migrations; ``schema`` the columns of
    the app's tables (those named APP_…) and ``rows`` their row counts.
    """

    app: str
    models: str
    migrations: tuple
    ledger: pd.DataFrame
    schema: pd.DataFrame
    rows: dict
    problems: pd.DataFrame = field(default_factory=lambda: CheckFrame(columns=CHECK_COLUMNS))

    @classmethod
    def capture(cls, sandbox, app, check=False):
        """Read the four pieces of APP in SANDBOX, and mark where they disagree.

        Without CHECK it reads files and the database, and starts no Django for an app in the project's
        folder (one installed elsewhere is found where Django finds it); it marks the ledger rows whose
        file is gone. With CHECK it also runs ``sandbox.check(app)`` (one
        Django start) and marks every disagreement it names, in check()'s words.
        This is a read-only operation - it does not write to the database.
        """
        files = sandbox.app_files(app)
        ledger, schema, rows, problems = sandbox.in_one_state(lambda: cls._database_pieces(sandbox, app, check))
        return cls(
            app=app,
            models=files.models.read_text() if files.models else "",
            migrations=files.migrations,
            ledger=ledger,
            schema=schema,
            rows=rows,
            problems=problems if check else _no_file_rows(app, files, ledger),
        )

    @staticmethod
    def _database_pieces(sandbox, app, check):
        """Return APP's ledger rows, schema, row counts and (with CHECK) check() rows, read in one state."""
        ledger = sandbox.ledger()
        ledger = ledger[ledger["app"] == app].reset_index(drop=True)
        tables = [t for t in sandbox.tables() if t.startswith(f"{app}_")]
        schema = sandbox.schema(*tables) if tables else Frame(columns=SCHEMA_COLUMNS)
        return ledger, schema, sandbox.row_counts(tables), sandbox.check(app) if check else None

    @property
    def applied(self):
        """Return the names of the app's migrations that the ledger records."""
        return set(self.ledger["name"])

    def changes_since(self, before):
        """Return a PiecesChange from the reading BEFORE to this one."""
        return PiecesChange(before, self)

    # -- display -------------------------------------------------------------

    def _marks(self, *kinds):
        """Return {subject: kind} of the disagreements of KINDS."""
        found = self.problems[self.problems["kind"].isin(kinds)]
        return dict(zip(found["subject"], found["kind"]))

    def _migration_lines(self):
        if not self.migrations:
            return ["(no migration files)"]
        return [f"[{'X' if m in self.applied else ' '}] {m}.py" for m in self.migrations]

    def _table_lines(self):
        marks = self._marks("missing-table", "missing-column", "unexpected-table", "unexpected-column")
        missing = [t for t, kind in marks.items() if kind == "missing-table"]
        if not self.rows and not missing:
            return ["(no tables)"]
        lines = []
        for table, count in self.rows.items():
            columns = self.schema[self.schema["table"] == table]
            lines.append(f"{table} ({count_phrase(count, 'row')}){_mark(marks.get(table))}")
            for column in columns.itertuples(index=False):
                ref = f" -> {column.references}" if column.references else ""
                lines.append(f"    {column.column} {column.type}{ref}{_mark(marks.get(f'{table}.{column.column}'))}")
            lines += [f"    {s.split('.', 1)[1]}{_mark(k)}" for s, k in marks.items()
                      if k == "missing-column" and s.startswith(f"{table}.")]
        return lines + [f"{table}{_mark('missing-table')}" for table in missing]

    def _ledger_lines(self):
        if self.ledger.empty:
            return ["(no rows)"]
        marks = self._marks("no-file", "inconsistent")
        return [f"{r.id} | {r.app} | {r.name}{_mark(marks.get(f'{r.app}.{r.name}'))}"
                for r in self.ledger.itertuples(index=False)]

    def _problem_lines(self):
        return [f"{r.kind} {r.subject}: {r.detail}\n    fix: {r.fix}" for r in self.problems.itertuples(index=False)]

    def _sections(self):
        sections = [
            (f"{self.app}/models.py", self.models.rstrip("\n") or "(no models.py)"),
            (f"{self.app}/migrations/", "\n".join(self._migration_lines())),
            ("django_migrations (the ledger)", "\n".join(self._ledger_lines())),
            ("database tables", "\n".join(self._table_lines())),
        ]
        if not self.problems.empty:
            sections.append(("where the pieces disagree", "\n".join(self._problem_lines())))
        return sections

    def __repr__(self):
        return "\n\n".join(f"── {title} ──\n{body}" for title, body in self._sections())

    def _repr_pretty_(self, printer, cycle):
        printer.text(repr(self))

    def _repr_html_(self):
        cells = []
        for title, body in self._sections():
            text = "\n".join(_marked_html(line) for line in body.split("\n"))
            if title.startswith("where the pieces disagree"):
                # Inline styles, so the box stands out where a notebook is not trusted and <style> is dropped.
                cells.append(f"<div style='grid-column:1/-1;border-color:{_RED}'>{box_title(title, _RED)}"
                             f"<pre style='{PRE_STYLE}'>{text}</pre></div>")
            else:
                cells.append(f"<div>{box_title(title)}<pre style='{PRE_STYLE}'>{text}</pre></div>")
        return f"{_STYLE}<div class='djmig-pieces'>{''.join(cells)}</div>"


class PiecesChange:
    """What changed in each of the four pieces between two readings (FourPieces)."""

    def __init__(self, before, after):
        self.before, self.after = before, after

    def models(self):
        """Return the unified diff of models.py, as lines."""
        return list(
            difflib.unified_diff(
                self.before.models.splitlines(), self.after.models.splitlines(),
                "before", "after", lineterm="", n=1,
            )
        )[2:]

    def migrations(self):
        """Return ("+"|"-", name) for each migration file added or removed."""
        old, new = set(self.before.migrations), set(self.after.migrations)
        return [("+", m) for m in sorted(new - old)] + [("-", m) for m in sorted(old - new)]

    def ledger(self):
        """Return ("+"|"-", id, name) for each ledger row added or removed."""
        old = {r.name: r.id for r in self.before.ledger.itertuples(index=False)}
        new = {r.name: r.id for r in self.after.ledger.itertuples(index=False)}
        return [("+", new[n], n) for n in sorted(new.keys() - old.keys(), key=new.get)] + [
            ("-", old[n], n) for n in sorted(old.keys() - new.keys(), key=old.get)
        ]

    def tables(self):
        """Return ("+"|"-"|"~", text) for tables and columns added or removed and row counts changed."""
        changes = []
        old, new = self.before.rows, self.after.rows
        for table in sorted(new.keys() - old.keys()):
            changes.append(("+", f"table {table} ({count_phrase(new[table], 'row')})"))
        for table in sorted(old.keys() - new.keys()):
            changes.append(("-", f"table {table}, with its {count_phrase(old[table], 'row')}"))

        def columns(reading, table):
            frame = reading.schema[reading.schema["table"] == table]
            return list(frame["column"])

        for table in sorted(old.keys() & new.keys()):
            was, now = columns(self.before, table), columns(self.after, table)
            changes += [("+", f"column {table}.{c}") for c in now if c not in was]
            changes += [("-", f"column {table}.{c}") for c in was if c not in now]
            if old[table] != new[table]:
                changes.append(("~", f"{table}: {count_phrase(old[table], 'row')} → {count_phrase(new[table], 'row')}"))
        return changes

    def _sections(self):
        return [
            (f"{self.after.app}/models.py", self.models()),
            (f"{self.after.app}/migrations/", [f"{s} {m}.py" for s, m in self.migrations()]),
            ("django_migrations", [f"{s} {i} | {self.after.app} | {n}" for s, i, n in self.ledger()]),
            ("database", [f"{s} {text}" for s, text in self.tables()]),
        ]

    def __bool__(self):
        return any(lines for _, lines in self._sections())

    def __repr__(self):
        return "\n".join(
            f"{title}: unchanged" if not lines else f"{title}:\n  " + "\n  ".join(lines)
            for title, lines in self._sections()
        )

    def _repr_pretty_(self, printer, cycle):
        printer.text(repr(self))

    def _repr_html_(self):
        cells = "".join(
            f"<div>{box_title(title)}<pre style='{PRE_STYLE}'>"
            + ("\n".join(diff_line_html(t) for t in lines) if lines else "unchanged")
            + "</pre></div>"
            for title, lines in self._sections()
        )
        return f"{_STYLE}<div class='djmig-pieces'>{cells}</div>"
