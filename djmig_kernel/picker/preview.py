"""The words of the picker's preview: its status line and its HTML (plan, SQL, data lost)."""

import html

from ..display.forecast import forecast_summary
from ..display.html import count_phrase
from ..display.terminal import manage_line

__all__ = ["describe_losses", "loss_phrases", "plan_line", "preview_html", "steps_phrase"]

_PAST = {"apply": "applied", "unapply": "unapplied"}
# The forecast's styles stand in its own elements: the picker's style sheet is in every stored snapshot.
_FORECAST = "border-left:3px solid #0550ae;padding-left:6px;margin:4px 0"
_WAITS = "margin:2px 0;padding-left:1.2em;color:#953800"


def loss_phrases(losses):
    """Return a phrase for each row of LOSSES (table, column, rows): "table app_book (1 row)"."""
    return [
        f"table {row.table} ({count_phrase(row.rows, 'row')})" if row.column is None
        else f"column {row.table}.{row.column} ({count_phrase(row.rows, 'row')})"
        for row in losses.itertuples(index=False)
    ]


def describe_losses(losses):
    """Return what LOSSES drop, as one phrase."""
    return ", ".join(loss_phrases(losses))


def steps_phrase(plan, done=False):
    """Return what PLAN does, e.g. "unapply 2 migrations" (DONE: "unapplied 2 migrations")."""
    counts = {}
    for step in plan.steps:
        counts[step["direction"]] = counts.get(step["direction"], 0) + 1
    return " and ".join(f"{_PAST[d] if done else d} {count_phrase(n, 'migration')}" for d, n in counts.items())


def plan_line(app, plan, losses):
    """Return the status line of a preview of PLAN for APP, which drops LOSSES."""
    line = f"migrate {app} {plan.target} would {steps_phrase(plan)}"
    if plan.irreversible:
        line += f"; {', '.join(plan.irreversible)} cannot be unapplied, so migrate will stop with an error"
    if len(losses):
        return f"{line} and drop {describe_losses(losses)}. Apply asks for a second click."
    return f"{line}; no data is lost. Apply runs it."


def _lines(lines):
    if not lines:
        return ""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return f"<ul class='djmig-waits' style='{_WAITS}'>{items}</ul>"


def preview_html(app, plan, losses, forecasts=None, sql=None):
    """Return the preview of PLAN for APP as HTML: the command, the data lost, then each step with its SQL.

    The data lost comes first, right under the command, so that no scrolling hides it. FORECASTS (once asked:
    {"app.name": [lines]}, display.forecast.step_forecasts) add what each step does to a live database. SQL:
    plan.sql(), or None while it is being worked out (each step then says so).
    """
    steps = "".join(
        f"<li><b>{html.escape(step['direction'])} {html.escape(step['migration'])}</b>"
        f"{' (irreversible)' if step['irreversible'] else ''}: "
        f"{html.escape('; '.join(step['operations']) or 'no operations')}"
        f"{_lines((forecasts or {}).get(step['migration']))}"
        f"<pre>{html.escape(_step_sql(sql, step['migration']))}</pre></li>"
        for step in plan.steps
    )
    if len(losses):
        lost = "".join(f"<li>{html.escape(phrase)}</li>" for phrase in loss_phrases(losses))
        lost = f"<div class='djmig-lost'><b>Data that would be lost</b><ul>{lost}</ul></div>"
    else:
        lost = "<div><b>No data is lost.</b></div>"
    if forecasts is not None:
        lost += f"<div class='djmig-forecast' style='{_FORECAST}'>{html.escape(forecast_summary(forecasts))}</div>"
    command = html.escape(manage_line('migrate', app, plan.target))
    return f"<div><b>{command}</b></div>{lost}<div>Its steps, and the SQL each one runs:</div><ol>{steps}</ol>"


def _step_sql(sql, migration):
    if sql is None:
        return WORKING
    return chr(10).join(sql[migration]) or "-- no SQL"


WORKING = "-- working out its SQL …"
