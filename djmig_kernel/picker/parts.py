"""The picker's parts: its apply button, armed for a plan that loses data, and its preview pane."""

import html

import ipywidgets as widgets

from ..display.forecast import step_forecasts
from ..display.jupyter import dag_bundle
from ..display.terminal import manage_line
from .preview import preview_html

__all__ = ["ApplyButton", "ForecastButton", "PreviewPane"]

# The preview and the DAG share a row of fixed height (each scrolls inside it), so the picker
# keeps its size from one target to the next and the effect of a click shows where it was.
_ROW_HEIGHT = "40em"


class ApplyButton(widgets.Button):
    """Apply; armed ("Apply: drop the data", in red) when the next click runs a plan that loses data."""

    def __init__(self):
        super().__init__(description="Apply", icon="play", layout=widgets.Layout(width="auto"))
        self.armed = False

    def arm(self):
        self.armed, self.description, self.button_style = True, "Apply: drop the data", "danger"

    def disarm(self):
        self.armed, self.description, self.button_style = False, "Apply", ""


class ForecastButton(widgets.Button):
    """Forecast: what the previewed plan would do to a live database, worked out only when clicked."""

    def __init__(self):
        super().__init__(description="Forecast", icon="eye", layout=widgets.Layout(width="auto"),
                         tooltip="What it would do to a live database: the locks that make others wait, the "
                                 "tables it copies, the code deployed before it that breaks")

    @staticmethod
    def ask(plan):
        """Return step_forecasts of PLAN: {"app.name": [lines]}. Starts Django once (old code first: on SQLite
        its answer brings the locks; on PostgreSQL the locks' answer brings the old code)."""
        old_code = plan.old_code()
        return step_forecasts(plan.locks(), old_code)


class PreviewPane(widgets.HBox):
    """A plan (the data it drops, its steps and their SQL) beside the DAG with the plan highlighted.

    ``html`` is the preview as the picker shows it, '' when there is none; the pane shows it in a region
    that scrolls and that the keyboard reaches (Tab, then the arrow keys), named after its command.
    """

    def __init__(self):
        self.html = ""
        self.text = widgets.HTML(layout=widgets.Layout(
            flex="1 1 26em", min_width="20em", height=_ROW_HEIGHT, overflow="hidden"))
        self.text.add_class("djmig-preview")
        self.dag = widgets.Output(layout=widgets.Layout(
            flex="0 1 auto", max_width="100%", max_height=_ROW_HEIGHT, overflow="auto"))
        self.dag.add_class("djmig-dag")
        super().__init__([self.text, self.dag], layout=widgets.Layout(
            flex_flow="row wrap", align_items="flex-start", grid_gap="8px"))

    def show(self, graph, app, plan, losses, forecasts=None, sql=None):
        """Show PLAN of APP, which drops LOSSES (and FORECASTS, once asked), and GRAPH (a PickerGraph) with the
        plan highlighted. SQL: plan.sql(), or None while it is being worked out (show_sql() adds it then)."""
        self.show_sql(app, plan, losses, sql, forecasts)
        self._draw(graph, plan.nodes)

    def show_sql(self, app, plan, losses, sql, forecasts=None):
        """Show PLAN of APP, which drops LOSSES, with its SQL (the drawing stays as show() drew it)."""
        self.html = preview_html(app, plan, losses, forecasts, sql)
        name = html.escape(f"Preview of {manage_line('migrate', app, plan.target)}")
        self.text.value = (f"<div class='djmig-scroll' tabindex='0' role='region' aria-label='{name}'>"
                           f"{self.html}</div>")

    def clear(self, graph):
        """Show no plan, and GRAPH with nothing highlighted."""
        self.html = self.text.value = ""
        self._draw(graph, ())

    def _draw(self, graph, highlight):
        bundle = dag_bundle(graph.dag, highlight=highlight, apps=graph.around(highlight), meaning="in the plan")
        self.dag.outputs = ({"output_type": "display_data", "data": bundle, "metadata": {}},)
