"""The picker's keys in JupyterLab: what a learner types into its controls reaches them, not the notebook."""

import ipywidgets as widgets

__all__ = ["KeyGuard"]

# JupyterLab's notebook shortcuts act on whatever element of an output has the focus: ArrowDown selects the next
# cell (and the dropdown loses the focus), A inserts a cell, D D deletes one, 0 0 restarts the kernel. An element
# that carries data-lm-suppress-shortcuts keeps its keys: a <select> its arrows, Home, End, Alt+ArrowDown and
# typed letters, a button its Enter and Space, a region that scrolls its arrows. ipywidgets has no trait for an
# element's attributes, so this script, in an output of the picker's own, gives it to each element of a picker
# as the element takes the focus, before any key reaches it. JupyterLab runs it: the outputs of a widget are
# trusted. Tab still leaves the picker as it leaves any control.
_SCRIPT = """<script>
(function () {
  if (window.djmigPickerKeys) return;
  window.djmigPickerKeys = true;
  document.addEventListener("focusin", function (event) {
    var element = event.target;
    if (element instanceof Element && element.closest(".djmig-picker")) {
      element.setAttribute("data-lm-suppress-shortcuts", "true");
    }
  }, true);
})();
</script>"""


class KeyGuard(widgets.Output):
    """An output of the picker that shows nothing: it only runs the script that keeps the picker's keys."""

    def __init__(self):
        super().__init__(layout=widgets.Layout(display="none"))
        self.outputs = ({"output_type": "display_data", "data": {"text/html": _SCRIPT}, "metadata": {}},)
