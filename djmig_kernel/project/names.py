"""Checks on project and app names, made before anything is written."""

import importlib.util
import keyword

from ..exceptions import InvalidNameError


def check_identifier(name, what):
    """Raise InvalidNameError unless NAME can be a Django project or app name."""
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise InvalidNameError(
            f"{name!r} is not a valid {what} name; use a Python identifier such as "
            f"'app' or 'library' (letters, digits and _, not starting with a digit, not a keyword)"
        )


def check_new_module(name, what, folder):
    """Raise InvalidNameError if NAME would shadow an importable module.

    FOLDER is where the new package would go: a package already there is the
    kit's own earlier work, not a clash.
    """
    check_identifier(name, what)
    if (folder / name).is_dir():
        return
    try:
        found = importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        found = True
    if found:
        raise InvalidNameError(
            f"{what} name {name!r} clashes with the existing Python module {name!r}; "
            f"choose another name, such as '{name}_app'"
        )
