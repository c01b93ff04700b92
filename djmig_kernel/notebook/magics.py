"""IPython magics that read like the shell commands they stand for: thin wrappers over Sandbox."""

import shlex

from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, line_magic, magics_class

from ..exceptions import DjmigError
from ..sandbox import Sandbox
from .expect import ExpectErrorMagics

# What separates a command's arguments from the answers to its questions (a shell's here-string).
ANSWERS = "<<<"


@magics_class
class DjmigMagics(Magics):
    """%manage ARGS…, %%models APP and %sandbox NAME."""

    def __init__(self, shell):
        super().__init__(shell)
        self._name = None

    def _sandbox(self):
        """Return the sandbox chosen with %sandbox, or the only Sandbox in the namespace."""
        ns = self.shell.user_ns
        if self._name is not None:
            value = ns.get(self._name)
            if isinstance(value, Sandbox):
                return value
            raise UsageError(f"%sandbox {self._name} no longer names a Sandbox; run %sandbox NAME again")
        found = sorted(k for k, v in ns.items() if isinstance(v, Sandbox) and not k.startswith("_"))
        if len(found) == 1:
            return ns[found[0]]
        if not found:
            raise UsageError("no Sandbox in this notebook; make one with sb = Sandbox.create(ROOT)")
        raise UsageError(f"{len(found)} sandboxes ({', '.join(found)}); choose one with %sandbox NAME")

    @line_magic
    def sandbox(self, line):
        """%sandbox NAME: use the Sandbox held in variable NAME for %manage and %%models."""
        name = line.strip()
        if not isinstance(self.shell.user_ns.get(name), Sandbox):
            raise UsageError(f"{name!r} is not a variable holding a Sandbox; give the name of one")
        self._name = name

    @line_magic
    def manage(self, line):
        """%manage ARGS… [<<< ANSWERS…]: run python manage.py ARGS… in the sandbox.

        Words after ``<<<`` answer, in order, the questions makemigrations asks on a
        terminal (``%manage makemigrations app <<< y``; quote an answer with spaces or
        quotes in it: ``<<< 1 "'unknown'"``, and give an empty answer as ``''``).
        """
        try:
            args = shlex.split(line)
        except ValueError as error:
            raise UsageError(f"cannot split {line!r} into arguments: {error}; check the quotes") from None
        args, answers = _split_answers(args)
        if not args:
            raise UsageError("%manage needs a command, e.g. %manage migrate")
        try:
            return self._sandbox().manage(*args, answers=answers)
        except DjmigError as error:
            raise UsageError(str(error)) from None

    @cell_magic
    def models(self, line, cell):
        """%%models APP: write the cell to APP/models.py and show what changed."""
        label = line.strip()
        if not label:
            raise UsageError("%%models needs an app label, e.g. %%models app")
        try:
            return self._sandbox().write_models(label, cell)
        except DjmigError as error:
            raise UsageError(str(error)) from None


def _split_answers(args):
    """Return (ARGS before ``<<<``, the answers after it, or None without ``<<<``)."""
    if ANSWERS not in args:
        return args, None
    at = args.index(ANSWERS)
    answers = args[at + 1:]
    if not answers or ANSWERS in answers:
        raise UsageError(f"{ANSWERS} needs the answers after it, once, e.g. %manage makemigrations app {ANSWERS} y")
    return args[:at], answers


def _show_djmig_error(shell, etype, value, tb, tb_offset=None):
    # A DjmigError already says what went wrong and how to fix it: show that line only.
    shell.showtraceback((etype, value, tb), exception_only=True)


def load(ipython):
    """Register the magics (%%expect_error too) and the one-line display of DjmigError on IPYTHON."""
    ipython.register_magics(DjmigMagics, ExpectErrorMagics)
    ipython.set_custom_exc((DjmigError,), _show_djmig_error)
