"""The anchor a heading gets in JupyterLab: its text, each space made "-" (createHeaderId in @jupyterlab/rendermime)."""


def jupyterlab_id(text):
    """Return the id JupyterLab gives a heading of TEXT."""
    return text.replace(" ", "-")
