"""PickerSnapshot: a still picture of a MigrationPicker (its controls, status, preview and last change)."""

import html

from ..display.html import box_title

__all__ = ["PickerSnapshot", "PICKER_CSS"]

# Shared by the live picker and its snapshots. Text wraps at spaces only (JupyterLab's own output style would
# break it inside words), SQL too: a box that scrolls sideways inside the preview, which scrolls, would be one
# more stop for the keyboard. The armed warning is a dark orange (6.7:1 on white; the DAG's outline is lighter).
PICKER_CSS = (
    "<style>.djmig-error{color:#cf222e}.djmig-armed{color:#a63603;font-weight:bold}"
    ".djmig-preview pre{margin:2px 0 6px 1.5em;font-size:12px;white-space:pre-wrap;"
    "word-break:normal;overflow-wrap:anywhere;max-width:100%;box-sizing:border-box}"
    ".djmig-preview ol{margin:4px 0;padding-left:1.5em}"
    ".djmig-lost{border-left:3px solid #a63603;padding-left:6px;margin:4px 0}.djmig-lost ul{margin:2px 0}"
    ".djmig-preview,.djmig-status{word-break:normal;overflow-wrap:normal}"
    # The live preview scrolls inside a region of its own, which the keyboard can reach (parts.PreviewPane).
    ".djmig-preview .widget-html-content{height:100%}"
    ".djmig-scroll{height:100%;overflow:auto;box-sizing:border-box;padding:0 2px}"
    # The DAG shrinks to its box (the picker's row of fixed height) rather than hide its foot (the legend): in
    # the box's font size, which sets the box's height, not the larger one of the HTML the picture is in.
    ".djmig-dag *{font-size:inherit}"
    ".djmig-dag img{max-width:100%;max-height:38.5em;width:auto;height:auto}"
    ".djmig-preview .widget-html-content:empty::before{content:'Nothing to preview: choose another target "
    "in the dropdown.';color:#6e7781}</style>"
)
_BOX = "border:1px dashed #9e9e9e;border-radius:4px;padding:6px 10px;max-width:100%;box-sizing:border-box"
_SELECT = "display:inline-block;border:1px solid #9e9e9e;border-radius:2px;padding:0 6px;min-width:16em"
_BUTTON = "display:inline-block;border-radius:2px;padding:0 10px;margin-left:4px;"
_BUTTONS = {"": "background:#eeeeee;color:#000000", "danger": "background:#d32f2f;color:#ffffff"}


class PickerSnapshot:
    """What a MigrationPicker shows at one moment, as HTML and text that do not change afterwards.

    A notebook shows one after each step it narrates, so the page shows each state the
    text describes (nbval compares them); the live picker shows only the latest state.
    """

    def __init__(self, choice, button, style, status, plan, preview, changes):
        self.choice, self.button, self.style, self.status = choice, button, style, status
        self.plan, self.preview, self.changes = plan, preview, changes

    @classmethod
    def of(cls, picker):
        """Return the snapshot of PICKER now. Reads the picker's widgets only; starts no Django."""
        labels = {value: label for label, value in picker.target.options}
        plan = picker.plan
        forecasts = picker.forecasts or {}
        steps = [] if plan is None else [
            f"{step['direction']} {step['migration']}: {'; '.join(step['operations']) or 'no operations'}"
            + "".join(f"\n     {line}" for line in forecasts.get(step["migration"], ()))
            for step in plan.steps
        ]
        done = picker.status.startswith("Done:")
        return cls(
            choice=labels.get(picker.target.value, picker.target.value),
            button=picker.apply.description + ("" if not picker.apply.disabled else " (disabled)"),
            style=picker.apply.button_style,
            status=picker.status,
            plan=steps,
            preview=picker.preview,
            changes=picker.pieces.changes if done else None,
        )

    def __repr__(self):
        lines = [f"migrate to [{self.choice} ▾]  [{self.button}]", self.status]
        lines += [f"  {i}. {step}" for i, step in enumerate(self.plan, 1)]
        if self.changes is not None:
            lines += ["What the last step changed:", *("  " + line for line in repr(self.changes).splitlines())]
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle):
        printer.text(repr(self))

    def _repr_html_(self):
        css = "djmig-armed" if self.status.startswith("Armed") else (
            "djmig-error" if self.status.startswith(("Error", "Cannot")) else "")
        parts = [
            "<div style='font-size:11px;color:#6e7781'>a snapshot of the picker: a picture of this moment, "
            "not live</div>",
            f"<div>migrate to <span style='{_SELECT}'>{html.escape(self.choice)} ▾</span>"
            f"<span style='{_BUTTON}{_BUTTONS.get(self.style, _BUTTONS[''])}'>{html.escape(self.button)}</span>"
            "</div>",
            f"<div class='djmig-status {css}' style='margin:4px 0'>{html.escape(self.status)}</div>",
        ]
        if self.preview:
            parts.append(f"<div class='djmig-preview'>{self.preview}</div>")
        if self.changes is not None:
            parts.append(box_title("What the last step changed") + self.changes._repr_html_())
        return f"{PICKER_CSS}<div class='djmig-snapshot' style='{_BOX}'>{''.join(parts)}</div>"
