"""Feed answers to the questions makemigrations asks, show them as a terminal does, refuse what is left open."""

import contextlib
import re
from dataclasses import dataclass, replace

from ..display.terminal import command_line
from ..exceptions import QuestionError
from .restore import migrations_restored_on_error
from .runner import run

# The prompts of Django's InteractiveMigrationQuestioner (django/db/migrations/questioner.py):
# each is written without a newline, right before input() reads the answer.
_PROMPT = re.compile(
    r"(?P<yes_no>\[y/N\] )|(?P<yes_no_again>Please answer yes or no: )"
    r"|(?P<choice>Select an option: )|(?P<choice_again>Please select a valid option: )"
    r"|(?P<value>(?:\[default: (?P<default>[^\n\]]*)\] )?>>> )"
)
_OPTION = re.compile(r"^ (\d+)\) (.*)$", re.MULTILINE)
_FIELD = re.compile(r"field '(?P<field>\w+)' (?:to|on) (?P<model>\w+)")
_NOT_MIGRATED = re.compile(r"^Field '.*' not migrated: .*$", re.MULTILINE)
_EOF = "EOFError: EOF when reading a line"
_VALUE_EXAMPLE = "0"


@dataclass
class Prompt:
    """One question Django asked: KIND of prompt, where its answer goes (END), and its words."""

    kind: str  # "yes_no", "choice" or "value"
    end: int
    question: str  # Django's question on one line, as messages quote it
    choices: tuple = ()  # a menu's options, in order
    again: str = ""  # for a question asked again: what Django said about the answer before
    default: str = ""  # a one-off default Django offers for an empty answer


def _first_sentence(text):
    return text.split(". ")[0].rstrip(".") + "."


def parse(text):
    """Return the Prompts in TEXT (what the questioner wrote), in the order Django asked them."""
    prompts, start = [], 0
    for match in _PROMPT.finditer(text):
        block, kind = text[start:match.start()], match.lastgroup
        start = match.end()
        previous = prompts[-1] if prompts else None
        if kind in ("yes_no_again", "choice_again"):
            again = f'Django asked again: "{match.group().strip()}"'
            prompts.append(replace(previous, end=match.end(), again=again))
        elif kind == "yes_no":
            lines = (block + match.group()).strip().splitlines()
            prompts.append(Prompt("yes_no", match.end(), lines[-1].strip()))
        elif kind == "choice":
            options = tuple(option for _, option in _OPTION.findall(block))
            question = _first_sentence(" ".join(block.split(" 1) ")[0].split()))
            prompts.append(Prompt("choice", match.end(), f"{question} … Select an option:", options))
        elif previous is not None and previous.kind == "value":
            prompts.append(replace(previous, end=match.end(), again=" ".join(block.split()).rstrip(".")))
        else:
            menu = previous.question if previous is not None else ""
            field = _FIELD.search(menu)
            about = f" (the one-off default for {field['field']!r} on {field['model']})" if field else ""
            question = f"{_first_sentence(' '.join(block.split()))} … >>>{about}"
            prompts.append(Prompt("value", match.end(), question, default=match.group("default") or ""))
    return prompts


def transcript(text, prompts, answers):
    """Return TEXT with each answer written after its prompt, as a terminal echoes what is typed.

    Also return the (start, end) of each answer in the new text.
    """
    parts, typed, start, length = [], [], 0, 0
    for prompt, answer in zip(prompts, answers):
        before = text[start:prompt.end]
        length += len(before)
        typed.append((length, length + len(answer)))
        parts += [before, answer, "\n"]
        length += len(answer) + 1
        start = prompt.end
    return "".join(parts) + text[start:], tuple(typed)


def checked_answers(answers, args):
    """Return ANSWERS as a tuple of strings, or None; refuse what cannot be typed at a prompt."""
    if answers is None:
        return None
    if isinstance(answers, (str, bytes)) or not hasattr(answers, "__iter__"):
        raise QuestionError(f"answers must be a list of strings, one per question, e.g. answers=['y']; "
                            f"got {answers!r}")
    answers = tuple(answers)
    for answer in answers:
        if isinstance(answer, bool) or not isinstance(answer, (str, int, float)) or "\n" in str(answer):
            raise QuestionError(f"answer {answer!r} cannot be typed at a prompt; give each answer as one line "
                                f"of text, e.g. answers=['y']")
    if answers and args[:1] != ["makemigrations"]:
        raise QuestionError(f"answers={list(map(str, answers))!r} are for the questions makemigrations asks; "
                            f"`{command_line(['manage.py', *args])}` takes none")
    noinput = [arg for arg in args if arg in ("--noinput", "--no-input")]
    if answers and noinput:
        raise QuestionError(f"answers={list(map(str, answers))!r} and {noinput[0]} do not go together: with "
                            f"{noinput[0]} Django asks nothing and takes its defaults; leave one of them out")
    return tuple(map(str, answers))


def run_answering(path, args, timeout, answers=None, launch=None):
    """Run ``python manage.py ARGS`` in PATH with ANSWERS on its stdin; return its CommandResult.

    LAUNCH: more options of ``run`` (``prefix``, ``env``), as a database's guard asks.
    Starts Django. The result's output shows each answer after its question. A
    question left without an answer, an answer Django refuses, an answer left
    over, or a "Quit" chosen from a menu raises QuestionError, and then
    makemigrations has written nothing (its migration folders are put back).
    """
    answers = checked_answers(answers, args)
    stdin = None if answers is None else "".join(f"{answer}\n" for answer in answers)
    makes = args[:1] == ["makemigrations"]
    with migrations_restored_on_error(path) if makes else contextlib.nullcontext():
        result = run(["manage.py", *args], path, timeout, input=stdin, **(launch or {}))
        return _settled(result, args, answers or ())


def _settled(result, args, answers):
    stream = "stderr" if "--scriptable" in args else "stdout"
    prompts = parse(getattr(result, stream)) if args[:1] == ["makemigrations"] else []
    text, typed = transcript(getattr(result, stream), prompts, answers)
    result = replace(result, **{stream: text}, typed=typed if stream == "stdout" else ())
    problem = _Problem(result, args, answers, prompts)
    message = problem.message()
    if message:
        raise QuestionError(message, result=result)
    return result


class _Problem:
    """What went wrong between Django's questions and the answers given, in one line (or nothing)."""

    def __init__(self, result, args, answers, prompts):
        self.result, self.args, self.answers, self.prompts = result, list(args), list(answers), prompts
        self.command = command_line(["manage.py", *args])

    def message(self):
        for i, prompt in enumerate(self.prompts):
            if prompt.again:
                return self._rejected(i - 1, prompt.again)
        if len(self.prompts) > len(self.answers):
            return self._unanswered(self.prompts[len(self.answers)])
        if _EOF in self.result.stderr:
            return self._unanswered_other()
        if self.result.returncode == 0 and len(self.answers) > len(self.prompts):
            return self._left_over()
        quit_ = self.result.returncode and "Traceback" not in self.result.stderr  # sys.exit(), not a crash
        if quit_ and self.args[:1] == ["makemigrations"]:
            return self._stopped()
        return ""

    def _call(self, answers, drop=()):
        """Return the call that runs this command with ANSWERS (no --noinput, nor DROP), as a learner writes it."""
        full = [a for a in self.args if a not in ("--noinput", "--no-input", *drop)]
        args, name = full[1:], None
        for flag in ("--name", "-n"):
            if flag in args[:-1]:
                at = args.index(flag)
                name, args = args[at + 1], args[:at] + args[at + 2:]
        given = [f"answers={answers!r}"] if answers else []
        if len(args) <= 1 and all(arg.isidentifier() for arg in args):
            parts = [*map(repr, args), *([f"name={name!r}"] if name else []), *given]
            return f"sb.makemigrations({', '.join(parts)})"
        return f"sb.manage({', '.join([*map(repr, full), *given])})"

    def _suggest(self, prompt):
        """Return (answers that would answer PROMPT, what they mean)."""
        if prompt.kind == "yes_no":
            if "renamed" in prompt.question:
                return ["y"], "('y' renames and keeps the data; 'n' drops and re-creates, losing it)"
            return ["y"], "('y' or 'n')"
        if prompt.kind == "choice":
            if prompt.choices and "one-off default" in prompt.choices[0]:
                value = "timezone.now" if "auto_now_add" in prompt.question else _VALUE_EXAMPLE
                return ["1", value], ("(1 then a Python value: a one-off default for the existing rows; "
                                      "or give the field a default in models.py)")
            return ["1"], f"(a number from 1 to {len(prompt.choices)})"
        return [prompt.default or _VALUE_EXAMPLE], "(a Python value for the existing rows, e.g. 0 or 'unknown')"

    def _unanswered(self, prompt):
        suggested, meaning = self._suggest(prompt)
        given = len(self.answers)
        when = "and had no answer" if not given else (
            f"with no answer left ({given} given: {', '.join(map(repr, self.answers))})")
        return (f'`{self.command}` asked "{prompt.question}" {when}; nothing was written; answer it'
                f"{' too' if given else ''}, e.g. {self._call(self.answers + suggested)} {meaning}")

    def _rejected(self, i, reason):
        prompt, answer = self.prompts[i], self.answers[i]
        if prompt.kind == "yes_no":
            fix, better = "answer 'y' or 'n'", "y"
        elif prompt.kind == "choice":
            fix, better = f"answer a number from 1 to {len(prompt.choices)}", "1"
        else:
            fix = "give a valid Python value (text needs quotes)"
            better = repr(answer) if reason.startswith(("NameError", "SyntaxError")) else _VALUE_EXAMPLE
        fixed = self.answers[:i] + [better]
        return (f'`{self.command}` did not take {answer!r} as the answer to "{prompt.question}" ({reason}); '
                f"nothing was written; {fix}, e.g. {self._call(fixed)}")

    def _left_over(self):
        asked, unused = len(self.prompts), self.answers[len(self.prompts):]
        questions = "no question" if not asked else f"{asked} question{'s' if asked > 1 else ''}"
        fix = "leave answers= out" if not asked else "give one answer per question"
        got = f"{len(self.answers)} answer{'s' if len(self.answers) > 1 else ''}"
        return (f"`{self.command}` asked {questions} but got {got} "
                f"({', '.join(map(repr, unused))} not used); nothing was written; {fix}, "
                f"e.g. {self._call(self.answers[:asked])}")

    def _stopped(self):
        answered = self.prompts[len(self.answers) - 1] if self.prompts and self.answers else None
        if answered is not None and answered.kind == "choice":
            chosen = int(self.answers[-1])
            option = answered.choices[chosen - 1] if 0 < chosen <= len(answered.choices) else ""
            return (f'`{self.command}` stopped: the answer {self.answers[-1]!r} chose "{option}"; nothing was '
                    f"written; give the field a default (default= or db_default=) or null=True in models.py, or "
                    f"answer with a one-off default, e.g. {self._call(self.answers[:-1] + ['1', _VALUE_EXAMPLE])}")
        if answered is not None and answered.kind == "value":
            return (f"`{self.command}` stopped: the answer 'exit' left Django's prompt for a one-off default; "
                    f"nothing was written; give a Python value instead, "
                    f"e.g. {self._call(self.answers[:-1] + [_VALUE_EXAMPLE])}")
        line = _NOT_MIGRATED.search(self.result.stdout + self.result.stderr)
        if line:
            return (f"`{self.command}` stopped: {line.group().rstrip('.')}; nothing was written; give the field a "
                    f"default in models.py, or answer Django's question without --noinput, "
                    f"e.g. {self._call(['1', _VALUE_EXAMPLE], drop=('--dry-run',))}")
        return ""

    def _unanswered_other(self):
        """A command other than makemigrations that asked on its terminal (squashmigrations, flush)."""
        lines = self.result.stdout.rstrip("\n").splitlines()
        question = lines[-1].strip() if lines else "a question"
        return (f'`{self.command}` asked "{question}" and had no answer; Django stopped there; add --noinput '
                f"to let Django answer for you, e.g. sb.manage({', '.join(map(repr, [*self.args, '--noinput']))})")
