"""IPython magics that read like the shell commands they stand for: thin wrappers over Sandbox."""

import shlex

from IPython.core.magic import Magics, cell_magic, line_magic, magics_class
from IPython.display import display

from ..exceptions import MagicUsageError, last_error
from ..sandbox import Sandbox
from . import errors
from .expect import ExpectErrorMagics

# What separates a command's arguments from the answers to its questions (a shell's here-string).
ANSWERS = "<<<"
# What joins two commands that run one after the other, the second only if the first worked (a shell's &&).
AND = "&&"
# How a command line of the kit starts (check()'s fixes, the transcripts): %manage takes it as it is shown.
MANAGE_PY = ["python", "manage.py"]


@magics_class
class DjmigMagics(Magics):
    """%manage ARGS…, %%models APP, %sandbox NAME and %last_error."""

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
            raise MagicUsageError(f"%sandbox {self._name} no longer names a Sandbox; run %sandbox NAME again")
        found = sorted(k for k, v in ns.items() if isinstance(v, Sandbox) and not k.startswith("_"))
        if len(found) == 1:
            return ns[found[0]]
        if not found:
            raise MagicUsageError("no Sandbox in this notebook; make one with sb = Sandbox.create(ROOT)")
        raise MagicUsageError(f"{len(found)} sandboxes ({', '.join(found)}); choose one with %sandbox NAME")

    @line_magic
    def sandbox(self, line):
        """%sandbox NAME: use the Sandbox held in variable NAME for %manage and %%models."""
        name = line.strip()
        if not isinstance(self.shell.user_ns.get(name), Sandbox):
            raise MagicUsageError(f"{name!r} is not a variable holding a Sandbox; give the name of one")
        self._name = name

    @line_magic
    def manage(self, line):
        """%manage ARGS… [<<< ANSWERS…] [&& …]: run python manage.py ARGS… in the sandbox.

        Words after ``<<<`` answer, in order, the questions makemigrations asks on a
        terminal (``%manage makemigrations app <<< y``; quote an answer with spaces or
        quotes in it: ``<<< 1 "'unknown'"``, and give an empty answer as ``''``).
        A command line as the kit shows it runs as it is (``%manage python manage.py migrate app``), and
        so do two joined by ``&&``: the second runs only if the first worked, each shows its transcript.
        """
        try:
            words = shlex.split(line)
        except ValueError as error:
            raise MagicUsageError(f"cannot split {line!r} into arguments: {error}; check the quotes") from None
        commands = [_command(part) for part in _split(words, AND)]
        sandbox = self._sandbox()
        for args, answers in commands[:-1]:
            display(sandbox.manage(*args, answers=answers))
        args, answers = commands[-1]
        return sandbox.manage(*args, answers=answers)

    @line_magic
    def last_error(self, line):
        """%last_error: show what the last command of the kit that failed printed, in full."""
        if line.strip():
            raise MagicUsageError(f"%last_error takes no arguments, not {line.strip()!r}")
        return last_error()

    @cell_magic
    def models(self, line, cell):
        """%%models APP: write the cell to APP/models.py and show what changed."""
        label = line.strip()
        if not label:
            raise MagicUsageError("%%models needs an app label, e.g. %%models app")
        return self._sandbox().write_models(label, cell)


def _split(words, separator):
    """Return WORDS cut at each SEPARATOR."""
    parts = [[]]
    for word in words:
        if word == separator:
            parts.append([])
        else:
            parts[-1].append(word)
    return parts


def _command(words):
    """Return (the manage.py arguments, the answers after ``<<<`` or None) of one command's WORDS."""
    if words[:2] == MANAGE_PY:
        words = words[2:]
    elif words and words[0] in ("python", "python3", "sqlite3", "psql"):
        raise MagicUsageError(f"%manage runs python manage.py commands, not {shlex.join(words)!r}; "
                              f"run that in a terminal")
    if ANSWERS in words:
        at = words.index(ANSWERS)
        args, answers = words[:at], words[at + 1:]
        if not answers or ANSWERS in answers:
            raise MagicUsageError(f"{ANSWERS} needs the answers after it, once, e.g. "
                                  f"%manage makemigrations app {ANSWERS} y")
    else:
        args, answers = words, None
    if not args:
        raise MagicUsageError("%manage needs a command, e.g. %manage migrate")
    return args, answers


def load(ipython):
    """Register the magics (%%expect_error too) and the one-line display of DjmigError on IPYTHON."""
    ipython.register_magics(DjmigMagics, ExpectErrorMagics)
    errors.load(ipython)
