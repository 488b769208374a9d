"""Reading playbook files strictly, with every problem as ``file:line: key: what is wrong``.

Loading goes in three passes per file: TOML syntax (:mod:`tomllib`; the
syntax error's own line), shape (:mod:`pydantic` models in
:mod:`~dispatch.playbook.schema`), then the rules that span fields
(duplicate ids, conditions naming questions, services, the canonical
question ids drills rely on).  Problems are collected, not raised one at a
time, so ``dispatch playbooks check`` can list them all; the loaders raise
:class:`PlaybookValidationError` carrying them.
"""

from __future__ import annotations

import difflib
import re
import tomllib
import types
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from dispatch.errors import PlaybookError
from dispatch.model import Service
from dispatch.paths import shipped
from dispatch.playbook.conditions import ConditionError, compile_condition
from dispatch.playbook.schema import PlaybookSpec, ServiceSpec, Text
from dispatch.playbook.tomlpos import key_lines, line_of

#: The file in a playbook folder that holds the service language, not a playbook.
SERVICE_FILE = "service.toml"
#: Files of a playbook folder that are not playbooks (service language, call urgency,
#: the words that answer questions).
NOT_PLAYBOOKS = frozenset({SERVICE_FILE, "urgency.toml", "answers.toml"})

#: Question ids (and types, and choices) that drills, call payloads and
#: integrators rely on (DESIGN "Canonical ids"); playbooks may ask more.
CANONICAL: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    "accident": {
        "injured": ("int", ()), "trapped": ("bool", ()), "fire": ("bool", ()),
        "hazmat": ("bool", ()), "vehicles": ("int", ()), "lane_blocked": ("bool", ()),
    },
    "breakdown": {
        "fault": ("choice", ("tyre", "fuel", "overheat", "mechanical", "other")),
        "in_lane": ("bool", ()), "smoke": ("bool", ()), "injured": ("int", ()),
    },
    "outage": {
        "system": ("choice",
                   ("telephony", "ticketing", "toll", "network", "console_link", "other")),
        "scope": ("text", ()),
    },
    "peak_load": {"event": ("text", ())},
    "complaint": {
        "subject": ("choice", ("toll", "service", "facility", "rescue", "other")),
        "against": ("text", ()),
    },
}  # fmt: skip

#: Safety advice every road playbook must be able to give (DESIGN "Canonical ids").
ROAD_ADVICE = {"accident": ("leave_lanes", "hazard_lights", "warning_triangle"),
               "breakdown": ("leave_lanes", "hazard_lights", "warning_triangle")}

Loc = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


def shipped_folder() -> Path:
    """The ``playbooks/`` folder shipped at the top of the repository."""
    return shipped("playbooks")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file, at a line and a key."""

    file: str
    line: int
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.key}: {self.message}"


class PlaybookValidationError(PlaybookError):
    """A playbook or service-language file is invalid; ``problems`` lists every problem.

    Its message is the first problem (and how many more there are), one line.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        more = len(self.problems) - 1
        suffix = f" (and {more} more; run 'dispatch playbooks check')" if more > 0 else ""
        super().__init__(f"{self.problems[0]}{suffix}")


def format_loc(loc: Iterable[str | int]) -> str:
    """Write a key path the way messages show it: ``questions[2].choices[0].id``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(file)"


class _File:
    """A file being checked: its text, key lines and the problems found so far."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self._lines: dict[Loc, int] | None = None
        self.text = ""

    def add(self, loc: Loc, message: str, line: int | None = None) -> None:
        if line is None:
            if self._lines is None:
                self._lines = key_lines(self.text)
            line = line_of(self._lines, loc)
        self.problems.append(Problem(str(self.path), line, format_loc(loc), message))

    def read(self) -> dict[str, Any] | None:
        """Parse the TOML, recording a problem (and returning ``None``) if it is not."""
        try:
            self.text = self.path.read_bytes().decode("utf-8")
        except OSError as exc:
            self.add((), f"cannot read: {exc.strerror or exc}", line=1)
            return None
        except UnicodeDecodeError:
            self.add((), "not UTF-8 text", line=1)
            return None
        try:
            return tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as exc:
            message = str(exc)
            found = re.search(r"\(at line (\d+), column (\d+)\)$", message)
            line = int(found.group(1)) if found else 1
            if found:
                message = f"{message[: found.start()].strip()} at column {found.group(2)}"
            elif message.endswith("(at end of document)"):
                line = self.text.count("\n") + 1
                message = message.replace("(at end of document)", "at the end of the file")
            self.problems.append(Problem(str(self.path), line, "syntax", _lower_first(message)))
            return None

    def model(self, cls: type[M], data: dict[str, Any]) -> M | None:
        """Validate ``data`` against ``cls``, recording every shape problem."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                loc = tuple(error["loc"])
                self.add(loc, _message(cls, error))
            return None


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


_TYPE_WORDS = {
    "int_type": "a whole number", "int_from_float": "a whole number", "string_type": "a string",
    "bool_type": "true or false", "list_type": "an array", "dict_type": "a table",
    "float_type": "a number",
}  # fmt: skip


def _message(root: type[BaseModel], error: Any) -> str:
    """Turn a pydantic error into a sentence a playbook author understands."""
    kind, ctx, given = error["type"], error.get("ctx") or {}, error.get("input")
    loc = tuple(error["loc"])
    if kind == "extra_forbidden":
        allowed = _fields_at(root, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return f"unknown key ({hint}allowed: {', '.join(allowed)})"
    if kind == "missing":
        return "required key is missing"
    if kind == "model_type":
        if _model_at(root, loc) is Text:
            return f'expected a table {{ en = "...", zh = "..." }}, got {given!r}'
        return f"expected a table, got {given!r}"
    if kind in _TYPE_WORDS:
        return f"expected {_TYPE_WORDS[kind]}, got {given!r}"
    if kind == "literal_error":
        return f"expected one of {ctx.get('expected', '?')}, got {given!r}"
    if kind == "string_pattern_mismatch":
        return f"expected an id (lowercase letters, digits, _; a letter first), got {given!r}"
    if kind == "greater_than_equal":
        return f"must be at least {ctx['ge']}, got {given!r}"
    if kind == "less_than_equal":
        return f"must be at most {ctx['le']}, got {given!r}"
    if kind == "greater_than":
        return f"must be greater than {ctx['gt']}, got {given!r}"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length', 1)} entry"
    message = str(error["msg"])
    return _lower_first(message.removeprefix("Value error, "))


def _walk(annotation: Any, loc: Loc) -> Any:
    """The annotation found by following ``loc`` into nested models, lists and dicts."""
    for part in loc:
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation, origin = args[0], typing.get_origin(args[0])
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
            origin = typing.get_origin(annotation)
        if origin is list and isinstance(part, int):
            annotation = typing.get_args(annotation)[0]
        elif origin is dict:
            annotation = typing.get_args(annotation)[1]
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            if field is None:
                return None
            annotation = field.annotation
        else:
            return None
    return annotation


def _model_at(root: type[BaseModel], loc: Loc) -> Any:
    annotation = _walk(root, loc)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
    return annotation


def _fields_at(root: type[BaseModel], loc: Loc) -> list[str]:
    model = _model_at(root, loc)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


# -- playbooks ---------------------------------------------------------------


def check_playbook_file(path: Path) -> tuple[PlaybookSpec | None, list[Problem]]:
    """Read and validate one playbook file.

    Returns:
        The playbook (with its conditions compiled) if it is valid, else
        ``None``; and every problem found.
    """
    file = _File(path)
    data = file.read()
    if data is None:
        return None, file.problems
    spec = file.model(PlaybookSpec, data)
    if spec is None:
        return None, file.problems
    _check_playbook(spec, file)
    # In file order, as an editor walks them (sort is stable: same line keeps finding order).
    problems = sorted(file.problems, key=lambda p: p.line)
    return (None if problems else spec), problems


def _check_playbook(spec: PlaybookSpec, file: _File) -> None:
    if spec.id != file.path.stem:
        file.add(("id",), f"id {spec.id!r} does not match the file name {file.path.name!r}")
    questions = {}
    for i, question in enumerate(spec.questions):
        if question.id in questions:
            file.add(("questions", i, "id"), f"duplicate question id {question.id!r}")
        questions.setdefault(question.id, question)
        _duplicates(file, ("questions", i, "choices"), [c.id for c in question.choices], "choice")
    _duplicates(file, ("advice",), [a.id for a in spec.advice], "advice")
    _duplicates(file, ("deadlines",), [d.id for d in spec.deadlines], "deadline")

    rules: list[tuple[Loc, Any]] = [(("advice", i), a) for i, a in enumerate(spec.advice)]
    rules += [(("dispatch", i), r) for i, r in enumerate(spec.dispatch)]
    rules += [(("priority", "rules", i), r) for i, r in enumerate(spec.priority.rules)]
    for loc, rule in rules:
        if rule.when is None:
            continue
        try:
            rule._condition = compile_condition(rule.when, questions)
        except ConditionError as exc:
            file.add((*loc, "when"), str(exc))

    services = ", ".join(s.value for s in Service)
    for i, rule in enumerate(spec.dispatch):
        if rule.service not in {s.value for s in Service}:
            file.add(("dispatch", i, "service"),
                     f"unknown service {rule.service!r} (one of {services})")

    for qid, (qtype, choices) in CANONICAL.get(spec.id, {}).items():
        question = questions.get(qid)
        where = ("questions", spec.questions.index(question)) if question else ("questions",)
        if question is None:
            file.add(where, f"missing canonical question {qid!r} ({qtype})")
        elif question.type != qtype:
            file.add((*where, "type"), f"canonical question {qid!r} must be {qtype}")
        elif missing := [c for c in choices if c not in question.choice_ids()]:
            file.add((*where, "choices"),
                     f"canonical question {qid!r} lacks choice(s) {', '.join(missing)}")
    _check_words(spec, file)
    advice_ids = {a.id for a in spec.advice}
    for aid in ROAD_ADVICE.get(spec.id, ()):
        if aid not in advice_ids:
            file.add(("advice",), f"missing safety advice {aid!r} (every road playbook gives it)")


def _listed_phrases(spec: PlaybookSpec) -> list[tuple[Loc, str]]:
    """Every phrase of a playbook with where it is written."""
    out: list[tuple[Loc, str]] = []
    for lang in ("en", "zh"):
        out += [(("words", lang, i), p) for i, p in enumerate(getattr(spec.words, lang))]
        for g, group in enumerate(spec.words.groups):
            out += [(("words", "groups", g, lang, i), p)
                    for i, p in enumerate(getattr(group, lang))]
        out += [(("strong_words", lang, i), p)
                for i, p in enumerate(getattr(spec.strong_words, lang))]
        for q, question in enumerate(spec.questions):
            for c, choice in enumerate(question.choices):
                out += [(("questions", q, "choices", c, "words", lang, i), p)
                        for i, p in enumerate(getattr(choice.words, lang))]
    return out


def _check_words(spec: PlaybookSpec, file: _File) -> None:
    """A phrase listed twice would count at whichever weight came first; a negator that is
    also a phrase would deny what it says.  Both are mistakes, named with both places."""
    from dispatch.playbook.wordscan import prepare_phrase

    seen: dict[str, Loc] = {}
    for loc, phrase in _listed_phrases(spec):
        folded = prepare_phrase(phrase)
        if folded in seen:
            file.add(loc, f"phrase {phrase!r} is listed twice (also at {format_loc(seen[folded])})")
        seen.setdefault(folded, loc)
    for lang in ("en", "zh"):
        for i, negator in enumerate(getattr(spec.words.negators, lang)):
            folded = prepare_phrase(negator)
            if folded in seen:
                where = format_loc(seen[folded])
                file.add(("words", "negators", lang, i),
                         f"negator {negator!r} is also a listed phrase (at {where})")


def _duplicates(file: _File, loc: Loc, ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for i, ident in enumerate(ids):
        if ident in seen:
            file.add((*loc, i, "id"), f"duplicate {what} id {ident!r}")
        seen.add(ident)


def playbook_files(folder: Path) -> list[Path]:
    """The playbook files of ``folder``, sorted (:data:`NOT_PLAYBOOKS` and sub-folders left out).

    Raises:
        PlaybookError: The folder does not exist.
    """
    if not folder.is_dir():
        raise PlaybookError(f"{folder}: no such playbook folder")
    return sorted(p for p in folder.glob("*.toml") if p.name not in NOT_PLAYBOOKS and p.is_file())


def check_folder(folder: Path) -> tuple[list[PlaybookSpec], list[Problem]]:
    """Validate every playbook file of ``folder``.

    Returns:
        The valid playbooks and every problem of the invalid ones.
    """
    specs: list[PlaybookSpec] = []
    problems: list[Problem] = []
    for path in playbook_files(folder):
        spec, found = check_playbook_file(path)
        problems += found
        if spec is not None:
            specs.append(spec)
    if not specs and not problems:
        problems.append(Problem(str(folder), 1, "(folder)", "no playbook files (*.toml)"))
    return specs, problems


def load_specs(folder: Path) -> list[PlaybookSpec]:
    """Load every playbook of ``folder``, or raise on the first invalid one.

    Raises:
        PlaybookValidationError: Any file is invalid (carrying all the problems).
    """
    specs, problems = check_folder(folder)
    if problems:
        raise PlaybookValidationError(problems)
    return specs


# -- service language --------------------------------------------------------


def check_service_file(path: Path) -> tuple[ServiceSpec | None, list[Problem]]:
    """Read and validate a service-language file (``service.toml``)."""
    from dispatch.playbook.schema import PLACEHOLDERS

    file = _File(path)
    data = file.read()
    if data is None:
        return None, file.problems
    spec = file.model(ServiceSpec, data)
    if spec is None:
        return None, file.problems
    _duplicates(file, ("forbidden",), [f.id for f in spec.forbidden], "forbidden phrase")
    for key, text in spec.phrases.items():
        for lang in ("en", "zh"):
            for name in re.findall(r"\{([^{}]*)\}", text.get(lang)):
                if name not in PLACEHOLDERS:
                    file.add(("phrases", key, lang),
                             f"unknown placeholder {{{name}}} (allowed: {', '.join(PLACEHOLDERS)})")
    return (None if file.problems else spec), file.problems
