"""The picker's parts: its apply button, armed for a plan that loses data, and its preview pane."""

import ipywidgets as widgets

from ..display.jupyter import dag_bundle
from .preview import preview_html

__all__ = ["ApplyButton", "PreviewPane"]

# The preview and the DAG share a row of fixed height (each scrolls inside it), so the picker
# keeps its size from one target to the next and the effect of a click shows where it was.
_ROW_HEIGHT = "30em"


class ApplyButton(widgets.Button):
    """Apply; armed ("Apply: drop the data", in red) when the next click runs a plan that loses data."""

    def __init__(self):
        super().__init__(description="Apply", icon="play", layout=widgets.Layout(width="auto"))
        self.armed = False

    def arm(self):
        self.armed, self.description, self.button_style = True, "Apply: drop the data", "danger"

    def disarm(self):
        self.armed, self.description, self.button_style = False, "Apply", ""


class PreviewPane(widgets.HBox):
    """A plan (its steps, their SQL, the data it drops) beside the DAG with the plan highlighted."""

    def __init__(self):
        self.text = widgets.HTML(layout=widgets.Layout(
            flex="1 1 26em", min_width="20em", height=_ROW_HEIGHT, overflow="auto"))
        self.text.add_class("djmig-preview")
        self.dag = widgets.Output(layout=widgets.Layout(
            flex="0 1 auto", max_width="100%", max_height=_ROW_HEIGHT, overflow="auto"))
        self.dag.add_class("djmig-dag")
        super().__init__([self.text, self.dag], layout=widgets.Layout(
            flex_flow="row wrap", align_items="flex-start", grid_gap="8px"))

    def show(self, graph, app, plan, losses):
        """Show PLAN of APP, which drops LOSSES, and GRAPH (a PickerGraph) with the plan highlighted."""
        self.text.value = preview_html(app, plan, losses)
        self._draw(graph, plan.nodes)

    def clear(self, graph):
        """Show no plan, and GRAPH with nothing highlighted."""
        self.text.value = ""
        self._draw(graph, ())

    def _draw(self, graph, highlight):
        bundle = dag_bundle(graph.dag, highlight=highlight, apps=graph.around(highlight))
        self.dag.outputs = ({"output_type": "display_data", "data": bundle, "metadata": {}},)
