"""Ask the probe package inside a project's own Django, and read its one JSON line."""

import json
from pathlib import Path

from . import _db, _diagnose, _probe, exceptions as exc
from ._runner import run

__all__ = ["ask"]


def ask(project, db_path, *argv, timeout=60):
    """Return the probe's answer to ARGV, run by PROJECT's Django (``manage.py shell``). Starts Django.

    The probe package is loaded from its folder under a name of its own: importing
    djmig_kernel inside the project would pull in pandas and the kernel's imports.
    """
    _db.check_database(db_path)
    init = str(Path(_probe.__file__))
    code = (
        "import importlib.util as u, sys; "
        f"s = u.spec_from_file_location('djmig_probe', {init!r}, submodule_search_locations=[{str(Path(init).parent)!r}]); "
        "m = sys.modules['djmig_probe'] = u.module_from_spec(s); s.loader.exec_module(m); "
        f"m.main({list(argv)!r})"
    )
    # The probe's own command line is the kit's business: messages name what was asked instead.
    label = f"djmig probe {' '.join(argv)}"
    # A fixed hash seed: where Django walks a set of models (the tables a renamed model's
    # neighbours rebuild, in which order), the probe's answer is the same from run to run.
    result = run(["manage.py", "shell", "--no-imports", "-c", code], project, timeout, label,
                 env={"PYTHONHASHSEED": "0"})
    if result.returncode:
        cls, message = _diagnose.diagnose(label, result.stderr, project)
        raise cls(message, result=result)
    for line in result.stdout.splitlines():
        if line.startswith(_probe.MARK):
            return json.loads(line[len(_probe.MARK):])
    raise exc.DjmigError(f"the probe printed no answer to {' '.join(argv)!r}; see .result", result=result)
