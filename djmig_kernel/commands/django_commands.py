"""DjangoCommands: the part of Sandbox that runs the learner's ``manage.py`` commands, as they would type them."""

import textwrap

from .. import exceptions as exc
from ..project.names import check_identifier, check_new_module
from ..project.settings import register_app
from .manage import manage

__all__ = ["DjangoCommands", "check_app"]


def check_app(app):
    """Refuse an app label that is no identifier before Django sees it (None means every app)."""
    if app is not None:
        check_identifier(app, "app")


class DjangoCommands:
    """Sandbox's commands: each starts Django in a subprocess in the project folder (``self.path``)."""

    def manage(self, *args, timeout=60, answers=None):
        """Run ``python manage.py ARGS...`` in the sandbox and return its CommandResult.

        Starts Django in a subprocess. A non-zero exit raises a DjmigError that
        quotes Django's own error line; past TIMEOUT seconds the command is killed.
        A ``migrate`` that fails leaves the database as it was before it started (unless another program
        wrote to it meanwhile: then DatabaseChangedError says so, and what stays applied).
        ANSWERS go, in order, to the questions ``makemigrations`` asks on a terminal;
        a question they leave open raises QuestionError, and nothing is written.
        """
        return manage(self.path, args, timeout, answers, guard=self._database().guard)

    def startapp(self, label, timeout=60):
        """Run ``manage.py startapp LABEL`` (unless the app exists) and add it to INSTALLED_APPS.

        Idempotent. Starts Django. Returns the CommandResult, or None if the app was there.
        """
        check_new_module(label, "app", self.path)
        result = None
        if not (self.path / label).is_dir():
            result = self.manage("startapp", label, timeout=timeout)
        register_app(self.path, label)
        return result

    def makemigrations(self, app=None, name=None, answers=None, timeout=60):
        """Run ``manage.py makemigrations [APP] [--name NAME]``, answering its questions with ANSWERS.

        Starts Django. The transcript shows each question followed by its answer;
        a question left without an answer raises QuestionError and writes nothing.
        """
        check_app(app)
        args = ["makemigrations", *([app] if app else []), *(["--name", name] if name else [])]
        return self.manage(*args, timeout=timeout, answers=answers)

    def migrate(self, app=None, target=None, timeout=60):
        """Run ``manage.py migrate [APP [TARGET]]``. Starts Django; a failure changes nothing."""
        check_app(app)
        if target is not None and app is None:
            raise exc.UnknownAppError(f"target {target!r} needs an app; call sb.migrate(APP, {target!r})")
        args = ["migrate", *([app] if app else []), *([target] if target else [])]
        return self.manage(*args, timeout=timeout)

    def showmigrations(self, app=None, timeout=60):
        """Run ``manage.py showmigrations [APP]``. Starts Django."""
        check_app(app)
        return self.manage("showmigrations", *([app] if app else []), timeout=timeout)

    def shell(self, code, timeout=60):
        """Run CODE (dedented) with ``manage.py shell -c``. Starts Django."""
        return self.manage("shell", "-c", textwrap.dedent(code).strip("\n"), timeout=timeout)
