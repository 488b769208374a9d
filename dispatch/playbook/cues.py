"""The shape of ``playbooks/answers.toml``: the words that already answer a question.

Callers often answer before they are asked ("三辆车追尾，有两个人受伤，没有起火").
The answers file says, per question id (shared by every playbook that asks it,
or only the playbooks listed), which words give which answer:

* ``words`` with ``value``: the phrases give that answer (``人没事`` → ``injured = 0``);
  with ``negated``: the phrases denied by a negator give that one (``没有起火`` →
  ``fire = false``).  A cue with neither value nor negated only *affirms* — its
  words say the answer is not "no" (``someone is hurt``), which stops a "no" elsewhere
  from being suggested.
* ``count``: templates for int questions, ``{n}`` standing for a number in digits or
  words (``{n}*受伤``, ``{n} * hurt``); ``*`` is a short gap of filler words.
* ``tally``: kinds of a thing; the number of kinds named is the count (``a lorry went
  into the back of a van`` → ``vehicles = 2``).
* ``unless``: phrases that cancel a hit they overlap (``stuck in traffic`` is not trapped).

Validated as strictly as the playbooks (``file:line: key: what is wrong``), and
against them: every question named exists, every value fits its question's type.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

from pydantic import Field, model_validator

from dispatch.playbook.load import Problem, _File
from dispatch.playbook.schema import Id, PlaybookSpec, Question, Words, _Model
from dispatch.playbook.urgency import Window

ANSWERS_FILE = "answers.toml"
Value = bool | int | str


class Gaps(_Model):
    """What a ``*`` in a count template may stand for."""

    en: list[str] = Field(default_factory=list)
    en_max: Annotated[int, Field(ge=0, le=6)] = 3
    zh_max: Annotated[int, Field(ge=0, le=6)] = 3
    #: Characters a Chinese gap may not hold (besides numerals and negators).
    zh_not: str = ""


class Cue(_Model):
    """Words (or count templates) that answer a question."""

    words: Words = Words()
    count: Words = Words()
    #: Kinds of a thing ("lorry|truck", "小车|轿车"): the number of kinds named is the count,
    #: given when it is at least ``at_least`` ("a lorry went into the back of a van" → 2).
    tally: Words = Words()
    at_least: Annotated[int, Field(ge=1)] = 2
    #: A count of one reads as the article "a" (一辆车, one car: a car): no count.
    one_is_article: bool = False
    value: Value | None = None
    negated: Value | None = None
    unless: Words = Words()
    #: English filler words a ``*`` may stand for here (default: the file's ``[gaps]``).
    fillers: list[str] | None = None

    @model_validator(mode="after")
    def _shape(self) -> Cue:
        given = [k for k in ("words", "count", "tally") if getattr(self, k).all()]
        if len(given) != 1:
            raise ValueError("a cue has one of words, count or tally"
                             + (f", not {' and '.join(given)}" if given else ""))
        for _, template in self.count.all():
            if template.count("{n}") != 1:
                raise ValueError(f"a count template needs one {{n}}: {template!r}")
        if (self.count.all() or self.tally.all()) and (
                self.value is not None or self.negated is not None):
            raise ValueError("a count or tally cue gives the number it reads, not a value")
        for _, phrase in [*self.words.all(), *self.tally.all()]:
            if "{" in phrase or "*" in phrase:
                raise ValueError(f"{{n}} and * belong to count templates: {phrase!r}")
        return self


class AnswerRule(_Model):
    """The cues of one question id (or several alike: ``fire`` and ``smoke``)."""

    questions: list[Id] = Field(min_length=1)
    playbooks: list[Id] = Field(default_factory=list)
    #: Phrases that cancel any hit they overlap, the choices' own words too
    #: (``发动机冒烟`` names the engine but says nothing of the fault).
    unless: Words = Words()
    cues: list[Cue] = Field(min_length=1)


class AnswersSpec(_Model):
    """The answers file, as written."""

    version: Annotated[int, Field(ge=1)]
    window: Window = Window()
    negators: Words
    #: Words that make a clause a question or a doubt ("不知道有没有起火"): no answer from it.
    doubt: Words = Words()
    #: Words that end a clause, besides punctuation ("but", "但是").
    breaks: Words = Words()
    gaps: Gaps = Gaps()
    answers: list[AnswerRule] = Field(min_length=1)


def fits(question: Question, value: Value) -> bool:
    """Whether ``value`` is a valid answer of ``question`` (exact type, bounds, choice)."""
    if question.type == "bool":
        return isinstance(value, bool)
    if question.type == "int":
        return (isinstance(value, int) and not isinstance(value, bool)
                and value >= question.lowest and (question.max is None or value <= question.max))
    if question.type == "choice":
        return isinstance(value, str) and value in question.choice_ids()
    return False


def check_answers_file(
    path: Path, specs: Iterable[PlaybookSpec]
) -> tuple[AnswersSpec | None, list[Problem]]:
    """Read and validate an answers file against the playbooks it answers for."""
    file = _File(path)
    data = file.read()
    if data is None:
        return None, file.problems
    spec = file.model(AnswersSpec, data)
    if spec is None:
        return None, file.problems
    by_id = {s.id: s for s in specs}
    for i, rule in enumerate(spec.answers):
        for name in rule.playbooks:
            if name not in by_id:
                file.add(("answers", i, "playbooks"),
                         f"no playbook {name!r} (playbooks: {', '.join(by_id)})")
        chosen = [by_id[p] for p in rule.playbooks if p in by_id] or list(by_id.values())
        for qid in rule.questions:
            asked = [(s.id, q) for s in chosen if (q := s.question(qid)) is not None]
            if not asked:
                file.add(("answers", i, "questions"), f"no playbook asks {qid!r}")
            for pid, question in asked:
                _check_cues(file, i, rule, pid, question)
    return (None if file.problems else spec), sorted(file.problems, key=lambda p: p.line)


def _check_cues(file: _File, i: int, rule: AnswerRule, pid: str, question: Question) -> None:
    if question.type == "text":
        file.add(("answers", i, "questions"),
                 f"{pid}.{question.id} is a text question: words cannot answer it")
        return
    for j, cue in enumerate(rule.cues):
        for key in ("count", "tally"):
            if getattr(cue, key).all() and question.type != "int":
                file.add(("answers", i, "cues", j, key),
                         f"{key} cues answer int questions; {pid}.{question.id} is "
                         f"{question.type}")
        for key in ("value", "negated"):
            value = getattr(cue, key)
            if value is not None and not fits(question, value):
                expected = (", ".join(question.choice_ids()) if question.type == "choice"
                            else question.type)
                file.add(("answers", i, "cues", j, key),
                         f"{value!r} does not answer {pid}.{question.id} ({expected})")
