"""Where an app's models.py and migration files are: read in the project folder, or asked of Django elsewhere."""

import ast
from pathlib import Path
from typing import NamedTuple

from .. import exceptions as exc
from .names import check_identifier

__all__ = ["AppFiles", "app_files"]


class AppFiles(NamedTuple):
    folder: Path  # the app's package folder
    models: Path | None  # its models module's file, None if it has none
    migrations: tuple  # the names of its migration files, sorted, as MigrationLoader reads them from disk
    replaces: dict  # {name of a squash among them: the names it replaces}


def _replaced_names(path):
    """Return the names a squashed migration file replaces (its ``replaces`` list), read without Django."""
    try:
        tree = ast.parse(path.read_text())
    except (SyntaxError, UnicodeDecodeError, OSError):
        return []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "replaces" for t in node.targets):
            try:
                return sorted(name for _app, name in ast.literal_eval(node.value))
            except (ValueError, TypeError):
                return []
    return []


def app_files(project, app, ask):
    """Return the AppFiles of APP: an app in PROJECT's folder is read there without Django; any other (a
    package installed in site-packages, a reusable app) is where Django finds it, asked with ASK(); an app
    that is not installed yet has nothing."""
    check_identifier(app, "app")
    folder, answer = project / app, None
    if not (folder / "__init__.py").is_file():
        try:
            answer = ask()
        except exc.UnknownAppError:
            pass  # no such app yet (startapp makes it): nothing to show
    if answer is not None:
        return AppFiles(Path(answer["folder"]), answer["models"] and Path(answer["models"]),
                        tuple(answer["migrations"]), answer["replaces"])
    # Django's loader skips modules whose names start with _ or ~ (MigrationLoader.load_disk).
    files = sorted(p for p in (folder / "migrations").glob("*.py") if p.stem[0] not in "_~")
    squashes = {p.stem: names for p in files if (names := _replaced_names(p))}
    models = folder / "models.py"
    return AppFiles(folder, models if models.is_file() else None, tuple(p.stem for p in files), squashes)
