"""MigrationPicker: a widget that previews ``migrate APP TARGET`` (plan, SQL, data lost, forecast) and runs it."""

import html
import threading

import ipywidgets as widgets

from ..display.forecast import forecast_summary
from ..display.terminal import manage_line
from ..exceptions import DjmigError
from ..pieces.view import PiecesView
from .graph import PickerGraph
from .keys import KeyGuard
from .parts import ApplyButton, ForecastButton, PreviewPane
from .preview import describe_losses, plan_line, steps_phrase
from .snapshot import PICKER_CSS, PickerSnapshot

__all__ = ["MigrationPicker"]

_CSS = PICKER_CSS


class MigrationPicker(widgets.VBox):
    """Choose a migration of APP, see what ``migrate APP TARGET`` would do, and run it.

    ``target`` (a Dropdown of "zero" and the app's migrations) selects; the
    preview shows the plan, the SQL of each step, what data would be lost and the
    DAG with the plan highlighted. ``forecast`` (a Button) adds what each step would do to a
    live database: the locks that make others wait, the copies, the old code that breaks. ``apply``
    (a Button) runs the plan; a plan that loses data needs a second click. Everything shown is
    kept in widget values, so it can be read from the kernel. Opening the picker starts Django once; each
    preview once; each apply once (migrate: the applied migrations are then read from the
    ledger, and the graph asked for again only if a migration file changed); each forecast once.
    """

    def __init__(self, sandbox, app, **kwargs):
        self._sandbox, self._app = sandbox, app
        self._running = threading.Lock()
        self._quiet = False
        self._plan, self._losses, self._forecasts, self._status_text = None, None, None, ""
        self._target = widgets.Dropdown(description="migrate to", layout=widgets.Layout(width="28em"))
        self._apply = ApplyButton()
        self._forecast = ForecastButton()
        self._status = widgets.HTML()
        self._status.add_class("djmig-status")
        self._preview = PreviewPane()
        self._pieces = PiecesView(sandbox, app)
        super().__init__(
            children=[widgets.HTML(_CSS), KeyGuard(), widgets.HBox([self._target, self._apply, self._forecast]),
                      self._status, self._preview, self._pieces],
            **kwargs,
        )
        self.add_class("djmig-picker")
        self._graph = PickerGraph(sandbox, app)
        self._set_options(self._graph.current())
        self._target.observe(self._on_target_change, names="value")
        self._apply.on_click(self._on_apply_click)
        self._apply.on_msg(self._on_apply_page_click)
        self._forecast.on_click(self._on_forecast_click)
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
    def forecast(self):
        """The Button that adds to the preview what the plan would do to a live database."""
        return self._forecast

    @property
    def forecasts(self):
        """Return {"app.name": [lines]} of the previewed plan once forecast, else None."""
        return self._forecasts

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
        return self._apply.armed

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
        return self._preview.html

    def snapshot(self):
        """Return a PickerSnapshot: what the picker shows now, as a picture that stays as it is."""
        return PickerSnapshot.of(self)

    def refresh(self):
        """Read the migration graph again (new files, a migrate run elsewhere) and update the preview.

        Starts Django (once for the graph, once more if the target has a plan).
        """
        self._graph.load()
        self._set_options(self._target.value)
        self._pieces.refresh()
        self._show_preview()

    # -- handlers ----------------------------------------------------------------

    def _on_target_change(self, change):
        if self._quiet or self.running:
            # Rebuilding the options, or a migrate runs (the dropdown is disabled then; it
            # ends by choosing the migration the app is now at).
            return
        self._apply.disarm()
        self._show_preview()

    def _on_apply_click(self, button):
        if not self._running.acquire(blocking=False):
            return  # a migrate is running: this click is dropped, not queued
        try:
            if self._plan is None:
                return
            if len(self._losses) and not self._apply.armed:
                self._arm()
                return
            self._run()
        finally:
            self._running.release()
            self._enable(self._plan is not None)
            self._target.disabled = False

    def _on_apply_page_click(self, button, content, buffers):
        # A click on the page (not apply.click() from a cell), once it has been handled: ipywidgets calls a
        # button's message handlers in turn, its own (which runs the click) first. A migrate disabled the
        # focused button, and the browser dropped the focus to the page: give it back to the picker, to
        # the button if there is something left to apply, else to the dropdown.
        if content.get("event") == "click":
            (self._target if self._apply.disabled else self._apply).focus()

    def _on_forecast_click(self, button):
        if self._plan is None or not self._running.acquire(blocking=False):
            return
        try:
            forecasts = self._forecast.ask(self._plan)
        except DjmigError as error:
            self._set_status(f"Cannot forecast: {error}", "djmig-error")
            return
        finally:
            self._running.release()
        self._forecasts = forecasts
        self._apply.disarm()
        self._preview.show(self._graph, self._app, self._plan, self._losses, forecasts, self._plan.sql())
        self._set_status(f"{plan_line(self._app, self._plan, self._losses)} {forecast_summary(forecasts)}")

    # -- steps -------------------------------------------------------------------

    def _set_options(self, value):
        self._quiet = True
        try:
            self._target.options = self._graph.options()
            self._target.value = value if value in ["zero", *self._graph.names()] else "zero"
        finally:
            self._quiet = False

    def _show_preview(self):
        target = self._target.value
        self._plan, self._losses, self._forecasts = None, None, None
        if self._graph.needs_nothing(target):
            self._preview.clear(self._graph)
            self._set_status(f"{self._app} is at {target}: nothing to do. Choose another target to preview it.")
            self._enable(False)
            return
        self._enable(False)
        try:
            # the plan, the rows it drops and its SQL, read from one state of the database
            self._sandbox.in_one_state(lambda: self._previewed(target))
        except DjmigError as error:
            if self._plan is None:
                self._preview.clear(self._graph)
                self._set_status(f"Cannot preview: {error}", "djmig-error")
                return
            # the plan and its losses stand (migrate can run it): only its SQL is missing
            self._set_status(f"{plan_line(self._app, self._plan, self._losses)} Its SQL could not be worked out: "
                             f"{error}", "djmig-error")
        self._enable(self._plan is not None)

    def _previewed(self, target):
        """Show the plan to TARGET and what it drops at once, then its SQL when it comes (a step at a time in
        Django, so it takes longer: on a large app, seconds)."""
        plan = self._sandbox.migration_plan(self._app, target)
        self._plan, self._losses = plan, plan.data_loss(self._sandbox.row_counts)
        self._preview.show(self._graph, self._app, plan, self._losses)
        self._set_status(plan_line(self._app, plan, self._losses))
        self._preview.show_sql(self._app, plan, self._losses, plan.sql())

    def _enable(self, enabled):
        self._apply.disabled = self._forecast.disabled = not enabled

    def _set_status(self, text, css=""):
        self._status_text = text
        self._status.value = f"<span class='{css}'>{html.escape(text)}</span>" if css else html.escape(text)

    def _arm(self):
        # Count again: rows may have been added since the preview.
        self._losses = self._plan.data_loss(self._sandbox.row_counts)
        self._apply.arm()
        self._set_status(
            f"Armed: migrate {self._app} {self._plan.target} drops {describe_losses(self._losses)}. "
            f"Click apply again to go ahead, or choose another target.",
            "djmig-armed",
        )

    def _run(self):
        target = self._plan.target
        self._apply.disarm()
        self._enable(False)
        self._target.disabled = True
        self._set_status(f"Running {manage_line('migrate', self._app, target)} …")
        # A fresh reading first, so that the view's changes are the migrate's alone.
        self._pieces.refresh()
        try:
            self._sandbox.migrate(self._app, target)
        except DjmigError as error:
            # The sandbox put the database back as it was: keep the preview, say what failed.
            self._set_status(f"Error: {error}", "djmig-error")
            return
        done = steps_phrase(self._plan, done=True)
        self._graph.reload_applied()
        self._set_options(target)
        self._pieces.refresh()
        self._show_preview()
        self._set_status(f"Done: {done}; {self._app} is now at {target}.")
