"""Widgets: MigrationPicker (preview and run ``migrate APP TARGET``) and PiecesView (the four pieces)."""

import html
import threading

import ipywidgets as widgets

from ._files import migration_files_fingerprint
from ._picker_snapshot import PICKER_CSS, PickerSnapshot
from .exceptions import DjmigError, UnknownAppError
from .pieces import FourPieces, _rows
from .render import dag_bundle

__all__ = ["MigrationPicker", "PiecesView"]

_CSS = PICKER_CSS
# The preview and the DAG share a row of fixed height (each scrolls inside it), so the picker
# keeps its size from one target to the next and the effect of a click shows where it was.
_ROW_HEIGHT = "30em"


def _migrations(count):
    return f"{count} migration{'' if count == 1 else 's'}"


def _loss_phrases(losses):
    """Return a phrase for each row of LOSSES (table, column, rows): "table app_book (1 row)"."""
    return [
        f"table {row.table} ({_rows(row.rows)})" if row.column is None
        else f"column {row.table}.{row.column} ({_rows(row.rows)})"
        for row in losses.itertuples(index=False)
    ]


def _describe_losses(losses):
    """Return what LOSSES drop, as one phrase."""
    return ", ".join(_loss_phrases(losses))


_PAST = {"apply": "applied", "unapply": "unapplied"}


def _steps(plan, done=False):
    """Return what PLAN does, e.g. "unapply 2 migrations" (DONE: "unapplied 2 migrations")."""
    counts = {}
    for step in plan.steps:
        counts[step["direction"]] = counts.get(step["direction"], 0) + 1
    return " and ".join(f"{_PAST[d] if done else d} {_migrations(n)}" for d, n in counts.items())


def _bundle_output(bundle):
    return {"output_type": "display_data", "data": bundle, "metadata": {}}


class PiecesView(widgets.HTML):
    """The four pieces of one app (models.py, migrations/, ledger, tables) and what last changed.

    ``refresh()`` reads them again; the view then also lists what changed since
    the snapshot before. Reads files and the database; starts no Django unless
    CHECK, which marks every disagreement ``sandbox.check(app)`` names (one Django start per reading).
    """

    def __init__(self, sandbox, app, check=False, **kwargs):
        super().__init__(**kwargs)
        self._sandbox, self._app, self._check = sandbox, app, check
        self.add_class("djmig-pieces-view")
        self.snapshot = FourPieces.capture(sandbox, app, check)
        self.changes = None
        self._render()

    def __repr__(self):
        return f"<PiecesView of app {self._app!r}>"

    def refresh(self):
        """Read the four pieces again and return what changed since the last reading."""
        before, self.snapshot = self.snapshot, FourPieces.capture(self._sandbox, self._app, self._check)
        self.changes = self.snapshot.changes_since(before)
        self._render()
        return self.changes

    def _render(self):
        # What the last step changed comes first: it is what a learner looks for after a click.
        parts = [self.snapshot._repr_html_()]
        if self.changes is not None:
            parts.insert(0, "<h4>What the last step changed</h4>" + self.changes._repr_html_())
        self.value = "".join(parts)


class MigrationPicker(widgets.VBox):
    """Choose a migration of APP, see what ``migrate APP TARGET`` would do, and run it.

    ``target`` (a Dropdown of "zero" and the app's migrations) selects; the
    preview shows the plan, the SQL of each step, what data would be lost and the
    DAG with the plan highlighted. ``apply`` (a Button) runs the plan; a plan that
    loses data needs a second click. Everything shown is kept in widget values, so
    it can be read from the kernel. Opening the picker starts Django once; each
    preview once; each apply once (migrate: the applied migrations are then read from the
    ledger, and the graph asked for again only if a migration file changed).
    """

    def __init__(self, sandbox, app, **kwargs):
        self._sandbox, self._app = sandbox, app
        self._running = threading.Lock()
        self._quiet = False
        self._armed = False
        self._dag_data = None
        self._fingerprint = None
        self._plan = None
        self._losses = None
        self._status_text = ""
        self._target = widgets.Dropdown(description="migrate to", layout=widgets.Layout(width="28em"))
        self._apply = widgets.Button(description="Apply", icon="play", layout=widgets.Layout(width="auto"))
        self._status = widgets.HTML()
        self._preview = widgets.HTML(layout=widgets.Layout(
            flex="1 1 26em", min_width="20em", height=_ROW_HEIGHT, overflow="auto"))
        self._preview.add_class("djmig-preview")
        self._dag = widgets.Output(layout=widgets.Layout(
            flex="0 1 auto", max_width="100%", max_height=_ROW_HEIGHT, overflow="auto"))
        self._dag.add_class("djmig-dag")
        self._pieces = PiecesView(sandbox, app)
        self._status.add_class("djmig-status")
        super().__init__(
            children=[
                widgets.HTML(_CSS),
                widgets.HBox([self._target, self._apply]),
                self._status,
                widgets.HBox([self._preview, self._dag], layout=widgets.Layout(
                    flex_flow="row wrap", align_items="flex-start", grid_gap="8px")),
                self._pieces,
            ],
            **kwargs,
        )
        self.add_class("djmig-picker")
        self._load_graph()
        current = self._dag_data.current(app)
        self._set_options(current[1] if current else "zero")
        self._target.observe(self._on_target_change, names="value")
        self._apply.on_click(self._on_apply_click)
        self._show_preview()

    def __repr__(self):
        return f"<MigrationPicker of app {self._app!r} in {self._sandbox!r}>"

    # -- what the picker shows, for the kernel ---------------------------------

    @property
    def target(self):
        """The Dropdown that chooses the migration to go to ("zero" or a migration name)."""
        return self._target

    @property
    def apply(self):
        """The Button that runs ``migrate APP TARGET``."""
        return self._apply

    @property
    def pieces(self):
        """The PiecesView that the picker refreshes after each migrate."""
        return self._pieces

    @property
    def plan(self):
        """Return the MigrationPlan being previewed, or None when there is nothing to do."""
        return self._plan

    @property
    def losses(self):
        """Return what the previewed plan drops: a DataFrame table, column, rows (live counts)."""
        return self._losses

    @property
    def armed(self):
        """Return True when the next click on apply runs a plan that loses data."""
        return self._armed

    @property
    def running(self):
        """Return True while a migrate runs."""
        return self._running.locked()

    @property
    def status(self):
        """Return the one line the picker shows above its preview."""
        return self._status_text

    @property
    def preview(self):
        """Return the preview the picker shows (plan, SQL, data lost) as HTML; '' when nothing to do."""
        return self._preview.value

    def snapshot(self):
        """Return a PickerSnapshot: what the picker shows now, as a picture that stays as it is."""
        return PickerSnapshot.of(self)

    def refresh(self):
        """Read the migration graph again (new files, a migrate run elsewhere) and update the preview.

        Starts Django (once for the graph, once more if the target has a plan).
        """
        self._load_graph()
        self._set_options(self._target.value)
        self._pieces.refresh()
        self._show_preview()

    # -- handlers ----------------------------------------------------------------

    def _on_target_change(self, change):
        if self._quiet or self.running:
            # Rebuilding the options, or a migrate runs (the dropdown is disabled then; it
            # ends by choosing the migration the app is now at).
            return
        self._disarm()
        self._show_preview()

    def _on_apply_click(self, button):
        if not self._running.acquire(blocking=False):
            return  # a migrate is running: this click is dropped, not queued
        try:
            if self._plan is None:
                return
            if len(self._losses) and not self._armed:
                self._arm()
                return
            self._run()
        finally:
            self._running.release()
            self._apply.disabled = self._plan is None
            self._target.disabled = False

    # -- steps -------------------------------------------------------------------

    def _load_graph(self):
        self._fingerprint = migration_files_fingerprint(self._sandbox.path)
        dag = self._sandbox.graph()
        if self._app not in dag.apps:
            raise UnknownAppError(
                f"app {self._app!r} has no migrations in {self._sandbox!r}; choose one of: "
                f"{', '.join(dag.apps)}, or run sb.makemigrations({self._app!r}) first"
            )
        self._dag_data = dag

    def _reload_applied(self):
        """Read the applied migrations from the ledger; ask Django again only if the graph may differ.

        While no migration file changed, a migrate changes only which migrations are applied.
        """
        if migration_files_fingerprint(self._sandbox.path) == self._fingerprint:
            ledger = self._sandbox.ledger()
            dag = self._dag_data.with_applied(zip(ledger["app"], ledger["name"]))
            if dag is not None:
                self._dag_data = dag
                return
        self._load_graph()

    def _set_options(self, value):
        dag, app = self._dag_data, self._app
        names = [name for a, name in dag.nodes if a == app]
        options = [("zero", "zero")] + [
            (f"[{'X' if (app, name) in dag.applied else ' '}] {name}", name) for name in names
        ]
        self._quiet = True
        try:
            self._target.options = options
            self._target.value = value if value in ["zero", *names] else "zero"
        finally:
            self._quiet = False

    def _needs_nothing(self, target):
        """Return True if ``migrate APP TARGET`` has nothing to do, as Django's executor decides."""
        leaves = self._dag_data.applied_leaves(self._app)
        return not leaves if target == "zero" else (self._app, target) in leaves

    def _show_preview(self):
        target = self._target.value
        self._plan, self._losses = None, None
        if self._needs_nothing(target):
            self._preview.value = ""
            self._show_dag(())
            self._set_status(f"{self._app} is at {target}: nothing to do. Choose another target to preview it.")
            self._apply.disabled = True
            return
        try:
            plan = self._sandbox.migration_plan(self._app, target, sql=True)
        except DjmigError as error:
            self._preview.value = ""
            self._show_dag(())
            self._set_status(f"Cannot preview: {error}", "djmig-error")
            self._apply.disabled = True
            return
        self._plan = plan
        self._losses = plan.data_loss(self._sandbox.db_path)
        self._preview.value = self._preview_html()
        self._show_dag(plan.nodes)
        self._apply.disabled = False
        self._set_status(self._plan_line())

    def _plan_line(self):
        plan, losses = self._plan, self._losses
        line = f"migrate {self._app} {plan.target} would {_steps(plan)}"
        if plan.irreversible:
            line += f"; {', '.join(plan.irreversible)} cannot be unapplied, so migrate will stop with an error"
        if len(losses):
            return f"{line} and drop {_describe_losses(losses)}. Apply asks for a second click."
        return f"{line}; no data is lost. Apply runs it."

    def _preview_html(self):
        plan, losses = self._plan, self._losses
        sql = plan.sql()
        steps = "".join(
            f"<li><b>{html.escape(step['direction'])} {html.escape(step['migration'])}</b>"
            f"{' (irreversible)' if step['irreversible'] else ''}: "
            f"{html.escape('; '.join(step['operations']) or 'no operations')}"
            f"<pre>{html.escape(chr(10).join(sql[step['migration']]) or '-- no SQL')}</pre></li>"
            for step in plan.steps
        )
        if len(losses):
            lost = "".join(f"<li>{html.escape(phrase)}</li>" for phrase in _loss_phrases(losses))
            lost = f"<b>Data that would be lost</b><ul>{lost}</ul>"
        else:
            lost = "<b>No data is lost.</b>"
        command = html.escape(f"python manage.py migrate {self._app} {plan.target}")
        return f"<b>{command}</b><ol>{steps}</ol>{lost}"

    def _show_dag(self, highlight):
        dag, app = self._dag_data, self._app
        apps = {app} | {c[0] for p, c in dag.edges if p[0] == app} | {n[0] for n in highlight}
        self._dag.outputs = (_bundle_output(dag_bundle(dag, highlight=highlight, apps=apps)),)

    def _set_status(self, text, css=""):
        self._status_text = text
        self._status.value = f"<span class='{css}'>{html.escape(text)}</span>" if css else html.escape(text)

    def _arm(self):
        # Count again: rows may have been added since the preview.
        self._losses = self._plan.data_loss(self._sandbox.db_path)
        self._armed = True
        self._apply.description = "Apply: drop the data"
        self._apply.button_style = "danger"
        self._set_status(
            f"Armed: migrate {self._app} {self._plan.target} drops {_describe_losses(self._losses)}. "
            f"Click apply again to go ahead, or choose another target.",
            "djmig-armed",
        )

    def _disarm(self):
        self._armed = False
        self._apply.description = "Apply"
        self._apply.button_style = ""

    def _run(self):
        target = self._plan.target
        self._disarm()
        self._apply.disabled = True
        self._target.disabled = True
        self._set_status(f"Running python manage.py migrate {self._app} {target} …")
        # A fresh snapshot first, so that the view's changes are the migrate's alone.
        self._pieces.refresh()
        try:
            self._sandbox.migrate(self._app, target)
        except DjmigError as error:
            # The sandbox put the database back as it was: keep the preview, say what failed.
            self._set_status(f"Error: {error}", "djmig-error")
            return
        done = _steps(self._plan, done=True)
        self._reload_applied()
        self._set_options(target)
        self._pieces.refresh()
        self._show_preview()
        self._set_status(f"Done: {done}; {self._app} is now at {target}.")
